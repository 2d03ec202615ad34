/* policy: the admin's policy for privd (see ward-policy(5)).
 *
 * Line-based, one statement a line, # comments, default deny:
 *
 *     supervise SUBJECT [dir PATH]
 *     bind SUBJECT tcp|udp PORT[-PORT] [on ADDRESS]
 *     limit SUBJECT RESOURCE VALUE|unlimited
 *     limit SUBJECT memory|memory-high SIZE|unlimited
 *     limit SUBJECT cpu PERCENT%
 *     limit SUBJECT tasks N|unlimited
 *     no_new_privs SUBJECT on|off
 *     include PATH
 *
 * SUBJECT is a user (name or uid) or :GROUP (name or gid: every user whose
 * primary or supplementary group it is), resolved when the policy is read.
 *
 *   p = policy_new();
 *   policy_read_file(p, path) / policy_read_default(p, main, dropdir)
 *                           (each file root's, as is every directory above it)
 *   policy_read_text(p, name, text, len)   (unit tests, fuzzing)
 *   policy_finish(p)        cross-line checks; returns the error count
 *   p->nerrors, p->msg[]    every error and warning as "FILE:LINE: text"
 *   policy_user_find(p, uid)
 *   policy_grant_match(...)  (in grant.c: the binder links it alone)
 *   policy_free(p)
 *
 * Bounded: at most POLICY_MAX_USERS users (p->max_users), POLICY_MAX_GRANTS
 * grants, POLICY_MAX_DROPINS drop-ins, POLICY_MAX_MSGS messages kept (the
 * counts go on), lines of POLICY_LINE_MAX bytes.  Never exits.  Allocates
 * the tables once in policy_new, and while reading: a file's text and the
 * names of a drop-in directory (freed before the read returns), and a
 * statement's subject (a user or a group's members, freed when the
 * statement is done). */
#ifndef WARD_POLICY_H
#define WARD_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include "endpoint.h"
#include <sys/resource.h>
#include <sys/types.h>

#define POLICY_MAX_USERS  4096
#define POLICY_MAX_GRANTS 1024
#define POLICY_MAX_LIMITS 10
#define POLICY_MAX_MSGS   100
#define POLICY_MSG_LEN    300
#define POLICY_LINE_MAX   1024
#define POLICY_DIR_MAX    1024
#define POLICY_INCLUDE_DEPTH 8
#define POLICY_MAX_DROPINS 4096  /* one a user */
#define POLICY_FILE_MAX   (1 << 20)

#define POLICY_DEFAULT_FILE "/etc/ward/policy"
#define POLICY_DEFAULT_DIR  "/etc/ward/policy.d"

struct policy_limit {
	int resource;            /* RLIMIT_* */
	rlim_t value;            /* RLIM_INFINITY for unlimited */
};

/* The caps on a user's cgroup (privd/cgroup.c writes them): memory.max,
 * memory.high, cpu.max (as a percent of one CPU) and pids.max.  Unlike
 * the rlimits they change live on reload. */
enum { POLICY_CG_MEMORY, POLICY_CG_MEMORY_HIGH, POLICY_CG_CPU, POLICY_CG_TASKS, POLICY_CG_N };
#define POLICY_CG_UNSET 0             /* not in the policy */
#define POLICY_CG_MAX   UINT64_MAX    /* unlimited: "max" in the file */
#define POLICY_CPU_MAX_PERCENT 100000 /* 1000 CPUs */

struct policy_user {
	uid_t uid;
	char name[64];
	int supervised;          /* a supervise statement names this user */
	char dir[POLICY_DIR_MAX];/* as written; "" = the default, ~/service */
	int no_new_privs;        /* 1 unless the policy says off */
	struct policy_limit limits[POLICY_MAX_LIMITS];
	int nlimits;
	char where[96];          /* FILE:LINE of the first statement naming the user */
	uint64_t cg[POLICY_CG_N];/* POLICY_CG_*: bytes, percent, tasks; POLICY_CG_UNSET */
};

struct policy_grant {
	uid_t uid;
	char name[64];           /* the user's */
	struct ep_range range;   /* family 0: any address; ports range.ep.port..hi */
	unsigned stmt;           /* the statement that made it (one for a group's members) */
	char where[96];          /* FILE:LINE, for messages only: a long FILE is cut */
};

struct policy {
	struct policy_user users[POLICY_MAX_USERS];
	size_t nusers;
	size_t max_users;        /* POLICY_MAX_USERS; tests may lower it */
	int unpriv_port;         /* net.ipv4.ip_unprivileged_port_start; -1: read it */
	int allow_sticky;        /* 1: a sticky directory (/tmp) may be above a file
	                          * (privd -f); 0: every one root's alone */
	struct policy_grant grants[POLICY_MAX_GRANTS];
	size_t ngrants;
	char msg[POLICY_MAX_MSGS][POLICY_MSG_LEN];
	size_t nmsgs;            /* kept in msg[] */
	unsigned nerrors, nwarnings;
	unsigned nstmts;         /* statements read: numbers them */
	unsigned nfiles;         /* files read */
	int depth;               /* include nesting */
};

struct policy *policy_new(void);
void policy_free(struct policy *p);
/* Each returns the number of errors so far. */
unsigned policy_read_text(struct policy *p, const char *name, const char *text, size_t len);
unsigned policy_read_file(struct policy *p, const char *path);
/* main, then every DIR/ *.policy in byte order of the names; a missing
 * dropdir is fine, more than POLICY_MAX_DROPINS an error (none is read) */
unsigned policy_read_default(struct policy *p, const char *main, const char *dropdir);
unsigned policy_finish(struct policy *p);

struct policy_user *policy_user_find(struct policy *p, uid_t uid);
/* The policy's word for cap k: "memory", "memory-high", "cpu", "tasks" */
const char *policy_cg_name(int k);
/* "tcp 80-89 on 192.0.2.1" */
char *policy_grant_describe(const struct policy_grant *g, char *out, size_t size);

#endif
