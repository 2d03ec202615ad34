/* Unit tests: sd_notify datagrams, /proc/PID/stat parents, and the small
 * number files of a service directory (userd/lib/notify, userd/lib/svdir). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "notify.h"
#include "svdir.h"

static void parse_ready_and_status(void **state)
{
	char text[16] = "old";
	const char m1[] = "READY=1\nSTATUS=serving\n";

	(void)state;
	assert_int_equal(notify_parse(m1, strlen(m1), text, sizeof text),
			 NOTIFY_READY | NOTIFY_STATUS);
	assert_string_equal(text, "serving");
	assert_int_equal(notify_parse("READY=1", 7, text, sizeof text), NOTIFY_READY);
	assert_string_equal(text, "serving");  /* untouched without STATUS= */
	assert_int_equal(notify_parse("MAINPID=7\nWATCHDOG=1", 20, text, sizeof text), 0);
}

static void parse_rejects_near_misses(void **state)
{
	char text[16] = "";

	(void)state;
	assert_int_equal(notify_parse("READY=0", 7, text, sizeof text), 0);
	assert_int_equal(notify_parse("READY=11", 8, text, sizeof text), 0);
	assert_int_equal(notify_parse(" READY=1", 8, text, sizeof text), 0);
	assert_int_equal(notify_parse("READY=1", 6, text, sizeof text), 0);  /* cut */
	assert_int_equal(notify_parse("", 0, text, sizeof text), 0);
	assert_int_equal(notify_parse("\n\n", 2, text, sizeof text), 0);
	/* a NUL inside the line: not READY=1 */
	assert_int_equal(notify_parse("READY=1\0x", 9, text, sizeof text), 0);
}

static void status_is_made_printable_and_cut(void **state)
{
	char text[8];
	const char m[] = "STATUS=a\tb\x1b[31m\x7f";

	(void)state;
	assert_int_equal(notify_parse(m, sizeof m - 1, text, sizeof text), NOTIFY_STATUS);
	assert_string_equal(text, "a?b?[31");
	assert_int_equal(notify_parse("STATUS=\nSTATUS=two", 18, text, sizeof text),
			 NOTIFY_STATUS);
	assert_string_equal(text, "two");  /* the last one wins */
	assert_int_equal(notify_parse("STATUS=", 7, text, sizeof text), NOTIFY_STATUS);
	assert_string_equal(text, "");
}

static void stat_ppid(void **state)
{
	const char plain[] = "1234 (sh) S 77 1234 1234 0 -1";
	const char odd[] = "99 (a) b) S (c) R 4242 1 1";
	const char *bad[] = { "", "1 (sh)", "1 (sh) S", "1 (sh) S x 2", "1 (sh) S  2 ",
			      "1 sh S 2 3", "1 (sh) S 99999999999 1", "1 (sh)XS 2 3" };
	size_t i;

	(void)state;
	assert_int_equal(notify_stat_ppid(plain, strlen(plain)), 77);
	/* a command name with ") S (" in it: the last ')' counts */
	assert_int_equal(notify_stat_ppid(odd, strlen(odd)), 4242);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(notify_stat_ppid(bad[i], strlen(bad[i])), -1);
}

static void uint_files(void **state)
{
	unsigned long v = 0;

	(void)state;
	assert_int_equal(svdir_parse_uint("3\n", 2, 3, 1023, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(svdir_parse_uint("  60 \r\n", 7, 1, 86400, &v), 0);
	assert_int_equal(v, 60);
	assert_int_equal(svdir_parse_uint("4294967295", 10, 1, 4294967295UL, &v), 0);
	assert_int_equal(v, 4294967295UL);
	assert_int_equal(svdir_parse_uint("4294967296", 10, 1, 4294967295UL, &v), -1);
	assert_int_equal(svdir_parse_uint("99999999999999999999999", 23, 0, (unsigned long)-1, &v), -1);
	assert_int_equal(svdir_parse_uint("2", 1, 3, 1023, &v), -1);
	assert_int_equal(svdir_parse_uint("", 0, 0, 9, &v), -1);
	assert_int_equal(svdir_parse_uint("\n", 1, 0, 9, &v), -1);
	assert_int_equal(svdir_parse_uint("-1", 2, 0, 9, &v), -1);
	assert_int_equal(svdir_parse_uint("1 2", 3, 0, 9, &v), -1);
	assert_int_equal(svdir_parse_uint("0x10", 4, 0, 99, &v), -1);
	assert_int_equal(svdir_parse_uint("5\0", 2, 0, 9, &v), -1);
}

static void uint_files_on_disk(void **state)
{
	char dir[] = "/tmp/test_notify.XXXXXX", err[128];
	unsigned long v = 7;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(svdir_read_uint(fd, "timeout-kill", 1, 100, &v, err, sizeof err), 0);
	assert_int_equal(v, 7);  /* absent: untouched */
	int w = openat(fd, "timeout-kill", O_WRONLY | O_CREAT, 0644);
	assert_int_equal(write(w, "250\n", 4), 4);
	close(w);
	assert_int_equal(svdir_read_uint(fd, "timeout-kill", 1, 1000, &v, err, sizeof err), 1);
	assert_int_equal(v, 250);
	assert_int_equal(svdir_read_uint(fd, "timeout-kill", 1, 100, &v, err, sizeof err), -1);
	assert_string_equal(err, "timeout-kill: expected a number from 1 to 100");
	unlinkat(fd, "timeout-kill", 0);
	close(fd);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_ready_and_status),
		cmocka_unit_test(parse_rejects_near_misses),
		cmocka_unit_test(status_is_made_printable_and_cut),
		cmocka_unit_test(stat_ppid),
		cmocka_unit_test(uint_files),
		cmocka_unit_test(uint_files_on_disk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
