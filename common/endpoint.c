#include "endpoint.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

size_t ep_addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int ep_equal(const struct endpoint *a, const struct endpoint *b)
{
	return a->proto == b->proto && a->family == b->family && a->port == b->port &&
	       !memcmp(a->addr, b->addr, ep_addr_len(a->family));
}

int ep_in_range(const struct ep_range *r, const struct endpoint *e)
{
	if (r->ep.proto != e->proto || e->port < r->ep.port || e->port > r->hi)
		return 0;
	if (r->ep.family == 0)
		return e->family == AF_INET || e->family == AF_INET6;
	return r->ep.family == e->family &&
	       !memcmp(r->ep.addr, e->addr, ep_addr_len(e->family));
}

static int addr_any(const struct endpoint *e)
{
	static const unsigned char zero[EP_ADDR_LEN];

	return !memcmp(e->addr, zero, ep_addr_len(e->family));
}

/* A socket on 0.0.0.0 (or ::) holds the port on every address of its
 * family.  :: holds no IPv4 address: the binder's IPv6 sockets are
 * IPv6-only, whatever net.ipv6.bindv6only says. */
static int addr_overlap(const struct endpoint *a, const struct endpoint *b)
{
	if (a->family == 0 || b->family == 0)
		return 1;
	return a->family == b->family && (addr_any(a) || addr_any(b) ||
	       !memcmp(a->addr, b->addr, ep_addr_len(a->family)));
}

int ep_range_overlap(const struct ep_range *a, const struct ep_range *b)
{
	return a->ep.proto == b->ep.proto && a->ep.port <= b->hi && b->ep.port <= a->hi &&
	       addr_overlap(&a->ep, &b->ep);
}

/* "[::1]:", "127.0.0.1:" or "" (any address) */
static void format_addr(const struct endpoint *e, char *out, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (!ep_addr_len(e->family)) {
		out[0] = '\0';
		return;
	}
	inet_ntop(e->family, e->addr, a, sizeof a);
	snprintf(out, size, e->family == AF_INET6 ? "[%s]:" : "%s:", a);
}

char *ep_range_format(const struct ep_range *r, char *out, size_t size)
{
	char addr[INET6_ADDRSTRLEN + 4], ports[16];

	format_addr(&r->ep, addr, sizeof addr);
	if (r->hi > r->ep.port)
		snprintf(ports, sizeof ports, "%u-%u", r->ep.port, r->hi);
	else
		snprintf(ports, sizeof ports, "%u", r->ep.port);
	snprintf(out, size, "%s %s%s", r->ep.proto == EP_TCP ? "tcp" : "udp", addr, ports);
	return out;
}

char *ep_format(const struct endpoint *e, char *out, size_t size)
{
	struct ep_range r = { .ep = *e, .hi = e->port };

	return ep_range_format(&r, out, size);
}

int ep_parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 5)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int ep_parse_ports(const char *s, struct ep_range *r)
{
	char lo[8];
	const char *dash = strchr(s, '-');
	size_t n = dash ? (size_t)(dash - s) : strlen(s);

	if (n >= sizeof lo)
		return -1;
	memcpy(lo, s, n);
	lo[n] = '\0';
	if (ep_parse_port(lo, &r->ep.port) < 0)
		return -1;
	r->hi = r->ep.port;
	if (dash && ep_parse_port(dash + 1, &r->hi) < 0)
		return -1;
	return r->hi < r->ep.port ? -2 : 0;
}

/* "[ADDR6]:PORT" */
static int parse_v6(const char *s, struct endpoint *e)
{
	char a[INET6_ADDRSTRLEN];
	const char *close = strchr(s, ']');
	size_t n = close ? (size_t)(close - s - 1) : 0;

	if (!close || close[1] != ':' || n >= sizeof a)
		return -1;
	memcpy(a, s + 1, n);
	a[n] = '\0';
	e->family = AF_INET6;
	if (inet_pton(AF_INET6, a, e->addr) != 1)
		return -1;
	return ep_parse_port(close + 2, &e->port);
}

int ep_parse(const char *s, struct endpoint *e)
{
	char a[INET_ADDRSTRLEN];
	const char *colon = strrchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : 0;

	memset(e->addr, 0, sizeof e->addr);
	if (s[0] == '[')
		return parse_v6(s, e);
	e->family = AF_INET;
	if (colon) {
		if (n >= sizeof a)
			return -1;
		memcpy(a, s, n);
		a[n] = '\0';
		if (inet_pton(AF_INET, a, e->addr) != 1)
			return -1;
		s = colon + 1;
	}
	return ep_parse_port(s, &e->port);
}
