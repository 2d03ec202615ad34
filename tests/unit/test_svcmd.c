/* Unit tests: sv's command line and status text (userd/lib/svcmd). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "svcmd.h"

/* parse a NULL-terminated argument list */
static int parse(struct svcmd *c, const char *svwait, ...)
{
	static char *argv[32];
	va_list ap;
	int argc = 0;

	va_start(ap, svwait);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	return svcmd_parse(c, argc, argv, svwait);
}

static void parse_status_and_services(void **state)
{
	struct svcmd c;

	(void)state;
	assert_int_equal(parse(&c, NULL, "/usr/bin/sv", "status", "web", "./api", NULL), 0);
	assert_string_equal(c.prog, "sv");
	assert_false(c.lsb);
	assert_true(c.status);
	assert_false(c.send);
	assert_false(c.check);
	assert_int_equal(c.nservices, 2);
	assert_string_equal(c.services[0], "web");
	assert_string_equal(c.services[1], "./api");
	assert_int_equal(c.wait, 7);
	/* runit looks at the first letter only */
	assert_int_equal(parse(&c, NULL, "sv", "s", "web", NULL), 0);
	assert_true(c.status);
	assert_int_equal(parse(&c, NULL, "sv", "stat", "web", NULL), 0);
	assert_true(c.status);
}

/* acts, send, check and kill of each command word */
static void parse_command_table(void **state)
{
	static const struct { const char *word, *acts; int send, check, kill; } t[] = {
		{ "up", "u", 1, 0, 0 }, { "down", "d", 1, 0, 0 }, { "once", "o", 1, 0, 0 },
		{ "pause", "p", 1, 0, 0 }, { "cont", "c", 1, 0, 0 }, { "hup", "h", 1, 0, 0 },
		{ "alarm", "a", 1, 0, 0 }, { "interrupt", "i", 1, 0, 0 },
		{ "quit", "q", 1, 0, 0 }, { "1", "1", 1, 0, 0 }, { "2", "2", 1, 0, 0 },
		{ "term", "t", 1, 0, 0 }, { "kill", "k", 1, 0, 0 }, { "exit", "x", 1, 0, 0 },
		{ "start", "u", 1, 1, 0 }, { "stop", "d", 1, 1, 0 }, { "reload", "h", 1, 1, 0 },
		{ "restart", "tcu", 1, 1, 0 }, { "shutdown", "x", 1, 1, 0 },
		{ "force-stop", "d", 1, 1, 1 }, { "force-reload", "tc", 1, 1, 1 },
		{ "force-restart", "tcu", 1, 1, 1 }, { "force-shutdown", "x", 1, 1, 1 },
		{ "try-restart", "tc", 1, 1, 0 }, { "check", "C", 0, 1, 0 },
		{ "terminate", "t", 1, 0, 0 }, { "cxyz", "c", 1, 0, 0 }, { "xyz", "x", 1, 0, 0 },
		{ "Down", "d", 1, 1, 1 }, { "Term", "tc", 1, 1, 1 }, { "Exit", "x", 1, 1, 1 },
	};
	struct svcmd c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(parse(&c, NULL, "sv", t[i].word, "web", NULL), 0);
		assert_string_equal(c.acts, t[i].acts);
		assert_int_equal(c.send, t[i].send);
		assert_int_equal(c.check, t[i].check);
		assert_int_equal(c.kill, t[i].kill);
		assert_false(c.status);
	}
}

static void parse_bad_commands(void **state)
{
	static const char *const bad[] = { "bogus", "restartx", "re", "force-x", "f",
					   "", "zap", "Up", "-" };
	struct svcmd c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(parse(&c, NULL, "sv", bad[i], "web", NULL), 100);
	assert_int_equal(parse(&c, NULL, "sv", NULL), 100);
	assert_int_equal(parse(&c, NULL, "sv", "status", NULL), 100);
}

static void parse_options_runit_style(void **state)
{
	struct svcmd c;

	(void)state;
	assert_int_equal(parse(&c, NULL, "sv", "-v", "up", "web", NULL), 0);
	assert_true(c.verbose);
	assert_true(c.check);
	assert_int_equal(c.wait, 7);
	/* -w implies -v; all spellings */
	assert_int_equal(parse(&c, NULL, "sv", "-w", "3", "up", "web", NULL), 0);
	assert_true(c.check);
	assert_int_equal(c.wait, 3);
	assert_int_equal(parse(&c, NULL, "sv", "-w12", "down", "web", NULL), 0);
	assert_int_equal(c.wait, 12);
	assert_int_equal(parse(&c, NULL, "sv", "-vw", "4", "down", "web", NULL), 0);
	assert_int_equal(c.wait, 4);
	/* digits only, as runit's scan_ulong */
	assert_int_equal(parse(&c, NULL, "sv", "-w", "abc", "up", "web", NULL), 0);
	assert_int_equal(c.wait, 0);
	assert_int_equal(parse(&c, NULL, "sv", "-w", "5x", "up", "web", NULL), 0);
	assert_int_equal(c.wait, 5);
	/* $SVWAIT sets the time but not -v; -w overrides it */
	assert_int_equal(parse(&c, "9", "sv", "up", "web", NULL), 0);
	assert_int_equal(c.wait, 9);
	assert_false(c.check);
	assert_int_equal(parse(&c, "9", "sv", "-w", "2", "up", "web", NULL), 0);
	assert_int_equal(c.wait, 2);
	/* options end at the first operand and at "--" */
	assert_int_equal(parse(&c, NULL, "sv", "status", "-v", "web", NULL), 0);
	assert_int_equal(c.nservices, 2);
	assert_string_equal(c.services[0], "-v");
	assert_int_equal(parse(&c, NULL, "sv", "--", "status", "web", NULL), 0);
	assert_true(c.status);
}

static void parse_option_errors(void **state)
{
	struct svcmd c;

	(void)state;
	assert_int_equal(parse(&c, NULL, "sv", "-x", "status", "web", NULL), 100);
	assert_string_equal(c.error, "illegal option -- x");
	assert_int_equal(parse(&c, NULL, "sv", "-w", NULL), 100);
	assert_string_equal(c.error, "option requires an argument -- w");
	assert_int_equal(parse(&c, NULL, "sv", "-V", "status", "web", NULL), 100);
	assert_true(c.version);
	assert_int_equal(parse(&c, NULL, "sv", "-j", "up", "web", NULL), 100);
	assert_string_equal(c.error, "-j works with the status command only");
	assert_int_equal(parse(&c, NULL, "sv", "-j", "status", "web", NULL), 0);
	assert_true(c.json);
}

static void parse_lsb_mode(void **state)
{
	struct svcmd c;
	char line[128];

	(void)state;
	assert_int_equal(parse(&c, NULL, "/etc/init.d/web", "start", NULL), 0);
	assert_true(c.lsb);
	assert_string_equal(c.prog, "web");
	assert_int_equal(c.nservices, 1);
	assert_string_equal(c.services[0], "web");
	assert_string_equal(c.acts, "u");
	/* extra words are ignored, as runit's */
	assert_int_equal(parse(&c, NULL, "web", "-w", "2", "stop", "x", "y", NULL), 0);
	assert_int_equal(c.nservices, 1);
	assert_int_equal(c.wait, 2);
	assert_int_equal(parse(&c, NULL, "web", "status", NULL), 0);
	assert_true(c.status);
	/* usage exits 2; only the full word "status" */
	assert_int_equal(parse(&c, NULL, "web", "stat", NULL), 2);
	assert_int_equal(parse(&c, NULL, "web", NULL), 2);
	assert_int_equal(parse(&c, NULL, "web", "-q", "status", NULL), 2);
	svcmd_usage(&c, line, sizeof line);
	assert_string_equal(line, "usage: web [-j] [-w sec] command");
	parse(&c, NULL, "./sv", NULL);
	svcmd_usage(&c, line, sizeof line);
	assert_string_equal(line, "usage: sv [-v] [-j] [-w sec] command service ...");
}

static void names_and_dirs(void **state)
{
	char d[64];

	(void)state;
	assert_true(svcmd_is_name("web"));
	assert_true(svcmd_is_name("web/log"));
	assert_false(svcmd_is_name("/srv/web"));
	assert_false(svcmd_is_name("./web"));
	assert_false(svcmd_is_name("..web"));
	assert_false(svcmd_is_name("web/"));
	assert_false(svcmd_is_name(""));
	svcmd_default_svdir(d, sizeof d, 1000, "/home/alice");
	assert_string_equal(d, "/home/alice/service/");
	svcmd_default_svdir(d, sizeof d, 0, "/root");
	assert_string_equal(d, "/etc/service/");
	svcmd_default_svdir(d, sizeof d, 1000, NULL);
	assert_string_equal(d, "/etc/service/");
	svcmd_default_svdir(d, sizeof d, 1000, "relative");
	assert_string_equal(d, "/etc/service/");
	/* a HOME that does not fit falls back rather than being cut */
	svcmd_default_svdir(d, 20, 1000, "/home/a-very-long-user-name");
	assert_string_equal(d, "/etc/service/");
	assert_int_equal(svcmd_scan_seconds("99999999999999999999"), SVCMD_WAIT_MAX);
}

static void runit_error_texts(void **state)
{
	(void)state;
	assert_string_equal(svcmd_errstr(ENOENT), "file does not exist");
	assert_string_equal(svcmd_errstr(EACCES), "access denied");
	assert_string_equal(svcmd_errstr(ENXIO), "device not configured");
	assert_string_equal(svcmd_errstr(ENOTDIR), "not a directory");
	assert_string_equal(svcmd_errstr(EAGAIN), "temporary failure");
	assert_string_equal(svcmd_errstr(-5), "unknown error");
}

static const struct timespec now = { 1700000100, 500000000 };

static struct svview view(int state, pid_t pid, char want)
{
	struct svview v;

	memset(&v, 0, sizeof v);
	v.st.since.tv_sec = 1700000095;
	v.st.state = state;
	v.st.pid = pid;
	v.st.want = want;
	v.normally_up = 1;
	return v;
}

/* the text of one status, in a static buffer */
static const char *fmt(const struct svview *v, int *ret)
{
	static char out[512];
	struct svbuf b = { 0 };
	int r;

	r = svcmd_fmt_status(&b, "web", v, &now);
	if (ret)
		*ret = r;
	assert_false(b.failed);
	snprintf(out, sizeof out, "%s", b.p);
	svbuf_free(&b);
	return out;
}

static void status_runit_text(void **state)
{
	struct svview v;
	int r;

	(void)state;
	v = view(SV_RUN, 123, 'u');
	assert_string_equal(fmt(&v, &r), "run: web: (pid 123) 5s");
	assert_int_equal(r, 1);
	v = view(SV_DOWN, 0, 'd');
	assert_string_equal(fmt(&v, &r), "down: web: 5s, normally up");
	assert_int_equal(r, 2);
	v.normally_up = 0;
	assert_string_equal(fmt(&v, NULL), "down: web: 5s");
	v.st.want = 'u';
	assert_string_equal(fmt(&v, NULL), "down: web: 5s, want up");
	v = view(SV_RUN, 9, 'd');
	v.normally_up = 0;
	v.st.paused = 1;
	v.st.got_term = 1;
	assert_string_equal(fmt(&v, NULL),
			    "run: web: (pid 9) 5s, normally down, paused, want down, got TERM");
	v = view(SV_FINISH, 77, 'u');
	assert_string_equal(fmt(&v, NULL), "finish: web: (pid 77) 5s");
	/* a clock behind the status file shows 0s, not a negative age */
	v.st.since.tv_sec = now.tv_sec + 100;
	assert_string_equal(fmt(&v, NULL), "finish: web: (pid 77) 0s");
}

static void status_ward_text(void **state)
{
	struct svview v;

	(void)state;
	v = view(SV_RUN, 12, 'u');
	v.have_extra = 1;
	v.x.ready = SVREADY_WAIT;
	assert_string_equal(fmt(&v, NULL), "run: web: (pid 12) 5s, not ready");
	assert_false(svcmd_ready(&v));
	v.x.ready = SVREADY_YES;
	v.x.ready_at.tv_sec = 1700000096;
	assert_string_equal(fmt(&v, NULL), "run: web: (pid 12) 5s, ready 4s");
	assert_true(svcmd_ready(&v));
	/* ready before this run began: left over from the last one */
	v.x.ready_at.tv_sec = 1700000090;
	assert_string_equal(fmt(&v, NULL), "run: web: (pid 12) 5s, not ready");
	assert_false(svcmd_ready(&v));
	v.x.ready = SVREADY_NONE;
	assert_true(svcmd_ready(&v));
	strcpy(v.x.text, "Listening on :80");
	assert_string_equal(fmt(&v, NULL), "run: web: (pid 12) 5s, \"Listening on :80\"");
	/* hostile text cannot break the line or the terminal */
	strcpy(v.x.text, "a\"b\\c\nd\x1b[2J\xff\xc2\x9b" "\xc3\xa9");
	assert_string_equal(fmt(&v, NULL),
			    "run: web: (pid 12) 5s, \"a\\\"b\\\\c\\x0ad\\x1b[2J\\xff\\xc2\\x9b\xc3\xa9\"");
	/* without the extension, no readiness is claimed */
	v.have_extra = 0;
	assert_string_equal(fmt(&v, NULL), "run: web: (pid 12) 5s");
	assert_true(svcmd_ready(&v));
}

static void status_ward_backoff(void **state)
{
	struct svview v;

	(void)state;
	v = view(SV_DOWN, 0, 'u');
	v.normally_up = 0;
	v.have_extra = 1;
	v.x.backoff_ms = 4000;
	v.x.next_start.tv_sec = 1700000103;
	assert_string_equal(fmt(&v, NULL),
			    "down: web: 5s, want up, backoff 4s, next start in 3s");
	v.x.backoff_ms = 1500;
	v.x.next_start.tv_sec = 1700000100;
	v.x.next_start.tv_nsec = 600000000;   /* 0.1 s away: rounds up */
	assert_string_equal(fmt(&v, NULL),
			    "down: web: 5s, want up, backoff 1.5s, next start in 1s");
	v.x.backoff_ms = 250;
	v.x.next_start.tv_sec = 1700000000;   /* overdue */
	assert_string_equal(fmt(&v, NULL),
			    "down: web: 5s, want up, backoff 0.25s, next start in 0s");
	/* wanted down: nothing is due */
	v.st.want = 'd';
	assert_string_equal(fmt(&v, NULL), "down: web: 5s");
}

static void json_members(void **state)
{
	struct svbuf b = { 0 };
	struct svview v;

	(void)state;
	v = view(SV_RUN, 12, 'd');
	v.st.paused = 1;
	svcmd_fmt_json(&b, &v, &now);
	assert_string_equal(b.p,
		"\"state\":\"run\",\"pid\":12,\"uptime\":5,\"normally\":\"up\",\"want\":\"down\","
		"\"paused\":true,\"got_term\":false,\"ready\":null,\"ready_for\":null,"
		"\"status_text\":null,\"backoff_ms\":0,\"next_start_in\":null,\"starts\":null,\"last_exit\":null");
	svbuf_free(&b);
	v.have_extra = 1;
	v.x.ready = SVREADY_YES;
	v.x.ready_at.tv_sec = 1700000098;
	v.x.starts = 3;
	strcpy(v.x.text, "up \"fine\"\t\xfe");
	svcmd_fmt_json(&b, &v, &now);
	assert_non_null(strstr(b.p, "\"ready\":true,\"ready_for\":2,"));
	assert_non_null(strstr(b.p, "\"status_text\":\"up \\\"fine\\\"\\u0009\\ufffd\""));
	assert_non_null(strstr(b.p, "\"starts\":3"));
	svbuf_free(&b);
	v = view(SV_DOWN, 0, 'u');
	v.have_extra = 1;
	v.x.backoff_ms = 8000;
	v.x.next_start.tv_sec = 1700000102;
	svcmd_fmt_json(&b, &v, &now);
	assert_non_null(strstr(b.p, "\"pid\":null"));
	assert_non_null(strstr(b.p, "\"backoff_ms\":8000,\"next_start_in\":2"));
	svbuf_free(&b);
}

static void quote_utf8(void **state)
{
	struct svbuf b = { 0 };

	(void)state;
	/* valid UTF-8 passes; overlong, surrogate, truncated do not */
	svbuf_quote(&b, "\xe2\x82\xac\xc0\xaf\xed\xa0\x80\xf0\x9f", 10, 1);
	assert_string_equal(b.p, "\"\xe2\x82\xac\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
	svbuf_free(&b);
	svbuf_quote(&b, "\xf0\x9f\x98\x80\x7f", 5, 0);
	assert_string_equal(b.p, "\"\xf0\x9f\x98\x80\\x7f\"");
	svbuf_free(&b);
	/* an embedded NUL is escaped, not a terminator */
	svbuf_quote(&b, "a\0b", 3, 1);
	assert_string_equal(b.p, "\"a\\u0000b\"");
	svbuf_free(&b);
}

static void owner_from_passwd(void **state)
{
	struct svowner o;

	(void)state;
	memset(&o, 0, sizeof o);
	assert_int_equal(svcmd_passwd_line("root:x:0:0:root:/root:/bin/bash\n", 1001, &o), 0);
	assert_int_equal(svcmd_passwd_line("alice:x:1001:1002:Alice A,,,:/home/alice:/bin/sh\n",
					   1001, &o), 1);
	assert_int_equal(o.uid, 1001);
	assert_int_equal(o.gid, 1002);
	assert_string_equal(o.name, "alice");
	assert_string_equal(o.home, "/home/alice");
	assert_int_equal(o.ngroups, 1);
	assert_int_equal(o.groups[0], 1002);
	/* no newline at the end of the file; empty gecos and shell */
	assert_int_equal(svcmd_passwd_line("bob:x:7:8::/b:", 7, &o), 1);
	assert_string_equal(o.name, "bob");
	/* malformed lines are skipped, as NSS skips them */
	assert_int_equal(svcmd_passwd_line("bob:x:7:8:/b:/bin/sh", 7, &o), 0);       /* 6 fields */
	assert_int_equal(svcmd_passwd_line("bob:x:7:8::/b:/bin/sh:x", 7, &o), 0);    /* 8 */
	assert_int_equal(svcmd_passwd_line("bob:x:7x:8::/b:/bin/sh", 7, &o), 0);
	assert_int_equal(svcmd_passwd_line("bob:x::8::/b:/bin/sh", 0, &o), 0);
	assert_int_equal(svcmd_passwd_line("bob:x:7:-8::/b:/bin/sh", 7, &o), 0);
	assert_int_equal(svcmd_passwd_line("bob:x:4294967295:8::/b:/bin/sh", 4294967295U, &o), 0);
	assert_int_equal(svcmd_passwd_line("bob:x:99999999999:8::/b:/bin/sh", 7, &o), 0);
	assert_int_equal(svcmd_passwd_line(":x:7:8::/b:/bin/sh", 7, &o), 0);
	assert_int_equal(svcmd_passwd_line("+bob:x:7:8::/b:/bin/sh", 7, &o), 0);
	assert_int_equal(svcmd_passwd_line("", 7, &o), 0);
}

static void owner_groups(void **state)
{
	struct svowner o;
	char line[64];
	int i;

	(void)state;
	memset(&o, 0, sizeof o);
	assert_int_equal(svcmd_passwd_line("alice:x:1001:1002::/home/alice:/bin/sh", 1001, &o), 1);
	assert_int_equal(svcmd_group_line("alice:x:1002:\n", &o), 0);       /* the primary, again */
	assert_int_equal(svcmd_group_line("staff:x:50:bob,alice,carol\n", &o), 0);
	assert_int_equal(svcmd_group_line("web:x:33:alice", &o), 0);
	assert_int_equal(svcmd_group_line("db:x:34:alicia,malice,alice2", &o), 0);
	assert_int_equal(svcmd_group_line("x:x:35:bob,", &o), 0);
	assert_int_equal(svcmd_group_line("y:x:36x:alice", &o), 0);
	assert_int_equal(svcmd_group_line("z:x:37:alice:more", &o), 0);
	assert_int_equal(svcmd_group_line("+:x:38:alice", &o), 0);
	assert_int_equal(o.ngroups, 3);
	assert_int_equal(o.groups[0], 1002);
	assert_int_equal(o.groups[1], 50);
	assert_int_equal(o.groups[2], 33);
	/* more groups than fit: refused, not cut short */
	for (i = 0; o.ngroups < SVOWNER_GROUPS; i++) {
		snprintf(line, sizeof line, "g%d:x:%d:alice", i, 2000 + i);
		assert_int_equal(svcmd_group_line(line, &o), 0);
	}
	assert_int_equal(svcmd_group_line("last:x:3000:alice", &o), -1);
	assert_int_equal(errno, E2BIG);
	assert_int_equal(o.ngroups, SVOWNER_GROUPS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_status_and_services),
		cmocka_unit_test(parse_command_table),
		cmocka_unit_test(parse_bad_commands),
		cmocka_unit_test(parse_options_runit_style),
		cmocka_unit_test(parse_option_errors),
		cmocka_unit_test(parse_lsb_mode),
		cmocka_unit_test(names_and_dirs),
		cmocka_unit_test(runit_error_texts),
		cmocka_unit_test(status_runit_text),
		cmocka_unit_test(status_ward_text),
		cmocka_unit_test(status_ward_backoff),
		cmocka_unit_test(json_members),
		cmocka_unit_test(quote_utf8),
		cmocka_unit_test(owner_from_passwd),
		cmocka_unit_test(owner_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
