/* Unit tests: the service directory's `listen` file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "listen.h"

static struct listen_entry e[LISTEN_MAX];
static char err[256];

static int parse(const char *text)
{
	err[0] = '\0';
	return listen_parse(text, strlen(text), e, LISTEN_MAX, err, sizeof err);
}

static void good_lines(void **state)
{
	char d[64];

	(void)state;
	assert_int_equal(parse("# web\n\ntcp 80\nudp 127.0.0.1:53 name=dns\n"
			       "tcp [::1]:8080   # local\n"), 3);
	assert_int_equal(e[0].ep.proto, EP_TCP);
	assert_int_equal(e[0].ep.family, AF_INET);
	assert_int_equal(e[0].ep.port, 80);
	assert_string_equal(e[0].name, "tcp-80");
	assert_string_equal(listen_describe(&e[0], d, sizeof d), "tcp 0.0.0.0:80");
	assert_int_equal(e[1].ep.proto, EP_UDP);
	assert_string_equal(e[1].name, "dns");
	assert_string_equal(listen_describe(&e[1], d, sizeof d), "udp 127.0.0.1:53");
	assert_int_equal(e[2].ep.family, AF_INET6);
	assert_string_equal(listen_describe(&e[2], d, sizeof d), "tcp [::1]:8080");
	/* no trailing newline, tabs */
	assert_int_equal(parse("tcp\t443"), 1);
	assert_int_equal(e[0].ep.port, 443);
}

static void bad_lines_name_their_line(void **state)
{
	(void)state;
	assert_int_equal(parse("tcp 80\ntpc 81\n"), -1);
	assert_string_equal(err, "2: unknown protocol (expected tcp or udp): \"tpc\"");
	assert_int_equal(parse("tcp 0\n"), -1);
	assert_int_equal(parse("tcp 65536\n"), -1);
	assert_int_equal(parse("tcp 65535\n"), 1);
	assert_int_equal(parse("tcp 1x\n"), -1);
	assert_int_equal(parse("tcp 300.1.1.1:80\n"), -1);
	assert_int_equal(parse("tcp [::1:80\n"), -1);
	assert_int_equal(parse("tcp [::1]80\n"), -1);
	assert_int_equal(parse("tcp 80 nam=x\n"), -1);
	assert_int_equal(parse("tcp 80 name=a:b\n"), -1);
	assert_int_equal(parse("tcp 80 name=x extra\n"), -1);
	/* no option asks for SO_REUSEPORT: said so, with the line */
	assert_int_equal(parse("tcp 80\ntcp 81 reuseport\n"), -1);
	assert_string_equal(err, "2: no reuseport: SO_REUSEPORT is never set (expected name=NAME "
			    "or nothing): \"reuseport\"");
	assert_int_equal(parse("udp 53 ReusePort=yes\n"), -1);
	assert_non_null(strstr(err, "1: no reuseport: "));
	assert_int_equal(parse("\n\n\ntcp\n"), -1);
	assert_true(strncmp(err, "4: ", 3) == 0);
	assert_int_equal(parse("tcp 80\ntcp 0.0.0.0:80\n"), -1);
	assert_string_equal(err, "2: socket listed twice: \"tcp 0.0.0.0:80\"");
	assert_int_equal(listen_parse("tcp 80\0", 7, e, LISTEN_MAX, err, sizeof err), -1);
}

static void bounded(void **state)
{
	static char big[LISTEN_FILE_MAX + 2];
	char text[1024] = "";
	int i;

	(void)state;
	for (i = 0; i < LISTEN_MAX + 1; i++)
		sprintf(text + strlen(text), "tcp %d\n", 1000 + i);
	assert_int_equal(parse(text), -1);
	assert_string_equal(err, "17: too many sockets (at most 16)");
	memset(big, '#', sizeof big - 1);
	assert_int_equal(parse(big), -1);
	assert_int_equal(listen_parse("tcp 1\ntcp 2\n", 12, e, 1, err, sizeof err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_lines),
		cmocka_unit_test(bad_lines_name_their_line),
		cmocka_unit_test(bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
