/* Unit tests: how privd writes the policy's caps into a user's cgroup
 * (privd/cgroup: the values, files and controllers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cgroup.h"

static void values(void **state)
{
	char b[40];

	(void)state;
	assert_string_equal(cg_value(POLICY_CG_MEMORY, 512ULL << 20, b, sizeof b), "536870912");
	assert_string_equal(cg_value(POLICY_CG_MEMORY, POLICY_CG_MAX, b, sizeof b), "max");
	assert_string_equal(cg_value(POLICY_CG_MEMORY_HIGH, POLICY_CG_UNSET, b, sizeof b), "max");
	assert_string_equal(cg_value(POLICY_CG_TASKS, 200, b, sizeof b), "200");
	/* cpu.max: quota and period, microseconds; 150% = 1.5 CPUs */
	assert_string_equal(cg_value(POLICY_CG_CPU, 150, b, sizeof b), "150000 100000");
	assert_string_equal(cg_value(POLICY_CG_CPU, 1, b, sizeof b), "1000 100000");
	assert_string_equal(cg_value(POLICY_CG_CPU, POLICY_CPU_MAX_PERCENT, b, sizeof b),
			    "100000000 100000");
	assert_string_equal(cg_value(POLICY_CG_CPU, POLICY_CG_UNSET, b, sizeof b), "max 100000");
}

static void files(void **state)
{
	(void)state;
	assert_string_equal(cg_file(POLICY_CG_MEMORY), "memory.max");
	assert_string_equal(cg_file(POLICY_CG_MEMORY_HIGH), "memory.high");
	assert_string_equal(cg_file(POLICY_CG_CPU), "cpu.max");
	assert_string_equal(cg_file(POLICY_CG_TASKS), "pids.max");
	assert_string_equal(cg_controller(POLICY_CG_MEMORY_HIGH), "memory");
	assert_string_equal(cg_controller(POLICY_CG_CPU), "cpu");
	assert_string_equal(cg_controller(POLICY_CG_TASKS), "pids");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values),
		cmocka_unit_test(files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
