/* Unit tests: the depends file (userd/lib/depends), cycles through the
 * siblings' files, and a sibling's state read from its supervise/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "depends.h"
#include "fs.h"
#include "status.h"

static int parse(const char *text, struct deplist *l, char *err)
{
	return depends_parse(text, strlen(text), l, err, 128);
}

static void parse_lines(void **state)
{
	struct deplist l;
	char err[128];

	(void)state;
	assert_int_equal(parse("db\n# a comment\n\n  cache restart \nq\tRestart\n", &l, err), -1);
	assert_string_equal(err, "depends: line 5: after the name, only \"restart\" is understood");
	assert_int_equal(parse("db\n# a comment\n\n  cache   restart \r\nlog", &l, err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.d[0].name, "db");
	assert_false(l.d[0].restart);
	assert_string_equal(l.d[1].name, "cache");
	assert_true(l.d[1].restart);
	assert_string_equal(l.d[2].name, "log");
	assert_int_equal(parse("", &l, err), 0);
	assert_int_equal(l.n, 0);
}

static void parse_rejects(void **state)
{
	struct deplist l;
	char err[128], many[DEPENDS_MAX * 4 + 8] = "";
	int i;

	(void)state;
	assert_int_equal(parse("ok\n../etc\n", &l, err), -1);
	assert_string_equal(err, "depends: line 2: not a service name of this tree: ../etc");
	assert_int_equal(parse("..\n", &l, err), -1);
	assert_int_equal(parse(".\n", &l, err), -1);
	assert_int_equal(parse("db restart now\n", &l, err), -1);
	assert_int_equal(parse("db restarts\n", &l, err), -1);
	assert_int_equal(depends_parse("d\0b\n", 4, &l, err, sizeof err), -1);
	assert_string_equal(err, "depends: line 1: a NUL byte");
	for (i = 0; i <= DEPENDS_MAX; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "s%d\n", i);
	assert_int_equal(parse(many, &l, err), -1);
	assert_string_equal(err, "depends: line 17: more than 16 dependencies");
}

static char tree[] = "/tmp/test_depends.XXXXXX";

static void put(const char *name, const void *buf, size_t len)
{
	char path[256], *slash;
	int fd;

	snprintf(path, sizeof path, "%s/%s", tree, name);
	for (slash = strchr(path + strlen(tree) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fs_write_all(fd, buf, len), 0);
	close(fd);
}

static int tree_fd(void)
{
	int fd = open(tree, O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	return fd;
}

static int cycle_of(int fd, const char *self, char *out)
{
	struct deplist l;
	char err[128], path[128];
	int dfd, r;

	snprintf(path, sizeof path, "%s/%s", tree, self);
	dfd = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_true(depends_read(dfd, &l, err, sizeof err) >= 0);
	close(dfd);
	r = depends_cycle(fd, self, &l, out, SVEXTRA_DTEXT);
	return r;
}

static void cycles(void **state)
{
	char out[SVEXTRA_DTEXT];
	int fd = tree_fd();

	(void)state;
	put("web/depends", "db\ncache\n", 9);
	put("db/depends", "disk\n", 5);
	put("disk/run", "", 0);
	put("cache/depends", "web restart\n", 12);
	put("self/depends", "self\n", 5);
	put("other/depends", "web\n", 4);
	assert_int_equal(cycle_of(fd, "web", out), 1);
	assert_string_equal(out, "web -> cache -> web");
	assert_int_equal(cycle_of(fd, "cache", out), 1);
	assert_string_equal(out, "cache -> web -> cache");
	assert_int_equal(cycle_of(fd, "self", out), 1);
	assert_string_equal(out, "self -> self");
	/* depends on a service in a cycle, but is in none itself */
	assert_int_equal(cycle_of(fd, "other", out), 0);
	assert_int_equal(cycle_of(fd, "db", out), 0);
	close(fd);
}

static void status_file(const char *name, int state, pid_t pid, int whole)
{
	struct svstatus st = { .since = { 1700000000, 0 }, .pid = pid, .want = 'u', .state = state };
	unsigned char b[SVSTATUS_SIZE];
	char path[128];

	svstatus_mark(&st, whole);
	svstatus_encode(b, &st);
	snprintf(path, sizeof path, "%s/supervise/status", name);
	put(path, b, sizeof b);
}

static void ward_file(const char *name, int ready, time_t ready_at)
{
	struct svextra x = { .ready = ready, .ready_at = { ready_at, 0 }, .runsv_pid = getpid() };
	unsigned char b[SVEXTRA_SIZE];
	char path[128];
	size_t n = svextra_encode(b, &x);

	snprintf(path, sizeof path, "%s/supervise/ward", name);
	put(path, b, n);
}

static void views(void **state)
{
	struct depview v;
	int fd = tree_fd();

	(void)state;
	depends_view(fd, "none", &v);
	assert_false(v.up);
	status_file("up", SV_RUN, getpid(), 0);
	depends_view(fd, "up", &v);
	assert_true(v.up);
	assert_true(v.ready);  /* no readiness declared: up is enough */
	assert_int_equal(v.pid, getpid());
	status_file("down", SV_DOWN, 0, 0);
	depends_view(fd, "down", &v);
	assert_false(v.up);
	status_file("waits", SV_RUN, getpid(), 1);
	ward_file("waits", SVREADY_WAIT, 0);
	depends_view(fd, "waits", &v);
	assert_true(v.up);
	assert_false(v.ready);
	ward_file("waits", SVREADY_YES, 1700000001);
	depends_view(fd, "waits", &v);
	assert_true(v.ready);
	ward_file("waits", SVREADY_YES, 1699999999);  /* an earlier run's readiness */
	depends_view(fd, "waits", &v);
	assert_false(v.ready);
	close(fd);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tree) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[64];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", tree);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_lines),
		cmocka_unit_test(parse_rejects),
		cmocka_unit_test(cycles),
		cmocka_unit_test(views),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
