#include "cgstat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "svdir.h"

int cgstat_key(const char *text, size_t len, const char *key, int64_t *val)
{
	size_t klen = strlen(key), i = 0, end;
	unsigned long v;

	while (i < len) {
		end = i;
		while (end < len && text[end] != '\n')
			end++;
		if (end - i > klen && memcmp(text + i, key, klen) == 0 && text[i + klen] == ' ' &&
		    svdir_parse_uint(text + i + klen + 1, end - i - klen - 1, 0, LONG_MAX, &v) == 0) {
			*val = (int64_t)v;
			return 0;
		}
		i = end + 1;
	}
	return -1;
}

int64_t cgstat_lines(const char *text, size_t len)
{
	int64_t n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += text[i] == '\n';
	return n;
}

/* the cgroup directory named in supervise/cgroup, opened; -1 if none */
static int cg_open(int supfd)
{
	char path[PATH_MAX + 1];
	ssize_t n = fs_read_file(supfd, "cgroup", path, sizeof path - 1);

	if (n <= 1 || path[0] != '/')
		return -1;
	if (path[n - 1] == '\n')
		n--;
	path[n] = '\0';
	if (memchr(path, '\n', (size_t)n) != NULL)
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int64_t cg_key(int cgfd, const char *file, const char *key)
{
	char buf[CGSTAT_FILE_MAX];
	ssize_t n = fs_read_file(cgfd, file, buf, sizeof buf);
	int64_t v;

	return n >= 0 && cgstat_key(buf, (size_t)n, key, &v) == 0 ? v : -1;
}

static int64_t cg_number(int cgfd, const char *file)
{
	char buf[32];
	ssize_t n = fs_read_file(cgfd, file, buf, sizeof buf);
	unsigned long v;

	return n > 0 && svdir_parse_uint(buf, (size_t)n, 0, LONG_MAX, &v) == 0 ? (int64_t)v : -1;
}

/* cgroup.procs may be long: counted a buffer at a time */
static int64_t cg_tasks(int cgfd)
{
	char buf[4096];
	int fd = openat(cgfd, "cgroup.procs", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int64_t count = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		count += cgstat_lines(buf, (size_t)n);
	close(fd);
	return n < 0 ? -1 : count;
}

int cgstat_read(int supfd, struct cgstat *c)
{
	int cgfd = cg_open(supfd);

	c->tasks = c->cpu_usec = c->memory = c->oom_kills = -1;
	if (cgfd < 0)
		return -1;
	c->tasks = cg_tasks(cgfd);
	c->cpu_usec = cg_key(cgfd, "cpu.stat", "usage_usec");
	c->memory = cg_number(cgfd, "memory.current");
	c->oom_kills = cg_key(cgfd, "memory.events", "oom_kill");
	close(cgfd);
	return 0;
}

int64_t cgstat_oom_kills(int supfd)
{
	int cgfd = cg_open(supfd);
	int64_t v;

	if (cgfd < 0)
		return -1;
	v = cg_key(cgfd, "memory.events", "oom_kill");
	close(cgfd);
	return v;
}
