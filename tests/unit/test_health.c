/* Unit tests: the health check's bookkeeping (userd/lib/health) and its
 * files, and a real ./check run through the checker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "health.h"
#include "status.h"

static const struct health_cfg cfg = { .interval_ms = 10000, .timeout_ms = 2000, .failures = 3 };

static void interval_and_never_two(void **state)
{
	struct health h = { 0 };

	(void)state;
	assert_int_equal(health_deadline(&h), INT64_MAX);
	health_run(&h, &cfg, 1000);
	assert_int_equal(h.state, SVHEALTH_UNKNOWN);
	assert_false(health_due(&h, 10999));
	assert_int_equal(health_deadline(&h), 11000);
	assert_true(health_due(&h, 11000));
	health_began(&h, 11000);
	assert_false(health_due(&h, 50000));       /* never two at once */
	assert_int_equal(health_deadline(&h), 13000); /* its time limit */
	assert_false(health_overdue(&h, 12999));
	assert_true(health_overdue(&h, 13000));
	assert_false(health_overdue(&h, 13001));   /* once */
	assert_int_equal(health_deadline(&h), INT64_MAX); /* its exit is awaited */
	assert_int_equal(health_result(&h, true, 11500), HEALTH_CHANGED);
	assert_int_equal(h.state, SVHEALTH_OK);
	assert_int_equal(health_deadline(&h), 21500); /* from the check's end */
	health_began(&h, 21500);
	assert_int_equal(health_result(&h, true, 21600), HEALTH_SAME);
}

static void failures_in_a_row(void **state)
{
	struct health h = { 0 };

	(void)state;
	health_run(&h, &cfg, 0);
	health_began(&h, 10000);
	assert_int_equal(health_result(&h, false, 10000), HEALTH_CHANGED);
	assert_int_equal(h.state, SVHEALTH_FAIL);
	health_began(&h, 20000);
	assert_int_equal(health_result(&h, true, 20000), HEALTH_CHANGED); /* count cleared */
	health_began(&h, 30000);
	assert_int_equal(health_result(&h, false, 30000), HEALTH_CHANGED);
	health_began(&h, 40000);
	assert_int_equal(health_result(&h, false, 40000), HEALTH_CHANGED);
	assert_int_equal(h.fails, 2);
	health_began(&h, 50000);
	assert_int_equal(health_result(&h, false, 50000), HEALTH_RESTART);
	assert_int_equal(h.restarts, 1);
	/* no checks until ./run runs again; the health shown is kept */
	assert_false(health_due(&h, 99999));
	assert_int_equal(health_deadline(&h), INT64_MAX);
	assert_int_equal(h.state, SVHEALTH_FAIL);
	health_run(&h, &cfg, 60000);
	assert_int_equal(h.state, SVHEALTH_FAIL);
	assert_int_equal(h.fails, 0);
}

/* what supervise/ward shows: the time of a change, the failing line */
static void verdict_and_fill(void **state)
{
	struct health h = { 0 };
	struct svextra x = { 0 };
	struct timespec t1 = { 1700000001, 0 }, t2 = { 1700000002, 0 };

	(void)state;
	health_run(&h, &cfg, 0);
	health_began(&h, 10000);
	assert_int_equal(health_verdict(&h, true, "", t1, 10000), HEALTH_CHANGED);
	health_began(&h, 20000);
	assert_int_equal(health_verdict(&h, true, "", t2, 20000), HEALTH_SAME);
	health_fill(&h, &x);
	assert_int_equal(x.health, SVHEALTH_OK);
	assert_int_equal(x.health_since.tv_sec, 1700000001);
	assert_int_equal(x.health_max, 3);
	health_began(&h, 30000);
	assert_int_equal(health_verdict(&h, false, "no db", t2, 30000), HEALTH_CHANGED);
	health_fill(&h, &x);
	assert_int_equal(x.health, SVHEALTH_FAIL);
	assert_int_equal(x.health_since.tv_sec, 1700000002);
	assert_int_equal(x.health_fails, 1);
	assert_string_equal(x.health_text, "no db");
}

static void result_after_halt_ignored(void **state)
{
	struct health h = { 0 };

	(void)state;
	health_run(&h, &cfg, 0);
	health_began(&h, 10000);
	health_halt(&h);
	assert_int_equal(health_result(&h, false, 10001), HEALTH_SAME);
	assert_int_equal(h.fails, 0);
}

static void first_line(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(health_line("  db down \nmore\n", 16, out, sizeof out), 7);
	assert_string_equal(out, "db down");
	health_line("a\033[2Jb", 6, out, sizeof out);
	assert_string_equal(out, "a?[2Jb");
	health_line("0123456789abcdefghij", 20, out, sizeof out);
	assert_string_equal(out, "0123456789abcde");
	assert_int_equal(health_line("\n", 1, out, sizeof out), 0);
}

static char dir[] = "/tmp/test_health.XXXXXX";

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static int dirfd_of(void)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	return fd;
}

static void cfg_files(void **state)
{
	struct health_cfg c;
	char err[128];
	int fd = dirfd_of();

	(void)state;
	assert_int_equal(health_read_cfg(fd, &c, err, sizeof err), 0);
	write_file("check-interval", "10\n", 0644);
	assert_int_equal(health_read_cfg(fd, &c, err, sizeof err), -1);
	assert_string_equal(err, "check-interval: there is no executable ./check");
	write_file("check", "#!/bin/sh\nexit 0\n", 0755);
	assert_int_equal(health_read_cfg(fd, &c, err, sizeof err), 1);
	assert_int_equal(c.interval_ms, 10000);
	assert_int_equal(c.timeout_ms, HEALTH_TIMEOUT_S * 1000);
	assert_int_equal(c.failures, HEALTH_FAILURES);
	write_file("check-failures", "0\n", 0644);
	assert_int_equal(health_read_cfg(fd, &c, err, sizeof err), -1);
	assert_string_equal(err, "check-failures: expected a number from 1 to 1000");
	write_file("check-failures", "5\n", 0644);
	write_file("check-timeout", "2\n", 0644);
	assert_int_equal(health_read_cfg(fd, &c, err, sizeof err), 1);
	assert_int_equal(c.failures, 5);
	assert_int_equal(c.timeout_ms, 2000);
	close(fd);
}

static void noop(void)
{
}

/* a real ./check: its first line, its exit status, a kill */
static int run_check(const char *body, int kill_it, char *line, size_t size)
{
	struct checker c = { .outfd = -1, .timeout_ms = 3000 };
	char cwd[256];
	int w;

	write_file("check", body, 0755);
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(checker_start(&c, noop), 0);
	assert_int_equal(chdir(cwd), 0);
	if (kill_it)
		checker_kill(&c);
	while (c.outfd >= 0) {
		fcntl(c.outfd, F_SETFL, 0);  /* block: the test waits for its end */
		checker_read(&c);
	}
	assert_int_equal(waitpid(c.pid, &w, 0), c.pid);
	return checker_done(&c, w, line, size);
}

static void checker_runs(void **state)
{
	char line[SVEXTRA_HTEXT];

	(void)state;
	assert_int_equal(run_check("#!/bin/sh\necho fine\n", 0, line, sizeof line), 1);
	assert_string_equal(line, "");
	assert_int_equal(run_check("#!/bin/sh\necho 'no db' >&2; echo x; exit 1\n", 0, line,
				   sizeof line), 0);
	assert_string_equal(line, "no db");
	assert_int_equal(run_check("#!/bin/sh\nexit 3\n", 0, line, sizeof line), 0);
	assert_string_equal(line, "exit 3");
	/* a chatty check is read to its end, only the start is kept */
	assert_int_equal(run_check("#!/bin/sh\nhead -c 200000 /dev/zero | tr '\\\\0' y; exit 1\n",
				   0, line, sizeof line), 0);
	assert_int_equal(strlen(line), SVEXTRA_HTEXT - 1);
	assert_int_equal(run_check("#!/bin/sh\nexec sleep 100\n", 1, line, sizeof line), 0);
	assert_string_equal(line, "timed out after 3s");
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[64];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(interval_and_never_two),
		cmocka_unit_test(failures_in_a_row),
		cmocka_unit_test(verdict_and_fill),
		cmocka_unit_test(result_after_halt_ignored),
		cmocka_unit_test(first_line),
		cmocka_unit_test(cfg_files),
		cmocka_unit_test(checker_runs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
