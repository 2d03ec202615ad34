#include "wardrow.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgstat.h"
#include "fs.h"
#include "status.h"

const char *wardrow_state_word(int64_t state)
{
	static const char *const word[] = { "unsupervised", "down", "up", "finishing", "backoff" };

	return state >= 0 && state <= WR_BACKOFF ? word[state] : "?";
}

/* a name as the table prints it: bytes outside '!'..'~' become '?' */
static void copy_name(char *out, const char *name)
{
	size_t i;

	for (i = 0; name[i] && i < WARDROW_NAME - 1; i++)
		out[i] = name[i] > ' ' && name[i] < 0x7f ? name[i] : '?';
	out[i] = '\0';
}

static int64_t secs_between(const struct timespec *from, const struct timespec *to)
{
	int64_t s = (int64_t)to->tv_sec - (int64_t)from->tv_sec;

	return s < 0 ? 0 : s;
}

/* runsv is there when supervise/ok has a reader, as sv checks it */
static int runsv_there(int supfd)
{
	int fd = openat(supfd, "ok", O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static void read_ward(int supfd, struct wardrow *r, const struct timespec *now)
{
	unsigned char buf[SVEXTRA_SIZE + 1];
	ssize_t n = fs_read_file(supfd, "ward", buf, sizeof buf);
	struct svextra x;

	if (n < 0 || svextra_decode(buf, (size_t)n, &x) < 0)
		return;
	r->starts = x.starts;
	if (x.ready != SVREADY_NONE && r->pid)
		r->ready = x.ready == SVREADY_YES;
	if (!r->pid && r->want_up && x.backoff_ms) {
		r->backoff_ms = x.backoff_ms;
		r->state = WR_BACKOFF;
	}
	r->exit_kind = x.exit_kind;
	r->exit_code = x.exit_code;
	r->exit_oom = x.exit_oom;
	if (x.exit_kind != SVEXIT_NONE)
		r->exit_ago = secs_between(&x.exit_at, now);
	/* TODO(issue 17): r->health from the health fields of struct svextra */
}

static void read_cgroup(int supfd, struct wardrow *r)
{
	struct cgstat c;

	if (cgstat_read(supfd, &c) < 0)
		return;
	r->tasks = c.tasks;
	r->cpu_usec = c.cpu_usec;
	r->memory = c.memory;
}

static void read_status(int supfd, struct wardrow *r, const struct timespec *now)
{
	unsigned char buf[SVSTATUS_SIZE + 1];
	ssize_t n = fs_read_file(supfd, "status", buf, sizeof buf);
	struct svstatus st;

	if (n < 0 || svstatus_decode(buf, (size_t)n, &st) < 0 || !runsv_there(supfd))
		return;
	r->state = st.state == SV_RUN ? WR_UP : st.state == SV_FINISH ? WR_FINISH : WR_DOWN;
	r->want_up = st.want == 'u';
	r->pid = st.pid;
	r->uptime = secs_between(&st.since, now);
	read_ward(supfd, r, now);
	read_cgroup(supfd, r);
}

int wardrow_read(int treefd, const char *name, struct wardrow *r, const struct timespec *now)
{
	int dfd, supfd;

	memset(r, 0, sizeof *r);
	copy_name(r->name, name);
	r->ready = r->health = r->starts = r->exit_ago = -1;
	r->tasks = r->cpu_usec = r->memory = -1;
	dfd = openat(treefd, name, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	supfd = openat(dfd, "supervise", O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (supfd >= 0) {
		read_status(supfd, r, now);
		close(supfd);
	}
	return 0;
}

/* the numbers, in the order of the line */
#define NUMS(r) { &(r)->state, &(r)->want_up, &(r)->pid, &(r)->uptime, &(r)->ready, \
	&(r)->health, &(r)->starts, &(r)->backoff_ms, &(r)->exit_kind, &(r)->exit_code, \
	&(r)->exit_oom, &(r)->exit_ago, &(r)->tasks, &(r)->cpu_usec, &(r)->memory }

struct range {
	const char *name;
	int64_t min, max;
};

static const struct range ranges[WARDROW_FIELDS - 2] = {
	{ "state", 0, WR_BACKOFF }, { "want", 0, 1 }, { "pid", 0, 0x7fffffff },
	{ "uptime", 0, INT64_C(1) << 40 }, { "ready", -1, 1 }, { "health", -1, 1 },
	{ "starts", -1, UINT32_MAX }, { "backoff", 0, UINT32_MAX }, { "exit kind", 0, 2 },
	{ "exit code", 0, 255 }, { "oom", 0, 1 }, { "exit age", -1, INT64_C(1) << 40 },
	{ "tasks", -1, INT32_MAX }, { "cpu", -1, INT64_MAX }, { "memory", -1, INT64_MAX },
};

int wardrow_encode(const struct wardrow *r, char *buf, size_t size)
{
	const int64_t *num[] = NUMS((struct wardrow *)r);
	size_t i, at;
	int n = snprintf(buf, size, "S\t%s", r->name);

	for (i = 0; i < WARDROW_FIELDS - 2 && n > 0 && (size_t)n < size; i++) {
		at = (size_t)n;
		n += snprintf(buf + at, size - at, "\t%" PRId64, *num[i]);
	}
	if (n < 0 || (size_t)n + 1 >= size)
		return -1;
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}

/* one signed decimal number, all of s[0..len), within [min, max] */
static int number(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	int neg = len > 0 && s[0] == '-';
	size_t i = (size_t)neg;
	int64_t v = 0;

	if (i == len || len > 20)
		return -1;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (INT64_MAX - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	v = neg ? -v : v;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int decode_name(const char *s, size_t len, struct wardrow *r)
{
	size_t i;

	if (len == 0 || len >= WARDROW_NAME)
		return -1;
	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			return -1;
	memcpy(r->name, s, len);
	r->name[len] = '\0';
	return 0;
}

int wardrow_decode(const char *line, size_t len, struct wardrow *r)
{
	int64_t *num[] = NUMS(r);
	const char *p = line, *end = line + len, *tab;
	int i;

	memset(r->name, 0, sizeof r->name);
	r->bad = "the line";
	if (len > WARDROW_LINE || len < 2 || memcmp(line, "S\t", 2) != 0)
		return -1;
	for (p += 2, i = 0; i < WARDROW_FIELDS - 1; i++, p = tab + 1) {
		tab = memchr(p, '\t', (size_t)(end - p));
		if (tab == NULL) {
			if (i != WARDROW_FIELDS - 2)
				return -1;  /* too few fields */
			tab = end;
		}
		r->bad = i == 0 ? "name" : ranges[i - 1].name;
		if (i == 0 ? decode_name(p, (size_t)(tab - p), r) :
		    number(p, (size_t)(tab - p), ranges[i - 1].min, ranges[i - 1].max, num[i - 1]))
			return -1;
	}
	r->bad = "the line";
	if (p < end + 1 && tab != end)
		return -1;  /* too many fields */
	r->bad = NULL;
	return 0;
}
