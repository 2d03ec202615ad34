/* bindtrap's pure parts (userd/lib/bindtrap.h): what a trapped bind's
 * address means, the unprivileged floor, the held sockets. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include "bindtrap.h"

static struct sockaddr_in v4(const char *a, uint16_t port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static struct sockaddr_in6 v6(const char *a, uint16_t port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	inet_pton(AF_INET6, a, &s.sin6_addr);
	return s;
}

static void classify_inet(void **state)
{
	struct sockaddr_in a = v4("127.0.0.2", 80);
	struct sockaddr_in6 b = v6("::1", 443);
	struct endpoint ep;

	(void)state;
	assert_int_equal(bindtrap_classify(&a, sizeof a, 1024, &ep), BINDTRAP_PRIVILEGED);
	assert_int_equal(ep.family, AF_INET);
	assert_int_equal(ep.port, 80);
	assert_int_equal(ep.addr[0], 127);
	assert_int_equal(ep.addr[3], 2);
	assert_int_equal(bindtrap_classify(&b, sizeof b, 1024, &ep), BINDTRAP_PRIVILEGED);
	assert_int_equal(ep.family, AF_INET6);
	assert_int_equal(ep.port, 443);
	assert_int_equal(ep.addr[15], 1);
}

/* the kernel's to do: at or above the floor, port 0, too short, not inet,
 * an IPv6 scope id */
static void classify_continue(void **state)
{
	struct sockaddr_in a = v4("127.0.0.2", 1024);
	struct sockaddr_in6 b = v6("fe80::1", 80);
	struct sockaddr_un u = { .sun_family = AF_UNIX };
	struct endpoint ep;

	(void)state;
	assert_int_equal(bindtrap_classify(&a, sizeof a, 1024, &ep), BINDTRAP_CONTINUE);
	a = v4("127.0.0.2", 80);
	assert_int_equal(bindtrap_classify(&a, sizeof a, 80, &ep), BINDTRAP_CONTINUE);
	assert_int_equal(bindtrap_classify(&a, sizeof a, 81, &ep), BINDTRAP_PRIVILEGED);
	assert_int_equal(bindtrap_classify(&a, sizeof a - 1, 1024, &ep), BINDTRAP_CONTINUE);
	assert_int_equal(bindtrap_classify(&a, 1, 1024, &ep), BINDTRAP_CONTINUE);
	a = v4("127.0.0.2", 0);
	assert_int_equal(bindtrap_classify(&a, sizeof a, 1024, &ep), BINDTRAP_CONTINUE);
	assert_int_equal(bindtrap_classify(&u, sizeof u, 1024, &ep), BINDTRAP_CONTINUE);
	b.sin6_scope_id = 2;
	assert_int_equal(bindtrap_classify(&b, sizeof b, 1024, &ep), BINDTRAP_CONTINUE);
	b.sin6_scope_id = 0;
	assert_int_equal(bindtrap_classify(&b, sizeof b - 1, 1024, &ep), BINDTRAP_CONTINUE);
}

static void floor_parse(void **state)
{
	(void)state;
	assert_int_equal(bindtrap_floor_parse("1024\n"), 1024);
	assert_int_equal(bindtrap_floor_parse("0\n"), 0);
	assert_int_equal(bindtrap_floor_parse("80"), 80);
	assert_int_equal(bindtrap_floor_parse("65536\n"), 65536);
	assert_int_equal(bindtrap_floor_parse(""), 1024);
	assert_int_equal(bindtrap_floor_parse("x"), 1024);
	assert_int_equal(bindtrap_floor_parse("-1"), 1024);
	assert_int_equal(bindtrap_floor_parse("70000"), 1024);
	assert_int_equal(bindtrap_floor_parse("80 x"), 1024);
}

/* a held socket goes to a later run, not back to the run that bound it
 * unless asked (any_run: the program closed and bound it again) */
static void held(void **state)
{
	struct bindtrap_held h[3] = { { .fd = -1 }, { .fd = -1 }, { .fd = -1 } };
	struct endpoint a = { .proto = EP_TCP, .family = AF_INET, .port = 80, .addr = { 127, 0, 0, 2 } };
	struct endpoint b = a;

	(void)state;
	b.proto = EP_UDP;
	assert_ptr_equal(bindtrap_held_free(h, 3), &h[0]);
	h[0] = (struct bindtrap_held){ .ep = a, .fd = 7, .run = 1 };
	assert_ptr_equal(bindtrap_held_free(h, 3), &h[1]);
	assert_null(bindtrap_held_find(h, 3, &a, 1, 0));
	assert_ptr_equal(bindtrap_held_find(h, 3, &a, 1, 1), &h[0]);
	assert_ptr_equal(bindtrap_held_find(h, 3, &a, 2, 0), &h[0]);
	assert_null(bindtrap_held_find(h, 3, &b, 2, 1));
	h[1].fd = h[2].fd = 8;
	h[1].ep = h[2].ep = b;
	assert_null(bindtrap_held_free(h, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classify_inet),
		cmocka_unit_test(classify_continue),
		cmocka_unit_test(floor_parse),
		cmocka_unit_test(held),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
