/* netuse: the sockets the kernel lists in /proc/net/{tcp,tcp6,udp,udp6}
 * that hold a port: TCP in LISTEN, UDP bound (state 07), for `ward status
 * --all`'s ports in use.  The kernel's text, not a user's.
 *
 *   netuse_parse(text, len, proto, family, out, max)
 *       the sockets in text (one file's content), appended to out: returns
 *       how many, at most max; a line that does not parse is skipped
 *   netuse_read(out, max)   all four files; the count */
#ifndef WARD_NETUSE_H
#define WARD_NETUSE_H

#include <stddef.h>

#include "endpoint.h"

size_t netuse_parse(const char *text, size_t len, int proto, int family,
		    struct endpoint *out, size_t max);
size_t netuse_read(struct endpoint *out, size_t max);

#endif
