/* cgroup: the root side of ward's cgroup v2 tree (privd(8), CGROUPS).
 *
 * privd's own cgroup P (where systemd, runit's run script or the admin's
 * shell put it):
 *     P/privd            privd and its binder (a leaf: the no-internal-
 *                        process rule lets P pass controllers down)
 *     P/ward             root's; its subtree_control has what P gives
 *     P/ward/user-UID    one per supervised user, delegated: the directory,
 *                        cgroup.procs, cgroup.threads, cgroup.subtree_control
 *                        the user's; memory.max, memory.high, cpu.max,
 *                        pids.max and the rest root's
 * The userd starts inside its user's cgroup, with WARD_CGROUP naming it.
 *
 * Root opens only P, P/privd, P/ward and each user-UID, which it made
 * (only root may create entries in P/ward), and the kernel's files in
 * them, all relative to directory fds, O_NOFOLLOW.  What a user makes in
 * their cgroup is only ever removed by a child running as that user.
 *
 *   cg_setup()                 at start; logs once what it could not do
 *   cg_on()                    1 if users get cgroups
 *   cg_user_make(pu, gid, warned)  U made (or kept) and delegated, caps applied
 *   cg_user_limits(pu, warned) the caps written again (reload)
 *   cg_user_path(uid, ...)     U's absolute path, for WARD_CGROUP
 *   cg_fork(uid)               fork, the child born in U (clone3
 *                              CLONE_INTO_CGROUP) where the kernel can
 *   cg_user_join(uid)          in the userd's child, as root: into U, if
 *                              it was not born there
 *   cg_user_kill(uid)          cgroup.kill, then U removed once empty
 *   cg_reap()                  removals due; the poll timeout they need
 *   cg_report()                privd -t: what this host can enforce
 *
 * *warned is the caller's per user: a bit per cap already said to be
 * unenforceable, so that it is said once. */
#ifndef PRIVD_CGROUP_H
#define PRIVD_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

#include "policy.h"

void cg_setup(void);
int cg_on(void);
int cg_user_make(const struct policy_user *pu, gid_t gid, unsigned *warned);
void cg_user_limits(const struct policy_user *pu, unsigned *warned);
int cg_user_path(uid_t uid, char *buf, size_t len);
pid_t cg_fork(uid_t uid);
int cg_user_join(uid_t uid);
int cg_user_kill(uid_t uid);
int cg_reap(void);
void cg_report(void);

/* The value a cap is written as, into buf: "max", "536870912",
 * "150000 100000" (cpu.max: quota and period in microseconds).
 * For unit tests too. */
const char *cg_value(int k, uint64_t v, char *buf, size_t len);
/* The controller a cap needs, and its file */
const char *cg_controller(int k);
const char *cg_file(int k);

#endif
