/* cgmount: where the cgroup v2 hierarchy is, and where we are in it.
 *
 * Never assumed: a hybrid host mounts cgroup v2 at /sys/fs/cgroup/unified
 * (beside v1 controllers), a pure v2 host at /sys/fs/cgroup, a container
 * wherever its runtime chose.  The mount comes from /proc/self/mountinfo
 * (the first cgroup2 mount whose root is "/", else the first cgroup2
 * mount), our cgroup from the "0::" line of /proc/self/cgroup. */
#ifndef WARD_CGMOUNT_H
#define WARD_CGMOUNT_H

#include <stddef.h>

/* The cgroup v2 mount point into buf.  0, or -1 with errno ENOENT when
 * there is none, ENAMETOOLONG when it does not fit. */
int cgmount_find(char *buf, size_t len);
/* The absolute directory of the calling process's own cgroup: the mount
 * followed by the "0::" path.  0, or -1 with errno set (ENOENT: no cgroup
 * v2 mount or no "0::" line; EINVAL: a path outside our namespace). */
int cgmount_self(char *buf, size_t len);

/* The parsers behind them, on the files' text (NUL-terminated).  Same
 * returns.  The mount point is unescaped (\040 and the like). */
int cgmount_parse_mountinfo(const char *text, char *buf, size_t len);
/* The path of the "0::" line, relative to the mount, starting with "/";
 * EINVAL for a path with a ".." component (a cgroup outside our cgroup
 * namespace) or not starting with "/". */
int cgmount_parse_cgroup(const char *text, char *buf, size_t len);

#endif
