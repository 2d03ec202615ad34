/* Unit tests: the one endpoint type (common/endpoint): equality, the grant
 * check, the formatter and the parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "endpoint.h"

static struct endpoint ep(int proto, const char *addr, uint16_t port)
{
	struct endpoint e = { .proto = proto, .port = port };

	if (addr) {
		e.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(e.family, addr, e.addr), 1);
	}
	return e;
}

static struct ep_range range(int proto, const char *addr, uint16_t lo, uint16_t hi)
{
	struct ep_range r = { .ep = ep(proto, addr, lo), .hi = hi };

	return r;
}

static void equal(void **state)
{
	struct endpoint a = ep(EP_TCP, "127.0.0.1", 80), b = a;

	(void)state;
	assert_true(ep_equal(&a, &b));
	b.addr[8] = 1;            /* beyond an IPv4 address: not compared */
	assert_true(ep_equal(&a, &b));
	b = ep(EP_UDP, "127.0.0.1", 80);
	assert_false(ep_equal(&a, &b));
	b = ep(EP_TCP, "127.0.0.1", 81);
	assert_false(ep_equal(&a, &b));
	b = ep(EP_TCP, "127.0.0.2", 80);
	assert_false(ep_equal(&a, &b));
	b = ep(EP_TCP, "::ffff:127.0.0.1", 80);
	assert_false(ep_equal(&a, &b));
}

static void in_range(void **state)
{
	struct ep_range any = range(EP_TCP, NULL, 8000, 8099);
	struct ep_range one = range(EP_UDP, "::1", 53, 53);
	struct endpoint e = ep(EP_TCP, "192.0.2.1", 8000);

	(void)state;
	assert_true(ep_in_range(&any, &e));
	e = ep(EP_TCP, "::", 8099);
	assert_true(ep_in_range(&any, &e));
	e = ep(EP_TCP, "::", 8100);
	assert_false(ep_in_range(&any, &e));
	e = ep(EP_TCP, "192.0.2.1", 7999);
	assert_false(ep_in_range(&any, &e));
	e = ep(EP_UDP, "192.0.2.1", 8000);
	assert_false(ep_in_range(&any, &e));
	e.family = AF_UNIX;
	e.proto = EP_TCP;
	assert_false(ep_in_range(&any, &e));
	e = ep(EP_UDP, "::1", 53);
	assert_true(ep_in_range(&one, &e));
	e = ep(EP_UDP, "::", 53);  /* the wildcard is another address */
	assert_false(ep_in_range(&one, &e));
	e = ep(EP_UDP, "127.0.0.1", 53);
	assert_false(ep_in_range(&one, &e));
}

static void overlap(void **state)
{
	struct ep_range any = range(EP_TCP, NULL, 80, 89), a = range(EP_TCP, "192.0.2.1", 89, 90);
	struct ep_range b = range(EP_TCP, "192.0.2.2", 80, 90), w = range(EP_TCP, "0.0.0.0", 90, 90);
	struct ep_range w6 = range(EP_TCP, "::", 80, 90), u = range(EP_UDP, NULL, 80, 89);

	(void)state;
	assert_true(ep_range_overlap(&any, &a));   /* no address: every one */
	assert_true(ep_range_overlap(&a, &any));
	assert_false(ep_range_overlap(&a, &b));    /* two addresses */
	assert_true(ep_range_overlap(&a, &w));     /* the wildcard of its family */
	assert_true(ep_range_overlap(&w, &b));
	assert_false(ep_range_overlap(&a, &w6));   /* :: is IPv6 only */
	assert_false(ep_range_overlap(&any, &w));  /* no common port */
	assert_false(ep_range_overlap(&any, &u));  /* another protocol */
	assert_true(ep_range_overlap(&b, &b));
}

static void format(void **state)
{
	char out[EP_FORMAT_MAX];
	struct endpoint e = ep(EP_TCP, "127.0.0.1", 80);
	struct ep_range r = range(EP_TCP, NULL, 8000, 8099);

	(void)state;
	assert_string_equal(ep_format(&e, out, sizeof out), "tcp 127.0.0.1:80");
	e = ep(EP_UDP, "::1", 53);
	assert_string_equal(ep_format(&e, out, sizeof out), "udp [::1]:53");
	e = ep(EP_TCP, NULL, 80);
	assert_string_equal(ep_format(&e, out, sizeof out), "tcp 80");
	assert_string_equal(ep_range_format(&r, out, sizeof out), "tcp 8000-8099");
	r = range(EP_TCP, "127.0.0.1", 80, 89);
	assert_string_equal(ep_range_format(&r, out, sizeof out), "tcp 127.0.0.1:80-89");
	r = range(EP_UDP, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65534, 65535);
	assert_string_equal(ep_range_format(&r, out, sizeof out),
			    "udp [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65534-65535");
}

static void parse_port(void **state)
{
	uint16_t p = 0;

	(void)state;
	assert_int_equal(ep_parse_port("1", &p), 0);
	assert_int_equal(p, 1);
	assert_int_equal(ep_parse_port("65535", &p), 0);
	assert_int_equal(p, 65535);
	assert_int_equal(ep_parse_port("00080", &p), 0);
	assert_int_equal(p, 80);
	assert_int_equal(ep_parse_port("0", &p), -1);
	assert_int_equal(ep_parse_port("65536", &p), -1);
	assert_int_equal(ep_parse_port("000080", &p), -1);
	assert_int_equal(ep_parse_port("", &p), -1);
	assert_int_equal(ep_parse_port("+80", &p), -1);
	assert_int_equal(ep_parse_port("8 0", &p), -1);
}

static void parse_ports(void **state)
{
	struct ep_range r;

	(void)state;
	assert_int_equal(ep_parse_ports("80", &r), 0);
	assert_int_equal(r.ep.port, 80);
	assert_int_equal(r.hi, 80);
	assert_int_equal(ep_parse_ports("8000-8099", &r), 0);
	assert_int_equal(r.ep.port, 8000);
	assert_int_equal(r.hi, 8099);
	assert_int_equal(ep_parse_ports("90-80", &r), -2);
	assert_int_equal(r.ep.port, 90);
	assert_int_equal(r.hi, 80);
	assert_int_equal(ep_parse_ports("80-", &r), -1);
	assert_int_equal(ep_parse_ports("-80", &r), -1);
	assert_int_equal(ep_parse_ports("80-90-100", &r), -1);
	assert_int_equal(ep_parse_ports("123456789-1", &r), -1);
}

static void parse(void **state)
{
	struct endpoint e, want;

	(void)state;
	assert_int_equal(ep_parse("127.0.0.1:80", &e), 0);
	want = ep(0, "127.0.0.1", 80);
	e.proto = 0;
	assert_true(ep_equal(&e, &want));
	assert_int_equal(ep_parse("[::1]:53", &e), 0);
	want = ep(0, "::1", 53);
	assert_true(ep_equal(&e, &want));
	assert_int_equal(ep_parse("80", &e), 0);
	want = ep(0, "0.0.0.0", 80);
	assert_true(ep_equal(&e, &want));
	assert_int_equal(ep_parse("[::1]80", &e), -1);
	assert_int_equal(ep_parse("[::1:80", &e), -1);
	assert_int_equal(ep_parse("::1:80", &e), -1);
	assert_int_equal(ep_parse("127.0.0.1:", &e), -1);
	assert_int_equal(ep_parse("127.0.0.256:80", &e), -1);
	assert_int_equal(ep_parse("localhost:80", &e), -1);
	assert_int_equal(ep_parse("[127.0.0.1]:80", &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(equal),
		cmocka_unit_test(in_range),
		cmocka_unit_test(overlap),
		cmocka_unit_test(format),
		cmocka_unit_test(parse_port),
		cmocka_unit_test(parse_ports),
		cmocka_unit_test(parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
