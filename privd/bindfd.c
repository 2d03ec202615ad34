#include "bindfd.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static int opt(int fd, int name, int *v)
{
	socklen_t len = sizeof *v;

	return getsockopt(fd, SOL_SOCKET, name, v, &len) == 0 && len == sizeof *v ? 0 : -1;
}

/* the socket address of ep, and its length */
static socklen_t ep_sockaddr(const struct endpoint *ep, struct sockaddr_storage *ss)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (ep->family == AF_INET) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(ep->port);
		memcpy(&a4->sin_addr, ep->addr, 4);
		return sizeof *a4;
	}
	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons(ep->port);
	memcpy(&a6->sin6_addr, ep->addr, 16);
	return sizeof *a6;
}

/* the port fd is bound to: 0 when not bound, -1 when unknown */
static int bound_port(int fd, int family)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 || ss.ss_family != family)
		return -1;
	if (family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

int bindfd_check(int fd, const struct endpoint *ep)
{
	int domain, type, protocol;
	int want_type = ep->proto == EP_TCP ? SOCK_STREAM : SOCK_DGRAM;
	int want_protocol = ep->proto == EP_TCP ? IPPROTO_TCP : IPPROTO_UDP;

	if (opt(fd, SO_DOMAIN, &domain) < 0)
		return errno == ENOTSOCK ? ENOTSOCK : errno ? errno : EINVAL;
	if (opt(fd, SO_TYPE, &type) < 0 || opt(fd, SO_PROTOCOL, &protocol) < 0 ||
	    domain != ep->family || type != want_type || protocol != want_protocol)
		return EPROTOTYPE;
	/* bound or connected (which binds): bind would say EINVAL */
	if (bound_port(fd, domain) != 0)
		return EINVAL;
	return 0;
}

int bindfd_bind(int fd, const struct endpoint *ep)
{
	struct sockaddr_storage ss;
	socklen_t len = ep_sockaddr(ep, &ss);

	return bind(fd, (struct sockaddr *)&ss, len) == 0 ? 0 : errno;
}

int bindfd_twin(const struct endpoint *ep, struct endpoint *twin)
{
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const unsigned char any[16];

	if (ep->family != AF_INET6)
		return 0;
	memset(twin, 0, sizeof *twin);
	twin->proto = ep->proto;
	twin->family = AF_INET;
	twin->port = ep->port;
	if (!memcmp(ep->addr, any, sizeof any))
		return 1;
	if (memcmp(ep->addr, mapped, sizeof mapped))
		return 0;
	memcpy(twin->addr, ep->addr + 12, 4);
	return 1;
}
