/* Unit tests: envdir value parsing and applying a directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "envdir.h"

/* value of the file content s (n bytes), as a C string, or "(unset)" */
static const char *value_of(const char *s, size_t n)
{
	static char buf[256];
	ssize_t len;

	memcpy(buf, s, n);
	len = envdir_value(buf, n);
	if (len < 0)
		return "(unset)";
	buf[len] = 0;
	return buf;
}

static void first_line_only(void **state)
{
	(void)state;
	assert_string_equal(value_of("hello\nsecond\n", 13), "hello");
	assert_string_equal(value_of("noeol", 5), "noeol");
	assert_string_equal(value_of("\nsecond", 7), "");
}

static void trailing_blanks(void **state)
{
	(void)state;
	assert_string_equal(value_of("v  \t \nx", 7), "v");
	assert_string_equal(value_of(" lead", 5), " lead");
	assert_string_equal(value_of("\t\t", 2), "");
	/* only spaces and tabs: a carriage return stays */
	assert_string_equal(value_of("cr\r\n", 4), "cr\r");
}

static void empty_file_unsets(void **state)
{
	char b[1];

	(void)state;
	assert_int_equal(envdir_value(b, 0), -1);
	/* one newline is not empty: the variable is set to "" */
	assert_string_equal(value_of("\n", 1), "");
}

static void nul_becomes_newline(void **state)
{
	char b[8] = { 'a', 0, 'b', 0, '\n' };

	(void)state;
	assert_int_equal(envdir_value(b, 5), 4);
	assert_memory_equal(b, "a\nb\n", 4);
	/* trimming happens before: a NUL is not a blank */
	memcpy(b, "x \0 \n", 5);
	assert_int_equal(envdir_value(b, 5), 3);
	assert_memory_equal(b, "x \n", 3);
}

static void put(const char *dir, const char *name, const char *s, size_t n)
{
	char path[512];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, n), (ssize_t)n);
	close(fd);
}

static void apply_directory(void **state)
{
	char dir[] = "/tmp/test_envdir.XXXXXX", err[512] = "", sub[600];

	(void)state;
	assert_non_null(mkdtemp(dir));
	put(dir, "A", "one  \ntwo\n", 10);
	put(dir, "GONE", "", 0);
	put(dir, ".HIDDEN", "x", 1);
	put(dir, "K=rest", "v", 1);
	snprintf(sub, sizeof sub, "%s/SUB", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	setenv("GONE", "still here", 1);
	unsetenv("HIDDEN");
	assert_int_equal(envdir_apply(dir, ENVDIR_SKIP, err, sizeof err), 0);
	assert_string_equal(getenv("A"), "one");
	assert_null(getenv("GONE"));
	assert_null(getenv(".HIDDEN"));
	assert_string_equal(getenv("K"), "rest=v");
	assert_null(getenv("SUB"));
	/* as envdir: the directory stops it, named */
	assert_int_equal(envdir_apply(dir, ENVDIR_FAIL, err, sizeof err), -1);
	assert_int_equal(errno, EISDIR);
	assert_non_null(strstr(err, "/SUB: Is a directory"));
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/A", dir); unlink(sub);
	snprintf(sub, sizeof sub, "%s/GONE", dir); unlink(sub);
	snprintf(sub, sizeof sub, "%s/.HIDDEN", dir); unlink(sub);
	snprintf(sub, sizeof sub, "%s/K=rest", dir); unlink(sub);
	rmdir(dir);
}

static void apply_missing_directory(void **state)
{
	char err[512] = "";

	(void)state;
	assert_int_equal(envdir_apply("/nonexistent-envdir", ENVDIR_SKIP, err, sizeof err), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, "unable to switch to directory: /nonexistent-envdir"));
}

static void apply_too_long(void **state)
{
	char dir[] = "/tmp/test_envdir.XXXXXX", err[512] = "", path[600];
	char *big = malloc(ENVDIR_VALUE_MAX + 10);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', ENVDIR_VALUE_MAX + 10);
	assert_non_null(mkdtemp(dir));
	put(dir, "BIG", big, ENVDIR_VALUE_MAX + 10);
	assert_int_equal(envdir_apply(dir, ENVDIR_SKIP, err, sizeof err), -1);
	assert_non_null(strstr(err, "/BIG: first line too long"));
	/* exactly the limit is fine */
	big[ENVDIR_VALUE_MAX] = '\n';
	put(dir, "BIG", big, ENVDIR_VALUE_MAX + 10);
	assert_int_equal(envdir_apply(dir, ENVDIR_SKIP, err, sizeof err), 0);
	assert_int_equal(strlen(getenv("BIG")), ENVDIR_VALUE_MAX);
	free(big);
	snprintf(path, sizeof path, "%s/BIG", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_line_only),
		cmocka_unit_test(trailing_blanks),
		cmocka_unit_test(empty_file_unsets),
		cmocka_unit_test(nul_becomes_newline),
		cmocka_unit_test(apply_directory),
		cmocka_unit_test(apply_missing_directory),
		cmocka_unit_test(apply_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
