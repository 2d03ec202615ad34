/* svcgroup: the user's side of the cgroup v2 tree (docs/design.md).
 *
 * U is the user's delegated cgroup, named by WARD_CGROUP (privd makes it,
 * or userd takes its own cgroup when started by hand).  Below it:
 *
 *   U/userd          userd and its runsvs (a leaf: U itself holds no process)
 *   U/svc/NAME       a service's ./run and ./finish
 *   U/svc/NAME.log   its log service's ./run
 *
 * NAME is the service directory's basename made safe (svcg_name).
 * Everything is opened relative to directory fds, once; a child is made
 * inside its cgroup (clone3's CLONE_INTO_CGROUP). */
#ifndef WARD_SVCGROUP_H
#define WARD_SVCGROUP_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#define SVCG_ENV   "WARD_CGROUP"
#define SVCG_NAME_MAX 128

/* the limit files of a service directory, and where they go */
enum { SVCG_MEMORY, SVCG_CPU, SVCG_TASKS, SVCG_NLIMITS };

struct svcg {
	int dirfd;                /* the service's cgroup, -1 if none */
	int procsfd;              /* its cgroup.procs, for the child */
	char path[PATH_MAX];      /* its absolute path */
	unsigned said;            /* bit per limit: its missing controller was logged */
	unsigned set;             /* bit per limit: we wrote a value (absent: back to max) */
};

/* ---- pure parts (unit tests) ---- */

/* NAME for a service directory's basename: letters, digits, '-', '_', '@'
 * and '+' kept; anything else (a dot too: controllers' files have dots,
 * and ".log" marks the logger) becomes '_', and a name that had to change
 * (or is empty, or longer than fits) gets "-" and 8 hex digits of a hash
 * of the original, so that two names never meet.  ".log" is appended
 * for the log service.  0, or -1 if out is too small. */
int svcg_name(const char *base, int islog, char *out, size_t len);

/* the service file of limit i ("memory-max"), the cgroup file it is
 * written to ("memory.max"), the controller that file needs ("memory") */
const char *svcg_limit_file(int i);
const char *svcg_limit_cgfile(int i);
const char *svcg_limit_controller(int i);

/* One value of limit i, as the file has it (blanks and a newline around
 * it are fine), into what the kernel's file takes:
 *   memory-max  max | BYTES[K|M|G|T]          -> bytes
 *   cpu-max     max | PERCENT% (of one CPU)   -> "QUOTA 100000"
 *               | QUOTA [PERIOD] (cpu.max's own form)
 *   tasks-max   max | N (1 or more)
 * 0, or -1 with err set to "NAME: expected ...". */
int svcg_limit_parse(int i, const char *text, size_t n, char *out, size_t outlen,
		     char *err, size_t errlen);

/* whether word is one of the space-separated words of list */
int svcg_has_word(const char *list, const char *word);

/* ---- the tree ---- */

/* The root U: WARD_CGROUP if it is an absolute path of a cgroup v2
 * directory owned by our uid.  An fd on it, its path in root; -1 with
 * errno (ENOENT: WARD_CGROUP unset; EPERM: not ours; ENOTDIR: not a
 * cgroup v2 directory; EINVAL: not an absolute clean path). */
int svcg_root(char *root, size_t len);

/* userd's start: takes U (WARD_CGROUP, else its own cgroup if that is
 * owned by our uid and writable), moves itself into U/userd, enables in
 * U and U/svc the controllers they have, and sets WARD_CGROUP for the
 * runsvs.  Without one: WARD_CGROUP is removed, so the runsvs fall back
 * on a subreaper.  Returns 0 with a cgroup, -1 without; the reason goes
 * to stderr when a cgroup was asked for but could not be used. */
int svcg_tree(void);

/* runsv: opens (making it if need be) U/svc/NAME; 0, or -1 with errno */
int svcg_open(struct svcg *g, const char *root, const char *name);
/* its fds closed: no cgroup (dirfd -1) */
void svcg_close(struct svcg *g);
/* fork(), the child inside the service's cgroup from its start (or, on a
 * kernel without clone3, moved there at once; 111 if it cannot be) */
pid_t svcg_fork(struct svcg *g);
/* the calling process into the service's cgroup; 0 or -1 */
int svcg_enter(const struct svcg *g);
/* kills everything in the service's cgroup (cgroup.kill), waits up to
 * wait_ms for it to be empty, and makes it anew: 0 empty, -1 with errno
 * (ETIMEDOUT) */
int svcg_kill(struct svcg *g, int wait_ms);
/* whether the service's cgroup has a process in it */
int svcg_populated(const struct svcg *g);
/* The limit files of the service directory dirfd into its cgroup, re-read
 * at each start; errors and missing controllers to stderr (a missing
 * controller once per runsv), prefixed by prefix ("" or "log/"). */
void svcg_limits(struct svcg *g, int dirfd, const char *prefix);

#endif
