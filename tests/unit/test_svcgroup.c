/* Unit tests: the pure parts of the user side's containment: cgroup names
 * (svcgroup), the limit files' values, kill-mode (contain), the children
 * list (reaper), and what sv status -j shows (cgjson). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <cmocka.h>

#include "cgjson.h"
#include "contain.h"
#include "reaper.h"
#include "svcgroup.h"

static void name_kept(void **state)
{
	char out[SVCG_NAME_MAX + 8];

	(void)state;
	assert_int_equal(svcg_name("web-1_a@b+c", 0, out, sizeof out), 0);
	assert_string_equal(out, "web-1_a@b+c");
	assert_int_equal(svcg_name("web", 1, out, sizeof out), 0);
	assert_string_equal(out, "web.log");
}

/* a changed name gets a hash: "a.b" and "a_b" never meet, nor a
 * service named like a controller's file or like another's logger */
static void name_changed(void **state)
{
	char a[SVCG_NAME_MAX + 8], b[SVCG_NAME_MAX + 8];

	(void)state;
	assert_int_equal(svcg_name("a.b", 0, a, sizeof a), 0);
	assert_int_equal(svcg_name("a_b", 0, b, sizeof b), 0);
	assert_string_equal(b, "a_b");
	assert_int_equal(strlen(a), 3 + 9);
	assert_memory_equal(a, "a_b-", 4);
	assert_string_not_equal(a, b);
	assert_int_equal(svcg_name("memory.max", 0, a, sizeof a), 0);
	assert_null(strchr(a, '.'));
	assert_int_equal(svcg_name("web.log", 0, a, sizeof a), 0);
	assert_string_not_equal(a, "web.log");
	assert_int_equal(svcg_name("..", 0, a, sizeof a), 0);
	assert_memory_equal(a, "__-", 3);
	assert_int_equal(svcg_name("", 0, a, sizeof a), 0);
	assert_int_equal(strlen(a), 9);
}

static void name_long(void **state)
{
	char base[300], out[SVCG_NAME_MAX + 8];

	(void)state;
	memset(base, 'x', sizeof base - 1);
	base[sizeof base - 1] = '\0';
	assert_int_equal(svcg_name(base, 1, out, sizeof out), 0);
	assert_int_equal(strlen(out), SVCG_NAME_MAX + 4);
	assert_int_equal(svcg_name("web", 0, out, 3), -1);
}

static void parse_ok(int i, const char *text, const char *want)
{
	char out[64], err[200];

	assert_int_equal(svcg_limit_parse(i, text, strlen(text), out, sizeof out, err, sizeof err), 0);
	assert_string_equal(out, want);
}

static void parse_bad(int i, const char *text, const char *msg)
{
	char out[64], err[200];

	assert_int_equal(svcg_limit_parse(i, text, strlen(text), out, sizeof out, err, sizeof err), -1);
	assert_string_equal(err, msg);
}

static void limits_good(void **state)
{
	(void)state;
	parse_ok(SVCG_MEMORY, "max\n", "max");
	parse_ok(SVCG_MEMORY, " 1048576 \n", "1048576");
	parse_ok(SVCG_MEMORY, "64M\n", "67108864");
	parse_ok(SVCG_MEMORY, "2g", "2147483648");
	parse_ok(SVCG_CPU, "150%\n", "150000 100000");
	parse_ok(SVCG_CPU, "50000 100000", "50000 100000");
	parse_ok(SVCG_CPU, "max 20000", "max 20000");
	parse_ok(SVCG_CPU, "max", "max");
	parse_ok(SVCG_TASKS, "64\n", "64");
	parse_ok(SVCG_TASKS, "max", "max");
}

static void limits_bad(void **state)
{
	static const char mem[] =
		"memory-max: expected max or a size in bytes, with K, M, G or T after it if need be";
	static const char cpu[] =
		"cpu-max: expected max, a percentage of one CPU (150%), or QUOTA PERIOD in microseconds";
	static const char tasks[] = "tasks-max: expected max or a number from 1 to 4194304";

	(void)state;
	parse_bad(SVCG_MEMORY, "", mem);
	parse_bad(SVCG_MEMORY, "64MB", mem);
	parse_bad(SVCG_MEMORY, "-1", mem);
	parse_bad(SVCG_MEMORY, "1\n2", mem);
	parse_bad(SVCG_MEMORY, "99999999999999999999", mem);
	parse_bad(SVCG_MEMORY, "17179869184T", mem);
	parse_bad(SVCG_CPU, "0%", cpu);
	parse_bad(SVCG_CPU, "150", cpu);
	parse_bad(SVCG_CPU, "999 100000", cpu);
	parse_bad(SVCG_CPU, "50000 100", cpu);
	parse_bad(SVCG_CPU, "50000 100000 1", cpu);
	parse_bad(SVCG_CPU, "max%", cpu);
	parse_bad(SVCG_TASKS, "0", tasks);
	parse_bad(SVCG_TASKS, "4194305", tasks);
	parse_bad(SVCG_TASKS, "1 2", tasks);
}

static void files(void **state)
{
	(void)state;
	assert_string_equal(svcg_limit_cgfile(SVCG_MEMORY), "memory.max");
	assert_string_equal(svcg_limit_cgfile(SVCG_CPU), "cpu.max");
	assert_string_equal(svcg_limit_cgfile(SVCG_TASKS), "pids.max");
	assert_string_equal(svcg_limit_controller(SVCG_TASKS), "pids");
	assert_string_equal(svcg_limit_file(SVCG_CPU), "cpu-max");
}

static void words(void **state)
{
	(void)state;
	assert_true(svcg_has_word("cpu memory pids\n", "memory"));
	assert_true(svcg_has_word("cpu memory pids\n", "pids"));
	assert_false(svcg_has_word("cpuset memory", "cpu"));
	assert_false(svcg_has_word("", "cpu"));
}

static void kill_mode(void **state)
{
	(void)state;
	assert_int_equal(contain_parse_kill_mode("process\n", 8), 1);
	assert_int_equal(contain_parse_kill_mode("all\n", 4), 0);
	assert_int_equal(contain_parse_kill_mode("", 0), 0);
	assert_int_equal(contain_parse_kill_mode("processes", 9), -1);
	assert_int_equal(contain_parse_kill_mode("group", 5), -1);
}

static void children_list(void **state)
{
	pid_t p[4];

	(void)state;
	assert_int_equal(reaper_parse("12 345 6 ", 9, p, 4), 3);
	assert_int_equal(p[0], 12);
	assert_int_equal(p[1], 345);
	assert_int_equal(p[2], 6);
	assert_int_equal(reaper_parse("", 0, p, 4), 0);
	assert_int_equal(reaper_parse("1 2 3 4 5", 9, p, 4), 4);
	assert_int_equal(reaper_parse("99999999999 7", 13, p, 4), 1);
	assert_int_equal(p[0], 7);
}

static void populated(void **state)
{
	int64_t v = 1;

	(void)state;
	assert_int_equal(cgstat_key("populated 0\nfrozen 0\n", 21, "populated", &v), 0);
	assert_int_equal(v, 0);
}

static void json(int kind, const struct cgstat *c, const char *want)
{
	struct svbuf b = { 0 };

	cgjson_fmt(&b, kind, "/cg/u/svc/web", c);
	assert_false(b.failed);
	assert_string_equal(b.p, want);
	svbuf_free(&b);
}

static void json_members(void **state)
{
	struct cgstat c = { .tasks = 3, .cpu_usec = 1500001, .memory = -1, .oom_kills = -1 };

	(void)state;
	json(CGJSON_CGROUP, &c, ",\"containment\":\"cgroup\",\"cgroup\":\"/cg/u/svc/web\",\"tasks\":3,"
				"\"cpu_seconds\":1.500001");
	c.memory = 4096;
	c.oom_kills = 0;
	json(CGJSON_CGROUP, &c, ",\"containment\":\"cgroup\",\"cgroup\":\"/cg/u/svc/web\",\"tasks\":3,"
				"\"cpu_seconds\":1.500001,\"memory_bytes\":4096,\"oom_kills\":0");
	json(CGJSON_SUBREAPER, &c, ",\"containment\":\"subreaper\"");
	json(CGJSON_NONE, &c, ",\"containment\":\"none\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_kept),
		cmocka_unit_test(name_changed),
		cmocka_unit_test(name_long),
		cmocka_unit_test(limits_good),
		cmocka_unit_test(limits_bad),
		cmocka_unit_test(files),
		cmocka_unit_test(words),
		cmocka_unit_test(kill_mode),
		cmocka_unit_test(children_list),
		cmocka_unit_test(populated),
		cmocka_unit_test(json_members),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
