/* contain: what keeps a service's processes together, for runsv: its own
 * cgroup (svcgroup) when the user's tree has one (WARD_CGROUP), else runsv
 * as a child subreaper (reaper).  When ./run (or ./finish) exits, whatever
 * it left is killed before the service counts as down or starts again,
 * unless the service's kill-mode file says "process" (runit's way: only
 * the main process is ever signalled).  See runsv(8). */
#ifndef WARD_CONTAIN_H
#define WARD_CONTAIN_H

#include <stddef.h>
#include <sys/types.h>

#include "svcgroup.h"

enum { CONTAIN_NONE, CONTAIN_CGROUP, CONTAIN_SUBREAPER };

struct contain {
	int mode;
	struct svcg g[2];          /* [0] the service, [1] its logger */
};

/* pure: the kill-mode file's text: 0 "all" (or empty), 1 "process", -1 other */
int contain_parse_kill_mode(const char *text, size_t len);

/* at runsv's start, in the service directory (its name names the
 * cgroup), once the supervise/
 * directories are open (supfd[1] only if haslog): chooses the mode,
 * writes (or removes) supervise/cgroup, and kills what an earlier run left
 * in the cgroups (a runsv killed with -9) */
void contain_init(struct contain *c, int haslog, const int dirfd[2], const int supfd[2]);
/* fork() for ./run, ./finish or log/run: in the cgroup of service islog */
pid_t contain_fork(struct contain *c, int islog);
/* before a start of ./run: the limit files */
void contain_limits(struct contain *c, int islog, int dirfd);
/* ./run or ./finish of service islog (its directory dirfd) exited;
 * keep: runsv's other children, which are not the service's leftovers
 * (the other service's process, a running ./check), 0 for none */
void contain_stopped(struct contain *c, int islog, int dirfd, const pid_t *keep, int nkeep);
/* runsv goes: nothing of its services may stay (unless the service's
 * kill-mode, in dirfd, is process); the empty cgroups are removed */
void contain_exit(struct contain *c, int dirfd);

#endif
