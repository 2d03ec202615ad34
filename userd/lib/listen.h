/* listen: the `listen` file of a service directory, one socket a line:
 *
 *     PROTO [ADDRESS:]PORT [name=NAME]      # comment
 *
 * PROTO is tcp or udp; ADDRESS an IPv4 address or [IPv6]; without one the
 * socket is bound to every IPv4 address (0.0.0.0).  PORT is 1..65535.  NAME
 * (for LISTEN_FDNAMES) is 1..63 characters of [A-Za-z0-9._-], default
 * PROTO-PORT (e.g. tcp-80).  Blank lines and # comments are ignored.
 * At most LISTEN_MAX sockets; the same PROTO, ADDRESS and PORT twice is an
 * error.  There is no reuseport option (SO_REUSEPORT is never set): one is
 * refused by name.  The parser never allocates and reads only the bytes it
 * is given. */
#ifndef WARD_LISTEN_H
#define WARD_LISTEN_H

#include <stddef.h>
#include <stdint.h>
#include "endpoint.h"

#define LISTEN_MAX      16
#define LISTEN_NAME_MAX 64
#define LISTEN_FILE_MAX 8192   /* a longer file is refused whole */

struct listen_entry {
	struct endpoint ep;        /* family AF_INET or AF_INET6 */
	char name[LISTEN_NAME_MAX];
};

/* Parses len bytes of text (NULs are errors).  Returns the number of entries
 * (0..max), or -1 with err holding "LINE: message" for the first error. */
int listen_parse(const char *text, size_t len, struct listen_entry *out, size_t max,
		 char *err, size_t errlen);
/* "tcp 0.0.0.0:80" / "udp [::1]:53": for messages; returns out */
char *listen_describe(const struct listen_entry *e, char *out, size_t size);

#endif
