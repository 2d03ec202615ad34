#include "svcmd.h"
#include "fs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- command line ---- */

unsigned long svcmd_scan_seconds(const char *s)
{
	unsigned long n = 0;

	for (; *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (unsigned long)(*s - '0');
		if (n > SVCMD_WAIT_MAX)
			n = SVCMD_WAIT_MAX;
	}
	return n;
}

static int usage_code(const struct svcmd *c)
{
	return c->lsb ? SVCMD_EXIT_LSB_USAGE : SVCMD_EXIT_FATAL;
}

static int bad_option(struct svcmd *c, const char *why, char opt)
{
	snprintf(c->error, sizeof c->error, "%s -- %c", why, opt);
	return -1;
}

/* One argument of clustered flags ("-vw5").  Returns how many arguments
 * it used (1 or 2), or -1. */
static int parse_flags(struct svcmd *c, int argc, char **argv, int i)
{
	const char *p;

	for (p = argv[i] + 1; *p; p++) {
		switch (*p) {
		case 'v': c->verbose = 1; break;
		case 'V': c->version = 1; break;
		case 'j': c->json = 1; break;
		case 'w':
			if (p[1]) {
				c->wait = svcmd_scan_seconds(p + 1);
			} else if (i + 1 < argc) {
				c->wait = svcmd_scan_seconds(argv[i + 1]);
				c->verbose = 1;
				return 2;
			} else {
				return bad_option(c, "option requires an argument", 'w');
			}
			c->verbose = 1;
			return 1;
		default:
			return bad_option(c, "illegal option", *p);
		}
	}
	return 1;
}

/* Options end at the first argument that is not one, or after "--", as
 * runit's getopt: "sv status -v web" names a service "-v".  Returns the
 * index of the first operand, or -1. */
static int parse_options(struct svcmd *c, int argc, char **argv)
{
	int i = 1, used;

	while (i < argc && argv[i][0] == '-' && argv[i][1]) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		used = parse_flags(c, argc, argv, i);
		if (used < 0)
			return -1;
		i += used;
	}
	return i;
}

struct svword {
	const char *word;
	const char *acts;
	int send, wait, kill;
};

/* commands that are matched as whole words before their first letter */
static const struct svword svwords[] = {
	{ "try-restart",    "tc",  1, 1, 0 },
	{ "check",          "C",   0, 1, 0 },
	{ "shutdown",       "x",   1, 1, 0 },
	{ "start",          "u",   1, 1, 0 },
	{ "stop",           "d",   1, 1, 0 },
	{ "restart",        "tcu", 1, 1, 0 },
	{ "reload",         "h",   1, 1, 0 },
	{ "force-reload",   "tc",  1, 1, 1 },
	{ "force-restart",  "tcu", 1, 1, 1 },
	{ "force-shutdown", "x",   1, 1, 1 },
	{ "force-stop",     "d",   1, 1, 1 },
};

static void set_command(struct svcmd *c, const char *acts, int send, int wait, int kill)
{
	snprintf(c->acts, sizeof c->acts, "%s", acts);
	c->send = send;
	c->check = wait || c->verbose;
	c->kill = kill;
}

static int parse_letter(struct svcmd *c, char first)
{
	char one[2] = { first, 0 };

	switch (first) {
	case 'x': case 'e': set_command(c, "x", 1, 0, 0); return 0;
	case 'X': case 'E': set_command(c, "x", 1, 1, 1); return 0;
	case 'D': set_command(c, "d", 1, 1, 1); return 0;
	case 'T': set_command(c, "tc", 1, 1, 1); return 0;
	case 'u': case 'd': case 'o': case 'p': case 'h': case 'a': case 'i':
	case 'k': case 'q': case '1': case '2': case 't': case 'c':
		set_command(c, one, 1, 0, 0);
		return 0;
	case 's':
		if (c->lsb && strcmp(c->action, "status") != 0)
			return -1;
		c->status = 1;
		return 0;
	}
	return -1;
}

static int parse_action(struct svcmd *c)
{
	size_t i;

	for (i = 0; i < sizeof svwords / sizeof svwords[0]; i++) {
		if (strcmp(c->action, svwords[i].word) == 0) {
			set_command(c, svwords[i].acts, svwords[i].send, svwords[i].wait,
				    svwords[i].kill);
			return 0;
		}
	}
	return parse_letter(c, c->action[0]);
}

int svcmd_parse(struct svcmd *c, int argc, char **argv, const char *svwait)
{
	static char *self[1];
	const char *slash;
	int i;

	memset(c, 0, sizeof *c);
	c->prog = argc > 0 && argv[0] && argv[0][0] ? argv[0] : "sv";
	slash = strrchr(c->prog, '/');
	if (slash && slash[1])
		c->prog = slash + 1;
	c->lsb = strcmp(c->prog, "sv") != 0;
	c->wait = svwait ? svcmd_scan_seconds(svwait) : SVCMD_WAIT_DEFAULT;
	i = parse_options(c, argc, argv);
	if (i < 0 || c->version || i >= argc)
		return usage_code(c);
	c->action = argv[i++];
	if (c->lsb) {
		self[0] = (char *)c->prog;
		c->services = self;
		c->nservices = 1;
	} else {
		c->services = argv + i;
		c->nservices = argc - i;
	}
	if (c->nservices < 1 || parse_action(c) < 0)
		return usage_code(c);
	if (c->json && !c->status) {
		snprintf(c->error, sizeof c->error, "-j works with the status command only");
		return usage_code(c);
	}
	return 0;
}

void svcmd_usage(const struct svcmd *c, char *buf, size_t size)
{
	if (c->lsb)
		snprintf(buf, size, "usage: %s [-j] [-w sec] command", c->prog);
	else
		snprintf(buf, size, "usage: %s [-v] [-j] [-w sec] command service ...", c->prog);
}

void svcmd_default_svdir(char *buf, size_t size, unsigned uid, const char *home)
{
	if (uid != 0 && home && home[0] == '/' &&
	    (size_t)snprintf(buf, size, "%s/%s/", home, USER_TREE) < size)
		return;
	snprintf(buf, size, "/etc/service/");
}

int svcmd_is_name(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && name[0] != '/' && name[0] != '.' && name[n - 1] != '/';
}

/* ---- /etc/passwd and /etc/group ---- */

#define MAXFIELDS 7

/* Splits a line at ':' into at most MAXFIELDS fields (pointers and
 * lengths; the newline ends the last); returns how many. */
static int split_fields(const char *line, const char *f[], size_t len[])
{
	size_t end = strcspn(line, "\n");
	int n = 0;

	for (;;) {
		const char *c = memchr(line, ':', end);
		size_t l = c ? (size_t)(c - line) : end;

		f[n] = line;
		len[n++] = l;
		if (!c || n == MAXFIELDS)
			return c ? n + 1 : n;  /* one too many: more fields than any format has */
		line += l + 1;
		end -= l + 1;
	}
}

/* a uid or gid field: decimal digits only, below (unsigned)-1 */
static int id_field(const char *s, size_t n, unsigned *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v >= 0xffffffffUL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int copy_field(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size || memchr(s, '\0', n))
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int svcmd_passwd_line(const char *line, unsigned uid, struct svowner *o)
{
	const char *f[MAXFIELDS];
	size_t len[MAXFIELDS];
	unsigned u, g;

	/* name:password:uid:gid:gecos:home:shell; NIS's +/- lines are not users */
	if (split_fields(line, f, len) != 7 || len[0] == 0 || line[0] == '+' || line[0] == '-')
		return 0;
	if (id_field(f[2], len[2], &u) < 0 || u != uid || id_field(f[3], len[3], &g) < 0)
		return 0;
	if (copy_field(o->name, sizeof o->name, f[0], len[0]) < 0 ||
	    copy_field(o->home, sizeof o->home, f[5], len[5]) < 0)
		return 0;
	o->uid = u;
	o->gid = g;
	o->groups[0] = g;
	o->ngroups = 1;
	return 1;
}

/* is name one of the comma-separated members in s (n bytes)? */
static int listed(const char *s, size_t n, const char *name)
{
	size_t k = strlen(name);

	while (n > 0) {
		const char *c = memchr(s, ',', n);
		size_t l = c ? (size_t)(c - s) : n;

		if (l == k && memcmp(s, name, k) == 0)
			return 1;
		if (!c)
			break;
		s += l + 1;
		n -= l + 1;
	}
	return 0;
}

int svcmd_group_line(const char *line, struct svowner *o)
{
	const char *f[MAXFIELDS];
	size_t len[MAXFIELDS];
	unsigned g;
	int i;

	/* name:password:gid:members */
	if (split_fields(line, f, len) != 4 || line[0] == '+' || line[0] == '-' ||
	    id_field(f[2], len[2], &g) < 0 || !o->name[0] || !listed(f[3], len[3], o->name))
		return 0;
	for (i = 0; i < o->ngroups; i++)
		if (o->groups[i] == g)
			return 0;
	if (o->ngroups >= SVOWNER_GROUPS) {
		errno = E2BIG;
		return -1;
	}
	o->groups[o->ngroups++] = g;
	return 0;
}

/* ---- runit's error texts ---- */

static const struct { int num; const char *text; } errtexts[] = {
	{ 0, "no error" }, { EINTR, "interrupted system call" },
	{ ENOMEM, "out of memory" }, { ENOENT, "file does not exist" },
	{ ETXTBSY, "text busy" }, { EIO, "input/output error" },
	{ EEXIST, "file already exists" }, { ETIMEDOUT, "timed out" },
	{ EINPROGRESS, "operation in progress" }, { EAGAIN, "temporary failure" },
	{ EPIPE, "broken pipe" }, { EPERM, "permission denied" },
	{ EACCES, "access denied" }, { ENXIO, "device not configured" },
	{ EPROTO, "protocol error" }, { EISDIR, "is a directory" },
	{ ECONNREFUSED, "connection refused" }, { ENOTDIR, "not a directory" },
	{ ESRCH, "no such process" }, { E2BIG, "argument list too long" },
	{ ENOEXEC, "exec format error" }, { EBADF, "file descriptor not open" },
	{ ECHILD, "no child processes" }, { EDEADLK, "operation would cause deadlock" },
	{ EFAULT, "bad address" }, { ENOTBLK, "not a block device" },
	{ EBUSY, "device busy" }, { EXDEV, "cross-device link" },
	{ ENODEV, "device does not support operation" }, { EINVAL, "invalid argument" },
	{ ENFILE, "system cannot open more files" },
	{ EMFILE, "process cannot open more files" }, { ENOTTY, "not a tty" },
	{ EFBIG, "file too big" }, { ENOSPC, "out of disk space" },
	{ ESPIPE, "unseekable descriptor" }, { EROFS, "read-only file system" },
	{ EMLINK, "too many links" }, { EDOM, "input out of range" },
	{ ERANGE, "output out of range" }, { EALREADY, "operation already in progress" },
	{ ENOTSOCK, "not a socket" }, { EMSGSIZE, "message too long" },
	{ EOPNOTSUPP, "operation not supported" }, { EADDRINUSE, "address already used" },
	{ ECONNRESET, "connection reset" }, { ELOOP, "symbolic link loop" },
	{ ENAMETOOLONG, "file name too long" }, { ENOTEMPTY, "directory not empty" },
	{ EDQUOT, "disk quota exceeded" }, { ESTALE, "stale NFS file handle" },
	{ ENOLCK, "no locks available" }, { ENOSYS, "system call not available" },
};

const char *svcmd_errstr(int errnum)
{
	size_t i;

	for (i = 0; i < sizeof errtexts / sizeof errtexts[0]; i++)
		if (errtexts[i].num == errnum)
			return errtexts[i].text;
	return "unknown error";
}

/* ---- output buffer ---- */

static int svbuf_grow(struct svbuf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (b->len + more + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

static void svbuf_addn(struct svbuf *b, const char *s, size_t n)
{
	if (svbuf_grow(b, n) < 0)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void svbuf_add(struct svbuf *b, const char *s)
{
	svbuf_addn(b, s, strlen(s));
}

void svbuf_addf(struct svbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	/* only numbers and short words go through here */
	if (n > 0)
		svbuf_addn(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void svbuf_free(struct svbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Length (1-4) of the well-formed UTF-8 sequence at s, its code point in
 * *cp; 0 if the bytes there are not one (overlong, surrogate, cut off). */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, *cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, *cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, *cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && *cp < 0x800) || (len == 4 && (*cp < 0x10000 || *cp > 0x10ffff)) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

/* Escapes bytes that must not reach a terminal or a JSON parser raw:
 * one \uFFFD (JSON) or \xNN (text) per byte. */
static void quote_bytes(struct svbuf *b, const unsigned char *s, size_t n, int json)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (json && s[i] < 0x80)
			svbuf_addf(b, "\\u%04x", s[i]);
		else if (json)
			svbuf_add(b, "\\ufffd");
		else
			svbuf_addf(b, "\\x%02x", s[i]);
	}
}

void svbuf_quote(struct svbuf *b, const char *s, size_t n, int json)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;

	svbuf_add(b, "\"");
	while (i < n) {
		if (u[i] == '"' || u[i] == '\\') {
			svbuf_add(b, "\\");
			svbuf_addn(b, s + i++, 1);
			continue;
		}
		len = utf8_seq(u + i, n - i, &cp);
		if (len == 0 || cp < 0x20 || cp == 0x7f || (!json && cp >= 0x80 && cp < 0xa0)) {
			len = len ? len : 1;
			quote_bytes(b, u + i, len, json);
		} else {
			svbuf_addn(b, s + i, len);
		}
		i += len;
	}
	svbuf_add(b, "\"");
}

/* ---- status text ---- */

static long long secs_since(const struct timespec *now, const struct timespec *then)
{
	return now->tv_sec < then->tv_sec ? 0 : (long long)(now->tv_sec - then->tv_sec);
}

/* whole seconds from now until then, rounded up, never negative */
static long long secs_until(const struct timespec *now, const struct timespec *then)
{
	long long ns = ((long long)then->tv_sec - now->tv_sec) * 1000000000LL +
		       (then->tv_nsec - now->tv_nsec);

	return ns <= 0 ? 0 : (ns + 999999999LL) / 1000000000LL;
}

static int ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

int svcmd_ready(const struct svview *v)
{
	if (!v->have_extra || v->x.ready == SVREADY_NONE)
		return 1;
	return v->x.ready == SVREADY_YES && !ts_before(&v->x.ready_at, &v->st.since);
}

/* 1500 -> "1.5s", 2000 -> "2s", 250 -> "0.25s" */
static void fmt_ms(struct svbuf *b, uint32_t ms)
{
	char frac[8];
	size_t n;

	if (ms % 1000 == 0) {
		svbuf_addf(b, "%us", ms / 1000);
		return;
	}
	snprintf(frac, sizeof frac, "%03u", ms % 1000);
	for (n = strlen(frac); n > 0 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	svbuf_addf(b, "%u.%ss", ms / 1000, frac);
}

static void fmt_text(struct svbuf *b, const struct svextra *x)
{
	if (x->text[0]) {
		svbuf_add(b, ", ");
		svbuf_quote(b, x->text, strnlen(x->text, SVEXTRA_TEXT), 0);
	}
}

static void fmt_ward(struct svbuf *b, const struct svview *v, const struct timespec *now)
{
	const struct svextra *x = &v->x;

	if (!v->have_extra)
		return;
	if (v->st.pid) {
		if (x->ready != SVREADY_NONE && svcmd_ready(v))
			svbuf_addf(b, ", ready %llds", secs_since(now, &x->ready_at));
		else if (x->ready != SVREADY_NONE)
			svbuf_add(b, ", not ready");
		fmt_text(b, x);
	} else if (x->backoff_ms && v->st.want == 'u') {
		svbuf_add(b, ", backoff ");
		fmt_ms(b, x->backoff_ms);
		svbuf_addf(b, ", next start in %llds", secs_until(now, &x->next_start));
		fmt_text(b, x);   /* why, e.g. a socket runsv could not get */
	}
}

static const char *state_word(int state)
{
	return state == SV_RUN ? "run" : state == SV_FINISH ? "finish" : "down";
}

int svcmd_fmt_status(struct svbuf *b, const char *name, const struct svview *v,
		     const struct timespec *now)
{
	const struct svstatus *st = &v->st;
	pid_t pid = st->pid;

	svbuf_addf(b, "%s: ", state_word(st->state));
	svbuf_add(b, name);
	svbuf_add(b, ": ");
	if (st->state != SV_DOWN)
		svbuf_addf(b, "(pid %ld) ", (long)pid);
	svbuf_addf(b, "%llds", secs_since(now, &st->since));
	if (pid && !v->normally_up)
		svbuf_add(b, ", normally down");
	if (!pid && v->normally_up)
		svbuf_add(b, ", normally up");
	if (pid && st->paused)
		svbuf_add(b, ", paused");
	if (!pid && st->want == 'u')
		svbuf_add(b, ", want up");
	if (pid && st->want == 'd')
		svbuf_add(b, ", want down");
	if (pid && st->got_term)
		svbuf_add(b, ", got TERM");
	fmt_ward(b, v, now);
	return pid ? 1 : 2;
}

static const char *json_bool(int b)
{
	return b ? "true" : "false";
}

/* restart accounting: "last_exit":{"code":N|"signal":N,"oom":B,"ago":S} */
static void json_exit(struct svbuf *b, const struct svview *v, const struct timespec *now)
{
	const struct svextra *x = &v->x;

	if (!v->have_extra || x->exit_kind == SVEXIT_NONE) {
		svbuf_add(b, ",\"last_exit\":null");
		return;
	}
	svbuf_addf(b, ",\"last_exit\":{\"%s\":%d,\"oom\":%s,\"ago\":%lld}",
		   x->exit_kind == SVEXIT_SIGNAL ? "signal" : "code", x->exit_code,
		   json_bool(x->exit_oom), secs_since(now, &x->exit_at));
}

static void json_ward(struct svbuf *b, const struct svview *v, const struct timespec *now)
{
	const struct svextra *x = &v->x;
	int declared = v->have_extra && x->ready != SVREADY_NONE && v->st.pid;

	if (!declared)
		svbuf_add(b, ",\"ready\":null,\"ready_for\":null");
	else if (svcmd_ready(v))
		svbuf_addf(b, ",\"ready\":true,\"ready_for\":%lld", secs_since(now, &x->ready_at));
	else
		svbuf_add(b, ",\"ready\":false,\"ready_for\":null");
	svbuf_add(b, ",\"status_text\":");
	if (v->have_extra && (v->st.pid || x->backoff_ms) && x->text[0])
		svbuf_quote(b, x->text, strnlen(x->text, SVEXTRA_TEXT), 1);
	else
		svbuf_add(b, "null");
	if (v->have_extra && !v->st.pid && x->backoff_ms && v->st.want == 'u')
		svbuf_addf(b, ",\"backoff_ms\":%u,\"next_start_in\":%lld", x->backoff_ms,
			   secs_until(now, &x->next_start));
	else
		svbuf_add(b, ",\"backoff_ms\":0,\"next_start_in\":null");
	if (v->have_extra)
		svbuf_addf(b, ",\"starts\":%u", x->starts);
	else
		svbuf_add(b, ",\"starts\":null");
	json_exit(b, v, now);
}

void svcmd_fmt_json(struct svbuf *b, const struct svview *v, const struct timespec *now)
{
	const struct svstatus *st = &v->st;

	svbuf_addf(b, "\"state\":\"%s\"", state_word(st->state));
	if (st->pid)
		svbuf_addf(b, ",\"pid\":%ld", (long)st->pid);
	else
		svbuf_add(b, ",\"pid\":null");
	svbuf_addf(b, ",\"uptime\":%lld", secs_since(now, &st->since));
	svbuf_addf(b, ",\"normally\":\"%s\"", v->normally_up ? "up" : "down");
	svbuf_addf(b, ",\"want\":\"%s\"", st->want == 'u' ? "up" : "down");
	svbuf_addf(b, ",\"paused\":%s,\"got_term\":%s", json_bool(st->paused),
		   json_bool(st->got_term));
	json_ward(b, v, now);
}
