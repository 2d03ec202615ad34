/* creds: user and group lookup, switching to a user, and resource limits.
 *
 * One implementation used twice: chpst (-u, -U, -o, -p, -m ...) and privd
 * (starting each userd chpst-style).  Contract for both users of this module;
 * change it only by adding to it.
 *
 * Users and groups are given by name or by number ("alice", "1001").  Every
 * function returns 0 on success or -1 with errno set (and, where it takes
 * err/errlen, a message naming what was wrong), and never exits.  */
#ifndef WARD_CREDS_H
#define WARD_CREDS_H

#include <limits.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

#define CREDS_MAXGROUPS 64

struct creds {
	uid_t uid;
	gid_t gid;                        /* primary group */
	gid_t groups[CREDS_MAXGROUPS];    /* supplementary groups, gid included */
	int ngroups;
	char name[64];
	char home[PATH_MAX];
	char shell[256];
};

/* Fills c for a user: uid, primary gid, all supplementary groups as
 * initgroups(3) would set them, name, home, shell. */
int creds_user(const char *spec, struct creds *c, char *err, size_t errlen);
int creds_group(const char *spec, gid_t *gid, char *err, size_t errlen);
/* setgroups, setgid, setuid, in that order, then checks that no way back to
 * the old ids remains.  Call as root. */
int creds_switch(const struct creds *c);

/* Resource limits by runit/ulimit name: nofile, nproc, as, core, fsize,
 * data, stack, memlock, cpu, rss.  Returns RLIMIT_* or -1. */
int limit_resource(const char *name);
const char *limit_name(int resource);
/* Sets the soft and hard limit to value (hard only lowered, soft capped at
 * hard when not root, as chpst does). */
int limit_set(int resource, rlim_t value);

/* Additions (chpst): */
/* Sets the soft limit only, to value capped at the hard limit; RLIM_INFINITY
 * means "as high as the hard limit".  This is what runit's chpst and
 * softlimit do; the hard limit is left alone. */
int limit_soft(int resource, rlim_t value);
/* Parses a decimal number ("123") into *out; 0, or -1 with errno EINVAL or
 * ERANGE.  No sign, no blanks, no suffix. */
int creds_number(const char *s, unsigned long *out);
/* As creds_user and creds_group, but by name only: "1001" is a name here
 * (runit's chpst -u never takes a bare number for a name). */
int creds_user_name(const char *name, struct creds *c, char *err, size_t errlen);
int creds_group_name(const char *name, gid_t *gid, char *err, size_t errlen);

#endif
