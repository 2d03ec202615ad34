#include "template.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"

#define VIEW_DEPTH 2    /* log/ and the directories in it (svlogd's) */
#define SOURCES 2       /* the instance directory's own entries, the template's */

int tmpl_is_template(const char *name)
{
	size_t n = strlen(name);

	return n > 1 && name[n - 1] == '@' && strchr(name, '@') == name + n - 1;
}

static void __attribute__((format(printf, 3, 4))) say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int tmpl_split(const char *name, size_t *at, char *err, size_t errlen)
{
	const char *p = strchr(name, '@'), *arg;
	size_t n;

	if (!p || p == name || !p[1])
		return 0;
	*at = (size_t)(p - name);  /* the form is there, even with a bad ARG */
	arg = p + 1;
	n = strlen(arg);
	for (; *arg; arg++)
		if (*arg == '/' || (unsigned char)*arg < 0x20 || *arg == 0x7f)
			break;
	if (*arg || n > TMPL_ARG_MAX) {
		say(err, errlen, "%s: not an instance: its argument must be 1 to %d bytes, "
			"without '/' or control characters", name, TMPL_ARG_MAX);
		return -1;
	}
	return 1;
}

ssize_t tmpl_subst(const char *in, size_t n, const char *arg, char *out, size_t size)
{
	size_t vl = strlen(TMPL_VAR), al = strlen(arg), i = 0, o = 0;

	while (i < n) {
		int var = n - i >= vl && memcmp(in + i, TMPL_VAR, vl) == 0;
		const char *s = var ? arg : in + i;
		size_t l = var ? al : 1;

		if (o + l >= size)
			return -1;
		memcpy(out + o, s, l);
		o += l;
		i += var ? vl : 1;
	}
	if (o >= size)
		return -1;
	out[o] = '\0';
	return (ssize_t)o;
}

/* ---- which entries are instances ---- */

/* 1 if name (a directory, not the template) has no run of its own */
static int runless(int dirfd, const char *name, const struct stat *st, const struct stat *t)
{
	char run[PATH_MAX];
	struct stat r;

	if (!S_ISDIR(st->st_mode) || (st->st_dev == t->st_dev && st->st_ino == t->st_ino))
		return 0;
	snprintf(run, sizeof run, "%s/run", name);
	return fstatat(dirfd, run, &r, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT;
}

static int inst_make(int dirfd, const char *name, const char *inst, int linked, char *err,
		     size_t errlen)
{
	char sup[PATH_MAX], target[PATH_MAX];

	if ((mkdirat(dirfd, TMPL_DIR, 0755) < 0 && errno != EEXIST) ||
	    (mkdirat(dirfd, inst, 0755) < 0 && errno != EEXIST)) {
		say(err, errlen, "%s: unable to make %s", name, inst);
		return -1;
	}
	if (linked)
		return 0;
	/* runit's sv, told the instance's name, finds its supervise/ */
	snprintf(sup, sizeof sup, "%s/supervise", name);
	snprintf(target, sizeof target, "../%s/supervise", inst);
	if (symlinkat(target, dirfd, sup) < 0 && errno != EEXIST) {
		say(err, errlen, "%s: unable to make %s", name, sup);
		return -1;
	}
	return 0;
}

int tmpl_instance_at(int dirfd, const char *name, int make, char *inst, size_t size, char *err,
		     size_t errlen)
{
	char tmpl[NAME_MAX + 2];
	struct stat t, st;
	size_t at;
	int r, linked;

	r = tmpl_split(name, &at, err, errlen);
	if (r == 0 || at >= NAME_MAX)
		return 0;
	memcpy(tmpl, name, at + 1);
	tmpl[at + 1] = '\0';
	if (fstatat(dirfd, tmpl, &t, 0) < 0 || !S_ISDIR(t.st_mode))
		return 0;  /* no template beside it: runit's service of that name */
	if (r < 0)
		return -1;
	if (fstatat(dirfd, name, &st, 0) < 0)
		return 0;
	linked = st.st_dev == t.st_dev && st.st_ino == t.st_ino;
	if (!linked && !runless(dirfd, name, &st, &t))
		return 0;
	if ((size_t)snprintf(inst, size, "%s/%s", TMPL_DIR, name) >= size) {
		say(err, errlen, "%s: name too long for an instance", name);
		return -1;
	}
	return make ? inst_make(dirfd, name, inst, linked, err, errlen) < 0 ? -1 : 1 : 1;
}

int tmpl_instance(const char *path, int make, char *inst, size_t size, char *err,
		  size_t errlen)
{
	char dir[PATH_MAX], sub[NAME_MAX + sizeof TMPL_DIR + 2];
	const char *base;
	size_t n = strlen(path);
	int fd, r;

	if (n == 0 || n >= sizeof dir || path[n - 1] == '/')
		return 0;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!strchr(base, '@'))
		return 0;  /* sv's usual case, without a system call */
	snprintf(dir, sizeof dir, "%.*s", (int)(base - path), path);
	fd = open(dir[0] ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	r = tmpl_instance_at(fd, base, make, sub, sizeof sub, err, errlen);
	close(fd);
	if (r == 1 && (size_t)snprintf(inst, size, "%s%s", dir, sub) >= size)
		return 0;
	return r;
}

/* ---- the view: the instance's directory ---- */

struct src {
	int fd;                 /* -1 if none */
	char rel[PATH_MAX];     /* its path from the view's directory */
};

static int has_var(const char *buf, size_t n)
{
	return memmem(buf, n, TMPL_VAR, strlen(TMPL_VAR)) != NULL;
}

/* a file of the template naming ${INSTANCE}: a copy with arg put in;
 * 1 done, 0 not such a file, -1 failed */
static int view_copy(int dst, int sfd, const char *name, const struct stat *st, const char *arg)
{
	static char in[TMPL_FILE_MAX], out[TMPL_FILE_MAX + TMPL_FILE_MAX / 2], old[sizeof out];
	ssize_t n, m;

	if (!S_ISREG(st->st_mode) || (st->st_mode & 0111) || st->st_size > TMPL_FILE_MAX)
		return 0;
	n = fs_read_file(sfd, name, in, sizeof in);
	if (n < 0 || !has_var(in, (size_t)n))
		return 0;
	m = tmpl_subst(in, (size_t)n, arg, out, sizeof out);
	if (m < 0)
		return -1;
	if (fs_read_file(dst, name, old, sizeof old) == m && memcmp(old, out, (size_t)m) == 0)
		return 1;
	return fs_write_atomic(dst, name, out, (size_t)m) < 0 ? -1 : 1;
}

/* name in dst: a symlink to target, put in place by rename */
static int view_link(int dst, const char *name, const char *target)
{
	char cur[PATH_MAX], tmp[NAME_MAX + 16];
	ssize_t n = readlinkat(dst, name, cur, sizeof cur - 1);

	if (n >= 0 && (size_t)n == strlen(target) && memcmp(cur, target, (size_t)n) == 0)
		return 0;
	snprintf(tmp, sizeof tmp, ".%.*s.link", NAME_MAX, name);
	unlinkat(dst, tmp, 0);
	if (symlinkat(target, dst, tmp) < 0)
		return -1;
	if (renameat(dst, tmp, dst, name) < 0) {
		unlinkat(dst, tmp, 0);
		return -1;
	}
	return 0;
}

static int view_dir(int dst, const struct src *s, int ns, int depth, const char *arg);

/* a directory made for real in the view (log/, and those in it) */
static int view_subdir(int dst, const struct src *s, int ns, const char *name, int depth,
		       const char *arg)
{
	struct src sub[SOURCES];
	struct stat st;
	int fd, i, r;

	if (fstatat(dst, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		unlinkat(dst, name, 0);
	if (mkdirat(dst, name, 0755) < 0 && errno != EEXIST)
		return -1;
	fd = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (i = 0; i < ns; i++) {
		sub[i].fd = s[i].fd < 0 ? -1 :
			    openat(s[i].fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		snprintf(sub[i].rel, sizeof sub[i].rel, "../%.*s/%s", PATH_MAX - NAME_MAX - 8,
			 s[i].rel, name);
	}
	r = view_dir(fd, sub, ns, depth + 1, arg);
	for (i = 0; i < ns; i++)
		if (sub[i].fd >= 0)
			close(sub[i].fd);
	close(fd);
	return r;
}

/* 1 if an earlier source (the instance's own directory) has name */
static int shadowed(const struct src *s, int i, const char *name)
{
	struct stat st;

	while (i-- > 0)
		if (s[i].fd >= 0 && fstatat(s[i].fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			return 1;
	return 0;
}

static int view_entry(int dst, const struct src *s, int ns, int i, const char *name, int depth,
		      const char *arg)
{
	char target[PATH_MAX + NAME_MAX + 2];
	struct stat st;
	int r;

	if (name[0] == '.' || !strcmp(name, "supervise") || shadowed(s, i, name))
		return 0;
	if (fstatat(s[i].fd, name, &st, 0) < 0)
		return 0;
	if (S_ISDIR(st.st_mode) && depth < VIEW_DEPTH && (depth > 0 || !strcmp(name, "log")))
		return view_subdir(dst, s + i, ns - i, name, depth, arg);
	r = view_copy(dst, s[i].fd, name, &st, arg);
	if (r != 0)
		return r < 0 ? -1 : 0;
	snprintf(target, sizeof target, "%s/%s", s[i].rel, name);
	return view_link(dst, name, target);
}

/* links of ours into a source that no longer has their entry */
static void view_prune(int dst)
{
	char target[PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dir;
	int fd = openat(dst, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((d = readdir(dir)))
		if (readlinkat(dst, d->d_name, target, sizeof target) > 3 &&
		    !strncmp(target, "../", 3) && fstatat(dst, d->d_name, &st, 0) < 0 &&
		    errno == ENOENT)
			unlinkat(dst, d->d_name, 0);
	closedir(dir);
}

static int view_dir(int dst, const struct src *s, int ns, int depth, const char *arg)
{
	struct dirent *d;
	DIR *dir;
	int i, fd, rc = 0;

	for (i = 0; i < ns; i++) {
		if (s[i].fd < 0)
			continue;
		fd = openat(s[i].fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		dir = fd < 0 ? NULL : fdopendir(fd);
		if (!dir) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		while ((d = readdir(dir)))
			if (view_entry(dst, s, ns, i, d->d_name, depth, arg) < 0)
				rc = -1;
		closedir(dir);
	}
	view_prune(dst);
	return rc;
}

static char view_arg[TMPL_ARG_MAX + 1];
static int view_known;   /* 1 instance, -1 not one, 0 not looked yet */

/* the working directory: TMPL_DIR/NAME@ARG with NAME@ beside TMPL_DIR?
 * Fills the sources: ../../NAME@ARG if it is a directory instance, and
 * ../../NAME@ */
static int view_sources(struct src s[SOURCES])
{
	char cwd[PATH_MAX], *base, *parent;
	struct stat t, own;
	size_t at;

	if (!getcwd(cwd, sizeof cwd) || !(base = strrchr(cwd, '/')))
		return 0;
	*base++ = '\0';
	parent = strrchr(cwd, '/');
	if (!parent || strcmp(parent + 1, TMPL_DIR) || tmpl_split(base, &at, NULL, 0) != 1)
		return 0;
	snprintf(view_arg, sizeof view_arg, "%s", base + at + 1);
	snprintf(s[0].rel, sizeof s[0].rel, "../../%s", base);
	snprintf(s[1].rel, sizeof s[1].rel, "../../%.*s", (int)at + 1, base);
	s[1].fd = open(s[1].rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s[1].fd < 0 || fstat(s[1].fd, &t) < 0)
		return s[1].fd < 0 ? 0 : (close(s[1].fd), 0);
	s[0].fd = open(s[0].rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s[0].fd >= 0 && (fstat(s[0].fd, &own) < 0 ||
			     (own.st_dev == t.st_dev && own.st_ino == t.st_ino))) {
		close(s[0].fd);
		s[0].fd = -1;
	}
	return 1;
}

const char *tmpl_view_sync(char *err, size_t errlen)
{
	struct src s[SOURCES];
	int fd, i, r;

	say(err, errlen, "%s", "");
	if (view_known < 0)
		return NULL;
	s[0].fd = s[1].fd = -1;
	if (!view_sources(s)) {
		view_known = view_known ? view_known : -1;
		return view_known > 0 ? view_arg : NULL;
	}
	view_known = 1;
	setenv("INSTANCE", view_arg, 1);
	fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = fd < 0 ? -1 : view_dir(fd, s, SOURCES, 0, view_arg);
	for (i = 0; i < SOURCES; i++)
		if (s[i].fd >= 0)
			close(s[i].fd);
	if (fd >= 0)
		close(fd);
	if (r < 0)
		say(err, errlen, "unable to renew the view of template %s: %s", s[1].rel + 6,
		    strerror(errno));
	return view_arg;
}

/* ---- sv's patterns ---- */

static int is_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the entries of dirfd matching pat, appended to out[*n] (grown) */
static int expand_one(int dirfd, const char *pat, char ***out, int *n, int *cap)
{
	struct dirent *d;
	char **o;
	DIR *dir;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), first = *n;

	dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || tmpl_is_template(d->d_name) ||
		    fnmatch(pat, d->d_name, FNM_PERIOD) != 0)
			continue;
		if (*n == *cap) {
			o = realloc(*out, (size_t)(*cap = *cap * 2 + 8) * sizeof *o);
			if (!o)
				break;
			*out = o;
		}
		if (!((*out)[(*n)++] = strdup(d->d_name)))
			(*n)--;
	}
	closedir(dir);
	qsort(*out + first, (size_t)(*n - first), sizeof **out, cmp_names);
	return *n - first;
}

int tmpl_expand(int dirfd, char ***services, int *n)
{
	char **out = NULL;
	struct stat st;
	int i, m = 0, cap = 0;

	for (i = 0; i < *n; i++)
		if (is_pattern((*services)[i]) && !strchr((*services)[i], '/'))
			break;
	if (i == *n)
		return 0;  /* no pattern: the list stays as given */
	for (i = 0; i < *n; i++) {
		const char *s = (*services)[i];

		if (is_pattern(s) && !strchr(s, '/') && fstatat(dirfd, s, &st, 0) < 0 &&
		    expand_one(dirfd, s, &out, &m, &cap) > 0)
			continue;
		if (m == cap) {
			char **o = realloc(out, (size_t)(cap = cap * 2 + 8) * sizeof *o);

			if (!o)
				return -1;
			out = o;
		}
		out[m++] = (char *)s;
	}
	*services = out;
	*n = m;
	return 0;
}
