/* cgstat: what sv status -j shows of a service's containment, read from
 * the cgroup runsv names in supervise/cgroup: its tasks (cgroup.threads),
 * CPU time (cpu.stat's usage_usec, there without any controller), and,
 * where the memory controller is, memory.current and memory.events'
 * oom_kill.  Without supervise/cgroup, ward's runsv contains the service
 * as a subreaper; runit's runsv does not contain it at all. */
#ifndef WARD_CGSTAT_H
#define WARD_CGSTAT_H

#include <limits.h>

#include "svcmd.h"

enum { CGSTAT_NONE, CGSTAT_CGROUP, CGSTAT_SUBREAPER };

struct cgstat {
	int containment;
	char path[PATH_MAX];       /* the cgroup, "" if none */
	long long tasks;           /* -1: unknown */
	long long cpu_usec;
	long long mem_bytes;       /* -1 too without the memory controller */
	long long oom_kills;
};

/* pure: the number after "KEY " at the start of a line of text (cpu.stat,
 * memory.events, cgroup.events); 0, or -1 if there is none */
int cgstat_key(const char *text, const char *key, unsigned long long *v);
/* pure: the JSON members, each with a leading comma */
void cgstat_json(struct svbuf *b, const struct cgstat *c);

/* reads supervise/cgroup (in the current directory) and the cgroup;
 * ward_runsv: the runsv is ward's (supervise/ward is current) */
void cgstat_read(struct cgstat *c, int ward_runsv);
/* both: what sv status -j adds to a service's (or log's) object */
void cgstat_add(struct svbuf *b, int ward_runsv);

#endif
