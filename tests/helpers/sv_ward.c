/* sv_ward DIR FIELD=VALUE...: writes DIR/supervise/ward the way ward's runsv
 * does (svextra_encode, atomic rename), so sv's readiness and backoff output
 * can be tested against a runsv that does not write it (Debian's).
 * Fields: runsv=PID ready=none|wait|yes ready_ago=SEC text=STRING
 *         backoff_ms=N next_in=SEC starts=N
 * With any of state=down|run|finish pid=N want=u|d since_ago=SEC it also
 * writes supervise/status (svstatus_encode), for states a real runsv only
 * passes through; without, it marks the status that is there as ward's
 * runsv does (a whole ward: odd nanoseconds, see status.h), until its
 * runsv writes it again.  Times are relative to now.  Exit 100 on a bad
 * argument, 111 on failure. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fs.h"
#include "status.h"

static long number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end)
		err_fatal(EXIT_USAGE, "not a number: %s", s);
	return v;
}

static int ready_word(const char *s)
{
	if (strcmp(s, "none") == 0)
		return SVREADY_NONE;
	if (strcmp(s, "wait") == 0)
		return SVREADY_WAIT;
	if (strcmp(s, "yes") == 0)
		return SVREADY_YES;
	err_fatal(EXIT_USAGE, "ready must be none, wait or yes: %s", s);
}

static int state_word(const char *s)
{
	if (strcmp(s, "down") == 0)
		return SV_DOWN;
	if (strcmp(s, "run") == 0)
		return SV_RUN;
	if (strcmp(s, "finish") == 0)
		return SV_FINISH;
	err_fatal(EXIT_USAGE, "state must be down, run or finish: %s", s);
}

static int with_status;

/* fields of supervise/status; returns 0 if arg is not one of them */
static int set_status(struct svstatus *st, const char *arg, const char *v, size_t n,
		      const struct timespec *now)
{
	if (n == 5 && strncmp(arg, "state", n) == 0)
		st->state = state_word(v);
	else if (n == 3 && strncmp(arg, "pid", n) == 0)
		st->pid = (pid_t)number(v);
	else if (n == 4 && strncmp(arg, "want", n) == 0)
		st->want = v[0];
	else if (n == 9 && strncmp(arg, "since_ago", n) == 0)
		st->since.tv_sec = now->tv_sec - number(v);
	else
		return 0;
	with_status = 1;
	return 1;
}

static void set_field(struct svextra *x, struct svstatus *st, const char *arg,
		      const struct timespec *now)
{
	const char *v = strchr(arg, '=');
	size_t n;

	if (!v)
		err_fatal(EXIT_USAGE, "expected FIELD=VALUE: %s", arg);
	n = (size_t)(v++ - arg);
	if (set_status(st, arg, v, n, now))
		return;
	if (n == 5 && strncmp(arg, "runsv", n) == 0)
		x->runsv_pid = (pid_t)number(v);
	else if (n == 5 && strncmp(arg, "ready", n) == 0)
		x->ready = ready_word(v);
	else if (n == 9 && strncmp(arg, "ready_ago", n) == 0)
		x->ready_at.tv_sec = now->tv_sec - number(v);
	else if (n == 4 && strncmp(arg, "text", n) == 0)
		strncpy(x->text, v, SVEXTRA_TEXT - 1);
	else if (n == 10 && strncmp(arg, "backoff_ms", n) == 0)
		x->backoff_ms = (uint32_t)number(v);
	else if (n == 7 && strncmp(arg, "next_in", n) == 0)
		x->next_start.tv_sec = now->tv_sec + number(v);
	else if (n == 6 && strncmp(arg, "starts", n) == 0)
		x->starts = (uint32_t)number(v);
	else
		err_fatal(EXIT_USAGE, "unknown field: %s", arg);
}

int main(int argc, char **argv)
{
	unsigned char buf[SVEXTRA_SIZE], sbuf[SVSTATUS_SIZE];
	struct svextra x;
	struct svstatus st = { .want = 'u' };
	struct timespec now;
	int i, dir;
	size_t len;

	err_init(argv[0]);
	if (argc < 2)
		err_fatal(EXIT_USAGE, "usage: sv_ward DIR FIELD=VALUE...");
	memset(&x, 0, sizeof x);
	clock_gettime(CLOCK_REALTIME, &now);
	x.ready_at = now;
	x.next_start = now;
	st.since = now;
	for (i = 2; i < argc; i++)
		set_field(&x, &st, argv[i], &now);
	len = svextra_encode(buf, &x);
	dir = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (dir < 0)
		err_fatal_sys(EXIT_TEMP, "unable to open %s", argv[1]);
	if (fs_write_atomic(dir, "supervise/ward", buf, len) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to write %s/supervise/ward", argv[1]);
	if (!with_status && (fs_read_file(dir, "supervise/status", sbuf, sizeof sbuf) != SVSTATUS_SIZE ||
			     svstatus_decode(sbuf, sizeof sbuf, &st) < 0))
		return 0;  /* no status to mark */
	svstatus_mark(&st, len == SVEXTRA_SIZE);
	svstatus_encode(sbuf, &st);
	if (fs_write_atomic(dir, "supervise/status", sbuf, sizeof sbuf) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to write %s/supervise/status", argv[1]);
	return 0;
}
