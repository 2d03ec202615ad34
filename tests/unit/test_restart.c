/* Unit tests: the restart/backoff policy shared by privd, userd and runsv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "restart.h"

/* a process that exits 10 ms after every start, started as soon as due */
static int64_t crash_once(struct restart *r, int64_t now)
{
	restart_started(r, now);
	restart_exited(r, now + 10, 0);
	return r->due;
}

static void doubling_up_to_the_cap(void **state)
{
	struct restart r;
	const uint32_t want[] = { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000 };
	int64_t now = 5000;
	size_t i;

	(void)state;
	restart_init(&r, 0);
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		now = crash_once(&r, now);
		assert_int_equal(r.delay_ms, want[i]);
		assert_int_equal(r.fails, i + 1);
	}
}

static void at_most_four_starts_in_ten_seconds(void **state)
{
	struct restart r;
	int64_t t0 = 1000000, now = t0;
	int starts = 0;

	(void)state;
	restart_init(&r, 0);
	while (now < t0 + 10000) {
		starts++;
		now = crash_once(&r, now);
	}
	assert_int_equal(starts, 4);
}

static void stable_uptime_resets(void **state)
{
	struct restart r;
	int64_t now = 0;

	(void)state;
	restart_init(&r, 0);
	now = crash_once(&r, now);
	now = crash_once(&r, now);
	assert_int_equal(r.fails, 2);
	restart_started(&r, now);
	/* one millisecond short of stable: still a quick death, the third */
	assert_int_equal(restart_exited(&r, now + RESTART_STABLE_MS - 1, 0), 4000);
	now = r.due;
	restart_started(&r, now);
	/* stable: no wait at all (the floor is long past) */
	assert_int_equal(restart_exited(&r, now + RESTART_STABLE_MS, 0), 0);
	assert_int_equal(r.fails, 0);
	assert_int_equal(r.due, now + RESTART_STABLE_MS);
	now = crash_once(&r, r.due);
	assert_int_equal(r.delay_ms, 1000);
}

static void asked_exit_keeps_only_the_floor(void **state)
{
	struct restart r;

	(void)state;
	restart_init(&r, 0);
	crash_once(&r, 0);
	crash_once(&r, r.due);
	restart_started(&r, 50000);
	/* TERM by the supervisor 300 ms after the start: wait until 1 s after it */
	assert_int_equal(restart_exited(&r, 50300, 1), 700);
	assert_int_equal(r.due, 51000);
	assert_int_equal(r.fails, 0);
}

static void skip_waits_only_for_the_floor(void **state)
{
	struct restart r;

	(void)state;
	restart_init(&r, 0);
	for (int i = 0; i < 5; i++)
		crash_once(&r, i * 100000);
	assert_int_equal(r.delay_ms, 16000);
	restart_skip(&r, 400010 + 200);  /* 210 ms after the last start */
	assert_int_equal(r.due, 401000);
	assert_int_equal(r.delay_ms, 790);
	assert_int_equal(r.fails, 5);    /* the count is kept */
	restart_skip(&r, 500000);
	assert_int_equal(r.due, 500000);
	assert_int_equal(r.delay_ms, 0);
}

static void first_start_and_small_cap(void **state)
{
	struct restart r;

	(void)state;
	restart_init(&r, 1000);  /* backoff-max 1: runit's once a second */
	restart_skip(&r, 7);
	assert_int_equal(r.due, 7);  /* never started: no floor */
	for (int i = 0; i < 40; i++)
		crash_once(&r, r.due);
	assert_int_equal(r.delay_ms, 1000);
	restart_init(&r, 10);    /* below the floor: raised to it */
	assert_int_equal(r.max_ms, RESTART_MIN_MS);
	/* an exit without a start (cannot fork) is a quick death */
	assert_int_equal(restart_exited(&r, 100, 0), 1000);
}

static void huge_counts_do_not_overflow(void **state)
{
	struct restart r;

	(void)state;
	restart_init(&r, UINT32_MAX);
	r.fails = UINT32_MAX - 1;
	restart_started(&r, 0);
	assert_int_equal(restart_exited(&r, 1, 0), UINT32_MAX);
	assert_int_equal(r.fails, UINT32_MAX);
	restart_started(&r, 2);
	assert_int_equal(restart_exited(&r, 3, 0), UINT32_MAX);
	assert_int_equal(r.fails, UINT32_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(doubling_up_to_the_cap),
		cmocka_unit_test(at_most_four_starts_in_ten_seconds),
		cmocka_unit_test(stable_uptime_resets),
		cmocka_unit_test(asked_exit_keeps_only_the_floor),
		cmocka_unit_test(skip_waits_only_for_the_floor),
		cmocka_unit_test(first_start_and_small_cap),
		cmocka_unit_test(huge_counts_do_not_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
