/* contain: see contain.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "contain.h"
#include "err.h"
#include "fs.h"
#include "reaper.h"

#define KILL_WAIT_MS 5000     /* for KILLed processes to be gone: D state */

int contain_parse_kill_mode(const char *text, size_t len)
{
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len == 0 || (len == 3 && !memcmp(text, "all", 3)))
		return 0;
	return len == 7 && !memcmp(text, "process", 7) ? 1 : -1;
}

/* 1 if the service's kill-mode is "process", read at each stop */
static int process_only(int dirfd, int islog)
{
	char text[32];
	ssize_t n = fs_read_file(dirfd, "kill-mode", text, sizeof text);
	int r;

	if (n < 0) {
		if (errno != ENOENT)
			err_warn_sys("%sunable to read kill-mode", islog ? "log/" : "");
		return 0;
	}
	r = contain_parse_kill_mode(text, (size_t)n);
	if (r < 0)
		err_warn("%skill-mode: expected process or all: killing all", islog ? "log/" : "");
	return r == 1;
}

/* one service's cgroup, named after the directory, in supervise/cgroup */
static int cgroup_open(struct svcg *g, const char *root, const char *base, int islog, int supfd)
{
	char name[SVCG_NAME_MAX + 8], line[PATH_MAX + 1];
	int n;

	if (svcg_name(base, islog, name, sizeof name) < 0 || svcg_open(g, root, name) < 0)
		return -1;
	n = snprintf(line, sizeof line, "%s\n", g->path);
	if (n >= (int)sizeof line || fs_write_atomic(supfd, "cgroup", line, (size_t)n) < 0)
		err_warn_sys("unable to write %scgroup", islog ? "log/supervise/" : "supervise/");
	return 0;
}

static void leftovers(struct contain *c, int islog, int dirfd)
{
	if (svcg_populated(&c->g[islog]) != 1 || process_only(dirfd, islog))
		return;
	err_warn("%s: processes of an earlier run are left in it: killing them", c->g[islog].path);
	if (svcg_kill(&c->g[islog], KILL_WAIT_MS) < 0)
		err_warn_sys("unable to empty %s", c->g[islog].path);
}

static const char *basename_of(const char *dir)
{
	const char *slash = strrchr(dir, '/');

	return slash ? slash + 1 : dir;
}

void contain_init(struct contain *c, int haslog, const int dirfd[2], const int supfd[2])
{
	char root[PATH_MAX], dir[PATH_MAX];
	int fd = svcg_root(root, sizeof root), i, e = errno;

	unsetenv(SVCG_ENV);  /* the user's tree is not the service's business */

	if (fd >= 0 && !getcwd(dir, sizeof dir)) {
		e = errno;
		close(fd);
		fd = -1;
	}

	c->g[0].dirfd = c->g[1].dirfd = c->g[0].procsfd = c->g[1].procsfd = -1;
	c->mode = CONTAIN_CGROUP;
	if (fd >= 0)
		close(fd);
	for (i = 0; fd >= 0 && i <= haslog; i++)
		if (cgroup_open(&c->g[i], root, basename_of(dir), i, supfd[i]) < 0) {
			e = errno;
			fd = -1;
		}
	if (fd >= 0) {
		for (i = 0; i <= haslog; i++)
			leftovers(c, i, dirfd[i]);
		return;
	}
	if (e != ENOENT)
		err_warn("%s=%s: %s: contained by runsv as a subreaper instead", SVCG_ENV, root,
			 strerror(e));
	for (i = 0; i <= haslog; i++) {
		svcg_close(&c->g[i]);
		unlinkat(supfd[i], "cgroup", 0);
	}
	c->mode = reaper_become() == 0 ? CONTAIN_SUBREAPER : CONTAIN_NONE;
	if (c->mode == CONTAIN_NONE)
		err_warn_sys("unable to become a subreaper: leftovers of a service are not stopped");
}

pid_t contain_fork(struct contain *c, int islog)
{
	return c->mode == CONTAIN_CGROUP ? svcg_fork(&c->g[islog]) : fork();
}

void contain_limits(struct contain *c, int islog, int dirfd)
{
	svcg_limits(&c->g[islog], dirfd, islog ? "log/" : "");
}

void contain_stopped(struct contain *c, int islog, int dirfd, const pid_t *keep, int nkeep)
{
	int r = 0;

	/* an empty cgroup (the usual case) costs one read */
	if (c->mode == CONTAIN_CGROUP && svcg_populated(&c->g[islog]) == 1 &&
	    !process_only(dirfd, islog))
		r = svcg_kill(&c->g[islog], KILL_WAIT_MS);
	/* a logger's orphans cannot be told from ./run's: they go with ./run's */
	if (c->mode == CONTAIN_SUBREAPER && !islog && !process_only(dirfd, islog))
		r = reaper_kill(keep, nkeep, KILL_WAIT_MS);
	if (r < 0)
		err_warn_sys("unable to stop what %s left", islog ? "log/run" : "./run");
}

void contain_exit(struct contain *c, int dirfd)
{
	int i;

	if (c->mode == CONTAIN_SUBREAPER && !process_only(dirfd, 0) &&
	    reaper_kill(NULL, 0, KILL_WAIT_MS) < 0)
		err_warn_sys("unable to stop what the services left");
	for (i = 0; c->mode == CONTAIN_CGROUP && i < 2; i++)
		if (c->g[i].dirfd >= 0)
			rmdir(c->g[i].path);  /* empty now, or busy: left */
}
