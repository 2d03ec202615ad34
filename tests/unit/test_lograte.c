/* Unit tests: the log window (lograte) and the escaping of user lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lograte.h"

static void burst_then_counted(void **state)
{
	struct lograte r = { 0 };
	int i, logged = 0;

	(void)state;
	for (i = 0; i < 50; i++)
		logged += lograte_take(&r, 1000 + i, 20, 10000);
	assert_int_equal(logged, 20);
	assert_int_equal(r.quiet, 30);
	assert_int_equal(lograte_due(&r), 11000);
	assert_int_equal(lograte_end(&r, 10999), 0);   /* not over yet */
	assert_int_equal(lograte_end(&r, 11000), 30);
	assert_int_equal(lograte_end(&r, 11001), 0);   /* told once */
	assert_true(lograte_due(&r) == INT64_MAX);
	assert_int_equal(lograte_take(&r, 11002, 20, 10000), 1);   /* a new window */
}

static void quiet_window_owes_nothing(void **state)
{
	struct lograte r = { 0 };

	(void)state;
	assert_int_equal(lograte_take(&r, 5, 2, 100), 1);
	assert_int_equal(lograte_take(&r, 6, 2, 100), 1);
	assert_true(lograte_due(&r) == INT64_MAX);
	assert_int_equal(lograte_end(&r, 1000), 0);
	assert_int_equal(lograte_take(&r, 1000, 2, 100), 1);   /* the old window is over */
}

static void escapes_controls_and_high_bytes(void **state)
{
	char out[64];
	const char in[] = "a\033[2J\\b\x7f\xc3\xa9\n";

	(void)state;
	assert_int_equal(logline_escape(out, sizeof out, in, sizeof in - 1), sizeof in - 1);
	assert_string_equal(out, "a\\x1b[2J\\\\b\\x7f\\xc3\\xa9\\x0a");
}

static void stops_before_an_escape_that_does_not_fit(void **state)
{
	char out[6];

	(void)state;
	assert_int_equal(logline_escape(out, sizeof out, "ab\001cd", 5), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(logline_escape(out, sizeof out, "abcdefgh", 8), 5);
	assert_string_equal(out, "abcde");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burst_then_counted),
		cmocka_unit_test(quiet_window_owes_nothing),
		cmocka_unit_test(escapes_controls_and_high_bytes),
		cmocka_unit_test(stops_before_an_escape_that_does_not_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
