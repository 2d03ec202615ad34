/* svcgroup: the user's side of the cgroup v2 tree; see svcgroup.h and
 * docs/design.md.  Everything here runs as the user, on the user's own
 * delegated cgroup: the kernel's delegation rules are the fence. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <signal.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgmount.h"
#include "cgstat.h"
#include "clock.h"
#include "err.h"
#include "fs.h"
#include "svcgroup.h"

#define CG_FILE_MAX 512     /* cgroup.controllers, cgroup.events */
#define HASH_LEN 9          /* "-" and 8 hex digits */

static const struct {
	const char *file, *cgfile, *controller;
} limits[SVCG_NLIMITS] = {
	[SVCG_MEMORY] = { "memory-max", "memory.max", "memory" },
	[SVCG_CPU] = { "cpu-max", "cpu.max", "cpu" },
	[SVCG_TASKS] = { "tasks-max", "pids.max", "pids" },
};

const char *svcg_limit_file(int i) { return limits[i].file; }
const char *svcg_limit_cgfile(int i) { return limits[i].cgfile; }
const char *svcg_limit_controller(int i) { return limits[i].controller; }

/* ---- pure parts ---- */

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '@' || c == '+';
}

int svcg_name(const char *base, int islog, char *out, size_t len)
{
	size_t n = strlen(base), i, keep = SVCG_NAME_MAX - HASH_LEN;
	int changed = n == 0 || n > keep;
	int w;

	if (n > keep)
		n = keep;
	if (len < n + 1)
		return -1;
	for (i = 0; i < n; i++) {
		out[i] = name_char(base[i]) ? base[i] : '_';
		changed |= out[i] != base[i];
	}
	out[n] = '\0';
	w = (int)n;
	if (changed)
		w += snprintf(out + n, len - n, "-%08x", (unsigned)fnv1a(base));
	if (islog)
		w += snprintf(out + w, (size_t)w < len ? len - (size_t)w : 0, ".log");
	return (size_t)w < len ? 0 : -1;
}

int svcg_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (p[n] == '\0' || isspace((unsigned char)p[n])))
			return 1;
		p += n;
	}
	return 0;
}

/* the value without the blanks and newline around it; -1 if it has others */
static int trim(const char **text, size_t *n)
{
	const char *s = *text, *e = s + *n;
	const char *p;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
		e--;
	for (p = s; p < e; p++)
		if (*p == '\n' || *p == '\0')
			return -1;
	*text = s;
	*n = (size_t)(e - s);
	return 0;
}

/* digits at s: their value, *used how many; -1 if none or too large */
static int digits(const char *s, size_t n, uint64_t *v, size_t *used)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n && isdigit((unsigned char)s[i]); i++) {
		if (*v > (UINT64_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	*used = i;
	return i ? 0 : -1;
}

static int is_max(const char *s, size_t n)
{
	return n == 3 && memcmp(s, "max", 3) == 0;
}

static int parse_memory(const char *s, size_t n, char *out, size_t len)
{
	static const char units[] = "KMGT";
	const char *u;
	uint64_t v;
	size_t used;
	int shift;

	if (digits(s, n, &v, &used) < 0 || n - used > 1)
		return -1;
	shift = 0;
	if (used < n) {
		u = strchr(units, toupper((unsigned char)s[used]));
		if (!u || !*u)
			return -1;
		shift = 10 * (int)(u - units + 1);
		if (v > UINT64_MAX >> shift)
			return -1;
	}
	return snprintf(out, len, "%llu", (unsigned long long)(v << shift)) < (int)len ? 0 : -1;
}

#define CPU_PERIOD 100000  /* microseconds: cpu.max's default period */

static int parse_cpu(const char *s, size_t n, char *out, size_t len)
{
	int quota_max = n > 4 && memcmp(s, "max ", 4) == 0;
	uint64_t q = 0, p;
	size_t used = 3, rest;

	if (!quota_max && digits(s, n, &q, &used) < 0)
		return -1;
	if (!quota_max && used + 1 == n && s[used] == '%') {
		if (q < 1 || q > 100000)
			return -1;
		return snprintf(out, len, "%llu %d", (unsigned long long)q * (CPU_PERIOD / 100),
				CPU_PERIOD) < (int)len ? 0 : -1;
	}
	if (used >= n || s[used] != ' ' ||
	    digits(s + used + 1, n - used - 1, &p, &rest) < 0 || used + 1 + rest != n)
		return -1;
	if (p < 1000 || p > 1000000 || (!quota_max && q < 1000))
		return -1;  /* the kernel's bounds, said here with the file's name */
	if (quota_max)
		return snprintf(out, len, "max %llu", (unsigned long long)p) < (int)len ? 0 : -1;
	return snprintf(out, len, "%llu %llu", (unsigned long long)q, (unsigned long long)p) <
	       (int)len ? 0 : -1;
}

static int parse_tasks(const char *s, size_t n, char *out, size_t len)
{
	uint64_t v;
	size_t used;

	if (digits(s, n, &v, &used) < 0 || used != n || v < 1 || v > 4194304)
		return -1;
	return snprintf(out, len, "%llu", (unsigned long long)v) < (int)len ? 0 : -1;
}

static const char *const expected[SVCG_NLIMITS] = {
	[SVCG_MEMORY] = "max or a size in bytes, with K, M, G or T after it if need be",
	[SVCG_CPU] = "max, a percentage of one CPU (150%), or QUOTA PERIOD in microseconds",
	[SVCG_TASKS] = "max or a number from 1 to 4194304",
};

int svcg_limit_parse(int i, const char *text, size_t n, char *out, size_t outlen,
		     char *err, size_t errlen)
{
	int r = -1;

	if (trim(&text, &n) == 0) {
		if (is_max(text, n))
			r = snprintf(out, outlen, "max") < (int)outlen ? 0 : -1;
		else if (i == SVCG_MEMORY)
			r = parse_memory(text, n, out, outlen);
		else if (i == SVCG_CPU)
			r = parse_cpu(text, n, out, outlen);
		else
			r = parse_tasks(text, n, out, outlen);
	}
	if (r < 0)
		snprintf(err, errlen, "%s: expected %s", limits[i].file, expected[i]);
	return r;
}

/* ---- files of a cgroup ---- */

static int cg_read(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n = fs_read_file(dirfd, name, buf, size - 1);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* every controller the cgroup has, enabled for its children: limits set
 * on a service need them on each level down to it */
static void enable_all(int dirfd, const char *path)
{
	char have[CG_FILE_MAX], on[CG_FILE_MAX], add[64];
	char *w, *save = NULL;

	if (cg_read(dirfd, "cgroup.controllers", have, sizeof have) < 0 ||
	    cg_read(dirfd, "cgroup.subtree_control", on, sizeof on) < 0) {
		err_warn_sys("unable to read the controllers of %s", path);
		return;
	}
	for (w = strtok_r(have, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
		if (svcg_has_word(on, w))
			continue;
		snprintf(add, sizeof add, "+%s", w);
		if (fs_write_text(dirfd, "cgroup.subtree_control", add) < 0)
			err_warn_sys("unable to enable the %s controller in %s", w, path);
	}
}

/* NAME below dirfd, made if need be */
static int sub_open(int dirfd, const char *name)
{
	if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
		return -1;
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
}

static int clean_path(const char *p)
{
	if (p[0] != '/')
		return 0;
	for (; *p; p++)
		if (p[0] == '/' && p[1] == '.' && (p[2] == '/' || p[2] == '\0' ||
						    (p[2] == '.' && (p[3] == '/' || p[3] == '\0'))))
			return 0;
	return 1;
}

/* an fd on path if it is a cgroup v2 directory of our own */
static int root_open(const char *path)
{
	struct statfs sf;
	struct stat st;
	int fd, e;

	if (!clean_path(path)) {
		errno = EINVAL;
		return -1;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	e = fstatfs(fd, &sf) < 0 ? errno : sf.f_type != CGROUP2_SUPER_MAGIC ? ENOTDIR : 0;
	if (!e)
		e = fstat(fd, &st) < 0 ? errno : st.st_uid != geteuid() ? EPERM : 0;
	if (!e && faccessat(fd, "cgroup.procs", W_OK, AT_EACCESS) < 0)
		e = errno;
	if (e) {
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int svcg_root(char *root, size_t len)
{
	const char *env = getenv(SVCG_ENV);

	if (!env || !*env) {
		errno = ENOENT;
		return -1;
	}
	if (snprintf(root, len, "%s", env) >= (int)len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return root_open(root);
}

/* userd started by hand: its own cgroup, if it is ours; a userd already
 * in some U/userd (a second one from the same place) takes that U.  Never
 * for root: a cgroup root owns says nothing of a delegation (every cgroup
 * of systemd's is root's), so root names U in WARD_CGROUP. */
static int self_root(char *root, size_t len)
{
	char mount[PATH_MAX], *slash;

	if (geteuid() == 0) {
		errno = EPERM;
		return -1;
	}
	if (cgmount_find(mount, sizeof mount) < 0 || cgmount_self(root, len) < 0)
		return -1;
	if (strcmp(root, mount) == 0) {
		errno = EPERM;  /* the hierarchy's root is nobody's to take */
		return -1;
	}
	slash = strrchr(root, '/');
	if (slash && slash != root && strcmp(slash, "/userd") == 0)
		*slash = '\0';
	return root_open(root);
}

static int tree_enter(int rootfd, const char *root)
{
	char path[PATH_MAX];
	int fd, r;

	fd = sub_open(rootfd, "userd");
	if (fd < 0)
		return -1;
	r = fs_write_text(fd, "cgroup.procs", "0");
	close(fd);
	if (r < 0)
		return -1;
	enable_all(rootfd, root);
	fd = sub_open(rootfd, "svc");
	if (fd < 0)
		return -1;
	if (snprintf(path, sizeof path, "%s/svc", root) < (int)sizeof path)
		enable_all(fd, path);
	close(fd);
	return 0;
}

int svcg_tree(void)
{
	char root[PATH_MAX];
	int asked = getenv(SVCG_ENV) != NULL, fd, r = -1;

	fd = asked ? svcg_root(root, sizeof root) : self_root(root, sizeof root);
	if (fd >= 0) {
		r = tree_enter(fd, root);
		close(fd);
	}
	if (r == 0 && setenv(SVCG_ENV, root, 1) == 0)
		return 0;
	if (asked)
		err_warn_sys("%s=%s: not used, the services are contained by their runsv alone",
			     SVCG_ENV, getenv(SVCG_ENV));
	unsetenv(SVCG_ENV);
	return -1;
}

/* ---- one service's cgroup ---- */

void svcg_close(struct svcg *g)
{
	if (g->procsfd >= 0)
		close(g->procsfd);
	if (g->dirfd >= 0)
		close(g->dirfd);
	g->dirfd = g->procsfd = -1;
}

int svcg_open(struct svcg *g, const char *root, const char *name)
{
	int rootfd = root_open(root), svcfd, e;

	g->dirfd = g->procsfd = -1;
	if (rootfd < 0)
		return -1;
	svcfd = sub_open(rootfd, "svc");
	e = errno;
	close(rootfd);
	if (svcfd < 0) {
		errno = e;
		return -1;
	}
	g->dirfd = sub_open(svcfd, name);
	e = errno;
	close(svcfd);
	if (g->dirfd >= 0)
		g->procsfd = openat(g->dirfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	if (g->procsfd < 0) {
		e = errno;
		if (g->dirfd >= 0)
			close(g->dirfd);
		g->dirfd = -1;
		errno = e;
		return -1;
	}
	if (snprintf(g->path, sizeof g->path, "%s/svc/%s", root, name) >= (int)sizeof g->path)
		g->path[0] = '\0';  /* cannot be: root and name were opened */
	return 0;
}

int svcg_enter(const struct svcg *g)
{
	return write(g->procsfd, "0", 1) == 1 ? 0 : -1;
}

static int events_populated(int fd)
{
	char buf[CG_FILE_MAX];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	int64_t v;

	if (n < 0)
		return -1;
	return cgstat_key(buf, (size_t)n, "populated", &v) == 0 && v == 0 ? 0 : 1;
}

int svcg_populated(const struct svcg *g)
{
	int fd = openat(g->dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = events_populated(fd);
	close(fd);
	return r;
}

/* cgroup.events wakes poll with POLLPRI when populated changes */
static int wait_empty(int dirfd, int wait_ms)
{
	int64_t end = clock_ms() + wait_ms, left;
	int fd = openat(dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC), r;
	struct pollfd p;

	if (fd < 0)
		return -1;
	while ((r = events_populated(fd)) == 1 && (left = end - clock_ms()) > 0) {
		p = (struct pollfd){ .fd = fd, .events = POLLPRI };
		poll(&p, 1, left > 100 ? 100 : (int)left);
	}
	close(fd);
	if (r == 1)
		errno = ETIMEDOUT;
	return r == 0 ? 0 : -1;
}

static int reopen(struct svcg *g)
{
	if (mkdir(g->path, 0755) < 0 && errno != EEXIST)
		return -1;
	g->dirfd = open(g->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (g->dirfd < 0)
		return -1;
	g->procsfd = openat(g->dirfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	return g->procsfd < 0 ? -1 : 0;
}


/* A cgroup once killed is replaced by a new one of the same name: the
 * kernel here (6.18) KILLs every child later cloned INTO a cgroup that had
 * a cgroup.kill (its kill count is compared with the parent's cgroup's),
 * so the next start would die at once.  The limits are written again at
 * the next start. */
static int renew(struct svcg *g)
{
	svcg_close(g);
	g->set = 0;
	rmdir(g->path);  /* busy (a process came in meanwhile): kept */
	if (reopen(g) == 0)
		return 0;
	err_warn_sys("unable to make %s again", g->path);
	svcg_close(g);
	return -1;
}

int svcg_kill(struct svcg *g, int wait_ms)
{
	if (g->dirfd < 0 && reopen(g) < 0) {
		svcg_close(g);
		return -1;
	}
	if (svcg_populated(g) == 0)
		return 0;  /* the usual case: nothing left, nothing written */
	if (fs_write_text(g->dirfd, "cgroup.kill", "1") < 0 || wait_empty(g->dirfd, wait_ms) < 0)
		return -1;
	return renew(g);
}

/* clone3 with CLONE_INTO_CGROUP: the child starts in the cgroup.  A move
 * through cgroup.procs takes the kernel's threadgroup lock for writing,
 * which waits for an RCU grace period: it made a restart five times
 * slower here (tests/bench/cgroup.sh).  The child of a raw clone3 is a
 * fork's (no CLONE_VM, no new stack); runsv has one thread, and its child
 * only execs. */
pid_t svcg_fork(struct svcg *g)
{
	struct clone_args a = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD };
	long pid;

	if (g->dirfd < 0 && reopen(g) < 0) {  /* after a failed renew */
		svcg_close(g);
		return -1;
	}
	a.cgroup = (uint64_t)g->dirfd;
	pid = syscall(SYS_clone3, &a, sizeof a);

	if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL))
		return (pid_t)pid;
	pid = fork();  /* a kernel before 5.7: the child moves itself */
	if (pid == 0 && svcg_enter(g) < 0) {
		err_warn_sys("unable to enter %s", g->path);
		_exit(111);
	}
	return (pid_t)pid;
}

static void limit_once(struct svcg *g, int i, const char *prefix, const char *why)
{
	if (g->said & (1u << i))
		return;
	g->said |= 1u << i;
	err_warn("%s%s: not applied: %s", prefix, limits[i].file, why);
}

static void limit_apply(struct svcg *g, int i, const char *prefix, const char *value)
{
	char why[PATH_MAX + 64];

	if (g->dirfd < 0) {
		limit_once(g, i, prefix, "the service has no cgroup (no cgroup v2 delegated to it)");
		return;
	}
	if (fs_write_text(g->dirfd, limits[i].cgfile, value) == 0) {
		g->set |= 1u << i;
		return;
	}
	if (errno == ENOENT) {
		snprintf(why, sizeof why, "the %s controller is not available in %s",
			 limits[i].controller, g->path);
		limit_once(g, i, prefix, why);
		return;
	}
	err_warn_sys("%s%s: unable to write %s/%s", prefix, limits[i].file, g->path,
		     limits[i].cgfile);
}

void svcg_limits(struct svcg *g, int dirfd, const char *prefix)
{
	char text[SVCG_NAME_MAX], value[64], err[160];
	ssize_t n;
	int i;

	for (i = 0; i < SVCG_NLIMITS; i++) {
		n = fs_read_file(dirfd, limits[i].file, text, sizeof text);
		if (n < 0 && errno == ENOENT) {
			if (g->set & (1u << i))  /* removed: back to no limit */
				limit_apply(g, i, prefix, "max");
			g->set &= ~(1u << i);
			continue;
		}
		if (n < 0) {
			err_warn_sys("%sunable to read %s", prefix, limits[i].file);
			continue;
		}
		if (svcg_limit_parse(i, text, (size_t)n, value, sizeof value, err, sizeof err) < 0) {
			err_warn("%s%s", prefix, err);
			continue;
		}
		limit_apply(g, i, prefix, value);
	}
}
