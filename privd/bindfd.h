/* bindfd: a user's own socket, sent with a BINDFD_REQ (docs/protocol.md),
 * checked as hostile input and bound by the binder.
 *
 *   bindfd_check(fd, ep)   0 if fd is a socket of ep's family, type and
 *                          protocol (tcp: SOCK_STREAM/IPPROTO_TCP, udp:
 *                          SOCK_DGRAM/IPPROTO_UDP) that is not bound yet;
 *                          else the errno for the answer: ENOTSOCK,
 *                          EPROTOTYPE, EINVAL (already bound: what bind
 *                          itself says).  Uses getsockopt and getsockname
 *                          only: no file operation, which on a file a user
 *                          serves (FUSE) could wait for that user.
 *   bindfd_bind(fd, ep)    bind(fd, ep): 0 or an errno.
 * The grant check is the binder's (binder.c granted()), before either. */
#ifndef PRIVD_BINDFD_H
#define PRIVD_BINDFD_H

#include "endpoint.h"

int bindfd_check(int fd, const struct endpoint *ep);
int bindfd_bind(int fd, const struct endpoint *ep);

#endif
