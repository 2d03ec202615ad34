/* sockets: the sockets a service declares in its `listen` file (see
 * listen.h), obtained, held across restarts of ./run and handed over the
 * systemd way (docs/man/runsv.8, "SOCKETS").
 *
 *   sockets_update(&set, dirfd, relays, err, errlen)
 *       (re-)reads dirfd/listen.  A socket still listed keeps its fd, so a
 *       client queued in its backlog is served by the next ./run; a new one
 *       is obtained; one no longer listed is closed.  Ports below 1024 are
 *       asked of the user's userd through the first of relays (a NULL-
 *       terminated list of socket paths, RELAY_OURS, and "" for none,
 *       looked up at each bind) that answers as a relay of our own uid; with none (or relays
 *       NULL) they are bound directly, which needs CAP_NET_BIND_SERVICE.
 *       Others are bound directly.  Returns 0 when every listed socket is held, or -1 with
 *       err saying what could not be had and why (then a retry asks only
 *       for the missing ones).  A listen file that does not parse leaves
 *       the set as it was.
 *   sockets_child(&set, keep)
 *       in a child, just before exec: the sockets on fds 3, 4 ... in file
 *       order, LISTEN_FDS, LISTEN_PID (this pid, which exec keeps) and
 *       LISTEN_FDNAMES set; every other fd above 2 but keep made
 *       close-on-exec.  For an empty set only the three are unset (runit's
 *       way).  keep (-1: none) must not be one of 3 .. 2+n.  0, or -1.
 *   sockets_close(&set)
 *
 * The client side of userd's relay (docs/protocol.md):
 *   bindclient_open(path)          a connection (path, or RELAY_OURS), or -1
 *                                  with errno; EPERM if the listener is not
 *                                  of our uid
 *   relay_published(uid, &sa)      the abstract address under which the
 *                                  userd under privd of uid publishes its
 *                                  relay, wherever its tree is; its length
 *   bindclient_bind(fd, e)         the socket for e, or -1 with errno (the
 *                                  binder's status: EACCES, EADDRINUSE ...)
 *   bindclient_grants(fd, proto, out, size)
 *                                  "tcp 80, tcp 127.0.0.1:8000-8010": what the
 *                                  policy grants this user for proto
 * A relay that does not answer within BINDCLIENT_TIMEOUT_MS is an error
 * (ETIMEDOUT), never a hang. */
#ifndef WARD_SOCKETS_H
#define WARD_SOCKETS_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "listen.h"

#define BINDSOCK_ENV "WARD_BIND_SOCKET"
/* the relay's socket file: DIR/RELAY_DIR/RELAY_SOCK */
#define RELAY_DIR ".userd"
#define RELAY_SOCK "bind.sock"
/* the relay's published name is "\0" RELAY_PUBLISHED "UID" */
#define RELAY_PUBLISHED "ward/relay/uid="
/* in a list of relays: the one published for our uid */
#define RELAY_OURS "@"
#define BINDCLIENT_TIMEOUT_MS 10000

struct sockset {
	size_t n;
	struct listen_entry e[LISTEN_MAX];
	int fd[LISTEN_MAX];        /* -1: not (yet) obtained */
};

void sockets_init(struct sockset *set);
int sockets_update(struct sockset *set, int dirfd, const char *const *relays, char *err,
		   size_t errlen);
int sockets_child(const struct sockset *set, int keep);
void sockets_close(struct sockset *set);
/* Obtains one socket (through the first of relays that answers when e asks
 * for a port below 1024); -1 with err "tcp 0.0.0.0:80: why". */
int sockets_obtain(const struct listen_entry *e, const char *const *relays, char *err,
		   size_t errlen);

int bindclient_open(const char *path);
socklen_t relay_published(uid_t uid, struct sockaddr_un *sa);
/* $WARD_BIND_SOCKET, or "" (skipped in a list of relays) */
const char *relay_told(void);
int bindclient_bind(int fd, const struct listen_entry *e);
void bindclient_grants(int fd, int proto, char *out, size_t size);

#endif
