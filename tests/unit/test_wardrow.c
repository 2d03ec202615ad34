/* Unit tests: the row line a user's reader hands to root (wardrow), checked
 * field by field; svlogd's stamps as `ward logs` reads them (logline);
 * the cgroup files' "KEY N" lines (cgstat). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <sys/socket.h>

#include "cgstat.h"
#include "netuse.h"
#include "logline.h"
#include "wardrow.h"

static struct wardrow sample(void)
{
	struct wardrow r = { .state = WR_UP, .want_up = 1, .pid = 1234, .uptime = 99,
			     .ready = 1, .health = -1, .starts = 3, .backoff_ms = 0,
			     .exit_kind = 2, .exit_code = 9, .exit_oom = 1, .exit_ago = 5,
			     .tasks = 2, .cpu_usec = 1500000, .memory = 4096 };

	strcpy(r.name, "web");
	return r;
}

static int decode_str(const char *s, struct wardrow *r)
{
	return wardrow_decode(s, strlen(s), r);
}

static void row_roundtrip(void **state)
{
	struct wardrow r = sample(), back;
	char line[WARDROW_LINE];
	int n;

	(void)state;
	n = wardrow_encode(&r, line, sizeof line);
	assert_true(n > 0);
	assert_int_equal(line[n - 1], '\n');
	assert_int_equal(wardrow_decode(line, (size_t)n - 1, &back), 0);
	assert_string_equal(back.name, "web");
	assert_int_equal(back.pid, 1234);
	assert_int_equal(back.health, -1);
	assert_int_equal(back.exit_oom, 1);
	assert_int_equal(back.memory, 4096);
	assert_null(back.bad);
}

/* what a subverted reader could send: each is refused, naming the field */
static void row_rejects(void **state)
{
	struct wardrow r = sample(), back;
	char line[WARDROW_LINE], bad[WARDROW_LINE * 2];
	int n;

	(void)state;
	n = wardrow_encode(&r, line, sizeof line) - 1;
	line[n] = '\0';
	snprintf(bad, sizeof bad, "S\tw\033b%s", strchr(line + 2, '\t'));
	assert_int_equal(decode_str(bad, &back), -1);
	assert_string_equal(back.bad, "name");
	snprintf(bad, sizeof bad, "S\t\t%s", strchr(line + 2, '\t') + 1);
	assert_int_equal(decode_str(bad, &back), -1);    /* empty name */
	memset(bad, 'n', sizeof bad);
	memcpy(bad, "S\t", 2);
	memcpy(bad + 2 + WARDROW_NAME, strchr(line + 2, '\t'), strlen(strchr(line + 2, '\t')) + 1);
	assert_int_equal(decode_str(bad, &back), -1);    /* a name too long */
	snprintf(bad, sizeof bad, "%s\t7", line);
	assert_int_equal(decode_str(bad, &back), -1);    /* a field too many */
	assert_string_equal(back.bad, "the line");
	snprintf(bad, sizeof bad, "%.*s", (int)(strrchr(line, '\t') - line), line);
	assert_int_equal(decode_str(bad, &back), -1);    /* one too few */
	snprintf(bad, sizeof bad, "S\tweb\t9%s", strchr(line + 6, '\t'));
	assert_int_equal(decode_str(bad, &back), -1);    /* no state 9 */
	assert_string_equal(back.bad, "state");
	r.pid = -5;
	n = wardrow_encode(&r, bad, sizeof bad);
	assert_int_equal(wardrow_decode(bad, (size_t)n - 1, &back), -1);
	assert_string_equal(back.bad, "pid");
	r = sample();
	r.exit_code = 256;
	n = wardrow_encode(&r, bad, sizeof bad);
	assert_int_equal(wardrow_decode(bad, (size_t)n - 1, &back), -1);
	assert_string_equal(back.bad, "exit code");
	assert_int_equal(decode_str("S\tweb\t1\t1\t+1\t", &back), -1);
	assert_int_equal(decode_str("U\t1", &back), -1);
	assert_int_equal(decode_str("S\tweb\t1\t1\t99999999999999999999999", &back), -1);
}

static void log_stamps(void **state)
{
	int64_t ns = 0;

	(void)state;
	assert_int_equal(logline_time("2026-12-07_12:00:01.50000 hello", 31, &ns), 1);
	assert_true(ns == INT64_C(1796644801) * 1000000000 + 500000000);
	assert_int_equal(logline_time("2026-12-07T12:00:01.00001 x", 27, &ns), 1);
	assert_true(ns == INT64_C(1796644801) * 1000000000 + 10000);
	/* TAI64N: 2^62 + 10 + unix seconds */
	assert_int_equal(logline_time("@400000006b4f6c0b00000007 x", 27, &ns), 1);
	assert_true(ns == (INT64_C(0x6b4f6c0b) - 10) * 1000000000 + 7);
	assert_int_equal(logline_time("no stamp at all, a long line", 28, &ns), 0);
	assert_int_equal(logline_time("2026-12-07 12:00:01.50000 x", 27, &ns), 0);
	assert_int_equal(logline_time("@40000000zz4f6c0b00000007 x", 27, &ns), 0);
}

static void log_tail(void **state)
{
	const char *t = "a\nb\nc\n";

	(void)state;
	assert_int_equal(logline_tail(t, 6, 1), 4);
	assert_int_equal(logline_tail(t, 6, 2), 2);
	assert_int_equal(logline_tail(t, 6, 3), 0);
	assert_int_equal(logline_tail(t, 6, 10), 0);
	assert_int_equal(logline_tail(t, 6, 0), 6);
	assert_int_equal(logline_tail("a\nb", 3, 1), 2);   /* unended last line */
}

static void cg_keys(void **state)
{
	const char *stat = "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n";
	int64_t v = 0;

	(void)state;
	assert_int_equal(cgstat_key(stat, strlen(stat), "usage_usec", &v), 0);
	assert_true(v == 1500);
	assert_int_equal(cgstat_key(stat, strlen(stat), "system_usec", &v), 0);
	assert_true(v == 500);
	assert_int_equal(cgstat_key(stat, strlen(stat), "usage", &v), -1);
	assert_int_equal(cgstat_key("oom_kill x\n", 11, "oom_kill", &v), -1);
	assert_true(cgstat_lines("1\n2\n3\n", 6) == 3);
}

/* /proc/net/tcp's text: LISTEN (0A) sockets only, the address as printed */
static void net_sockets(void **state)
{
	const char *tcp =
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
		"   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0\n"
		"   1: 0100007F:A1B2 0100007F:0050 01 00000000:00000000 00:00000000 00000000  1000\n"
		"   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000\n"
		"   3: garbage\n";
	const char *tcp6 =
		"  sl  local_address                         remote_address st\n"
		"   0: 00000000000000000000000001000000:0035 00000000000000000000000000000000:0000 07\n";
	struct endpoint e[4];
	uint32_t lo;

	(void)state;
	assert_int_equal(netuse_parse(tcp, strlen(tcp), EP_TCP, AF_INET, e, 4), 2);
	assert_int_equal(e[0].port, 80);
	lo = 0x0100007f;   /* as the kernel printed it: host order */
	assert_memory_equal(e[0].addr, &lo, 4);
	assert_int_equal(e[1].port, 8080);
	assert_int_equal(e[1].proto, EP_TCP);
	assert_int_equal(netuse_parse(tcp, strlen(tcp), EP_TCP, AF_INET, e, 1), 1);
	assert_int_equal(netuse_parse(tcp6, strlen(tcp6), EP_UDP, AF_INET6, e, 4), 1);
	assert_int_equal(e[0].port, 53);
	assert_int_equal(e[0].family, AF_INET6);
	assert_int_equal(netuse_parse(tcp6, strlen(tcp6), EP_TCP, AF_INET6, e, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(row_roundtrip),
		cmocka_unit_test(row_rejects),
		cmocka_unit_test(log_stamps),
		cmocka_unit_test(log_tail),
		cmocka_unit_test(cg_keys),
		cmocka_unit_test(net_sockets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
