/* cgstat: see cgstat.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgstat.h"
#include "fs.h"

int cgstat_key(const char *text, const char *key, unsigned long long *v)
{
	size_t n = strlen(key);
	const char *p = text;
	char *end;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, n) || p[n] != ' ' || !isdigit((unsigned char)p[n + 1]))
			continue;
		errno = 0;
		*v = strtoull(p + n + 1, &end, 10);
		if (errno == 0 && (*end == '\n' || *end == '\0'))
			return 0;
	}
	return -1;
}

void cgstat_json(struct svbuf *b, const struct cgstat *c)
{
	static const char *const word[] = { "none", "cgroup", "subreaper" };

	svbuf_addf(b, ",\"containment\":\"%s\"", word[c->containment]);
	if (c->containment != CGSTAT_CGROUP)
		return;
	svbuf_add(b, ",\"cgroup\":");
	svbuf_quote(b, c->path, strlen(c->path), 1);
	if (c->tasks >= 0)
		svbuf_addf(b, ",\"tasks\":%lld", c->tasks);
	if (c->cpu_usec >= 0)
		svbuf_addf(b, ",\"cpu_seconds\":%lld.%06lld", c->cpu_usec / 1000000,
			   c->cpu_usec % 1000000);
	if (c->mem_bytes >= 0)
		svbuf_addf(b, ",\"memory_bytes\":%lld", c->mem_bytes);
	if (c->oom_kills >= 0)
		svbuf_addf(b, ",\"oom_kills\":%lld", c->oom_kills);
}

/* lines of a file of any length (cgroup.threads) */
static long long count_lines(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	char buf[4096];
	long long n = 0;
	ssize_t r, i;

	if (fd < 0)
		return -1;
	while ((r = read(fd, buf, sizeof buf)) > 0)
		for (i = 0; i < r; i++)
			n += buf[i] == '\n';
	close(fd);
	return r < 0 ? -1 : n;
}

static long long key_of(int dirfd, const char *name, const char *key)
{
	char text[1024];
	ssize_t n = fs_read_file(dirfd, name, text, sizeof text - 1);
	unsigned long long v;

	if (n < 0)
		return -1;
	text[n] = '\0';
	if (!key) {
		v = strtoull(text, NULL, 10);
		return isdigit((unsigned char)text[0]) ? (long long)v : -1;
	}
	return cgstat_key(text, key, &v) == 0 ? (long long)v : -1;
}

/* the cgroup's directory, if supervise/cgroup names a cgroup v2 one */
static int cgroup_dir(struct cgstat *c)
{
	ssize_t n = fs_read_file(AT_FDCWD, "supervise/cgroup", c->path, sizeof c->path - 1);
	struct statfs sf;
	int fd;

	if (n <= 1 || c->path[n - 1] != '\n' || c->path[0] != '/')
		return -1;
	c->path[n - 1] = '\0';
	if (strstr(c->path, "/../") || strstr(c->path, "\n"))
		return -1;
	fd = open(c->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && (fstatfs(fd, &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

void cgstat_read(struct cgstat *c, int ward_runsv)
{
	int fd;

	*c = (struct cgstat){ .containment = CGSTAT_NONE, .tasks = -1, .cpu_usec = -1,
			      .mem_bytes = -1, .oom_kills = -1 };
	if (!ward_runsv)
		return;
	c->containment = CGSTAT_SUBREAPER;
	fd = cgroup_dir(c);
	if (fd < 0)
		return;
	c->containment = CGSTAT_CGROUP;
	c->tasks = count_lines(fd, "cgroup.threads");
	c->cpu_usec = key_of(fd, "cpu.stat", "usage_usec");
	c->mem_bytes = key_of(fd, "memory.current", NULL);
	c->oom_kills = key_of(fd, "memory.events", "oom_kill");
	close(fd);
}

void cgstat_add(struct svbuf *b, int ward_runsv)
{
	struct cgstat c;

	cgstat_read(&c, ward_runsv);
	cgstat_json(b, &c);
}
