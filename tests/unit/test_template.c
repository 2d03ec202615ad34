/* Unit tests: template and instance names, ${INSTANCE} substitution, which
 * entries of a tree are instances and where they run, the view runsv makes
 * of a template, sv's patterns (template), and the control-group file
 * (ctlgroup). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctlgroup.h"
#include "scan.h"
#include "template.h"

static char top[64];

static void put(const char *rel, const char *text, mode_t mode)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", top, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

static void dir(const char *rel)
{
	char p[256];

	snprintf(p, sizeof p, "%s/%s", top, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void ln(const char *target, const char *rel)
{
	char p[256];

	snprintf(p, sizeof p, "%s/%s", top, rel);
	assert_int_equal(symlink(target, p), 0);
}

/* the target of the symlink rel, "" if none */
static const char *link_of(const char *rel)
{
	static char t[256];
	char p[256];
	ssize_t n;

	snprintf(p, sizeof p, "%s/%s", top, rel);
	n = readlink(p, t, sizeof t - 1);
	t[n < 0 ? 0 : n] = '\0';
	return t;
}

static const char *text_of(const char *rel)
{
	static char t[256];
	char p[256];
	FILE *f;
	size_t n;

	snprintf(p, sizeof p, "%s/%s", top, rel);
	f = fopen(p, "r");
	if (!f)
		return "";
	n = fread(t, 1, sizeof t - 1, f);
	t[n] = '\0';
	fclose(f);
	return t;
}

static int setup(void **state)
{
	(void)state;
	strcpy(top, "/tmp/ward-unit-tmpl.XXXXXX");
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

static void names(void **state)
{
	char err[256], arg[TMPL_ARG_MAX + 8];
	size_t at = 0;

	(void)state;
	assert_true(tmpl_is_template("web@"));
	assert_false(tmpl_is_template("@"));
	assert_false(tmpl_is_template("web"));
	assert_false(tmpl_is_template("web@a"));
	assert_false(tmpl_is_template("a@b@"));
	assert_int_equal(tmpl_split("web@8080", &at, err, sizeof err), 1);
	assert_int_equal(at, 3);
	assert_int_equal(tmpl_split("web@a@b", &at, err, sizeof err), 1);
	assert_int_equal(at, 3);  /* the first '@' ends NAME */
	assert_int_equal(tmpl_split("web@a b.c:d", &at, err, sizeof err), 1);
	assert_int_equal(tmpl_split("web", &at, err, sizeof err), 0);
	assert_int_equal(tmpl_split("web@", &at, err, sizeof err), 0);
	assert_int_equal(tmpl_split("@x", &at, err, sizeof err), 0);
	at = 99;
	assert_int_equal(tmpl_split("web@a\nb", &at, err, sizeof err), -1);
	assert_int_equal(at, 3);  /* the form is there: the caller looks for web@ */
	assert_non_null(strstr(err, "web@a\nb: not an instance: its argument must be 1 to 64 bytes"));
	assert_int_equal(tmpl_split("web@a\x7f", &at, err, sizeof err), -1);
	assert_int_equal(tmpl_split("web@a\tb", &at, err, sizeof err), -1);
	memset(arg, 0, sizeof arg);
	memcpy(arg, "w@", 2);
	memset(arg + 2, 'x', TMPL_ARG_MAX);
	assert_int_equal(tmpl_split(arg, &at, err, sizeof err), 1);
	arg[2 + TMPL_ARG_MAX] = 'x';
	assert_int_equal(tmpl_split(arg, &at, err, sizeof err), -1);
	/* a '/' never reaches a name from readdir, but a path may hold one */
	assert_int_equal(tmpl_split("web@../x", &at, NULL, 0), -1);
}

static void subst(void **state)
{
	char out[32];
	const char *in = "tcp 127.0.0.1:${INSTANCE} ${INSTANCE}";

	(void)state;
	assert_int_equal(tmpl_subst(in, strlen(in), "8080", out, sizeof out), 23);
	assert_string_equal(out, "tcp 127.0.0.1:8080 8080");
	assert_int_equal(tmpl_subst("none", 4, "x", out, sizeof out), 4);
	assert_string_equal(out, "none");
	/* a near miss stays as it is, and so does what arg brings in */
	assert_int_equal(tmpl_subst("${INSTANC}$", 11, "${INSTANCE}", out, sizeof out), 11);
	assert_string_equal(out, "${INSTANC}$");
	assert_int_equal(tmpl_subst("${INSTANCE}", 11, "${INSTANCE}", out, sizeof out), 11);
	assert_string_equal(out, "${INSTANCE}");
	/* only the n bytes given: the text is not a C string */
	assert_int_equal(tmpl_subst("${INSTANCE}", 5, "x", out, sizeof out), 5);
	assert_string_equal(out, "${INS");
	assert_int_equal(tmpl_subst(in, strlen(in), "8080", out, 23), -1);
	assert_int_equal(tmpl_subst(in, strlen(in), "8080", out, 24), 23);
	assert_int_equal(tmpl_subst("", 0, "x", out, 1), 0);
}

static void which_are_instances(void **state)
{
	char inst[256], err[256];
	struct scan_ent ents[16];
	int fd, n, full;

	(void)state;
	dir("web@");
	put("web@/run", "#!/bin/sh\n", 0755);
	ln("web@", "web@a");             /* symlinked instance */
	dir("web@b");                    /* directory instance: no run */
	put("web@b/down", "", 0644);
	dir("web@c");                    /* a run of its own: runit's service */
	put("web@c/run", "#!/bin/sh\n", 0755);
	dir("db@x");                     /* no template db@: runit's service */
	fd = open(top, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(tmpl_instance_at(fd, "web@a", 0, inst, sizeof inst, err, sizeof err), 1);
	assert_string_equal(inst, TMPL_DIR "/web@a");
	assert_int_equal(tmpl_instance_at(fd, "web@b", 0, inst, sizeof inst, err, sizeof err), 1);
	assert_int_equal(tmpl_instance_at(fd, "web@c", 0, inst, sizeof inst, err, sizeof err), 0);
	assert_int_equal(tmpl_instance_at(fd, "db@x", 0, inst, sizeof inst, err, sizeof err), 0);
	assert_int_equal(tmpl_instance_at(fd, "web@", 0, inst, sizeof inst, err, sizeof err), 0);
	assert_int_equal(tmpl_instance_at(fd, "web@none", 0, inst, sizeof inst, err, sizeof err), 0);
	/* the scan: no template, each instance by a directory of its own */
	n = scan_dir(fd, ents, 16, &full);
	assert_int_equal(n, 4);
	assert_string_equal(link_of("web@b/supervise"), "../" TMPL_DIR "/web@b/supervise");
	assert_string_equal(link_of("web@a"), "web@");  /* the template untouched */
	assert_int_equal(tmpl_instance(inst, 0, inst, sizeof inst, err, sizeof err), 0);
	snprintf(err, sizeof err, "%s/web@a", top);
	assert_int_equal(tmpl_instance(err, 0, inst, sizeof inst, NULL, 0), 1);
	assert_string_equal(inst + strlen(top), "/" TMPL_DIR "/web@a");
	close(fd);
}

static void bad_argument_refused(void **state)
{
	char inst[256], err[256];
	int fd;

	(void)state;
	dir("web@");
	ln("web@", "web@a\001");
	ln("web@", "nt@a\001");  /* no template nt@: not ours to judge */
	fd = open(top, O_RDONLY | O_DIRECTORY);
	assert_int_equal(tmpl_instance_at(fd, "web@a\001", 1, inst, sizeof inst, err, sizeof err), -1);
	assert_non_null(strstr(err, "not an instance"));
	assert_int_equal(tmpl_instance_at(fd, "nt@a\001", 1, inst, sizeof inst, err, sizeof err), 0);
	close(fd);
}

static void view(void **state)
{
	char here[PATH_MAX], p[256], err[256];
	const char *arg;

	(void)state;
	dir("web@");
	put("web@/run", "#!/bin/sh\n", 0755);
	put("web@/finish", "#!/bin/sh\necho ${INSTANCE}\n", 0755);  /* a script: linked */
	put("web@/listen", "tcp 127.0.0.1:${INSTANCE}\n", 0644);
	put("web@/timeout-kill", "500\n", 0644);
	put("web@/old", "", 0644);
	dir("web@/log");
	put("web@/log/run", "#!/bin/sh\n", 0755);
	dir("web@/log/main");
	put("web@/log/main/config", "p${INSTANCE}: \n", 0644);
	dir("web@/env");
	dir("web@b");
	put("web@b/timeout-kill", "900\n", 0644);   /* the instance's own first */
	dir(TMPL_DIR);
	dir(TMPL_DIR "/web@b");
	ln("../../web@/old", TMPL_DIR "/web@b/old");
	put("web@b/data", "", 0644);
	assert_non_null(getcwd(here, sizeof here));
	snprintf(p, sizeof p, "%s/" TMPL_DIR "/web@b", top);
	assert_int_equal(chdir(p), 0);
	put("web@/gone", "", 0644);
	arg = tmpl_view_sync(err, sizeof err);
	assert_string_equal(err, "");
	assert_non_null(arg);
	assert_string_equal(arg, "b");
	assert_string_equal(getenv("INSTANCE"), "b");
	assert_int_equal(chdir(here), 0);
	assert_string_equal(link_of(TMPL_DIR "/web@b/run"), "../../web@/run");
	assert_string_equal(link_of(TMPL_DIR "/web@b/finish"), "../../web@/finish");
	assert_string_equal(link_of(TMPL_DIR "/web@b/timeout-kill"), "../../web@b/timeout-kill");
	assert_string_equal(link_of(TMPL_DIR "/web@b/data"), "../../web@b/data");
	assert_string_equal(link_of(TMPL_DIR "/web@b/env"), "../../web@/env");
	assert_string_equal(text_of(TMPL_DIR "/web@b/listen"), "tcp 127.0.0.1:b\n");
	assert_string_equal(link_of(TMPL_DIR "/web@b/log/run"), "../../../web@/log/run");
	assert_string_equal(text_of(TMPL_DIR "/web@b/log/main/config"), "pb: \n");
	assert_string_equal(link_of(TMPL_DIR "/web@b/log"), "");  /* a directory */
	/* a file gone from the template is gone from the view at its renewal */
	snprintf(p, sizeof p, "%s/web@/old", top);
	assert_int_equal(unlink(p), 0);
	snprintf(p, sizeof p, "%s/" TMPL_DIR "/web@b", top);
	assert_int_equal(chdir(p), 0);
	assert_non_null(tmpl_view_sync(err, sizeof err));
	assert_int_equal(chdir(here), 0);
	assert_string_equal(link_of(TMPL_DIR "/web@b/old"), "");
	assert_string_equal(link_of(TMPL_DIR "/web@b/gone"), "../../web@/gone");
}

static void patterns(void **state)
{
	char *given[] = { "web@*", "db", "zz@*", NULL };
	char **s = given;
	int fd, n = 3;

	(void)state;
	dir("web@");
	dir("web@b");
	ln("web@", "web@a");
	dir(".web@hidden");
	dir("db");
	fd = open(top, O_RDONLY | O_DIRECTORY);
	assert_int_equal(tmpl_expand(fd, &s, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(s[0], "web@a");
	assert_string_equal(s[1], "web@b");
	assert_string_equal(s[2], "db");
	assert_string_equal(s[3], "zz@*");  /* matches nothing: stays */
	free(s[0]);
	free(s[1]);
	free(s);
	s = given + 1;
	n = 1;
	assert_int_equal(tmpl_expand(fd, &s, &n), 0);
	assert_true(s == given + 1);  /* no pattern: the same list */
	close(fd);
}

static void ctlgroup_file(void **state)
{
	char name[CTLGROUP_NAME_MAX + 1], path[256];
	gid_t gid = 0;

	(void)state;
	assert_int_equal(ctlgroup_parse("ops\n", 4, name, sizeof name), 0);
	assert_string_equal(name, "ops");
	assert_int_equal(ctlgroup_parse("  1234 \n", 8, name, sizeof name), 0);
	assert_string_equal(name, "1234");
	assert_int_equal(ctlgroup_parse("ops dev\n", 8, name, sizeof name), -1);
	assert_int_equal(ctlgroup_parse("\n", 1, name, sizeof name), -1);
	assert_int_equal(ctlgroup_parse("o\0ps", 4, name, sizeof name), -1);
	assert_int_equal(ctlgroup_parse("opsops", 6, name, 4), -1);
	put("group", "root:x:0:\nopsx:x:77:a\nops:x:1234:alice,bob\nbad:x:zz:\nnocolon\n", 0644);
	snprintf(path, sizeof path, "%s/group", top);
	assert_int_equal(ctlgroup_lookup(path, "ops", &gid), 0);
	assert_int_equal(gid, 1234);
	assert_int_equal(ctlgroup_lookup(path, "opsx", &gid), 0);
	assert_int_equal(gid, 77);
	assert_int_equal(ctlgroup_lookup(path, "op", &gid), -1);
	assert_int_equal(ctlgroup_lookup(path, "bad", &gid), -1);
	assert_int_equal(ctlgroup_lookup(path, "nocolon", &gid), -1);
	assert_int_equal(ctlgroup_lookup(path, "4321", &gid), 0);
	assert_int_equal(gid, 4321);
	assert_int_equal(ctlgroup_lookup(path, "99999999999", &gid), -1);
	assert_int_equal(ctlgroup_member(getegid()), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(subst),
		cmocka_unit_test_setup_teardown(which_are_instances, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_argument_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(view, setup, teardown),
		cmocka_unit_test_setup_teardown(patterns, setup, teardown),
		cmocka_unit_test_setup_teardown(ctlgroup_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
