/* Unit tests: svlogd's config file and its patterns (results checked
 * against Debian's runit svlogd). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "logcfg.h"

static char warned[8][256];
static int nwarned;

static void collect(const char *msg)
{
	if (nwarned < 8)
		snprintf(warned[nwarned++], sizeof warned[0], "%s", msg);
}

static int parse(struct logcfg *c, const char *text)
{
	nwarned = 0;
	return logcfg_parse(c, "log/config", text, strlen(text), collect);
}

static void defaults(void **state)
{
	struct logcfg c;

	(void)state;
	assert_int_equal(parse(&c, ""), 0);
	assert_int_equal(c.size, 1000000);
	assert_int_equal(c.num, 10);
	assert_int_equal(c.min, 0);
	assert_int_equal(c.timeout, 0);
	assert_int_equal(c.udp, 0);
	assert_int_equal(c.npatterns, 0);
	assert_int_equal(c.prefix_len, 0);
	assert_string_equal(logcfg_prefix(&c), "");
	assert_null(logcfg_processor(&c));
}

static void every_directive(void **state)
{
	struct logcfg c;
	char addr[32];

	(void)state;
	assert_int_equal(parse(&c, "# comment\n\ns5000\nn3\nN1\nt60\n!gzip -c\n"
				   "u10.0.0.1:5514\npapp: \n-*debug*\n+*debug: keep*\n"
				   "e*error*\nE*quiet*\n"), 0);
	assert_int_equal(c.size, 5000);
	assert_int_equal(c.num, 3);
	assert_int_equal(c.min, 1);
	assert_int_equal(c.timeout, 60);
	assert_string_equal(logcfg_processor(&c), "gzip -c");
	assert_int_equal(c.udp, 'u');
	inet_ntop(AF_INET, &c.udp_addr.sin_addr, addr, sizeof addr);
	assert_string_equal(addr, "10.0.0.1");
	assert_int_equal(ntohs(c.udp_addr.sin_port), 5514);
	/* the prefix keeps its trailing blank */
	assert_string_equal(logcfg_prefix(&c), "app: ");
	assert_int_equal(c.prefix_len, 5);
	assert_int_equal(c.npatterns, 4);
	assert_int_equal(c.patterns[0].kind, '-');
	assert_int_equal(c.patterns[3].kind, 'E');
	assert_string_equal(c.text + c.patterns[1].off, "*debug: keep*");
	assert_true(c.has_stderr_patterns);
}

static void udp_only_and_default_port(void **state)
{
	struct logcfg c;

	(void)state;
	assert_int_equal(parse(&c, "U127.0.0.1\n"), 0);
	assert_int_equal(c.udp, 'U');
	assert_int_equal(ntohs(c.udp_addr.sin_port), 514);
}

static void later_lines_win(void **state)
{
	struct logcfg c;

	(void)state;
	assert_int_equal(parse(&c, "s100\ns200\npA\npB\n!one\n!two"), 0);
	assert_int_equal(c.size, 200);
	assert_string_equal(logcfg_prefix(&c), "B");
	/* a last line without newline counts */
	assert_string_equal(logcfg_processor(&c), "two");
	assert_int_equal(parse(&c, "s0\nn0\n"), 0);
	assert_int_equal(c.size, 0);
	assert_int_equal(c.num, 0);
}

/* runit's svlogd.c: s takes k and m (1024, 1024*1024), t takes m and h
 * (60, 3600); no other letter takes a suffix */
static void size_and_time_suffixes(void **state)
{
	struct logcfg c;

	(void)state;
	assert_int_equal(parse(&c, "s1k\nt1m\n"), 0);
	assert_int_equal(c.size, 1024);
	assert_int_equal(c.timeout, 60);
	assert_int_equal(parse(&c, "s12k\nt2h\n"), 0);
	assert_int_equal(c.size, 12288);
	assert_int_equal(c.timeout, 7200);
	assert_int_equal(parse(&c, "s3m\nt90\n"), 0);
	assert_int_equal(c.size, 3UL * 1024 * 1024);
	assert_int_equal(c.timeout, 90);
	assert_int_equal(parse(&c, "s0k\n"), 0);
	assert_int_equal(c.size, 0);
	assert_int_equal(parse(&c, "s1g\nsk\ns1kk\nt1k\nt1d\nn1k\nN1m\n"
				   "s18446744073709551615k\ns4\n"), 8);
	assert_string_equal(warned[0], "log/config:1: s: expected a size in bytes (k, m: KiB, MiB): s1g");
	assert_string_equal(warned[3], "log/config:4: t: expected seconds (m, h: minutes, hours): t1k");
	assert_string_equal(warned[5], "log/config:6: n: expected a number of files: n1k");
	assert_string_equal(warned[7],
			    "log/config:8: s: expected a size in bytes (k, m: KiB, MiB): "
			    "s18446744073709551615k");
	assert_int_equal(c.size, 4);
	assert_int_equal(c.timeout, 0);
	assert_int_equal(c.num, 10);
}

static void bad_lines_named_and_skipped(void **state)
{
	struct logcfg c;

	(void)state;
	assert_int_equal(parse(&c, "s12x\nn-1\nbogus\nu300.1.1.1\nu1.2.3.4:0\nt\ns42\n"), 6);
	assert_int_equal(nwarned, 6);
	assert_string_equal(warned[0], "log/config:1: s: expected a size in bytes (k, m: KiB, MiB): s12x");
	assert_string_equal(warned[1], "log/config:2: n: expected a number of files: n-1");
	assert_string_equal(warned[2], "log/config:3: unknown directive: bogus");
	assert_string_equal(warned[3], "log/config:4: u: expected a.b.c.d[:port]: u300.1.1.1");
	assert_string_equal(warned[4], "log/config:5: u: expected a.b.c.d[:port]: u1.2.3.4:0");
	assert_string_equal(warned[5], "log/config:6: t: expected seconds (m, h: minutes, hours): t");
	/* the good line after them still applies, the bad ones changed nothing */
	assert_int_equal(c.size, 42);
	assert_int_equal(c.num, 10);
	assert_int_equal(c.udp, 0);
}

static void limits_hold(void **state)
{
	static char big[LOGCFG_TEXTMAX * 2];
	struct logcfg c;
	size_t i, n = 0;

	(void)state;
	for (i = 0; i < LOGCFG_MAXPATTERNS + 5; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "-p\n");
	assert_int_equal(parse(&c, big), 5);
	assert_int_equal(c.npatterns, LOGCFG_MAXPATTERNS);
	memset(big, 'x', sizeof big - 1);
	big[0] = 'p';
	big[sizeof big - 1] = 0;
	assert_int_equal(parse(&c, big), 1);
	assert_int_equal(c.prefix_len, 0);
}

/* pattern, message, expected: each row checked against Debian's svlogd */
static const struct { const char *p, *m; int want; } rows[] = {
	{ "kee", "keep", 0 },   { "keep", "keep", 1 },   { "k*", "keep", 1 },
	{ "*p", "keep", 1 },    { "*e", "keep", 0 },     { "k+ep", "keep", 1 },
	{ "k+e", "keep", 0 },   { "+kep", "keep", 0 },   { "ke+p", "keep", 0 },
	{ "ke+p", "keeeep", 0 }, { "ke+", "keeeep", 0 }, { "*", "", 1 },
	{ "*", "x", 1 },        { "a*c", "abbc", 1 },    { "a*c", "abcc", 0 },
	{ "a*", "a", 1 },       { "*e*", "keep", 1 },    { "*e*p", "keep", 1 },
	{ "k**p", "keep", 0 },  { "ke+*", "keep", 0 },   { "x+", "xxx", 0 },
	{ "+", "a", 0 },        { "ab+", "ab", 1 },      { "a*+b", "axbbb", 0 },
	{ "*: *: pid *", "2005 tcpsvd: info: pid 1977 from", 1 },
	{ "*pid*", "tcpsvd: info: pid 1977", 0 },
	{ "", "", 1 },          { "", "a", 0 },          { "k+eep", "keep", 0 },
	{ "a+b+c", "aabbc", 0 },   { "a+b+c", "abbc", 1 },
};

static void pattern_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int got = logcfg_match(rows[i].p, strlen(rows[i].p), rows[i].m, strlen(rows[i].m));

		if (got != rows[i].want)
			fail_msg("pattern \"%s\" on \"%s\": got %d", rows[i].p, rows[i].m, got);
	}
}

static void select_last_match_wins(void **state)
{
	struct logcfg c;
	int log, err;

	(void)state;
	parse(&c, "-*\n+a*\ne*x*\nE*xx*\n");
	logcfg_select(&c, "bcd", 3, &log, &err);
	assert_int_equal(log, 0);
	assert_int_equal(err, 0);
	logcfg_select(&c, "abc", 3, &log, &err);
	assert_int_equal(log, 1);
	logcfg_select(&c, "bx", 2, &log, &err);
	assert_int_equal(log, 0);
	assert_int_equal(err, 1);
	/* E*xx*: star stops at the first x, so "bxx" is matched as b,x then x* */
	logcfg_select(&c, "bxxb", 4, &log, &err);
	assert_int_equal(err, 0);
	parse(&c, "");
	logcfg_select(&c, "anything", 8, &log, &err);
	assert_int_equal(log, 1);
	assert_int_equal(err, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_directive),
		cmocka_unit_test(udp_only_and_default_port),
		cmocka_unit_test(size_and_time_suffixes),
		cmocka_unit_test(later_lines_win),
		cmocka_unit_test(bad_lines_named_and_skipped),
		cmocka_unit_test(limits_hold),
		cmocka_unit_test(pattern_table),
		cmocka_unit_test(select_last_match_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
