/* Unit tests: reading a process's start time from /proc/PID/stat, and
 * proc_started() against this very process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

#define TAIL " S 1 5 5 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 123456 2000000 300 18446744073709551615"

static int parse(const char *text, unsigned long long *ticks)
{
	return proc_stat_starttime(text, strlen(text), ticks);
}

static void plain_name(void **state)
{
	unsigned long long t = 0;

	(void)state;
	assert_int_equal(parse("42 (sleep)" TAIL, &t), 0);
	assert_int_equal(t, 123456);
}

/* a process names itself: ") 1 2 3 (" must not shift the fields */
static void hostile_name(void **state)
{
	unsigned long long t = 0;

	(void)state;
	assert_int_equal(parse("42 (a) 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 (b)" TAIL, &t), 0);
	assert_int_equal(t, 123456);
	assert_int_equal(parse("42 (x\ny z)" TAIL, &t), 0);
	assert_int_equal(t, 123456);
}

static void malformed(void **state)
{
	unsigned long long t = 0;

	(void)state;
	assert_int_equal(parse("", &t), -1);
	assert_int_equal(parse("42 sleep S 1 2", &t), -1);           /* no ')' */
	assert_int_equal(parse("42 (sleep) S 1 5 5 0 -1", &t), -1);  /* too short */
	assert_int_equal(parse("42 (sleep) S 1 5 5 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 x12", &t), -1);
	assert_int_equal(parse("42 (sleep) S 1 5 5 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0  7", &t), -1);
	/* the number ends the text: still read, but only up to the length given */
	assert_int_equal(proc_stat_starttime("1 (s) S 1 5 5 0 -1 4 1 0 0 0 1 2 0 0 20 0 1 0 77999", 48, &t), 0);
	assert_int_equal(t, 77);
}

static void started_is_this_process(void **state)
{
	struct timespec at, now;

	(void)state;
	assert_int_equal(proc_started(getpid(), &at), 0);
	clock_gettime(CLOCK_REALTIME, &now);
	/* started before now, and (a test program) not hours ago */
	assert_true(at.tv_sec <= now.tv_sec);
	assert_true(now.tv_sec - at.tv_sec < 3600);
	assert_int_equal(proc_started(0x3fffffff, &at), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_name),
		cmocka_unit_test(hostile_name),
		cmocka_unit_test(malformed),
		cmocka_unit_test(started_is_this_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
