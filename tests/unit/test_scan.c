/* Unit tests: which entries of a service directory are services (scan),
 * who holds an flock (lockinfo), runsvdir's readproctitle log (ptitle). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include "lockinfo.h"
#include "ptitle.h"
#include "scan.h"

static char top[64];
static struct scan_ent ents[16];

static void mk(const char *rel, int dir)
{
	char p[256];
	int fd;

	snprintf(p, sizeof p, "%s/%s", top, rel);
	if (dir) {
		assert_int_equal(mkdir(p, 0755), 0);
	} else {
		fd = open(p, O_WRONLY | O_CREAT, 0644);
		assert_true(fd >= 0);
		close(fd);
	}
}

static void ln(const char *target, const char *rel)
{
	char p[256];

	snprintf(p, sizeof p, "%s/%s", top, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	(void)state;
	strcpy(top, "/tmp/ward-unit-scan.XXXXXX");
	assert_non_null(mkdtemp(top));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

static int has(int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(ents[i].name, name))
			return 1;
	return 0;
}

static void names(void **state)
{
	char longname[300];

	(void)state;
	assert_true(scan_name_ok("web"));
	assert_true(scan_name_ok("a.b"));
	assert_false(scan_name_ok(""));
	assert_false(scan_name_ok("."));
	assert_false(scan_name_ok(".."));
	assert_false(scan_name_ok(".hidden"));
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_false(scan_name_ok(longname));
	longname[SCAN_NAME_MAX] = '\0';
	assert_true(scan_name_ok(longname));
}

static void dirs_and_symlinks_only(void **state)
{
	int fd, n, full;

	(void)state;
	mk("web", 1);
	mk("api", 1);
	mk(".off", 1);       /* dot: skipped */
	mk("notes.txt", 0);  /* a file: skipped */
	mk("real", 1);
	ln("real", "alias"); /* the same directory twice: once */
	ln("nowhere", "dangling");
	ln("notes.txt", "filelink");
	fd = open(top, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	n = scan_dir(fd, ents, 16, &full);
	assert_int_equal(n, 3);
	assert_int_equal(full, 0);
	assert_true(has(n, "web"));
	assert_true(has(n, "api"));
	assert_true(has(n, "real") || has(n, "alias"));
	assert_false(has(n, ".off"));
	assert_false(has(n, "notes.txt"));
	assert_false(has(n, "dangling"));
	assert_false(has(n, "filelink"));
	assert_int_equal(scan_find(ents, n, ents[2].dev, ents[2].ino), 2);
	assert_int_equal(scan_find(ents, n, ents[2].dev, (ino_t)-1), -1);
	close(fd);
}

static void rename_keeps_identity(void **state)
{
	char a[256], b[256];
	struct scan_ent before;
	int fd, n, full;

	(void)state;
	mk("svc", 1);
	fd = open(top, O_RDONLY | O_DIRECTORY);
	n = scan_dir(fd, ents, 16, &full);
	assert_int_equal(n, 1);
	before = ents[0];
	snprintf(a, sizeof a, "%s/svc", top);
	snprintf(b, sizeof b, "%s/renamed", top);
	assert_int_equal(rename(a, b), 0);
	n = scan_dir(fd, ents, 16, &full);
	assert_int_equal(n, 1);
	assert_string_equal(ents[0].name, "renamed");
	assert_true(ents[0].dev == before.dev && ents[0].ino == before.ino);
	close(fd);
}

static void bounded(void **state)
{
	char name[16];
	int fd, n, full, i;

	(void)state;
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "s%d", i);
		mk(name, 1);
	}
	fd = open(top, O_RDONLY | O_DIRECTORY);
	n = scan_dir(fd, ents, 3, &full);
	assert_int_equal(n, 3);
	assert_int_equal(full, 1);
	n = scan_dir(fd, ents, 16, &full);
	assert_int_equal(n, 5);
	assert_int_equal(full, 0);
	close(fd);
}

static void proc_locks_lines(void **state)
{
	const char *text =
		"1: POSIX  ADVISORY  WRITE 99 fe:00:123 0 EOF\n"
		"2: FLOCK  ADVISORY  WRITE 4242 fe:00:123 0 EOF\n"
		"2: -> FLOCK  ADVISORY  WRITE 77 fe:00:124 0 EOF\n"
		"3: FLOCK  ADVISORY  READ 555 103:0a:9 0 EOF\n"
		"garbage line\n"
		"4: FLOCK  ADVISORY  WRITE -5 fe:00:200 0 EOF";

	(void)state;
	assert_int_equal(lockinfo_parse(text, strlen(text), makedev(0xfe, 0), 123), 4242);
	/* a waiter is not a holder */
	assert_int_equal(lockinfo_parse(text, strlen(text), makedev(0xfe, 0), 124), 0);
	/* major above 0xff */
	assert_int_equal(lockinfo_parse(text, strlen(text), makedev(0x103, 0x0a), 9), 555);
	assert_int_equal(lockinfo_parse(text, strlen(text), makedev(0xfe, 1), 123), 0);
	assert_int_equal(lockinfo_parse(text, strlen(text), makedev(0xfe, 0), 200), 0);
	/* only the given bytes are read */
	assert_int_equal(lockinfo_parse(text, 10, makedev(0xfe, 0), 123), 0);
	assert_int_equal(lockinfo_parse("", 0, 0, 0), 0);
}

static void probe_and_holder(void **state)
{
	struct stat st;
	dev_t dev = 0;
	ino_t ino = 0;
	int dirfd, fd;

	(void)state;
	mk("lock", 0);
	dirfd = open(top, O_RDONLY | O_DIRECTORY);
	assert_int_equal(lockinfo_probe(dirfd, "lock", &dev, &ino), 0);
	assert_int_equal(lockinfo_probe(dirfd, "missing", NULL, NULL), 0);
	assert_int_equal(lockinfo_probe(dirfd, "missing/lock", NULL, NULL), 0);
	fd = openat(dirfd, "lock", O_RDONLY);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(st.st_dev == dev && st.st_ino == ino);
	/* flock locks belong to the open file: a second open conflicts even in
	 * the same process, so the probe sees it as another holder would */
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(lockinfo_probe(dirfd, "lock", NULL, NULL), 1);
	assert_int_equal(lockinfo_holder(st.st_dev, st.st_ino), getpid());
	/* the probe left no lock of its own behind */
	assert_int_equal(flock(fd, LOCK_UN), 0);
	assert_int_equal(lockinfo_holder(st.st_dev, st.st_ino), 0);
	assert_int_equal(lockinfo_probe(dirfd, "lock", NULL, NULL), 0);
	assert_int_equal(lockinfo_holder(st.st_dev, st.st_ino), 0);
	close(fd);
	close(dirfd);
}

static void title_scrolls(void **state)
{
	char arg[] = "log: ..........";
	struct ptitle t;
	char tiny[] = "abcdef";

	(void)state;
	assert_int_equal(ptitle_init(&t, tiny, strlen(tiny)), -1);
	assert_int_equal(ptitle_init(&t, arg, strlen(arg)), 0);
	assert_true(ptitle_clean(&t));
	ptitle_add(&t, "ab\0c", 4);
	assert_string_equal(arg, "log: .......abc");
	assert_false(ptitle_clean(&t));
	ptitle_add(&t, "0123456789XYZ", 13);
	assert_string_equal(arg, "log: 3456789XYZ");
	ptitle_add(&t, "0123456789XYZ", 13);
	assert_int_equal(strlen(arg), 15);
	assert_string_equal(arg, "log: 3456789XYZ");
	ptitle_add(&t, "..........", 10);
	assert_true(ptitle_clean(&t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test_setup_teardown(dirs_and_symlinks_only, setup, teardown),
		cmocka_unit_test_setup_teardown(rename_keeps_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(bounded, setup, teardown),
		cmocka_unit_test(proc_locks_lines),
		cmocka_unit_test_setup_teardown(probe_and_holder, setup, teardown),
		cmocka_unit_test(title_scrolls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
