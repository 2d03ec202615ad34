#include "policy.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "creds.h"

#define MAX_WORDS 8

/* Where we are while reading: file and line, for every message. */
struct ctx {
	struct policy *p;
	const char *file;
	unsigned line;
	char where[96];
};

/* Counts every message, keeps the first POLICY_MAX_MSGS; a message longer
 * than POLICY_MSG_LEN is cut short. */
static void vreport(struct policy *p, const char *where, int error, const char *fmt, va_list ap)
{
	char *m;
	int n;

	if (error)
		p->nerrors++;
	else
		p->nwarnings++;
	if (p->nmsgs == POLICY_MAX_MSGS)
		return;
	m = p->msg[p->nmsgs++];
	n = snprintf(m, POLICY_MSG_LEN, "%s: %s", where, error ? "" : "warning: ");
	if (n > 0 && n < POLICY_MSG_LEN)
		vsnprintf(m + n, POLICY_MSG_LEN - (size_t)n, fmt, ap);
}

__attribute__((format(printf, 2, 3)))
static int error(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c->p, c->where, 1, fmt, ap);
	va_end(ap);
	return -1;
}

__attribute__((format(printf, 3, 4)))
static void report_at(struct policy *p, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, where, 0, fmt, ap);
	va_end(ap);
}

struct policy *policy_new(void)
{
	/* calloc maps it: pages of users[] never named are never touched */
	struct policy *p = calloc(1, sizeof(struct policy));

	if (p) {
		p->max_users = POLICY_MAX_USERS;
		p->unpriv_port = -1;
	}
	return p;
}

void policy_free(struct policy *p)
{
	free(p);
}

struct policy_user *policy_user_find(struct policy *p, uid_t uid)
{
	size_t i;

	for (i = 0; i < p->nusers; i++)
		if (p->users[i].uid == uid)
			return &p->users[i];
	return NULL;
}

/* The entry for uid, created on first mention (not yet supervised). */
static struct policy_user *user_get(struct ctx *c, uid_t uid, const char *name)
{
	struct policy_user *u = policy_user_find(c->p, uid);

	if (u)
		return u;
	if (c->p->nusers >= c->p->max_users || c->p->nusers >= POLICY_MAX_USERS) {
		error(c, "too many users: no room for \"%.64s\" (a policy names at most %zu users)", name,
		      c->p->max_users < POLICY_MAX_USERS ? c->p->max_users : POLICY_MAX_USERS);
		return NULL;
	}
	u = &c->p->users[c->p->nusers++];
	memset(u, 0, sizeof *u);
	u->uid = uid;
	snprintf(u->name, sizeof u->name, "%s", name);
	u->no_new_privs = 1;
	snprintf(u->where, sizeof u->where, "%s", c->where);
	return u;
}

/* ---- subjects: USER or :GROUP, by name or number ---- */

struct subject {
	uid_t uid[POLICY_MAX_USERS];
	char name[POLICY_MAX_USERS][64];
	size_t n;
	int overflow;            /* a member more than POLICY_MAX_USERS was left out */
};

static void subject_add(struct subject *s, uid_t uid, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->uid[i] == uid)
			return;
	if (s->n == POLICY_MAX_USERS) {
		s->overflow = 1;
		return;
	}
	s->uid[s->n] = uid;
	snprintf(s->name[s->n], sizeof s->name[0], "%s", name);
	s->n++;
}

/* Every user whose primary group is gid, and every listed member. */
static void group_members(gid_t gid, struct subject *s)
{
	struct passwd *pw;
	struct group *gr;
	char **m;

	setpwent();
	while ((pw = getpwent()))
		if (pw->pw_gid == gid)
			subject_add(s, pw->pw_uid, pw->pw_name);
	endpwent();
	gr = getgrgid(gid);
	if (!gr)
		return;
	/* copy the names first: getpwnam may reuse getgrgid's buffers */
	for (m = gr->gr_mem; *m && !s->overflow; m++) {
		char name[64];

		snprintf(name, sizeof name, "%s", *m);
		pw = getpwnam(name);
		if (pw)
			subject_add(s, pw->pw_uid, pw->pw_name);
	}
}

static int subject_resolve(struct ctx *c, const char *spec, struct subject *s)
{
	char err[300];

	s->n = 0;
	s->overflow = 0;
	if (spec[0] == ':') {
		gid_t gid;

		if (creds_group(spec + 1, &gid, err, sizeof err) < 0)
			return error(c, "unknown group \"%.64s\" (expected :GROUP, a group name or gid)",
				     spec + 1);
		group_members(gid, s);
		if (s->overflow)
			return error(c, "group \"%.64s\" has more than %d members (at most %d users)",
				     spec + 1, POLICY_MAX_USERS, POLICY_MAX_USERS);
		if (s->n == 0)
			report_at(c->p, c->where, "group \"%.64s\" has no members", spec + 1);
		return 0;
	} else {
		struct creds cr;

		if (creds_user(spec, &cr, err, sizeof err) < 0)
			return error(c, "unknown user \"%.64s\" (expected USER or :GROUP, by name or number)",
				     spec);
		subject_add(s, cr.uid, cr.name);
		return 0;
	}
}

/* ---- values ---- */

static int parse_ports(struct ctx *c, const char *w, struct policy_grant *g)
{
	int r = ep_parse_ports(w, &g->range);

	if (r == -1)
		return error(c, "bad port \"%.40s\" (expected PORT or PORT-PORT, ports 1-65535)", w);
	if (r == -2)
		return error(c, "bad port range \"%u-%u\" (expected LOW-HIGH with LOW <= HIGH)",
			     g->range.ep.port, g->range.hi);
	return 0;
}

static int parse_address(struct ctx *c, const char *w, struct policy_grant *g)
{
	if (inet_pton(AF_INET, w, g->range.ep.addr) == 1)
		g->range.ep.family = AF_INET;
	else if (inet_pton(AF_INET6, w, g->range.ep.addr) == 1)
		g->range.ep.family = AF_INET6;
	else
		return error(c, "bad address \"%.64s\" (expected an IPv4 or IPv6 address)", w);
	return 0;
}

/* NUMBER[k|m|g] (powers of 1024) or unlimited */
static int parse_limit_value(const char *w, rlim_t *out)
{
	char num[32];
	size_t n = strlen(w);
	unsigned long v, mult = 1;

	if (!strcmp(w, "unlimited") || !strcmp(w, "infinity")) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (n == 0 || n >= sizeof num)
		return -1;
	memcpy(num, w, n + 1);
	switch (num[n - 1]) {
	case 'k': case 'K': mult = 1UL << 10; break;
	case 'm': case 'M': mult = 1UL << 20; break;
	case 'g': case 'G': mult = 1UL << 30; break;
	}
	if (mult > 1)
		num[n - 1] = '\0';
	if (creds_number(num, &v) < 0 || v > (unsigned long)-1 / mult)
		return -1;
	*out = (rlim_t)(v * mult);
	if (*out == RLIM_INFINITY)
		return -1;
	return 0;
}

static int dir_ok(const char *d)
{
	size_t n = strlen(d), i;

	if (n == 0 || n >= POLICY_DIR_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f)
			return 0;
	return 1;
}

/* ---- statements ---- */

static int st_supervise(struct ctx *c, char **w, int n)
{
	struct subject *s;
	size_t i;

	if ((n != 2 && n != 4) || (n == 4 && strcmp(w[2], "dir")))
		return error(c, "expected supervise USER|:GROUP [dir PATH]");
	if (n == 4 && !dir_ok(w[3]))
		return error(c, "bad dir \"%.64s\" (expected a path of 1-%d printable bytes)",
			     w[3], POLICY_DIR_MAX - 1);
	s = malloc(sizeof *s);
	if (!s)
		return error(c, "out of memory");
	if (subject_resolve(c, w[1], s) < 0) {
		free(s);
		return -1;
	}
	if (n == 4 && w[3][0] == '/' && s->n > 1)
		report_at(c->p, c->where, "every member of group \"%.64s\" gets the same dir %.64s: "
			  "all but the first userd to start fail on its lock (expected a relative "
			  "dir, one under each member's home)", w[1] + 1, w[3]);
	for (i = 0; i < s->n; i++) {
		struct policy_user *u;
		const char *dir = n == 4 ? w[3] : "";

		if (s->uid[i] == 0) {
			error(c, "refusing to supervise root (uid 0): userd is for unprivileged users");
			continue;
		}
		u = user_get(c, s->uid[i], s->name[i]);
		if (!u)
			break;
		if (u->supervised && strcmp(u->dir, dir))
			error(c, "user %s supervised twice with different dirs (first at %s)",
			      u->name, u->where);
		if (!u->supervised)
			snprintf(u->where, sizeof u->where, "%s", c->where);
		u->supervised = 1;
		snprintf(u->dir, sizeof u->dir, "%s", dir);
	}
	free(s);
	return 0;
}

static int add_grant(struct ctx *c, const struct policy_grant *g, uid_t uid, const char *name)
{
	struct policy_grant *ng;

	if (c->p->ngrants == POLICY_MAX_GRANTS)
		return error(c, "too many grants (at most %d)", POLICY_MAX_GRANTS);
	ng = &c->p->grants[c->p->ngrants++];
	*ng = *g;
	ng->uid = uid;
	ng->stmt = c->p->nstmts;
	snprintf(ng->name, sizeof ng->name, "%s", name);
	snprintf(ng->where, sizeof ng->where, "%s", c->where);
	return 0;
}

static int st_bind(struct ctx *c, char **w, int n)
{
	struct policy_grant g;
	struct subject *s;
	int bad = 0;
	size_t i;

	memset(&g, 0, sizeof g);
	if ((n != 4 && n != 6) || (n == 6 && strcmp(w[4], "on")))
		return error(c, "expected bind USER|:GROUP tcp|udp PORT[-PORT] [on ADDRESS]");
	if (!strcmp(w[2], "tcp"))
		g.range.ep.proto = EP_TCP;
	else if (!strcmp(w[2], "udp"))
		g.range.ep.proto = EP_UDP;
	else
		bad |= error(c, "unknown protocol \"%.20s\" (expected tcp or udp)", w[2]);
	bad |= parse_ports(c, w[3], &g);
	if (n == 6)
		bad |= parse_address(c, w[5], &g);
	s = malloc(sizeof *s);
	if (!s)
		return error(c, "out of memory");
	bad |= subject_resolve(c, w[1], s);
	for (i = 0; !bad && i < s->n; i++)
		if (add_grant(c, &g, s->uid[i], s->name[i]) < 0)
			break;
	free(s);
	return bad ? -1 : 0;
}

/* Applies fn to the user entry of every member of the subject. */
static int for_subject(struct ctx *c, const char *spec,
		       void (*fn)(struct policy_user *, const void *), const void *arg)
{
	struct subject *s = malloc(sizeof *s);
	size_t i;

	if (!s)
		return error(c, "out of memory");
	if (subject_resolve(c, spec, s) < 0) {
		free(s);
		return -1;
	}
	for (i = 0; i < s->n; i++) {
		struct policy_user *u = user_get(c, s->uid[i], s->name[i]);

		if (!u)
			break;
		fn(u, arg);
	}
	free(s);
	return 0;
}

static void set_limit(struct policy_user *u, const void *arg)
{
	const struct policy_limit *l = arg;
	int i;

	for (i = 0; i < u->nlimits; i++)
		if (u->limits[i].resource == l->resource)
			break;
	if (i == POLICY_MAX_LIMITS)
		return;
	u->limits[i] = *l;
	if (i == u->nlimits)
		u->nlimits++;
}

/* ---- cgroup caps ---- */

static const char *const cg_names[POLICY_CG_N] = { "memory", "memory-high", "cpu", "tasks" };

const char *policy_cg_name(int k)
{
	return k >= 0 && k < POLICY_CG_N ? cg_names[k] : "?";
}

/* The cap a limit statement names, or -1 for an rlimit.  "cpu" is both:
 * with a percent sign it is the cgroup's share of CPU time, without it
 * RLIMIT_CPU's seconds, as it always was. */
static int cg_kind(const char *name, const char *value)
{
	size_t n = strlen(value);
	int k;

	if (!strcmp(name, "cpu"))
		return n > 0 && value[n - 1] == '%' ? POLICY_CG_CPU : -1;
	for (k = 0; k < POLICY_CG_N; k++)
		if (!strcmp(name, cg_names[k]))
			return k;
	return -1;
}

/* PERCENT%: 1 to POLICY_CPU_MAX_PERCENT */
static int parse_percent(const char *w, uint64_t *out)
{
	char num[16];
	size_t n = strlen(w);
	unsigned long v;

	if (n < 2 || n >= sizeof num || w[n - 1] != '%')
		return -1;
	memcpy(num, w, n - 1);
	num[n - 1] = '\0';
	if (creds_number(num, &v) < 0 || v < 1 || v > POLICY_CPU_MAX_PERCENT)
		return -1;
	*out = v;
	return 0;
}

/* The value of cap k, or -1 (reported): above 0, or unlimited */
static int parse_cg_value(struct ctx *c, int k, const char *w, uint64_t *out)
{
	rlim_t v;

	if (k == POLICY_CG_CPU) {
		if (parse_percent(w, out) == 0)
			return 0;
		return error(c, "bad cpu share \"%.30s\" (expected PERCENT%% of one CPU, 1%%-%d%%: "
			     "150%% is one and a half CPUs)", w, POLICY_CPU_MAX_PERCENT);
	}
	if (parse_limit_value(w, &v) < 0 || v == 0) {
		if (k == POLICY_CG_TASKS)
			return error(c, "bad tasks \"%.30s\" (expected a number of tasks above 0, "
				     "or unlimited)", w);
		return error(c, "bad %s size \"%.30s\" (expected bytes above 0, optionally with "
			     "k, m or g, or unlimited)", cg_names[k], w);
	}
	*out = v == RLIM_INFINITY ? POLICY_CG_MAX : (uint64_t)v;
	return 0;
}

struct cg_set {
	int k;
	uint64_t v;
};

static void set_cg(struct policy_user *u, const void *arg)
{
	const struct cg_set *s = arg;

	u->cg[s->k] = s->v;
}

static int st_cglimit(struct ctx *c, char **w, int k)
{
	struct cg_set s = { .k = k };

	if (parse_cg_value(c, k, w[3], &s.v) < 0)
		return -1;
	return for_subject(c, w[1], set_cg, &s);
}

static int st_limit(struct ctx *c, char **w, int n)
{
	struct policy_limit l;
	int bad = 0;

	if (n != 4)
		return error(c, "expected limit USER|:GROUP RESOURCE VALUE");
	if (cg_kind(w[2], w[3]) >= 0)
		return st_cglimit(c, w, cg_kind(w[2], w[3]));
	l.resource = limit_resource(w[2]);
	if (l.resource < 0)
		bad |= error(c, "unknown resource \"%.20s\" (expected nofile, nproc, as, core, fsize, "
			     "data, stack, memlock, cpu or rss, or for the user's cgroup memory, "
			     "memory-high, cpu PERCENT%% or tasks)", w[2]);
	if (parse_limit_value(w[3], &l.value) < 0)
		bad |= error(c, "bad value \"%.30s\" (expected a number, optionally with k, m or g, "
			     "or unlimited)", w[3]);
	if (bad)
		return -1;
	return for_subject(c, w[1], set_limit, &l);
}

static void set_nnp(struct policy_user *u, const void *arg)
{
	u->no_new_privs = *(const int *)arg;
}

static int st_nnp(struct ctx *c, char **w, int n)
{
	int on;

	if (n != 3 || (strcmp(w[2], "on") && strcmp(w[2], "off")))
		return error(c, "expected no_new_privs USER|:GROUP on|off");
	on = !strcmp(w[2], "on");
	return for_subject(c, w[1], set_nnp, &on);
}

static int st_include(struct ctx *c, char **w, int n)
{
	char path[4096];
	const char *slash;

	if (n != 2)
		return error(c, "expected include PATH");
	if (c->p->depth >= POLICY_INCLUDE_DEPTH)
		return error(c, "includes nested too deep (at most %d)", POLICY_INCLUDE_DEPTH);
	slash = strrchr(c->file, '/');
	if (w[1][0] == '/' || !slash)
		snprintf(path, sizeof path, "%s", w[1]);
	else
		snprintf(path, sizeof path, "%.*s/%s", (int)(slash - c->file), c->file, w[1]);
	c->p->depth++;
	policy_read_file(c->p, path);
	c->p->depth--;
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct ctx *, char **, int);
} statements[] = {
	{ "supervise", st_supervise }, { "bind", st_bind }, { "limit", st_limit },
	{ "no_new_privs", st_nnp },    { "include", st_include },
};

static void parse_line(struct ctx *c, char *line)
{
	char *w[MAX_WORDS + 1], *save = NULL, *t, *hash = strchr(line, '#');
	int n = 0;
	size_t i;

	if (hash)
		*hash = '\0';
	for (t = strtok_r(line, " \t\r", &save); t && n <= MAX_WORDS; t = strtok_r(NULL, " \t\r", &save))
		w[n++] = t;
	if (n == 0)
		return;
	if (n > MAX_WORDS) {
		error(c, "too many words (at most %d)", MAX_WORDS);
		return;
	}
	c->p->nstmts++;
	for (i = 0; i < sizeof statements / sizeof statements[0]; i++)
		if (!strcmp(w[0], statements[i].name)) {
			statements[i].fn(c, w, n);
			return;
		}
	error(c, "unknown statement \"%.30s\" (expected supervise, bind, limit, no_new_privs "
	      "or include)", w[0]);
}

unsigned policy_read_text(struct policy *p, const char *name, const char *text, size_t len)
{
	struct ctx c = { .p = p, .file = name, .line = 0 };
	char line[POLICY_LINE_MAX];
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		c.line++;
		snprintf(c.where, sizeof c.where, "%.80s:%u", name, c.line);
		if (n >= sizeof line)
			error(&c, "line too long (at most %d bytes)", POLICY_LINE_MAX - 1);
		else if (memchr(text + pos, '\0', n))
			error(&c, "NUL byte in line (expected text)");
		else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			parse_line(&c, line);
		}
		pos += n + 1;
	}
	return p->nerrors;
}

__attribute__((format(printf, 3, 4)))
static void error_at(struct policy *p, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, where, 1, fmt, ap);
	va_end(ap);
}

static void file_error(struct policy *p, const char *path, const char *what, const char *reason)
{
	char where[96];

	snprintf(where, sizeof where, "%.80s:0", path);
	error_at(p, where, "%s%s", what, reason);
}

/* Root reads this file: it must be the admin's, not something a user could
 * have written. */
static int file_safe(const struct stat *st)
{
	return S_ISREG(st->st_mode) && (st->st_uid == 0 || st->st_uid == geteuid()) &&
	       !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* Why a directory above a policy file is unsafe, or NULL.  Whoever may
 * write it may swap what is below it.  In a sticky one (/tmp) others may
 * add entries but not rename or remove root's: allowed when asked. */
static const char *dir_unsafe(const struct policy *p, const struct stat *st, char *why, size_t size)
{
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		snprintf(why, size, "owned by uid %u (expected root)", (unsigned)st->st_uid);
		return why;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(p->allow_sticky && (st->st_mode & S_ISVTX)))
		return "writable by group or others (expected writable by its owner alone)";
	return NULL;
}

/* Every directory above real (a path without symlinks), up to /, as
 * OpenSSH's safe_path: 0, or -1 reported for path. */
static int dirs_safe(struct policy *p, const char *path, const char *real)
{
	char dir[PATH_MAX], why[80], what[PATH_MAX + 40];
	const char *bad;
	struct stat st;
	char *slash;

	snprintf(dir, sizeof dir, "%s", real);
	while ((slash = strrchr(dir, '/'))) {
		slash[slash == dir] = '\0';     /* "/a" -> "/", "/a/b" -> "/a" */
		if (stat(dir, &st) < 0) {
			snprintf(what, sizeof what, "unable to stat %s: ", dir);
			file_error(p, path, what, strerror(errno));
			return -1;
		}
		bad = dir_unsafe(p, &st, why, sizeof why);
		if (bad) {
			snprintf(what, sizeof what, "unsafe directory %s: ", dir);
			file_error(p, path, what, bad);
			return -1;
		}
		if (slash == dir)
			return 0;
	}
	return 0;
}

/* path opened for reading, or -1 (reported).  Opens the path as resolved
 * and checked: a symlink on the way cannot be changed after the check. */
static int open_safe(struct policy *p, const char *path, struct stat *st)
{
	char real[PATH_MAX];
	int fd;

	if (!realpath(path, real)) {
		file_error(p, path, "unable to open: ", strerror(errno));
		return -1;
	}
	if (dirs_safe(p, path, real) < 0)
		return -1;
	fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0) {
		file_error(p, path, "unable to open: ", strerror(errno));
		return -1;
	}
	if (fstat(fd, st) < 0 || !file_safe(st) || st->st_size > POLICY_FILE_MAX) {
		file_error(p, path, "unsafe or too big (expected a regular file owned by root, "
			   "not writable by group or others, at most 1 MiB)", "");
		close(fd);
		return -1;
	}
	return fd;
}

unsigned policy_read_file(struct policy *p, const char *path)
{
	struct stat st;
	char *buf;
	ssize_t r;
	size_t got = 0;
	int fd = open_safe(p, path, &st);

	if (fd < 0)
		return p->nerrors;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		file_error(p, path, "out of memory", "");
		return p->nerrors;
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	p->nfiles++;
	policy_read_text(p, path, buf, got);
	free(buf);
	return p->nerrors;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_dropin(const char *n)
{
	size_t len = strlen(n);

	return n[0] != '.' && len > 7 && !strcmp(n + len - 7, ".policy");
}

static void names_free(char **names, size_t n)
{
	while (n > 0)
		free(names[--n]);
}

/* The names of dir's drop-ins into names[], sorted: their number, or -1
 * (reported) when dir cannot be read whole or has more than
 * POLICY_MAX_DROPINS.  A missing dir has none. */
static int dropins_list(struct policy *p, const char *dir, char **names)
{
	struct dirent *de;
	size_t n = 0, seen = 0;
	DIR *d = opendir(dir);
	char why[80];

	if (!d && errno == ENOENT)
		return 0;
	if (!d) {
		file_error(p, dir, "unable to open: ", strerror(errno));
		return -1;
	}
	while ((errno = 0, de = readdir(d)))
		if (is_dropin(de->d_name) && seen++ < POLICY_MAX_DROPINS &&
		    (names[n] = strdup(de->d_name)))
			n++;
	snprintf(why, sizeof why, "%s", errno ? strerror(errno) : "");
	closedir(d);
	if (why[0] || n < seen) {
		names_free(names, n);
		if (why[0])
			file_error(p, dir, "unable to read: ", why);
		else if (seen <= POLICY_MAX_DROPINS)
			file_error(p, dir, "out of memory", "");
		else {
			snprintf(why, sizeof why, "%zu files *.policy (at most %d)", seen,
				 POLICY_MAX_DROPINS);
			file_error(p, dir, "too many drop-ins: ", why);
		}
		return -1;
	}
	qsort(names, n, sizeof names[0], name_cmp);
	return (int)n;
}

unsigned policy_read_default(struct policy *p, const char *main, const char *dropdir)
{
	char *names[POLICY_MAX_DROPINS], path[4096];
	int n, i;

	policy_read_file(p, main);
	n = dropins_list(p, dropdir, names);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dropdir, names[i]);
		policy_read_file(p, path);
	}
	names_free(names, n > 0 ? (size_t)n : 0);
	return p->nerrors;
}

/* ---- grants ---- */

/* ep_range_format's protocol and ports, the address after "on": the
 * policy's own words */
char *policy_grant_describe(const struct policy_grant *g, char *out, size_t size)
{
	struct ep_range any = g->range;
	char a[INET6_ADDRSTRLEN] = "", ports[EP_FORMAT_MAX];

	any.ep.family = 0;
	ep_range_format(&any, ports, sizeof ports);
	if (g->range.ep.family)
		inet_ntop(g->range.ep.family, g->range.ep.addr, a, sizeof a);
	snprintf(out, size, "%s%s%s", ports, g->range.ep.family ? " on " : "", a);
	return out;
}

/* Two users' grants of one socket are an error, unless one statement (a
 * group grant) gave it to both: then its members share it, first come. */
static void check_overlaps(struct policy *p)
{
	char d[80];
	size_t i, j;

	for (j = 0; j < p->ngrants; j++)
		for (i = 0; i < j; i++) {
			const struct policy_grant *a = &p->grants[i], *b = &p->grants[j];

			if (a->uid == b->uid || a->stmt == b->stmt ||
			    !ep_range_overlap(&a->range, &b->range))
				continue;
			error_at(p, b->where, "%s for %s overlaps %s's grant at %s (expected each "
				 "port granted to one user)", policy_grant_describe(b, d, sizeof d),
				 b->name, a->name, a->where);
			break;
		}
}

/* net.ipv4.ip_unprivileged_port_start, or -1 */
static int unpriv_port_read(void)
{
	char buf[16];
	unsigned long v;
	ssize_t n;
	int fd = open("/proc/sys/net/ipv4/ip_unprivileged_port_start", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return creds_number(buf, &v) < 0 || v > 65535 ? -1 : (int)v;
}

/* A port that any user may bind is no one's to grant: the grant still gets
 * the socket bound and held, but keeps no one else off it.  Once a
 * statement (a group's grants are one). */
static void check_unprivileged(struct policy *p)
{
	unsigned start;
	char d[80];
	size_t i;

	if (p->unpriv_port < 0)
		p->unpriv_port = unpriv_port_read();
	if (p->unpriv_port < 0)
		return;
	start = (unsigned)p->unpriv_port;
	for (i = 0; i < p->ngrants; i++) {
		const struct policy_grant *g = &p->grants[i];

		if (g->range.hi < start || (i > 0 && p->grants[i - 1].stmt == g->stmt))
			continue;
		policy_grant_describe(g, d, sizeof d);
		if (g->range.ep.port >= start)
			report_at(p, g->where, "%s is at or above net.ipv4.ip_unprivileged_port_start "
				  "(%u): any user may bind %s directly, so the grant gives no "
				  "exclusivity", d, start, g->range.ep.port == g->range.hi ? "it" : "them");
		else
			report_at(p, g->where, "%s reaches net.ipv4.ip_unprivileged_port_start (%u): "
				  "any user may bind ports %u-%u directly, so the grant gives no "
				  "exclusivity on them", d, start, start, g->range.hi);
	}
}

static void check_unsupervised(struct policy *p)
{
	struct policy_user *u;
	size_t i;

	for (i = 0; i < p->nusers; i++)
		if (!p->users[i].supervised)
			report_at(p, p->users[i].where, "user %s is not supervised: limit and "
				  "no_new_privs statements for them have no effect", p->users[i].name);
	for (i = 0; i < p->ngrants; i++) {
		u = policy_user_find(p, p->grants[i].uid);
		if (!u || !u->supervised)
			report_at(p, p->grants[i].where, "user %s is not supervised: the grant "
				  "has no effect", p->grants[i].name);
	}
}

unsigned policy_finish(struct policy *p)
{
	check_overlaps(p);
	check_unprivileged(p);
	check_unsupervised(p);
	return p->nerrors;
}
