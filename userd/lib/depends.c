#include "depends.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "fs.h"
#include "svcmd.h"
#include "svdir.h"

/* ---- the file ---- */

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n >= DEPENDS_NAME_MAX || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (; n > 0; s++, n--)
		if (*s == '/' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static size_t word_end(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	return i;
}

static size_t blanks(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	return i;
}

/* "restart" and blanks, nothing else */
static bool restart_word(const char *s, size_t n)
{
	size_t w = word_end(s, n);

	return w == 7 && memcmp(s, "restart", 7) == 0 && w + blanks(s + w, n - w) == n;
}

/* one line, without its newline: 0 (skipped or added), or -1 with err */
static int parse_line(const char *s, size_t n, struct deplist *l, char *err, size_t errlen)
{
	size_t i = blanks(s, n), w, j;
	struct dep *d;

	if (i == n || s[i] == '#')
		return 0;
	w = word_end(s + i, n - i);
	if (!name_ok(s + i, w)) {
		snprintf(err, errlen, "not a service name of this tree: %.*s", (int)(w > 64 ? 64 : w),
			 s + i);
		return -1;
	}
	if (l->n == DEPENDS_MAX) {
		snprintf(err, errlen, "more than %d dependencies", DEPENDS_MAX);
		return -1;
	}
	d = &l->d[l->n];
	memcpy(d->name, s + i, w);
	d->name[w] = '\0';
	j = i + w + blanks(s + i + w, n - i - w);
	d->restart = j < n;
	if (j < n && !restart_word(s + j, n - j)) {
		snprintf(err, errlen, "after the name, only \"restart\" is understood");
		return -1;
	}
	l->n++;
	return 0;
}

int depends_parse(const char *text, size_t len, struct deplist *l, char *err, size_t errlen)
{
	const char *end = text + len, *nl;
	char why[128];
	int line = 1;

	l->n = 0;
	for (; text < end; text = nl + 1, line++) {
		nl = memchr(text, '\n', (size_t)(end - text));
		if (!nl)
			nl = end;
		if (memchr(text, '\0', (size_t)(nl - text)) ||
		    parse_line(text, (size_t)(nl - text), l, why, sizeof why) < 0) {
			if (memchr(text, '\0', (size_t)(nl - text)))
				snprintf(why, sizeof why, "a NUL byte");
			snprintf(err, errlen, "depends: line %d: %s", line, why);
			return -1;
		}
	}
	return 0;
}

int depends_read(int dirfd, struct deplist *l, char *err, size_t errlen)
{
	char buf[DEPENDS_FILE_MAX + 1];
	ssize_t n = fs_read_file(dirfd, "depends", buf, sizeof buf);

	l->n = 0;
	if (n < 0 && errno == ENOENT)
		return 0;
	if (n < 0) {
		snprintf(err, errlen, "depends: unable to read: %s", strerror(errno));
		return -1;
	}
	if (n > DEPENDS_FILE_MAX) {
		snprintf(err, errlen, "depends: longer than %d bytes", DEPENDS_FILE_MAX);
		return -1;
	}
	return depends_parse(buf, (size_t)n, l, err, errlen) < 0 ? -1 : 1;
}

/* ---- a sibling's state ---- */

static int read_sibling(int treefd, const char *name, const char *file, void *buf, size_t size)
{
	char path[DEPENDS_NAME_MAX + 32];

	snprintf(path, sizeof path, "%s/%s", name, file);
	return (int)fs_read_file(treefd, path, buf, size);
}

/* readiness as sv -w sees it: from supervise/ward, when the status is marked */
static bool sibling_ready(int treefd, const char *name, const struct svstatus *st)
{
	unsigned char buf[SVEXTRA_SIZE + 1];
	struct svview v = { .st = *st, .have_extra = 1 };
	int n;

	if (!svstatus_marked(st))
		return true;
	n = read_sibling(treefd, name, "supervise/ward", buf, sizeof buf);
	if (n < 0 || svextra_decode(buf, (size_t)n, &v.x) < 0)
		return true;  /* nothing declared that sv could read */
	return svcmd_ready(&v);
}

void depends_view(int treefd, const char *name, struct depview *v)
{
	unsigned char buf[SVSTATUS_SIZE + 1];
	struct svstatus st;
	int n = read_sibling(treefd, name, "supervise/status", buf, sizeof buf);

	*v = (struct depview){ .up = false };
	if (n < 0 || svstatus_decode(buf, (size_t)n, &st) < 0 || st.state != SV_RUN ||
	    st.pid <= 0 || (kill(st.pid, 0) < 0 && errno != EPERM))
		return;
	v->up = true;
	v->pid = st.pid;
	v->since = st.since;
	v->ready = sibling_ready(treefd, name, &st);
}

/* ---- cycles ---- */

#define SEEN_MAX 64

struct chain {
	int treefd;
	const char *self;
	const char *path[DEPENDS_CHAIN_MAX];
	char seen[SEEN_MAX][DEPENDS_NAME_MAX];
	int nseen;
	char *out;
	size_t size;
};

static bool seen(struct chain *c, const char *name)
{
	int i;

	for (i = 0; i < c->nseen; i++)
		if (strcmp(c->seen[i], name) == 0)
			return true;
	if (c->nseen == SEEN_MAX)
		return true;  /* too many to follow: looked no further */
	snprintf(c->seen[c->nseen++], DEPENDS_NAME_MAX, "%s", name);
	return false;
}

static void chain_text(struct chain *c, int len)
{
	size_t at;
	int i;

	at = (size_t)snprintf(c->out, c->size, "%s", c->self);
	for (i = 0; i < len && at < c->size; i++)
		at += (size_t)snprintf(c->out + at, c->size - at, " -> %s", c->path[i]);
}

static bool follow(struct chain *c, const struct deplist *l, int depth)
{
	struct deplist next;
	char err[8], dir[DEPENDS_NAME_MAX];
	int i, fd, r;

	for (i = 0; i < l->n; i++) {
		c->path[depth] = l->d[i].name;
		if (strcmp(l->d[i].name, c->self) == 0) {
			chain_text(c, depth + 1);
			return true;
		}
		if (depth + 1 >= DEPENDS_CHAIN_MAX || seen(c, l->d[i].name))
			continue;
		snprintf(dir, sizeof dir, "%s", l->d[i].name);
		fd = openat(c->treefd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		r = depends_read(fd, &next, err, sizeof err);
		close(fd);
		if (r > 0 && follow(c, &next, depth + 1))
			return true;
	}
	return false;
}

int depends_cycle(int treefd, const char *self, const struct deplist *l, char *out, size_t size)
{
	static struct chain c;  /* 4 kB of names: not on runsv's stack */

	c = (struct chain){ .treefd = treefd, .self = self, .out = out, .size = size };
	return follow(&c, l, 0) ? 1 : 0;
}

/* ---- the watch ---- */

void depends_init(struct depwatch *w, const char *path)
{
	char dir[PATH_MAX];
	size_t n = strlen(path);
	const char *base, *name;

	*w = (struct depwatch){ .treefd = -1, .ifd = -1 };
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n >= sizeof dir)
		return;
	memcpy(dir, path, n);
	dir[n] = '\0';
	base = strrchr(dir, '/');
	name = base ? base + 1 : dir;
	if (strlen(name) < sizeof w->self)  /* a longer one depends on nothing */
		memcpy(w->self, name, strlen(name) + 1);
	if (base == dir)
		dir[1] = '\0';
	else if (base)
		dir[base - dir] = '\0';
	if (!realpath(base ? dir : ".", w->tree))
		w->tree[0] = '\0';
}

static int tree_open(struct depwatch *w)
{
	if (w->treefd < 0 && w->tree[0])
		w->treefd = open(w->tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return w->treefd;
}

static void unwatch(struct depwatch *w)
{
	if (w->ifd >= 0)
		close(w->ifd);
	w->ifd = -1;
}

/* the dependency's supervise/, or the nearest thing above it that exists,
 * so that its creation is seen too */
static void watch_one(struct depwatch *w, const char *name)
{
	char path[64 + DEPENDS_NAME_MAX];
	int fd = w->treefd;

	snprintf(path, sizeof path, "/proc/self/fd/%d/%s/supervise", fd, name);
	if (inotify_add_watch(w->ifd, path, IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF) >= 0)
		return;
	snprintf(path, sizeof path, "/proc/self/fd/%d/%s", fd, name);
	if (inotify_add_watch(w->ifd, path, IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF) >= 0)
		return;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	inotify_add_watch(w->ifd, path, IN_CREATE | IN_MOVED_TO);
}

/* watches first, then looks: a change in between is not lost.  Done anew
 * at each change, as a supervise/ may have been made or replaced since. */
static void watch(struct depwatch *w, bool restart_only)
{
	int i;

	unwatch(w);
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd < 0)
		return;  /* then only depends-timeout ends a wait */
	for (i = 0; i < w->l.n; i++)
		if (!restart_only || w->l.d[i].restart)
			watch_one(w, w->l.d[i].name);
}

static bool any_restart(const struct deplist *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->d[i].restart)
			return true;
	return false;
}

static int recheck(struct depwatch *w)
{
	struct depview v;
	int i;

	watch(w, false);
	for (i = 0; i < w->l.n; i++) {
		depends_view(w->treefd, w->l.d[i].name, &v);
		if (!v.ready) {
			w->wait = SVDEP_WAIT;
			snprintf(w->text, sizeof w->text, "%s%s", w->l.d[i].name,
				 v.up ? " (not ready)" : "");
			return DEPENDS_HOLD;
		}
		w->ran[i] = v;
	}
	w->held = false;
	w->wait = SVDEP_NONE;
	w->text[0] = '\0';
	if (any_restart(&w->l))
		watch(w, true);
	else
		depends_release(w);
	return DEPENDS_GO;
}

static int gate_error(struct depwatch *w)
{
	depends_release(w);
	return DEPENDS_ERROR;
}

int depends_gate(struct depwatch *w, int dirfd, int64_t now)
{
	unsigned long sec = DEPENDS_TIMEOUT_S;
	int r = depends_read(dirfd, &w->l, w->text, sizeof w->text);

	if (r == 0) {
		depends_release(w);
		return DEPENDS_GO;
	}
	if (r < 0 || svdir_read_uint(dirfd, "depends-timeout", 1, 86400, &sec, w->text,
				     sizeof w->text) < 0)
		return gate_error(w);
	if (tree_open(w) < 0) {
		snprintf(w->text, sizeof w->text, "depends: unable to open the service's tree");
		return gate_error(w);
	}
	if (!w->held)
		w->deadline = now + (int64_t)sec * 1000;
	w->held = true;
	if (depends_cycle(w->treefd, w->self, &w->l, w->text, sizeof w->text)) {
		unwatch(w);
		w->wait = SVDEP_CYCLE;
		return DEPENDS_HOLD;
	}
	return recheck(w);
}

int depends_fd(const struct depwatch *w)
{
	return w->ifd;
}

static void drain(int fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(fd, buf, sizeof buf) > 0)
		;
}

/* a "restart" dependency whose run is not the one the service started with */
static bool restarted(struct depwatch *w)
{
	struct depview v;
	int i;

	for (i = 0; i < w->l.n; i++) {
		if (!w->l.d[i].restart)
			continue;
		depends_view(w->treefd, w->l.d[i].name, &v);
		if (v.up && v.pid == w->ran[i].pid)
			continue;
		snprintf(w->text, sizeof w->text, "%s", w->l.d[i].name);
		return true;
	}
	return false;
}

int depends_event(struct depwatch *w)
{
	if (w->ifd >= 0)
		drain(w->ifd);
	if (w->held)
		return w->wait == SVDEP_CYCLE ? DEPENDS_HOLD : recheck(w);
	watch(w, true);
	if (!restarted(w))
		return DEPENDS_HOLD;
	unwatch(w);
	return DEPENDS_RESTART;
}

int64_t depends_deadline(const struct depwatch *w)
{
	return w->held ? w->deadline : INT64_MAX;
}

void depends_fill(const struct depwatch *w, struct svextra *x)
{
	x->depwait = w->wait;
	if (w->wait != SVDEP_NONE)
		memcpy(x->depends_text, w->text, sizeof x->depends_text);
}

void depends_release(struct depwatch *w)
{
	unwatch(w);
	if (w->treefd >= 0)
		close(w->treefd);
	w->treefd = -1;
	w->held = false;
	w->wait = SVDEP_NONE;
}
