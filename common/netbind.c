#include "netbind.h"
#include "endpoint.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BACKLOG_DEFAULT 128

static int set_one(int fd, int level, int opt)
{
	int one = 1;

	return setsockopt(fd, level, opt, &one, sizeof one);
}

static socklen_t fill_sockaddr(int family, const unsigned char *addr, uint16_t port,
			       struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (family == AF_INET) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		memcpy(&in->sin_addr, addr, 4);
		return sizeof *in;
	}
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	memcpy(&in6->sin6_addr, addr, 16);
	return sizeof *in6;
}

int netbind(int proto, int family, const unsigned char *addr, uint16_t port,
	    unsigned backlog)
{
	struct sockaddr_storage ss;
	socklen_t len = fill_sockaddr(family, addr, port, &ss);
	int tcp = proto == EP_TCP, fd, e;

	fd = socket(family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if ((family == AF_INET6 && set_one(fd, IPPROTO_IPV6, IPV6_V6ONLY) < 0) ||
	    (tcp && set_one(fd, SOL_SOCKET, SO_REUSEADDR) < 0) ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (tcp && listen(fd, backlog ? (int)backlog : BACKLOG_DEFAULT) < 0)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
