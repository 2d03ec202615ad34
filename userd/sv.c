/* sv: report and control services supervised by runsv, as runit's sv(8).
 *
 * For each service sv changes into its directory (a name is looked up in
 * $SVDIR, a path is taken as it is), reads supervise/status (and ward's
 * supervise/ward), writes the command's bytes to supervise/control, and, when
 * told to wait, polls until the command took effect or the time is up.
 * Messages and exit codes are runit's; see docs/man/sv.8 for where and why
 * ward differs.  What the command line means and how a status line reads is
 * in common/svcmd.c.  */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "status.h"
#include "svcmd.h"

#define POLL_NS 100000000L  /* 0.1 s between checks while waiting */

extern char **environ;

static struct svcmd cmd;
static char svdir[4096];
static const char *cur;          /* the service being worked on */
static int islog;                /* ... or rather its log */
static unsigned rc;              /* services that failed */
static int curdir = -1;
static int away;                 /* the cwd is not curdir */
static struct timespec tstart, tnow;
static char lasterr[256];        /* the last message, for -j */
static int helper;               /* a forked helper of a long status (see split) */

#define HELPER_STOP 111          /* a helper's exit when it stops early */

static void finish(int code)
{
	fflush(stdout);
	exit(code);
}

/* before anything goes to stderr: what went to stdout comes first.  A
 * helper's lines are printed later, in their turn, so it cannot keep that
 * order: it stops, and sv does the services it left in their turn (see
 * split). */
static void stderr_ahead(void)
{
	fflush(stdout);
	if (helper)
		_exit(HELPER_STOP);
}

static void fatal(const char *msg)
{
	stderr_ahead();
	fprintf(stderr, "fatal: %s: %s\n", msg, svcmd_errstr(errno));
	finish(cmd.lsb ? SVCMD_EXIT_LSB_FATAL : SVCMD_EXIT_FATAL);
}

/* "PREFIXNAME[/log]: MSG[: error]" on stdout, or kept for the JSON object */
static void out(const char *prefix, const char *msg, int errnum)
{
	if (errnum)
		snprintf(lasterr, sizeof lasterr, "%s: %s", msg, svcmd_errstr(errnum));
	else
		snprintf(lasterr, sizeof lasterr, "%s", msg);
	if (cmd.json)
		return;
	printf("%s%s%s: %s\n", prefix, cur, islog ? "/log" : "", lasterr);
}

static void fail(const char *msg, int errnum)
{
	rc++;
	out("fail: ", msg, errnum);
}

static void warn(const char *msg, int errnum)
{
	rc++;
	out("warning: ", msg, errnum);
}

/* runit's warnings about ./check and ./down go to stderr, unprefixed */
static void warn_file(const char *what, const char *file, int errnum)
{
	stderr_ahead();
	fprintf(stderr, "warning: %s%s%s/%s: %s\n", what, cur, islog ? "/log" : "", file,
		svcmd_errstr(errnum));
}

/* Into a service's directory: a name is looked up in $SVDIR, in one chdir.
 * sv goes back to where it started only before a relative path, so a list
 * of absolute ones costs one chdir each (runit's sv: two). */
static int enter(const char *name)
{
	char path[sizeof svdir + 4096];
	const char *to = name;

	if (svcmd_is_name(name)) {
		if (snprintf(path, sizeof path, "%s/%s", svdir, name) >= (int)sizeof path) {
			errno = ENAMETOOLONG;
			return -1;
		}
		to = path;
	}
	if (to[0] != '/' && away && fchdir(curdir) < 0)
		fatal("unable to change to original directory");
	away = 1;
	return chdir(to);
}

/* The files sv reads for a status are closed in batches (close_range), not
 * one by one: three close(2) a service were a fifth of its system calls.
 * Only fds above fd_keep are held, at most FD_BATCH of them. */
#define FD_BATCH 32
static int fd_keep;              /* the highest fd sv keeps: curdir, or a memfd */
static int fd_high;              /* the highest fd held, fd_keep if none */

static void fds_release(void)
{
	int fd;

	if (fd_high <= fd_keep)
		return;
	if (close_range((unsigned)fd_keep + 1, (unsigned)fd_high, 0) < 0)
		for (fd = fd_keep + 1; fd <= fd_high; fd++)
			close(fd);
	fd_high = fd_keep;
}

static void fd_done(int fd)
{
	if (fd <= fd_keep) {
		close(fd);  /* below: a standard fd was closed when sv started */
		return;
	}
	if (fd > fd_high)
		fd_high = fd;
	if (fd_high - fd_keep >= FD_BATCH)
		fds_release();
}

static int open_file(const char *path, int flags)
{
	int fd = open(path, flags | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 && errno == EMFILE && fd_high > fd_keep) {
		fds_release();
		fd = open(path, flags | O_NONBLOCK | O_CLOEXEC);
	}
	return fd;
}

/* One read: the files read here are small and replaced whole by rename,
 * so a short count is their end (no second read to see the end of file). */
static ssize_t read_once(int fd, unsigned char *buf, size_t size)
{
	ssize_t r;

	do
		r = read(fd, buf, size);
	while (r < 0 && errno == EINTR);
	return r;
}

/* whether anything sv shows depends on supervise/ward: a status line only
 * shows readiness, the STATUS= text and a backoff (JSON shows the starts) */
static int extra_shown(const struct svextra *x)
{
	return cmd.json || !svextra_quiet(x);
}

/* supervise/ward counts only if it decodes and its runsv is alive: a file
 * left behind by another supervisor must not dress up runit's status. */
static void read_extra(struct svview *v)
{
	unsigned char buf[SVEXTRA_SIZE + 1];
	ssize_t n;
	int fd;

	/* a status line needs it only when runsv marked it whole (status.h) */
	if (!cmd.json && !svstatus_marked(&v->st))
		return;
	fd = open_file("supervise/ward", O_RDONLY);
	if (fd < 0)
		return;
	n = read_once(fd, buf, sizeof buf);
	fd_done(fd);
	if (n < 0)
		return;
	if (svextra_decode(buf, (size_t)n, &v->x) < 0) {
		stderr_ahead();
		fprintf(stderr, "warning: %s%s: ignoring supervise/ward: bad format\n", cur,
			islog ? "/log" : "");
		return;
	}
	if (!extra_shown(&v->x))
		return;  /* the same output either way: spare the check */
	if (v->x.runsv_pid > 0 && (kill(v->x.runsv_pid, 0) == 0 || errno == EPERM))
		v->have_extra = 1;
}

static int read_status(struct svview *v)
{
	unsigned char buf[SVSTATUS_SIZE + 1];
	ssize_t n;
	int fd, e;

	fd = open_file("supervise/status", O_RDONLY);
	if (fd < 0) {
		warn("unable to open supervise/status", errno);
		return -1;
	}
	n = read_once(fd, buf, sizeof buf);
	e = errno;
	fd_done(fd);
	if (n < 0) {
		warn("unable to read supervise/status", e);
		return -1;
	}
	if (svstatus_decode(buf, (size_t)n, &v->st) < 0) {
		warn("unable to read supervise/status: bad format", 0);
		return -1;
	}
	return 1;
}

/* runit's svstatus_get: 1 read, 0 runsv not running, -1 error (counted) */
static int read_view(struct svview *v)
{
	struct stat s;
	int fd;

	memset(v, 0, sizeof *v);
	fd = open_file("supervise/ok", O_WRONLY);
	if (fd < 0 && errno == ENXIO) {
		if (cmd.acts[0] == 'x')
			out("ok: ", "runsv not running", 0);
		else
			fail("runsv not running", 0);
		return 0;
	}
	if (fd < 0) {
		warn("unable to open supervise/ok", errno);
		return -1;
	}
	fd_done(fd);
	if (read_status(v) < 0)
		return -1;
	v->normally_up = stat("down", &s) < 0;
	if (v->normally_up && errno != ENOENT)
		warn_file("unable to stat ", "down", errno);
	read_extra(v);
	return 1;
}

static void print_status(const char *prefix, const char *name, const struct svview *v,
			 const char *end)
{
	struct svbuf b = { 0 };

	svbuf_add(&b, prefix);
	svcmd_fmt_status(&b, name, v, &tnow);
	svbuf_add(&b, end);
	if (!b.failed)
		fputs(b.p, stdout);
	svbuf_free(&b);
}

static void status_log(void)
{
	struct svview v;

	islog = 1;
	if (chdir("log") < 0) {
		if (errno == ENOENT) {
			fputs("\n", stdout);
		} else {
			fputs("; ", stdout);
			warn("unable to change directory", errno);
		}
	} else {
		fputs("; ", stdout);
		if (read_view(&v) > 0)
			print_status("", "log", &v, "\n");
	}
	islog = 0;
}

/* Unlike runit's sv, an LSB status exits by the service's own state, not its
 * log's (see sv.8). */
static void status(void)
{
	struct svview v;
	int r;

	r = read_view(&v);
	if (r < 0 && cmd.lsb)
		finish(4);
	if (r <= 0)
		return;
	print_status("", cur, &v, "");
	status_log();
	if (cmd.lsb)
		finish(v.st.pid ? 0 : 3);
}

static void json_error(struct svbuf *b)
{
	svbuf_add(b, "\"state\":\"unknown\",\"error\":");
	svbuf_quote(b, lasterr, strlen(lasterr), 1);
}

static void json_log(struct svbuf *b)
{
	struct svview v;
	int r = -1;

	islog = 1;
	svbuf_add(b, ",\"log\":");
	if (chdir("log") < 0) {
		if (errno == ENOENT) {
			svbuf_add(b, "null");
			islog = 0;
			return;
		}
		warn("unable to change directory", errno);
	} else {
		r = read_view(&v);
	}
	svbuf_add(b, "{");
	if (r > 0)
		svcmd_fmt_json(b, &v, &tnow);
	else
		json_error(b);
	svbuf_add(b, "}");
	islog = 0;
}

/* one line, one object: {"name":..., "state":..., ..., "log":{...}|null} */
static void status_json(int entered)
{
	struct svbuf b = { 0 };
	struct svview v;
	int r = 0;

	svbuf_add(&b, "{\"name\":");
	svbuf_quote(&b, cur, strlen(cur), 1);
	svbuf_add(&b, ",");
	if (entered)
		r = read_view(&v);
	if (r > 0) {
		svcmd_fmt_json(&b, &v, &tnow);
		json_log(&b);
	} else {
		json_error(&b);
		svbuf_add(&b, ",\"log\":null");
	}
	svbuf_add(&b, "}\n");
	if (!b.failed)
		fputs(b.p, stdout);
	svbuf_free(&b);
	if (cmd.lsb && entered)
		finish(r < 0 ? 4 : r == 0 ? 1 : v.st.pid ? 0 : 3);
}

/* runit's control(): 1 sent, 0 nothing to send, -1 error (counted) */
static int control(const char *acts)
{
	struct svview v;
	size_t n = strlen(acts);
	ssize_t w;
	int fd;

	if (read_view(&v) <= 0)
		return -1;
	/* already wanted so; "down" after "once" still sends its TERM, and
	 * "up" of a service that is not running ends a backoff wait */
	if (v.st.want == acts[0] && (acts[0] != 'd' || v.st.got_term) &&
	    (acts[0] != 'u' || v.st.state == SV_RUN))
		return 0;
	fd = open("supervise/control", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENXIO) {
		if (cmd.acts[0] == 'x')
			out("ok: ", "runsv not running", 0);
		else
			fail("runsv not running", 0);
		return -1;
	}
	if (fd < 0) {
		warn("unable to open supervise/control", errno);
		return -1;
	}
	w = write(fd, acts, n);
	close(fd);
	if (w != (ssize_t)n) {
		warn("unable to write to supervise/control", w < 0 ? errno : 0);
		return -1;
	}
	return 1;
}

static void check_child(void)
{
	char *argv[] = { "./check", NULL };
	int fd = open("/dev/null", O_WRONLY);

	/* runit closes stdout; /dev/null keeps fd 1 from being reused */
	if (fd >= 0 && fd != 1) {
		dup2(fd, 1);
		close(fd);
	}
	execve("check", argv, environ);
	warn_file("unable to run ", "check", errno);
	_exit(127);
}

/* ./check decides whether a running service is available: exit 0 = yes */
static int checkscript(void)
{
	struct stat s;
	pid_t pid;
	int w;

	if (stat("check", &s) < 0) {
		if (errno == ENOENT)
			return 1;
		warn_file("unable to stat ", "check", errno);
		return 0;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		warn_file("unable to fork for ", "check", errno);
		return 0;
	}
	if (pid == 0)
		check_child();
	while (waitpid(pid, &w, 0) < 0) {
		if (errno == EINTR)
			continue;
		warn_file("unable to wait for child ", "check", errno);
		return 0;
	}
	return WIFEXITED(w) && WEXITSTATUS(w) == 0;
}

static int before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static int up_and_available(const struct svview *v)
{
	return svcmd_ready(v) && checkscript();
}

/* Has this letter of the command taken effect? */
static int letter_done(char a, const struct svview *v)
{
	const struct svstatus *st = &v->st;

	switch (a) {
	case 'x': return 0; /* runsv still answers */
	case 'u': return st->pid && st->state == SV_RUN && up_and_available(v);
	case 'd': return !st->pid && st->state == SV_DOWN;
	case 'C': return !st->pid || up_and_available(v);
	case 't':
	case 'k':
		if (!st->pid && st->want == 'd')
			return 1;
		/* a run that began after sv did */
		return !before(&st->since, &tstart) && st->pid && !st->got_term &&
		       up_and_available(v);
	case 'o': return !((!st->pid && before(&st->since, &tstart)) ||
			   (st->pid && st->want != 'd'));
	case 'p': return !st->pid || st->paused;
	case 'c': return !st->pid || !st->paused;
	}
	return 1;
}

/* runit's check(): 1 done (prints "ok: ..."), 0 not yet, -1 error */
static int check(const char *acts)
{
	struct svview v;
	int r = read_view(&v);

	if (r < 0)
		return -1;
	if (r == 0)
		return acts[0] == 'x' ? 1 : -1;
	for (; *acts; acts++)
		if (!letter_done(*acts, &v))
			return 0;
	print_status("ok: ", cur, &v, "\n");
	return 1;
}

static void timed_out(void)
{
	struct svview v;

	if (read_view(&v) > 0) {
		print_status(cmd.kill ? "kill: " : "timeout: ", cur, &v, "\n");
		rc++;
	}
	if (cmd.kill)
		control("k");
}

static double elapsed(void)
{
	return (double)(tnow.tv_sec - tstart.tv_sec) + (tnow.tv_nsec - tstart.tv_nsec) / 1e9;
}

/* One round over the services still waited for; returns how many remain. */
static int wait_round(char *alive)
{
	double spent = elapsed();
	int i, left = 0;

	for (i = 0; i < cmd.nservices; i++) {
		if (!alive[i])
			continue;
		cur = cmd.services[i];
		if (enter(cur) < 0) {
			fail("unable to change to service directory", errno);
			alive[i] = 0;
		} else if (check(cmd.acts) != 0) {
			alive[i] = 0;
		} else if (spent > (double)cmd.wait) {
			timed_out();
			alive[i] = 0;
		} else {
			left++;
		}
	}
	return left;
}

static void wait_all(char *alive)
{
	struct timespec pause = { 0, POLL_NS };

	while (wait_round(alive) > 0) {
		fflush(stdout);  /* what a round found, before sleeping */
		nanosleep(&pause, NULL);
		clock_gettime(CLOCK_REALTIME, &tnow);
	}
}

static void usage(int code)
{
	char line[256];

	if (cmd.version)
		fprintf(stderr, "sv (ward)\n");
	if (cmd.error[0])
		fprintf(stderr, "%s: %s\n", cmd.prog, cmd.error);
	svcmd_usage(&cmd, line, sizeof line);
	fprintf(stderr, "%s\n\n", line);
	exit(code);
}

/* Sends the command to (or reads the status of) one service; returns
 * whether sv is to wait for it. */
static int act_on(const char *name)
{
	int entered, wanted = 0;

	cur = name;
	entered = enter(name) == 0;
	if (!entered)
		fail("unable to change to service directory", errno);
	if (cmd.json)
		status_json(entered);
	else if (entered && cmd.status)
		status();
	else if (entered)
		wanted = !cmd.send || control(cmd.acts) != -1;
	return wanted;
}

static void act_range(int lo, int hi)
{
	int i;

	for (i = lo; i < hi; i++)
		act_on(cmd.services[i]);
}

/* A status of many services is shared among the CPUs sv may run on: one
 * forked helper a CPU takes CHUNK services at a time, until none are left
 * (so a helper on a busy CPU simply does fewer), and writes their lines to
 * a memfd of its own.  Then sv prints the chunks in order, so the output is
 * the same, byte for byte, as one process's.  A status only reads, so a
 * chunk no helper finished (a helper failed, or gave up: see stderr_ahead)
 * is simply done by sv, in its place. */
#define SPLIT_MIN 128  /* services a helper, below which a fork costs more */
#define SPLIT_MAX 8
#define CHUNK 32

struct chunk {                 /* in memory shared with the helpers */
	int done;              /* set last, when the rest is written */
	int owner;             /* the helper that did it */
	unsigned failed;       /* what it added to rc */
	off_t off, len;        /* its lines in the owner's memfd */
};

struct board {
	int next;              /* the next chunk to take */
	struct chunk c[];
};

struct share {
	int fd;                /* the helper's stdout, -1 if none */
	pid_t pid;             /* the helper, -1 if none */
	unsigned char *out;    /* its memfd, mapped once it exited */
	size_t size;
};

static int helpers_wanted(void)
{
	cpu_set_t cpus;
	int n = 1, k;

	if (!(cmd.status || cmd.json) || cmd.lsb || cmd.check)
		return 1;
	if (sched_getaffinity(0, sizeof cpus, &cpus) == 0)
		n = CPU_COUNT(&cpus);
	k = cmd.nservices / SPLIT_MIN;
	if (k > n)
		k = n;
	return k < 1 ? 1 : k > SPLIT_MAX ? SPLIT_MAX : k;
}

static int nchunks(void)
{
	return (cmd.nservices + CHUNK - 1) / CHUNK;
}

static void chunk_act(int c)
{
	int hi = (c + 1) * CHUNK;

	act_range(c * CHUNK, hi < cmd.nservices ? hi : cmd.nservices);
}

static void helper_run(struct board *bd, int me, int fd)
{
	struct chunk *ch;
	unsigned before;
	off_t off = 0, end;
	int c;

	helper = 1;
	if (dup2(fd, 1) < 0)
		_exit(HELPER_STOP);
	while ((c = __atomic_fetch_add(&bd->next, 1, __ATOMIC_RELAXED)) < nchunks()) {
		ch = &bd->c[c];
		before = rc;
		chunk_act(c);
		if (fflush(stdout) != 0 || (end = lseek(1, 0, SEEK_CUR)) < 0)
			_exit(HELPER_STOP);
		ch->owner = me;
		ch->failed = rc - before;
		ch->off = off;
		ch->len = end - off;
		__atomic_store_n(&ch->done, 1, __ATOMIC_RELEASE);
		off = end;
	}
	_exit(0);
}

static void share_collect(struct share *s)
{
	struct stat st;
	void *p;

	while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (fstat(s->fd, &st) < 0 || st.st_size <= 0)
		return;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, s->fd, 0);
	if (p == MAP_FAILED)
		return;
	s->out = p;
	s->size = (size_t)st.st_size;
}

/* each chunk in order: a helper's lines, or done here and now */
static void chunks_print(const struct board *bd, const struct share *sh, int k)
{
	const struct chunk *ch;
	const struct share *s;
	int c;

	for (c = 0; c < nchunks(); c++) {
		ch = &bd->c[c];
		s = __atomic_load_n(&ch->done, __ATOMIC_ACQUIRE) && ch->owner >= 0 &&
		    ch->owner < k ? &sh[ch->owner] : NULL;
		if (s && s->out && ch->off >= 0 && ch->len >= 0 &&
		    (size_t)(ch->off + ch->len) <= s->size) {
			fwrite(s->out + ch->off, 1, (size_t)ch->len, stdout);
			rc += ch->failed;
		} else {
			chunk_act(c);
		}
	}
}

static void split(int k)
{
	struct share sh[SPLIT_MAX];
	size_t size = sizeof(struct board) + (size_t)nchunks() * sizeof(struct chunk);
	struct board *bd;
	int i;

	bd = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (bd == MAP_FAILED) {
		act_range(0, cmd.nservices);
		return;
	}
	fflush(stdout);  /* nothing buffered is copied into the helpers */
	for (i = 0; i < k; i++) {
		sh[i] = (struct share){ .fd = memfd_create("sv-share", MFD_CLOEXEC), .pid = -1 };
		if (sh[i].fd > fd_keep)
			fd_keep = fd_high = sh[i].fd;  /* not closed with the files read */
	}
	for (i = 0; i < k; i++)
		if (sh[i].fd >= 0 && (sh[i].pid = fork()) == 0)
			helper_run(bd, i, sh[i].fd);
	for (i = 0; i < k; i++)
		if (sh[i].pid > 0)
			share_collect(&sh[i]);
	chunks_print(bd, sh, k);
	for (i = 0; i < k; i++) {
		if (sh[i].out)
			munmap(sh[i].out, sh[i].size);
		if (sh[i].fd >= 0)
			close(sh[i].fd);
	}
	munmap(bd, size);
}

int main(int argc, char **argv)
{
	const char *env;
	char *alive;
	int i, code, k;

	code = svcmd_parse(&cmd, argc, argv, getenv("SVWAIT"));
	if (code)
		usage(code);
	env = getenv("SVDIR");
	if (env && *env)
		snprintf(svdir, sizeof svdir, "%s", env);
	else
		svcmd_default_svdir(svdir, sizeof svdir, (unsigned)getuid(), getenv("HOME"));
	clock_gettime(CLOCK_REALTIME, &tnow);
	tstart = tnow;
	curdir = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (curdir < 0)
		fatal("unable to open current directory");
	fd_keep = fd_high = curdir;
	k = helpers_wanted();
	if (k > 1) {
		split(k);
		finish(rc > 99 ? 99 : (int)rc);
	}
	alive = calloc((size_t)cmd.nservices, 1);
	if (!alive)
		fatal("unable to allocate memory");
	for (i = 0; i < cmd.nservices; i++)
		alive[i] = (char)act_on(cmd.services[i]);
	if (cmd.check)
		wait_all(alive);
	free(alive);
	finish(rc > 99 ? 99 : (int)rc);
}
