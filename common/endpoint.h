/* endpoint: the one network endpoint type (protocol, family, address,
 * port) of ward.  The binder's requests, the policy's grants, the listen
 * file's lines and the messages naming them are all this type, so the
 * checks the binder's security rests on (is this grant matching, is this
 * address in use) are written once, here.
 *
 * A grant is a range: an endpoint (its port the lowest one) plus the
 * highest port; its family 0 means any address. */
#ifndef WARD_ENDPOINT_H
#define WARD_ENDPOINT_H

#include <stddef.h>
#include <stdint.h>

/* The one protocol enum; the wire encodes these values (common/wire.c
 * asserts it). */
enum ep_proto { EP_TCP = 1, EP_UDP = 2 };

#define EP_ADDR_LEN 16
/* "udp [" INET6 "]:65535-65535" */
#define EP_FORMAT_MAX 72

struct endpoint {
	int proto;                     /* enum ep_proto */
	int family;                    /* AF_INET or AF_INET6; 0 in a range: any */
	unsigned char addr[EP_ADDR_LEN]; /* network order; 4 bytes for AF_INET */
	uint16_t port;                 /* host order */
};

struct ep_range {
	struct endpoint ep;            /* ep.port: the lowest port */
	uint16_t hi;                   /* the highest, >= ep.port */
};

/* bytes of addr a family uses: 4, 16, or 0 for none */
size_t ep_addr_len(int family);
/* 1 if a and b are one socket address (protocol, family, address, port) */
int ep_equal(const struct endpoint *a, const struct endpoint *b);
/* The grant check: 1 if r allows binding e.  Same protocol, a port of the
 * range, and r's family 0 (then e is any IPv4 or IPv6 address) or r's
 * exact address. */
int ep_in_range(const struct ep_range *r, const struct endpoint *e);
/* The address-in-use check: 1 if sockets in a and b (two users' grants)
 * could keep each other off a port: same protocol, a common port, and equal
 * addresses, or one with none (family 0), or one the wildcard (0.0.0.0,
 * ::) of the other's family. */
int ep_range_overlap(const struct ep_range *a, const struct ep_range *b);

/* "tcp 127.0.0.1:80", "udp [::1]:53", "tcp 80" (family 0); returns out */
char *ep_format(const struct endpoint *e, char *out, size_t size);
/* the same with ports "8000-8099" when the range has more than one */
char *ep_range_format(const struct ep_range *r, char *out, size_t size);

/* A decimal port 1..65535, digits only.  0 or -1. */
int ep_parse_port(const char *s, uint16_t *port);
/* "LO" or "LO-HI" into r's ports: 0, -1 for text that is not that, or -2
 * when LO > HI (r holds both, for the message). */
int ep_parse_ports(const char *s, struct ep_range *r);
/* "127.0.0.1:80", "[::1]:80" or "80" (0.0.0.0) into e's family, address
 * and port; e->proto is left alone.  0 or -1. */
int ep_parse(const char *s, struct endpoint *e);

#endif
