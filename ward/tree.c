/* The trees `ward status` reads: the caller's own, in-process; or, for
 * root's --all, each supervised user's in a child switched to that user,
 * whose lines the parent checks field by field (wardrow_decode) before
 * keeping them.  Root itself opens nothing in a user's tree. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "creds.h"
#include "err.h"
#include "fs.h"
#include "lockinfo.h"
#include "netuse.h"
#include "policy.h"
#include "ward.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct wardrow *)a)->name, ((const struct wardrow *)b)->name);
}

static int add_row(struct wardtree *t, const struct wardrow *r)
{
	struct wardrow *more;

	if (t->nrows % 64 == 0) {
		more = realloc(t->rows, (t->nrows + 64) * sizeof *more);
		if (more == NULL)
			return -1;
		t->rows = more;
	}
	t->rows[t->nrows++] = *r;
	return 0;
}

/* every service directory of the tree at treefd, as rows, by name */
static void scan_tree(int treefd, struct wardtree *t)
{
	struct timespec now;
	struct wardrow r;
	struct dirent *e;
	DIR *d = fdopendir(dup(treefd));

	if (d == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	while ((e = readdir(d)) != NULL && t->nrows < WARD_MAX_SERVICES) {
		if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_LNK &&
					    e->d_type != DT_UNKNOWN))
			continue;
		if (wardrow_read(treefd, e->d_name, &r, &now) == 0 && add_row(t, &r) < 0)
			break;
	}
	closedir(d);
	if (t->nrows)
		qsort(t->rows, t->nrows, sizeof *t->rows, by_name);
}

static void default_dir(char *out, size_t size)
{
	const char *svdir = getenv("SVDIR"), *home = getenv("HOME");

	if (svdir && *svdir)
		snprintf(out, size, "%s", svdir);
	else
		snprintf(out, size, "%s/%s", home ? home : ".", USER_TREE);
}

static int open_tree(const char *dir, struct wardtree *t)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		err_warn_sys("unable to open %s", dir);
		t->failed = 1;
	}
	return fd;
}

static void read_as(struct wardtree *t, const char *dir, const struct creds *c,
		    const struct policy_limit *lim, int nlim);

/* Root and a tree of another user's: read as its owner, as --all reads
 * (root opens nothing in it).  1 if it was another's. */
static int others_tree(const char *dir, struct wardtree *t)
{
	char uid[16], err[300];
	struct creds c;
	struct stat st;

	if (stat(dir, &st) < 0 || st.st_uid == 0)
		return 0;
	snprintf(uid, sizeof uid, "%u", (unsigned)st.st_uid);
	if (creds_user(uid, &c, err, sizeof err) < 0) {
		err_warn("%s: its owner, uid %s: %s", dir, uid, err);
		t->failed = 1;
		return 1;
	}
	read_as(t, dir, &c, NULL, 0);
	return 1;
}

int tree_read_own(const char *dir, struct wardtree *t)
{
	char def[4096];
	int fd;

	if (dir == NULL) {
		default_dir(def, sizeof def);
		dir = def;
	}
	t->userd_up = -1;
	if (geteuid() == 0 && others_tree(dir, t))
		return t->failed ? -1 : 0;
	fd = open_tree(dir, t);
	if (fd < 0)
		return -1;
	t->userd_up = lockinfo_probe(fd, ".userd/lock", NULL, NULL) == 1;
	scan_tree(fd, t);
	close(fd);
	return 0;
}

/* ---- --all: a child per user ---- */

/* In the child, as the user: "U\tUP\n", a row a line, "E\n". */
static void __attribute__((noreturn)) child_rows(const char *dir, int out)
{
	struct wardtree t = { .userd_up = -1 };
	char line[WARDROW_LINE];
	size_t i;
	int fd = open_tree(dir, &t), n;

	if (fd < 0)
		_exit(1);
	t.userd_up = lockinfo_probe(fd, ".userd/lock", NULL, NULL) == 1;
	scan_tree(fd, &t);
	dprintf(out, "U\t%d\n", t.userd_up);
	for (i = 0; i < t.nrows; i++) {
		n = wardrow_encode(&t.rows[i], line, sizeof line);
		if (n > 0 && fs_write_all(out, line, (size_t)n) < 0)
			_exit(1);
	}
	_exit(fs_write_all(out, "E\n", 2) < 0);
}

/* the tree of u as privd's service_dir names it */
static void user_dir(const struct policy_user *u, const struct creds *c, char *out, size_t size)
{
	const char *d = u->dir[0] ? u->dir : USER_TREE;

	if (d[0] == '/')
		snprintf(out, size, "%s", d);
	else
		snprintf(out, size, "%s/%s", c->home, d);
}

/* The child: privd's switch (creds_switch after the policy's limits, no
 * new privileges), then nothing but reading and writing to the pipe. */
static pid_t spawn_reader(const char *dir, const struct creds *c, const struct policy_limit *lim,
			  int nlim, int *rfd)
{
	int p[2], i;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid != 0) {
		close(p[1]);
		*rfd = p[0];
		if (pid < 0)
			close(p[0]);
		return pid;
	}
	close(p[0]);
	for (i = 0; i < nlim; i++)
		limit_set(lim[i].resource, lim[i].value);
	if (creds_switch(c) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		_exit(1);
	child_rows(dir, p[1]);
}

/* reads what the child says, at most a tree's worth, until EOF or the
 * deadline; returns the length read */
static size_t read_child(int fd, char *buf, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int64_t left = WARD_USER_WAIT_S * 1000;
	struct timespec t0, t1;
	size_t got = 0;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (got < size && left > 0 && poll(&pfd, 1, (int)left) > 0) {
		n = read(fd, buf + got, size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = WARD_USER_WAIT_S * 1000 - ((t1.tv_sec - t0.tv_sec) * 1000 +
						  (t1.tv_nsec - t0.tv_nsec) / 1000000);
	}
	return got;
}

/* the lines of one child, each checked; 0 if it ended with "E" */
static int take_lines(struct wardtree *t, char *buf, size_t len)
{
	char *p = buf, *nl;
	struct wardrow r;
	unsigned line = 0;

	while ((nl = memchr(p, '\n', len - (size_t)(p - buf))) != NULL) {
		line++;
		if (nl - p == 1 && p[0] == 'E')
			return 0;
		if (line == 1 && nl - p == 3 && memcmp(p, "U\t", 2) == 0 && (p[2] == '0' || p[2] == '1'))
			t->userd_up = p[2] == '1';
		else if (wardrow_decode(p, (size_t)(nl - p), &r) == 0)
			add_row(t, &r);
		else
			err_warn("user %s: line %u: bad %s: ignored", t->user, line, r.bad);
		p = nl + 1;
	}
	return -1;
}

static void grants_of(const struct policy *p, uid_t uid, char *out, size_t size)
{
	char one[128];
	size_t i, at = 0;

	out[0] = '\0';
	for (i = 0; i < p->ngrants && at < size; i++) {
		if (p->grants[i].uid != uid)
			continue;
		policy_grant_describe(&p->grants[i], one, sizeof one);
		at += (size_t)snprintf(out + at, size - at, "%s%s", at ? ", " : "", one);
	}
}

/* the sockets the kernel lists on a port the policy grants uid */
static void in_use_of(const struct policy *p, uid_t uid, const struct endpoint *socks,
		      size_t nsocks, char *out, size_t size)
{
	char one[EP_FORMAT_MAX];
	size_t i, k, at = 0;

	out[0] = '\0';
	for (k = 0; k < nsocks && at < size; k++)
		for (i = 0; i < p->ngrants; i++)
			if (p->grants[i].uid == uid && ep_in_range(&p->grants[i].range, &socks[k])) {
				ep_format(&socks[k], one, sizeof one);
				at += (size_t)snprintf(out + at, size - at, "%s%s", at ? ", " : "", one);
				break;
			}
}

/* the tree at dir, read by a child switched to c, its lines checked */
static void read_as(struct wardtree *t, const char *dir, const struct creds *c,
		    const struct policy_limit *lim, int nlim)
{
	size_t size = (size_t)(WARD_MAX_SERVICES + 2) * WARDROW_LINE, len;
	char *buf = malloc(size);
	int fd = -1;
	pid_t pid = buf ? spawn_reader(dir, c, lim, nlim, &fd) : -1;

	if (pid < 0) {
		err_warn_sys("user %s: unable to start a reader", c->name);
		t->failed = 1;
		free(buf);
		return;
	}
	len = read_child(fd, buf, size);
	close(fd);
	kill(pid, SIGKILL);   /* done or out of time: either way, no more */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (take_lines(t, buf, len) < 0) {
		err_warn("user %s: the tree's reader did not finish", c->name);
		t->failed = 1;
	}
	free(buf);
}

static void read_user(const struct policy *p, const struct policy_user *u, struct wardtree *t)
{
	char err[300], dir[PATH_MAX + POLICY_DIR_MAX];
	struct creds c;

	snprintf(t->user, sizeof t->user, "%s", u->name);
	t->uid = u->uid;
	t->userd_up = -1;
	grants_of(p, u->uid, t->ports, sizeof t->ports);
	if (creds_user(u->name, &c, err, sizeof err) < 0 || c.uid != u->uid) {
		err_warn("user %s: %s", u->name, c.uid != u->uid ? "uid changed" : err);
		t->failed = 1;
		return;
	}
	user_dir(u, &c, dir, sizeof dir);
	read_as(t, dir, &c, u->limits, u->nlimits);
}

int tree_read_all(const char *policy_file, struct wardtree **trees, size_t *n)
{
	struct policy *p = policy_new();
	struct endpoint *socks = malloc(WARD_SOCKETS * sizeof *socks);
	size_t i, k = 0, nsocks = socks ? netuse_read(socks, WARD_SOCKETS) : 0;

	if (p == NULL) {
		free(socks);
		return -1;
	}
	p->allow_sticky = policy_file != NULL;
	if (policy_file)
		policy_read_file(p, policy_file);
	else
		policy_read_default(p, POLICY_DEFAULT_FILE, POLICY_DEFAULT_DIR);
	if (policy_finish(p) > 0) {
		for (i = 0; i < p->nmsgs; i++)
			fprintf(stderr, "ward: %s\n", p->msg[i]);
		policy_free(p);
		free(socks);
		return -1;
	}
	*trees = calloc(p->nusers ? p->nusers : 1, sizeof **trees);
	for (i = 0; *trees && i < p->nusers; i++)
		if (p->users[i].supervised) {
			read_user(p, &p->users[i], &(*trees)[k]);
			in_use_of(p, p->users[i].uid, socks, nsocks, (*trees)[k].in_use,
				  sizeof (*trees)[k].in_use);
			k++;
		}
	*n = k;
	policy_free(p);
	free(socks);
	return *trees ? 0 : -1;
}

void tree_free(struct wardtree *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(t[i].rows);
	free(t);
}
