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
 *   bindfd_twin(ep, twin)  1 if a bind to ep on the user's own IPv6 socket
 *                          can take IPv4 traffic, with twin that IPv4
 *                          endpoint: ep is :: or a v4-mapped address, and
 *                          the user may have turned IPV6_V6ONLY off (or
 *                          may turn it off between our look and our bind:
 *                          we never rely on it).  Then the user must hold a
 *                          grant for twin too.  0 otherwise.
 * The grant check is the binder's (binder.c granted()), before either. */
#ifndef PRIVD_BINDFD_H
#define PRIVD_BINDFD_H

#include "endpoint.h"

int bindfd_check(int fd, const struct endpoint *ep);
int bindfd_bind(int fd, const struct endpoint *ep);
int bindfd_twin(const struct endpoint *ep, struct endpoint *twin);

#endif
