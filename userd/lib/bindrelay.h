/* bindrelay: userd's side of the bind socket (docs/protocol.md).
 *
 * userd holds its user's channel to privd's binder.  The relay listens on
 * DIR/.userd/bind.sock (a SOCK_SEQPACKET socket in a 0700 directory of the
 * user's; the dot keeps the scanner away), accepts connections only from
 * its own uid (SO_PEERCRED), and passes each request -- the binder's own
 * messages, WIRE_BIND_REQ, WIRE_GRANTS_REQ and WIRE_BINDFD_REQ with its
 * socket (checked to be one) -- on to the binder under an
 * id of its own, and the answer (and socket) back.  Each connection has at
 * most one request in flight; a request the binder has not answered within
 * RELAY_TIMEOUT_MS is answered ETIMEDOUT, so no client waits forever on a
 * binder that restarted.  Nothing blocks: userd's loop never waits on it.
 *
 *   bindrelay_start(dirfd, dirpath, binder)
 *       sets the relay up and WARD_BIND_SOCKET (the socket's absolute path)
 *       in the environment, for runsv and the services; listens as well
 *       on the abstract name published for our uid (relay_published in
 *       sockets.h), for the runsvs and privbinds that have no such path;
 *       returns one fd for the caller's poll loop, or -1 after a warning
 *       (then no relay).
 *   bindrelay_move(dirfd, dirpath)
 *       after DIR's name came to mean another directory (a symlink
 *       switched): listens on the new DIR/.userd/bind.sock instead, removes
 *       the old socket file (if still there) and sets WARD_BIND_SOCKET anew;
 *       connections already accepted go on.  0, or -1 after a warning naming
 *       the path: then the relay stays where it was.
 *   bindrelay_run()  when that fd is readable: does what is ready. */
#ifndef WARD_BINDRELAY_H
#define WARD_BINDRELAY_H

#include "sockets.h"   /* RELAY_DIR, RELAY_SOCK */

#define RELAY_CLIENTS 64
#define RELAY_TIMEOUT_MS 5000

int bindrelay_start(int dirfd, const char *dirpath, int binder);
int bindrelay_move(int dirfd, const char *dirpath);
void bindrelay_run(void);

#endif
