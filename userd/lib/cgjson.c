/* cgjson: see cgjson.h. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgjson.h"
#include "fs.h"

void cgjson_fmt(struct svbuf *b, int containment, const char *path, const struct cgstat *c)
{
	static const char *const word[] = { "none", "cgroup", "subreaper" };

	svbuf_addf(b, ",\"containment\":\"%s\"", word[containment]);
	if (containment != CGJSON_CGROUP)
		return;
	svbuf_add(b, ",\"cgroup\":");
	svbuf_quote(b, path, strlen(path), 1);
	if (c->tasks >= 0)
		svbuf_addf(b, ",\"tasks\":%lld", (long long)c->tasks);
	if (c->cpu_usec >= 0)
		svbuf_addf(b, ",\"cpu_seconds\":%lld.%06lld", (long long)(c->cpu_usec / 1000000),
			   (long long)(c->cpu_usec % 1000000));
	if (c->memory >= 0)
		svbuf_addf(b, ",\"memory_bytes\":%lld", (long long)c->memory);
	if (c->oom_kills >= 0)
		svbuf_addf(b, ",\"oom_kills\":%lld", (long long)c->oom_kills);
}

void cgjson_add(struct svbuf *b, int ward_runsv)
{
	char path[PATH_MAX + 1];
	struct cgstat c;
	int supfd, kind = CGJSON_NONE;
	ssize_t n = -1;

	supfd = ward_runsv ? open("supervise", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (supfd >= 0) {
		kind = CGJSON_SUBREAPER;
		n = fs_read_file(supfd, "cgroup", path, sizeof path - 1);
		if (n > 1 && path[n - 1] == '\n' && cgstat_read(supfd, &c) == 0) {
			path[n - 1] = '\0';
			kind = CGJSON_CGROUP;
		}
		close(supfd);
	}
	cgjson_fmt(b, kind, path, &c);
}
