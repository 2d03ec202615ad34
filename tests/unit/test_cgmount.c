/* Unit tests: finding the cgroup v2 mount and our cgroup (common/cgmount). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cgmount.h"

/* this project's CI machines: v1 controllers beside v2 at .../unified */
static const char hybrid[] =
	"25 30 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"35 25 0:30 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
	"36 35 0:31 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
	"37 35 0:32 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup rw,xattr,name=systemd\n"
	"40 35 0:35 / /sys/fs/cgroup/memory rw,nosuid shared:14 - cgroup cgroup rw,memory\n";

static void hybrid_host(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(cgmount_parse_mountinfo(hybrid, buf, sizeof buf), 0);
	assert_string_equal(buf, "/sys/fs/cgroup/unified");
}

static void pure_v2_host_no_optional_fields(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(cgmount_parse_mountinfo(
		"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
		"30 22 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw", buf, sizeof buf), 0);
	assert_string_equal(buf, "/sys/fs/cgroup");
}

/* a bind of a sub-cgroup first, the whole hierarchy later: the whole wins */
static void root_slash_preferred(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(cgmount_parse_mountinfo(
		"50 1 0:26 /user.slice /mnt/sub rw - cgroup2 cgroup2 rw\n"
		"51 1 0:26 / /mnt/with\\040space rw shared:3 - cgroup2 cgroup2 rw\n", buf, sizeof buf), 0);
	assert_string_equal(buf, "/mnt/with space");
	assert_int_equal(cgmount_parse_mountinfo(
		"50 1 0:26 /user.slice /mnt/sub rw - cgroup2 cgroup2 rw\n", buf, sizeof buf), 0);
	assert_string_equal(buf, "/mnt/sub");
}

/* "cgroup2" as a mount point or a source is not the type; none: ENOENT */
static void no_cgroup2(void **state)
{
	char buf[256];

	(void)state;
	errno = 0;
	assert_int_equal(cgmount_parse_mountinfo(
		"40 35 0:35 / /cgroup2 rw shared:14 - cgroup cgroup2 rw,memory\n"
		"41 35 0:36 / /x rw cgroup2 - tmpfs tmpfs rw\n", buf, sizeof buf), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(cgmount_parse_mountinfo("", buf, sizeof buf), -1);
	assert_int_equal(cgmount_parse_mountinfo("garbage without fields\n", buf, sizeof buf), -1);
}

static void too_long(void **state)
{
	char buf[8];

	(void)state;
	errno = 0;
	assert_int_equal(cgmount_parse_mountinfo(hybrid, buf, sizeof buf), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void cgroup_line(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(cgmount_parse_cgroup(
		"4:memory:/process_api/x\n0::/\n", buf, sizeof buf), 0);
	assert_string_equal(buf, "/");
	assert_int_equal(cgmount_parse_cgroup(
		"1:name=systemd:/a\n0::/system.slice/privd.service\n", buf, sizeof buf), 0);
	assert_string_equal(buf, "/system.slice/privd.service");
	assert_int_equal(cgmount_parse_cgroup("0::/..x/y..\n", buf, sizeof buf), 0);
	assert_string_equal(buf, "/..x/y..");
}

static void cgroup_line_refused(void **state)
{
	char buf[8];

	(void)state;
	errno = 0;
	assert_int_equal(cgmount_parse_cgroup("0::/../../elsewhere\n", buf, sizeof buf), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(cgmount_parse_cgroup("0::/a/..\n", buf, sizeof buf), -1);
	assert_int_equal(cgmount_parse_cgroup("0::\n", buf, sizeof buf), -1);
	assert_int_equal(cgmount_parse_cgroup("0::relative\n", buf, sizeof buf), -1);
	errno = 0;
	assert_int_equal(cgmount_parse_cgroup("1:cpu:/\n", buf, sizeof buf), -1);
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_int_equal(cgmount_parse_cgroup("0::/a/long/path\n", buf, sizeof buf), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

/* on the machine itself: a directory that has cgroup.procs, or no v2 */
static void this_machine(void **state)
{
	char mnt[4096], self[4096];

	(void)state;
	if (cgmount_find(mnt, sizeof mnt) < 0) {
		assert_int_equal(errno, ENOENT);
		skip();
	}
	assert_int_equal(cgmount_self(self, sizeof self), 0);
	assert_memory_equal(self, mnt, strlen(mnt));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hybrid_host),
		cmocka_unit_test(pure_v2_host_no_optional_fields),
		cmocka_unit_test(root_slash_preferred),
		cmocka_unit_test(no_cgroup2),
		cmocka_unit_test(too_long),
		cmocka_unit_test(cgroup_line),
		cmocka_unit_test(cgroup_line_refused),
		cmocka_unit_test(this_machine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
