/* netbind: one bound socket, made the same way wherever ward binds one (the
 * binder for ports below 1024, runsv and privbind for the others).
 *
 * TCP sockets get SO_REUSEADDR (a restarted service rebinds at once, past
 * TIME_WAIT) and listen with the given backlog; IPv6 sockets are IPv6 only,
 * so an IPv4 grant and an IPv6 grant stay apart.  Never SO_REUSEPORT: the
 * kernel lets sockets of one owner share a port with it, and every socket
 * the binder binds is root's, another user's or a root daemon's alike.
 * Close-on-exec. */
#ifndef WARD_NETBIND_H
#define WARD_NETBIND_H

#include <stdint.h>

/* proto: enum ep_proto (endpoint.h); family AF_INET or AF_INET6;
 * addr in network order (4 bytes used for AF_INET); backlog 0 = 128.
 * Returns the socket, or -1 with errno set. */
int netbind(int proto, int family, const unsigned char *addr, uint16_t port,
	    unsigned backlog);

#endif
