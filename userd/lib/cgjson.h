/* cgjson: what sv status -j shows of a service's containment (runsv(8)
 * CONTAINMENT): "containment" is cgroup (supervise/cgroup names the
 * service's cgroup), subreaper (ward's runsv without one) or none (runit's
 * runsv); with a cgroup, its path, tasks, CPU seconds and, where the
 * memory controller is, memory and OOM kills (read by cgstat). */
#ifndef WARD_CGJSON_H
#define WARD_CGJSON_H

#include <limits.h>

#include "cgstat.h"
#include "svcmd.h"

enum { CGJSON_NONE, CGJSON_CGROUP, CGJSON_SUBREAPER };

/* pure: the JSON members, each with a leading comma; path and c only for
 * CGJSON_CGROUP, a field of c that is -1 left out */
void cgjson_fmt(struct svbuf *b, int containment, const char *path, const struct cgstat *c);
/* reads supervise/ in the current directory (sv is in the service's or
 * the log's); ward_runsv: supervise/ward is current, the runsv is ward's */
void cgjson_add(struct svbuf *b, int ward_runsv);

#endif
