/* Unit tests: svlogd's -t/-tt/-ttt timestamps and rotated file names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "logstamp.h"

static const char *stamp(struct logstamp *s, time_t sec, long nsec)
{
	static char out[LOGSTAMP_LEN + 1];
	struct timespec ts = { sec, nsec };
	size_t n = logstamp_fmt(s, &ts);

	memcpy(out, s->text, n);
	out[n] = 0;
	return out;
}

static void tai64n_stamp(void **state)
{
	struct logstamp s;

	(void)state;
	logstamp_init(&s, LOGSTAMP_TAI64N);
	assert_string_equal(stamp(&s, 1700000000, 123456789), "@400000006553f10a075bcd15 ");
}

static void human_stamps(void **state)
{
	struct logstamp s;

	(void)state;
	logstamp_init(&s, LOGSTAMP_ISO_UNDERSCORE);
	/* 2023-11-14 22:13:20 UTC; fraction truncated to 1/100000 s */
	assert_string_equal(stamp(&s, 1700000000, 123456789), "2023-11-14_22:13:20.12345 ");
	assert_string_equal(stamp(&s, 1700000000, 999999999), "2023-11-14_22:13:20.99999 ");
	assert_string_equal(stamp(&s, 1700000000, 0), "2023-11-14_22:13:20.00000 ");
	logstamp_init(&s, LOGSTAMP_ISO_T);
	assert_string_equal(stamp(&s, 0, 50000), "1970-01-01T00:00:00.00005 ");
	assert_string_equal(stamp(&s, 951782400, 0), "2000-02-29T00:00:00.00000 ");
	logstamp_init(&s, LOGSTAMP_NONE);
	assert_string_equal(stamp(&s, 1, 1), "");
}

/* the cached date must follow the second, also backwards (clock set back) */
static void cache_follows_clock(void **state)
{
	struct logstamp s;

	(void)state;
	logstamp_init(&s, LOGSTAMP_ISO_UNDERSCORE);
	assert_string_equal(stamp(&s, 1700000000, 10000), "2023-11-14_22:13:20.00001 ");
	assert_string_equal(stamp(&s, 1700000000, 20000), "2023-11-14_22:13:20.00002 ");
	assert_string_equal(stamp(&s, 1700000001, 0), "2023-11-14_22:13:21.00000 ");
	assert_string_equal(stamp(&s, 1699999999, 0), "2023-11-14_22:13:19.00000 ");
	assert_string_equal(stamp(&s, 1704067199, 999990000), "2023-12-31_23:59:59.99999 ");
	assert_string_equal(stamp(&s, 1704067200, 0), "2024-01-01_00:00:00.00000 ");
}

static void rotated_names(void **state)
{
	struct timespec ts = { 1700000000, 123456789 };
	char name[LOGSTAMP_NAMELEN + 1], suffix = 0;

	(void)state;
	logstamp_name(name, &ts, 's');
	assert_string_equal(name, "@400000006553f10a075bcd15.s");
	assert_true(logstamp_is_old(name, &suffix));
	assert_int_equal(suffix, 's');
	logstamp_name(name, &ts, 'u');
	assert_string_equal(name, "@400000006553f10a075bcd15.u");
	/* names sort by time: a later rotation sorts after */
	{
		char later[LOGSTAMP_NAMELEN + 1];
		struct timespec t2 = { 1700000001, 0 };

		logstamp_name(later, &t2, 's');
		assert_true(strcmp(name, later) < 0);
	}
	assert_false(logstamp_is_old("current", &suffix));
	assert_false(logstamp_is_old("@400000006553f10a075bcd15", &suffix));
	assert_false(logstamp_is_old("@400000006553f10a075bcd15.s.gz", &suffix));
	assert_false(logstamp_is_old("@400000006553f10a075bcdzz.s", &suffix));
	assert_false(logstamp_is_old("x400000006553f10a075bcd15.s", &suffix));
	assert_false(logstamp_is_old("@400000006553f10a075bcd15-s", &suffix));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tai64n_stamp),
		cmocka_unit_test(human_stamps),
		cmocka_unit_test(cache_follows_clock),
		cmocka_unit_test(rotated_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
