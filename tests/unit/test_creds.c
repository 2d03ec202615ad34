/* Unit tests: user and group lookup, the resource-limit name table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "creds.h"

static void user_root_by_name_and_number(void **state)
{
	struct creds c;
	char err[256] = "";
	int i, has0 = 0;

	(void)state;
	assert_int_equal(creds_user("root", &c, err, sizeof err), 0);
	assert_int_equal(c.uid, 0);
	assert_int_equal(c.gid, 0);
	assert_string_equal(c.name, "root");
	assert_string_equal(c.home, "/root");
	assert_true(c.ngroups >= 1);
	for (i = 0; i < c.ngroups; i++)
		has0 |= c.groups[i] == 0;
	assert_true(has0);

	memset(&c, 0xff, sizeof c);
	assert_int_equal(creds_user("0", &c, err, sizeof err), 0);
	assert_int_equal(c.uid, 0);
	assert_string_equal(c.name, "root");
}

static void user_number_other_than_root(void **state)
{
	struct creds c;
	char err[256] = "";

	(void)state;
	/* nobody is 65534 on Debian */
	assert_int_equal(creds_user("65534", &c, err, sizeof err), 0);
	assert_int_equal(c.uid, 65534);
	assert_string_equal(c.name, "nobody");
}

static void user_unknown(void **state)
{
	struct creds c;
	char err[256] = "";

	(void)state;
	errno = 0;
	assert_int_equal(creds_user("wc-no-such-user", &c, err, sizeof err), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err, "unknown user: wc-no-such-user");
	/* a number with no passwd entry */
	assert_int_equal(creds_user("3999999999", &c, err, sizeof err), -1);
	assert_int_equal(errno, ENOENT);
	/* (uid_t)-1 means "unchanged" to setuid(2): never a user */
	assert_int_equal(creds_user("4294967295", &c, err, sizeof err), -1);
	assert_int_equal(creds_user("99999999999999999999999", &c, err, sizeof err), -1);
	assert_int_equal(creds_user("", &c, err, sizeof err), -1);
	assert_int_equal(creds_user("-1", &c, err, sizeof err), -1);
	/* a NULL err buffer is allowed */
	assert_int_equal(creds_user("wc-no-such-user", &c, NULL, 0), -1);
}

static void group_lookup(void **state)
{
	gid_t g = 12345;
	char err[256] = "";

	(void)state;
	assert_int_equal(creds_group("root", &g, err, sizeof err), 0);
	assert_int_equal(g, 0);
	g = 1;
	assert_int_equal(creds_group("0", &g, err, sizeof err), 0);
	assert_int_equal(g, 0);
	assert_int_equal(creds_group("nogroup", &g, err, sizeof err), 0);
	assert_int_equal(g, 65534);
	assert_int_equal(creds_group("wc-no-such-group", &g, err, sizeof err), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err, "unknown group: wc-no-such-group");
	assert_int_equal(creds_group("1x", &g, err, sizeof err), -1);
	assert_int_equal(creds_group("", &g, err, sizeof err), -1);
}

static void number_parsing(void **state)
{
	unsigned long v;

	(void)state;
	assert_int_equal(creds_number("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(creds_number("18446744073709551615", &v), 0);
	assert_true(v == 18446744073709551615UL);
	assert_int_equal(creds_number("18446744073709551616", &v), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(creds_number("", &v), -1);
	assert_int_equal(creds_number(" 1", &v), -1);
	assert_int_equal(creds_number("+1", &v), -1);
	assert_int_equal(creds_number("12k", &v), -1);
	assert_int_equal(errno, EINVAL);
}

static void limit_names(void **state)
{
	static const char *names[] = { "nofile", "nproc", "as", "core", "fsize",
				       "data", "stack", "memlock", "cpu", "rss" };
	size_t i;

	(void)state;
	assert_int_equal(limit_resource("nofile"), RLIMIT_NOFILE);
	assert_int_equal(limit_resource("as"), RLIMIT_AS);
	assert_int_equal(limit_resource("memlock"), RLIMIT_MEMLOCK);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		int r = limit_resource(names[i]);
		assert_true(r >= 0);
		assert_string_equal(limit_name(r), names[i]);
	}
	assert_int_equal(limit_resource("NOFILE"), -1);
	assert_int_equal(limit_resource("files"), -1);
	assert_int_equal(limit_resource(""), -1);
	assert_null(limit_name(-1));
	assert_null(limit_name(RLIMIT_NICE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(user_root_by_name_and_number),
		cmocka_unit_test(user_number_other_than_root),
		cmocka_unit_test(user_unknown),
		cmocka_unit_test(group_lookup),
		cmocka_unit_test(number_parsing),
		cmocka_unit_test(limit_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
