/* ward logs: the last lines of each service's svlogd log, interleaved by
 * their time stamps, each after its service's name; with -f, new lines as
 * they come (inotify), across svlogd's rotations (current renamed to
 * @TAI64N.s, a new current made). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgstat.h"
#include "err.h"
#include "fs.h"
#include "logline.h"
#include "logstamp.h"
#include "svdir.h"
#include "ward.h"

#define TAIL_READ  (1 << 20)   /* of current, the last this many bytes are read */
#define LINE_MAX_F 65536       /* -f: a longer line is shown in pieces */
#define MAX_SOURCES 1024

struct source {
	char label[WARDROW_NAME];
	int dirfd;                 /* the log directory */
	int fd;                    /* its current, -1 if none */
	char part[LINE_MAX_F];     /* -f: a line not ended yet */
	size_t npart;
};

struct entry {
	int64_t t;
	size_t src, seq;
	const char *text;
	size_t len;
};

static struct source *src;
static size_t nsrc;

static void label_of(char *out, const char *path)
{
	const char *b;
	char tmp[PATH_MAX];
	size_t n = strlen(path), i;

	while (n > 1 && path[n - 1] == '/')
		n--;
	snprintf(tmp, sizeof tmp, "%.*s", (int)n, path);
	b = strrchr(tmp, '/');
	b = b ? b + 1 : tmp;
	for (i = 0; b[i] && i < WARDROW_NAME - 1; i++)
		out[i] = b[i] > ' ' && b[i] < 0x7f ? b[i] : '?';
	out[i] = '\0';
}

/* a log directory (it has current), or a service whose log/main has one */
static int add_source(int at, const char *path, const char *label)
{
	char dir[PATH_MAX];
	int fd;

	snprintf(dir, sizeof dir, "%s/log/main", path);
	fd = openat(at, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || faccessat(fd, "current", F_OK, 0) < 0) {
		if (fd >= 0)
			close(fd);
		fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && faccessat(fd, "current", F_OK, 0) < 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0 || nsrc == MAX_SOURCES) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	src[nsrc] = (struct source){ .dirfd = fd, .fd = -1 };
	label_of(src[nsrc].label, label ? label : path);
	nsrc++;
	return 0;
}

static int tree_fd(void)
{
	const char *svdir = getenv("SVDIR"), *home = getenv("HOME");
	char dir[PATH_MAX];

	if (svdir && *svdir)
		snprintf(dir, sizeof dir, "%s", svdir);
	else
		snprintf(dir, sizeof dir, "%s/%s", home ? home : ".", USER_TREE);
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int by_label(const void *a, const void *b)
{
	return strcmp(((const struct source *)a)->label, ((const struct source *)b)->label);
}

static void add_tree(void)
{
	struct dirent *e;
	int fd = tree_fd();
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (d == NULL)
		err_fatal_sys(EXIT_TEMP, "unable to read the service directory");
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			add_source(dirfd(d), e->d_name, e->d_name);
	closedir(d);
	qsort(src, nsrc, sizeof *src, by_label);
}

static void add_named(char **names, int n)
{
	int i, tfd = -1;

	for (i = 0; i < n; i++) {
		if (strchr(names[i], '/') || strcmp(names[i], ".") == 0) {
			if (add_source(AT_FDCWD, names[i], NULL) < 0)
				err_warn("%s: no log (no current, nor log/main/current)", names[i]);
			continue;
		}
		if (tfd < 0 && (tfd = tree_fd()) < 0)
			err_fatal_sys(EXIT_TEMP, "unable to open the service directory");
		if (add_source(tfd, names[i], names[i]) < 0)
			err_warn("%s: no log (no log/main/current)", names[i]);
	}
	if (tfd >= 0)
		close(tfd);
}

/* the last TAIL_READ bytes of fd, or fewer; the offset is left at the end */
static char *tail_of(int fd, size_t *len)
{
	struct stat st;
	off_t from;
	char *buf;
	ssize_t n;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) < 0 || (buf = malloc(TAIL_READ + 1)) == NULL)
		return NULL;
	from = st.st_size > TAIL_READ ? st.st_size - TAIL_READ : 0;
	while (got < TAIL_READ && (n = pread(fd, buf + got, TAIL_READ - got, from + (off_t)got)) > 0)
		got += (size_t)n;
	lseek(fd, from + (off_t)got, SEEK_SET);
	*len = got;
	return buf;
}

/* the newest rotated file (@TAI64N.s or .u: the names sort by time), or -1 */
static int newest_old(int dirfd)
{
	char best[LOGSTAMP_NAMELEN + 1] = "", suffix;
	struct dirent *e;
	DIR *d = fdopendir(dup(dirfd));
	int fd;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (logstamp_is_old(e->d_name, &suffix) && suffix != 't' && strcmp(e->d_name, best) > 0)
			memcpy(best, e->d_name, sizeof best);   /* its length is the name's */
	closedir(d);
	fd = best[0] ? openat(dirfd, best, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
	return fd;
}

/* the tail of current, after that of the newest rotated file when current
 * has fewer than n lines (it was rotated a moment ago) */
static char *read_tail(struct source *s, size_t n, size_t *len)
{
	size_t olen = 0;
	char *cur, *old, *both;
	int ofd;

	s->fd = openat(s->dirfd, "current", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	cur = tail_of(s->fd, len);
	if (cur == NULL || (size_t)cgstat_lines(cur, *len) >= n)
		return cur;
	ofd = newest_old(s->dirfd);
	old = tail_of(ofd, &olen);
	if (ofd >= 0)
		close(ofd);
	both = old ? realloc(old, olen + 1 + *len) : NULL;
	if (both == NULL) {
		free(old);
		return cur;
	}
	if (olen && both[olen - 1] != '\n')
		both[olen++] = '\n';
	memcpy(both + olen, cur, *len);
	*len += olen;
	free(cur);
	return both;
}

static int by_time(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void print_line(struct source *s, const char *text, size_t len)
{
	printf("%s | %.*s\n", s->label, (int)len, text);
}

/* the last n lines of each source, interleaved by time */
static void show_tails(size_t n)
{
	char **bufs = calloc(nsrc, sizeof *bufs);
	struct entry *e = NULL;
	size_t i, ne = 0, len, at, end, seq;
	int64_t t;

	for (i = 0; bufs && i < nsrc; i++) {
		bufs[i] = read_tail(&src[i], n, &len);
		if (bufs[i] == NULL)
			continue;
		at = logline_tail(bufs[i], len, n);
		e = realloc(e, (ne + n + 1) * sizeof *e);
		if (e == NULL)
			err_fatal(EXIT_TEMP, "out of memory");
		for (t = 0, seq = 0; at < len; at = end + 1, seq++) {
			end = at;
			while (end < len && bufs[i][end] != '\n')
				end++;
			logline_time(bufs[i] + at, end - at, &t);   /* else the last one's */
			e[ne++] = (struct entry){ t, i, seq, bufs[i] + at, end - at };
		}
	}
	if (e)
		qsort(e, ne, sizeof *e, by_time);
	for (i = 0; i < ne; i++)
		print_line(&src[e[i].src], e[i].text, e[i].len);
	for (i = 0; bufs && i < nsrc; i++)
		free(bufs[i]);
	free(bufs);
	free(e);
	fflush(stdout);
}

/* -f: the complete lines of what fd has now */
static void drain(struct source *s)
{
	char *nl;
	ssize_t n;
	size_t at;

	while (s->fd >= 0 && (n = read(s->fd, s->part + s->npart, sizeof s->part - s->npart)) > 0) {
		s->npart += (size_t)n;
		at = 0;
		while ((nl = memchr(s->part + at, '\n', s->npart - at)) != NULL) {
			print_line(s, s->part + at, (size_t)(nl - s->part - at));
			at = (size_t)(nl - s->part) + 1;
		}
		if (at == 0 && s->npart == sizeof s->part) {
			print_line(s, s->part, s->npart);   /* too long: in pieces */
			at = s->npart;
		}
		memmove(s->part, s->part + at, s->npart - at);
		s->npart -= at;
	}
}

/* after a rotation current is another file: the old one to its end, then
 * the new one from its start */
static void follow_one(struct source *s)
{
	struct stat now, had;

	drain(s);
	if (fstatat(s->dirfd, "current", &now, 0) < 0)
		return;
	if (s->fd >= 0 && fstat(s->fd, &had) == 0 && had.st_ino == now.st_ino &&
	    had.st_dev == now.st_dev)
		return;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = openat(s->dirfd, "current", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	drain(s);
}

static void __attribute__((noreturn)) follow(void)
{
	char buf[sizeof(struct inotify_event) + NAME_MAX + 1] __attribute__((aligned(8)));
	int in = inotify_init1(IN_CLOEXEC), *wd = calloc(nsrc, sizeof *wd);
	char path[64];
	size_t i;
	ssize_t n;

	if (in < 0 || wd == NULL)
		err_fatal_sys(EXIT_TEMP, "unable to watch the logs");
	for (i = 0; i < nsrc; i++) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", src[i].dirfd);
		wd[i] = inotify_add_watch(in, path, IN_MODIFY | IN_CREATE | IN_MOVED_TO);
		if (wd[i] < 0)
			err_fatal_sys(EXIT_TEMP, "unable to watch the log of %s", src[i].label);
		follow_one(&src[i]);   /* what came since the tail was read */
	}
	fflush(stdout);
	while ((n = read(in, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
		for (i = 0; i < nsrc; i++)
			follow_one(&src[i]);
		if (fflush(stdout) != 0)
			exit(EXIT_TEMP);
	}
	err_fatal_sys(EXIT_TEMP, "unable to watch the logs");
}

int logs_main(int argc, char **argv)
{
	unsigned long lines = 10;
	int c, fol = 0;

	while ((c = getopt(argc, argv, "+fn:")) != -1)
		switch (c) {
		case 'f': fol = 1; break;
		case 'n':
			if (svdir_parse_uint(optarg, strlen(optarg), 0, 1000000, &lines) < 0)
				err_fatal(EXIT_USAGE, "-n: expected a number of lines: %s", optarg);
			break;
		default:
			err_fatal(EXIT_USAGE, "usage: ward logs [-f] [-n N] [SERVICE|LOGDIR...]");
		}
	src = calloc(MAX_SOURCES, sizeof *src);
	if (src == NULL)
		err_fatal(EXIT_TEMP, "out of memory");
	if (optind == argc)
		add_tree();
	else
		add_named(argv + optind, argc - optind);
	if (nsrc == 0)
		err_fatal(EXIT_TEMP, "no logs to show");
	show_tails(lines);
	if (fol)
		follow();
	return 0;
}
