/* bindtrap: a program's own bind() of a privileged port, granted by the
 * policy, made to work unchanged (runsv(8) and privbind(8), "BINDS").
 *
 * In the child, just before exec, bindtrap_child() installs a seccomp
 * filter that traps bind(2) to the supervisor (SECCOMP_RET_USER_NOTIF) and
 * sends the filter's notification fd back over a socketpair.  The
 * supervisor (runsv, privbind) answers each trapped bind in its loop,
 * bindtrap_serve():
 *   - not AF_INET/AF_INET6, port 0, or a port at or above the kernel's
 *     unprivileged floor (net.ipv4.ip_unprivileged_port_start): the kernel
 *     goes on with the bind as always (SECCOMP_USER_NOTIF_FLAG_CONTINUE);
 *   - a privileged port: a duplicate of the program's socket
 *     (pidfd_getfd) goes to the binder with the address (BINDFD_REQ,
 *     through the user's relay); the binder binds it, and the program's
 *     bind returns 0, or -EACCES when the policy has no grant for it (one
 *     line logged naming it and what is granted).
 * A socket bound that way is held (a duplicate) for as long as the
 * supervisor runs: when a later run of the service binds the same
 * address, the held socket replaces the program's new one at the same fd
 * number (SECCOMP_IOCTL_NOTIF_ADDFD, SETFD), so clients queue in its
 * backlog between runs instead of being refused.
 *
 * In runsv, only with no_new_privs already set (privd sets it for a userd
 * unless the policy says no_new_privs off): runsv never sets it, which would
 * take setuid and file capabilities from a program that relied on them.
 * privbind, asked for it explicitly, sets it (set_nnp).
 * Where the filter cannot be installed the program starts all the same,
 * and the reason is logged once.
 *
 * The pure parts (what a trapped address means, the held set) are
 * bindtrap_classify() and bindtrap_held_*(), unit tested. */
#ifndef WARD_BINDTRAP_H
#define WARD_BINDTRAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "endpoint.h"

#define BINDTRAP_HELD 16          /* sockets held across runs, at most */
#define BINDTRAP_FILTERS 8        /* notification fds served at once */
#define BINDTRAP_RELAYS 4

struct bindtrap_held {
	struct endpoint ep;
	int fd;                       /* -1: free */
	unsigned run;                 /* the run that bound it last */
};

struct bindtrap {
	int ep;                       /* epoll set of the notification fds */
	int nfilters;
	int filter[BINDTRAP_FILTERS]; /* earlier runs' may still have descendants */
	int child_sock;               /* the child's end of the pair, in the child */
	int parent_sock;
	unsigned run;                 /* which start of the program this is */
	int warned;                   /* why not installed: logged once */
	int relay;                    /* connection to the user's relay, -1 */
	const char *relays[BINDTRAP_RELAYS];  /* where to find it, NULL-terminated */
	int floor;                    /* the unprivileged floor, read at each run */
	int set_nnp;                  /* privbind: the child sets no_new_privs */
	struct bindtrap_held held[BINDTRAP_HELD];
};

/* what a trapped bind's address means */
enum bindtrap_verdict {
	BINDTRAP_CONTINUE,            /* the kernel's to do */
	BINDTRAP_PRIVILEGED,          /* ep filled but ep.proto: for the binder */
};

/* privbind -- PROG ARGS: runs argv with its binds trapped, staying its
 * parent; signals it gets (TERM, INT, HUP, QUIT, USR1, USR2) are passed
 * on.  Returns what to exit with: PROG's status, or 128 + its signal. */
int bindtrap_run(char *const argv[], const char *const *relays);

/* relays: as sockets_obtain's (NULL-terminated, at most 3, kept by pointer) */
void bindtrap_init(struct bindtrap *t, const char *const *relays);
/* Before fork: the socketpair.  0, or -1 (then nothing is trapped): also
 * for a runsv without WARD_BIND_SOCKET, which no userd started. */
int bindtrap_prepare(struct bindtrap *t);
/* In the child, last thing before exec: the filter, its fd sent back.
 * Never fails the child: what went wrong is sent instead. */
void bindtrap_child(struct bindtrap *t);
/* In the parent after fork (pid < 0: the fork failed): takes the
 * notification fd, or logs once why there is none. */
void bindtrap_started(struct bindtrap *t, pid_t pid);
/* The fd to poll for trapped binds, -1 when none. */
int bindtrap_pollfd(const struct bindtrap *t);
/* Answers what is pending, without waiting for more. */
void bindtrap_serve(struct bindtrap *t);

/* A trapped bind's sockaddr (len bytes as read from the program) against
 * the unprivileged floor: BINDTRAP_PRIVILEGED with ep's family, address
 * and port, or BINDTRAP_CONTINUE (not inet, too short for its family, port
 * 0, at or above floor, or an IPv6 scope id, which no grant names). */
enum bindtrap_verdict bindtrap_classify(const void *sa, size_t len, int floor,
					struct endpoint *ep);
/* The floor from the text of ip_unprivileged_port_start: 0..65536, or
 * 1024 for what does not parse. */
int bindtrap_floor_parse(const char *text);
/* The held socket for ep bound in a run before run (to hand to this one),
 * or NULL.  any_run: whichever run bound it. */
struct bindtrap_held *bindtrap_held_find(struct bindtrap_held *h, size_t n,
					 const struct endpoint *ep, unsigned run, int any_run);
/* A free entry, or NULL when all n are taken. */
struct bindtrap_held *bindtrap_held_free(struct bindtrap_held *h, size_t n);

#endif
