/* cgstat: what a service's cgroup says about it, for sv, runsv and ward.
 *
 * runsv names the service's cgroup in supervise/cgroup (one line, an
 * absolute path; absent when the service has no cgroup of its own).  From
 * that directory: tasks (lines of cgroup.procs), CPU (cpu.stat usage_usec),
 * memory (memory.current) and OOM kills (memory.events oom_kill), each
 * where the kernel has the file.  A field not known is -1.
 *
 *   cgstat_read(supfd, &c)    supfd: the service's supervise/ directory;
 *                             0, or -1 if there is no (readable) cgroup file
 *   cgstat_oom_kills(supfd)   the oom_kill count, -1 if not known
 *   cgstat_key(text, len, key, &val)  the value of "KEY N" lines (cpu.stat,
 *                             memory.events): 0, or -1 if not there */
#ifndef WARD_CGSTAT_H
#define WARD_CGSTAT_H

#include <stddef.h>
#include <stdint.h>

#define CGSTAT_FILE_MAX 4096   /* cpu.stat, memory.events: read this much */

struct cgstat {
	int64_t tasks;
	int64_t cpu_usec;
	int64_t memory;
	int64_t oom_kills;
};

int cgstat_read(int supfd, struct cgstat *c);
int64_t cgstat_oom_kills(int supfd);
int cgstat_key(const char *text, size_t len, const char *key, int64_t *val);
/* the number of lines in text (cgroup.procs: one pid a line) */
int64_t cgstat_lines(const char *text, size_t len);

#endif
