/* bindfd_check: the binder's look at a socket a user sent to be bound
 * (privd/bindfd.h), on real sockets and a pipe. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "bindfd.h"

static struct endpoint ep(int proto, int family)
{
	struct endpoint e = { .proto = proto, .family = family, .port = 80 };

	if (family == AF_INET) {
		e.addr[0] = 127;
		e.addr[3] = 1;
	}
	return e;
}

static int check(int domain, int type, int protocol, int proto, int family)
{
	struct endpoint e = ep(proto, family);
	int fd = socket(domain, type, protocol), r;

	assert_true(fd >= 0);
	r = bindfd_check(fd, &e);
	close(fd);
	return r;
}

static void matching_sockets_pass(void **state)
{
	(void)state;
	assert_int_equal(check(AF_INET, SOCK_STREAM, 0, EP_TCP, AF_INET), 0);
	assert_int_equal(check(AF_INET6, SOCK_STREAM, 0, EP_TCP, AF_INET6), 0);
	assert_int_equal(check(AF_INET, SOCK_DGRAM, 0, EP_UDP, AF_INET), 0);
	assert_int_equal(check(AF_INET6, SOCK_DGRAM, 0, EP_UDP, AF_INET6), 0);
}

static void other_kinds_refused(void **state)
{
	int ping = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);

	(void)state;
	assert_int_equal(check(AF_INET, SOCK_DGRAM, 0, EP_TCP, AF_INET), EPROTOTYPE);
	assert_int_equal(check(AF_INET, SOCK_STREAM, 0, EP_UDP, AF_INET), EPROTOTYPE);
	assert_int_equal(check(AF_INET6, SOCK_STREAM, 0, EP_TCP, AF_INET), EPROTOTYPE);
	assert_int_equal(check(AF_INET, SOCK_STREAM, 0, EP_TCP, AF_INET6), EPROTOTYPE);
	assert_int_equal(check(AF_UNIX, SOCK_STREAM, 0, EP_TCP, AF_INET), EPROTOTYPE);
	/* ping sockets are SOCK_DGRAM of another protocol; may be off here */
	if (ping >= 0) {
		close(ping);
		assert_int_equal(check(AF_INET, SOCK_DGRAM, IPPROTO_ICMP, EP_UDP, AF_INET),
				 EPROTOTYPE);
	}
}

static void not_a_socket_refused(void **state)
{
	struct endpoint e = ep(EP_TCP, AF_INET);
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(bindfd_check(p[0], &e), ENOTSOCK);
	close(p[0]);
	close(p[1]);
}

/* bound (or connected, which binds) is refused as bind itself would */
static void bound_refused(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct endpoint e = ep(EP_TCP, AF_INET);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(bindfd_check(fd, &e), EINVAL);
	close(fd);
}

/* bindfd_bind puts it at the endpoint (a port above 1023 here) */
static void binds_there(void **state)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	struct endpoint e = ep(EP_TCP, AF_INET);
	int fd = socket(AF_INET, SOCK_STREAM, 0), probe = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(probe, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(probe, (struct sockaddr *)&a, &len), 0);
	e.port = ntohs(a.sin_port);
	close(probe);
	assert_int_equal(bindfd_bind(fd, &e), 0);
	len = sizeof a;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	assert_int_equal(ntohs(a.sin_port), e.port);
	assert_int_equal(bindfd_check(fd, &e), EINVAL);
	close(fd);
}

/* an IPv6 bind that can carry IPv4 needs the IPv4 twin's grant too */
static void twins(void **state)
{
	struct endpoint e = ep(EP_UDP, AF_INET6), t;

	(void)state;
	assert_int_equal(bindfd_twin(&e, &t), 1);              /* :: */
	assert_int_equal(t.family, AF_INET);
	assert_int_equal(t.proto, EP_UDP);
	assert_int_equal(t.port, 80);
	assert_int_equal(t.addr[0], 0);
	e.addr[10] = e.addr[11] = 0xff;                        /* ::ffff:10.1.2.3 */
	e.addr[12] = 10;
	e.addr[15] = 3;
	assert_int_equal(bindfd_twin(&e, &t), 1);
	assert_int_equal(t.addr[0], 10);
	assert_int_equal(t.addr[3], 3);
	e.addr[10] = 0;                                        /* ::ff:a01:203 */
	assert_int_equal(bindfd_twin(&e, &t), 0);
	memset(e.addr, 0, sizeof e.addr);
	e.addr[15] = 1;                                        /* ::1 */
	assert_int_equal(bindfd_twin(&e, &t), 0);
	e = ep(EP_TCP, AF_INET);
	assert_int_equal(bindfd_twin(&e, &t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matching_sockets_pass),
		cmocka_unit_test(other_kinds_refused),
		cmocka_unit_test(not_a_socket_refused),
		cmocka_unit_test(bound_refused),
		cmocka_unit_test(binds_there),
		cmocka_unit_test(twins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
