/* Unit tests: the policy parser (privd/policy).  Uses the system's own
 * users and groups that every Debian has: root 0, daemon 1, bin 2, sys 3
 * (primary group sys, gid 3), group adm (gid 4, no members). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "policy.h"

static struct policy *p;
static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	p = policy_new();
	return p ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	policy_free(p);
	return 0;
}

static unsigned parse(const char *text)
{
	policy_read_text(p, "pol", text, strlen(text));
	return policy_finish(p);
}

/* 1 if some message is exactly want */
static int has_msg(const char *want)
{
	size_t i;

	for (i = 0; i < p->nmsgs; i++)
		if (!strcmp(p->msg[i], want))
			return 1;
	for (i = 0; i < p->nmsgs; i++)
		print_message("# msg: %s\n", p->msg[i]);
	return 0;
}

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* tmpdir: a new directory under /tmp, root's, 0700 */
static void tmp_make(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test_policy.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
}

static void tmp_remove(void)
{
	char cmd[100];

	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	assert_int_equal(system(cmd), 0);
}

/* mkdir tmpdir/name, mode as given (no umask), owned by uid */
static void tmp_dir(const char *name, mode_t mode, uid_t uid)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chmod(path, mode), 0);
	assert_int_equal(chown(path, uid, 0), 0);
}

/* the message about reading tmpdir/file */
static int has_file_msg(const char *file, const char *text)
{
	char want[400];

	snprintf(want, sizeof want, "%s/%s:0: %s", tmpdir, file, text);
	return has_msg(want);
}

static void supervise(void **state)
{
	struct policy_user *u;

	(void)state;
	assert_int_equal(parse("# comment\n\nsupervise daemon\n"
			       "supervise 2 dir /srv/bin/service   # by number\n"
			       "\tsupervise :sys dir svc\n"), 0);
	assert_int_equal(p->nusers, 3);
	u = policy_user_find(p, 1);
	assert_non_null(u);
	assert_string_equal(u->name, "daemon");
	assert_true(u->supervised);
	assert_string_equal(u->dir, "");
	assert_int_equal(u->no_new_privs, 1);
	assert_string_equal(u->where, "pol:3");
	u = policy_user_find(p, 2);
	assert_string_equal(u->name, "bin");
	assert_string_equal(u->dir, "/srv/bin/service");
	u = policy_user_find(p, 3);
	assert_non_null(u);
	assert_string_equal(u->name, "sys");
	assert_string_equal(u->dir, "svc");
	assert_int_equal(p->nwarnings, 0);
}

static void supervise_errors(void **state)
{
	(void)state;
	assert_int_equal(parse("supervise\n"
			       "supervise daemon dir\n"
			       "supervise daemon path /x\n"
			       "supervise root\n"
			       "supervise wp-no-such-user\n"
			       "supervise :wp-no-such-group\n"
			       "supervise daemon dir /a\n"
			       "supervise daemon dir /b\n"), 7);
	assert_true(has_msg("pol:1: expected supervise USER|:GROUP [dir PATH]"));
	assert_true(has_msg("pol:2: expected supervise USER|:GROUP [dir PATH]"));
	assert_true(has_msg("pol:3: expected supervise USER|:GROUP [dir PATH]"));
	assert_true(has_msg("pol:4: refusing to supervise root (uid 0): userd is for unprivileged users"));
	assert_true(has_msg("pol:5: unknown user \"wp-no-such-user\" (expected USER or :GROUP, by name or number)"));
	assert_true(has_msg("pol:6: unknown group \"wp-no-such-group\" (expected :GROUP, a group name or gid)"));
	assert_true(has_msg("pol:8: user daemon supervised twice with different dirs (first at pol:7)"));
}

static void empty_group_warns(void **state)
{
	(void)state;
	assert_int_equal(parse("supervise :adm\nsupervise :4\n"), 0);
	assert_int_equal(p->nwarnings, 2);
	assert_true(has_msg("pol:1: warning: group \"adm\" has no members"));
	assert_true(has_msg("pol:2: warning: group \"4\" has no members"));
}


/* the binder's grant check (ep_in_range) on a parsed grant */
static int match(const struct policy_grant *g, int proto, int family,
		 const unsigned char *addr, uint16_t port)
{
	struct endpoint e = { .proto = proto, .family = family, .port = port };

	memcpy(e.addr, addr, sizeof e.addr);
	return ep_in_range(&g->range, &e);
}
static void bind_grants(void **state)
{
	const struct policy_grant *g;
	unsigned char a[16] = { 0 }, b[16] = { 0 };
	char d[80];

	(void)state;
	assert_int_equal(parse("supervise daemon\nsupervise bin\n"
			       "bind daemon tcp 80\n"
			       "bind daemon tcp 8000-8099 on 192.0.2.10\n"
			       "bind bin udp 53 on ::1\n"), 0);
	assert_int_equal(p->ngrants, 3);
	g = &p->grants[0];
	assert_int_equal(g->uid, 1);
	assert_int_equal(g->range.ep.proto, EP_TCP);
	assert_int_equal(g->range.ep.family, 0);
	assert_int_equal(g->range.ep.port, 80);
	assert_int_equal(g->range.hi, 80);
	assert_string_equal(policy_grant_describe(g, d, sizeof d), "tcp 80");
	/* no address: any address of either family */
	assert_true(match(g, EP_TCP, AF_INET, a, 80));
	assert_true(match(g, EP_TCP, AF_INET6, a, 80));
	assert_false(match(g, EP_UDP, AF_INET, a, 80));
	assert_false(match(g, EP_TCP, AF_INET, a, 81));
	g = &p->grants[1];
	assert_string_equal(policy_grant_describe(g, d, sizeof d), "tcp 8000-8099 on 192.0.2.10");
	inet_pton(AF_INET, "192.0.2.10", a);
	inet_pton(AF_INET, "192.0.2.11", b);
	assert_true(match(g, EP_TCP, AF_INET, a, 8000));
	assert_true(match(g, EP_TCP, AF_INET, a, 8099));
	assert_false(match(g, EP_TCP, AF_INET, a, 8100));
	assert_false(match(g, EP_TCP, AF_INET, b, 8000));
	memset(b, 0, sizeof b);
	assert_false(match(g, EP_TCP, AF_INET, b, 8000));
	g = &p->grants[2];
	assert_int_equal(g->uid, 2);
	assert_int_equal(g->range.ep.family, AF_INET6);
	assert_string_equal(policy_grant_describe(g, d, sizeof d), "udp 53 on ::1");
}

static void bind_errors(void **state)
{
	(void)state;
	assert_int_equal(parse("supervise daemon\n"
			       "bind daemon tpc 80\n"
			       "bind daemon tcp 0\n"
			       "bind daemon tcp 65536\n"
			       "bind daemon tcp 90-80\n"
			       "bind daemon tcp 80-\n"
			       "bind daemon tcp 80 on 1.2.3\n"
			       "bind daemon tcp 80 at 1.2.3.4\n"
			       "bind daemon tcp\n"
			       "bind wp-nobody tcp 80\n"), 9);
	assert_true(has_msg("pol:2: unknown protocol \"tpc\" (expected tcp or udp)"));
	assert_true(has_msg("pol:3: bad port \"0\" (expected PORT or PORT-PORT, ports 1-65535)"));
	assert_true(has_msg("pol:4: bad port \"65536\" (expected PORT or PORT-PORT, ports 1-65535)"));
	assert_true(has_msg("pol:5: bad port range \"90-80\" (expected LOW-HIGH with LOW <= HIGH)"));
	assert_true(has_msg("pol:6: bad port \"80-\" (expected PORT or PORT-PORT, ports 1-65535)"));
	assert_true(has_msg("pol:7: bad address \"1.2.3\" (expected an IPv4 or IPv6 address)"));
	assert_true(has_msg("pol:8: expected bind USER|:GROUP tcp|udp PORT[-PORT] [on ADDRESS]"));
	assert_true(has_msg("pol:9: expected bind USER|:GROUP tcp|udp PORT[-PORT] [on ADDRESS]"));
	assert_true(has_msg("pol:10: unknown user \"wp-nobody\" (expected USER or :GROUP, by name or number)"));
	assert_int_equal(p->ngrants, 0);
}

static void overlaps(void **state)
{
	(void)state;
	/* the same port to two users: an error at the second grant */
	assert_int_equal(parse("supervise daemon\nsupervise bin\n"
			       "bind daemon tcp 80-90\n"
			       "bind bin tcp 85\n"
			       "bind bin udp 85\n"               /* other protocol: fine */
			       "bind bin tcp 80 on 127.0.0.1\n"  /* inside daemon's any-address */
			       "bind daemon tcp 443 on 127.0.0.1\n"
			       "bind bin tcp 443 on 127.0.0.2\n" /* other address: fine */
			       "bind daemon tcp 81\n"), 2);      /* same user twice: fine */
	assert_true(has_msg("pol:4: tcp 85 for bin overlaps daemon's grant at pol:3 "
			    "(expected each port granted to one user)"));
	assert_true(has_msg("pol:6: tcp 80 on 127.0.0.1 for bin overlaps daemon's grant at pol:3 "
			    "(expected each port granted to one user)"));
}

/* 0.0.0.0 and :: are their family's every address: a grant on one overlaps
 * another user's grant of the port on any address of that family.  IPv6
 * sockets of the binder are IPv6-only, so :: leaves IPv4 alone. */
static void wildcard_overlaps(void **state)
{
	(void)state;
	assert_int_equal(parse("supervise daemon\nsupervise bin\n"
			       "bind daemon tcp 80 on 0.0.0.0\n"
			       "bind bin tcp 80 on 127.0.0.51\n"
			       "bind daemon tcp 81 on ::\n"
			       "bind bin tcp 81 on ::1\n"
			       "bind daemon udp 82 on 127.0.0.1\n"
			       "bind bin udp 82 on 0.0.0.0\n"
			       "bind daemon tcp 83 on ::\n"
			       "bind bin tcp 83 on ::\n"
			       "bind daemon tcp 84 on ::\n"         /* other family: fine */
			       "bind bin tcp 84 on 127.0.0.1\n"
			       "bind daemon tcp 85 on 0.0.0.0\n"
			       "bind bin tcp 85 on ::\n"), 4);
	assert_true(has_msg("pol:4: tcp 80 on 127.0.0.51 for bin overlaps daemon's grant at pol:3 "
			    "(expected each port granted to one user)"));
	assert_true(has_msg("pol:6: tcp 81 on ::1 for bin overlaps daemon's grant at pol:5 "
			    "(expected each port granted to one user)"));
	assert_true(has_msg("pol:8: udp 82 on 0.0.0.0 for bin overlaps daemon's grant at pol:7 "
			    "(expected each port granted to one user)"));
	assert_true(has_msg("pol:10: tcp 83 on :: for bin overlaps daemon's grant at pol:9 "
			    "(expected each port granted to one user)"));
}

/* Grants are told apart by the statement that made them, not by its
 * FILE:LINE, which is cut short for a long file name. */
static void overlap_long_names(void **state)
{
	char a[120], b[120];

	(void)state;
	memset(a, 'x', 100);
	memcpy(b, a, 100);
	strcpy(a + 100, "-1");
	strcpy(b + 100, "-2");
	policy_read_text(p, a, "supervise daemon\nbind daemon tcp 80\n", 36);
	policy_read_text(p, b, "supervise bin\nbind bin tcp 80\n", 30);
	assert_int_equal(policy_finish(p), 1);
	assert_true(strstr(p->msg[0], ":2: tcp 80 for bin overlaps daemon's grant at ") != NULL);
}

static void group_grant_is_shared(void **state)
{
	(void)state;
	/* one statement granting a group (nogroup: sync, _apt, nobody):
	 * its members share it, no error; another user's grant still is one */
	assert_int_equal(parse("supervise daemon\n"
			       "bind :nogroup tcp 8000-8099\nbind daemon tcp 8000\n"), 1);
	assert_true(p->ngrants >= 3);
	assert_true(has_msg("pol:3: tcp 8000 for daemon overlaps sync's grant at pol:2 "
			    "(expected each port granted to one user)"));
}

/* A port at or above net.ipv4.ip_unprivileged_port_start: any user may
 * bind it without the grant.  One warning a statement. */
static void unprivileged_ports_warn(void **state)
{
	size_t i, n = 0;

	(void)state;
	p->unpriv_port = 1024;
	assert_int_equal(parse("supervise daemon\nsupervise :nogroup\n"
			       "bind daemon tcp 80-1023\n"
			       "bind daemon tcp 1000-1100\n"
			       "bind daemon udp 8000\n"
			       "bind :nogroup tcp 5000\n"), 0);
	assert_true(has_msg("pol:4: warning: tcp 1000-1100 reaches "
			    "net.ipv4.ip_unprivileged_port_start (1024): any user may bind ports "
			    "1024-1100 directly, so the grant gives no exclusivity on them"));
	assert_true(has_msg("pol:5: warning: udp 8000 is at or above "
			    "net.ipv4.ip_unprivileged_port_start (1024): any user may bind it "
			    "directly, so the grant gives no exclusivity"));
	assert_true(has_msg("pol:6: warning: tcp 5000 is at or above "
			    "net.ipv4.ip_unprivileged_port_start (1024): any user may bind it "
			    "directly, so the grant gives no exclusivity"));
	for (i = 0; i < p->nmsgs; i++)
		n += strstr(p->msg[i], "ip_unprivileged_port_start") != NULL;
	assert_int_equal(n, 3);
	assert_int_equal(p->nwarnings, 3);
}

/* supervise :group dir /PATH gives every member the same directory: all
 * but the first userd fail on its lock.  A relative dir is one a home. */
static void group_dir_warns(void **state)
{
	(void)state;
	assert_int_equal(parse("supervise :nogroup dir /srv/x\n"    /* sync, _apt, nobody */
			       "supervise :sys dir /srv/y\n"        /* one member */
			       "supervise :daemon dir svc\n"), 0);
	assert_true(has_msg("pol:1: warning: every member of group \"nogroup\" gets the same "
			    "dir /srv/x: all but the first userd to start fail on its lock "
			    "(expected a relative dir, one under each member's home)"));
	assert_int_equal(p->nwarnings, 1);
}

static void limits(void **state)
{
	struct policy_user *u;

	(void)state;
	assert_int_equal(parse("supervise daemon\n"
			       "limit daemon nofile 4096\n"
			       "limit daemon as 512m\n"
			       "limit daemon core 0\n"
			       "limit daemon cpu unlimited\n"
			       "limit daemon nofile 100\n"       /* later wins */
			       "limit 1 nproc 1k\n"
			       "limit daemon fsize 2g\n"
			       "limit daemon data 1K\n"
			       "limit daemon stack 8M\n"
			       "limit daemon memlock 64k\n"), 0);
	u = policy_user_find(p, 1);
	assert_int_equal(u->nlimits, 9);
	assert_int_equal(u->limits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(u->limits[0].value, 100);
	assert_int_equal(u->limits[1].resource, RLIMIT_AS);
	assert_int_equal(u->limits[1].value, 512UL << 20);
	assert_int_equal(u->limits[2].value, 0);
	assert_true(u->limits[3].value == RLIM_INFINITY);
	assert_int_equal(u->limits[4].resource, RLIMIT_NPROC);
	assert_int_equal(u->limits[4].value, 1024);
	assert_int_equal(u->limits[5].value, 2UL << 30);
}

static void limit_errors(void **state)
{
	(void)state;
	assert_int_equal(parse("supervise daemon\n"
			       "limit daemon files 10\n"
			       "limit daemon nofile ten\n"
			       "limit daemon nofile -1\n"
			       "limit daemon nofile 99999999999999999999\n"
			       "limit daemon nofile\n"
			       "limit daemon nofile 10x\n"), 6);
	assert_true(has_msg("pol:2: unknown resource \"files\" (expected nofile, nproc, as, core, "
			    "fsize, data, stack, memlock, cpu or rss, or for the user's cgroup "
			    "memory, memory-high, cpu PERCENT% or tasks)"));
	assert_true(has_msg("pol:3: bad value \"ten\" (expected a number, optionally with k, m or g, "
			    "or unlimited)"));
	assert_true(has_msg("pol:4: bad value \"-1\" (expected a number, optionally with k, m or g, "
			    "or unlimited)"));
	assert_true(has_msg("pol:5: bad value \"99999999999999999999\" (expected a number, "
			    "optionally with k, m or g, or unlimited)"));
	assert_true(has_msg("pol:6: expected limit USER|:GROUP RESOURCE VALUE"));
	assert_true(has_msg("pol:7: bad value \"10x\" (expected a number, optionally with k, m or g, "
			    "or unlimited)"));
}

static void cg_limits(void **state)
{
	struct policy_user *u;

	(void)state;
	assert_int_equal(parse("supervise daemon\nsupervise bin\n"
			       "limit daemon memory 512m\n"
			       "limit daemon memory-high 400M\n"
			       "limit daemon cpu 150%\n"
			       "limit daemon tasks 200\n"
			       "limit daemon cpu 30\n"            /* seconds: RLIMIT_CPU */
			       "limit :bin memory unlimited\n"
			       "limit bin tasks 10\nlimit bin tasks 20\n"   /* later wins */
			       "limit bin cpu 1%\n"), 0);
	u = policy_user_find(p, 1);
	assert_true(u->cg[POLICY_CG_MEMORY] == 512ULL << 20);
	assert_true(u->cg[POLICY_CG_MEMORY_HIGH] == 400ULL << 20);
	assert_true(u->cg[POLICY_CG_CPU] == 150);
	assert_true(u->cg[POLICY_CG_TASKS] == 200);
	assert_int_equal(u->nlimits, 1);
	assert_int_equal(u->limits[0].resource, RLIMIT_CPU);
	assert_int_equal(u->limits[0].value, 30);
	u = policy_user_find(p, 2);
	assert_true(u->cg[POLICY_CG_MEMORY] == POLICY_CG_MAX);
	assert_true(u->cg[POLICY_CG_MEMORY_HIGH] == POLICY_CG_UNSET);
	assert_true(u->cg[POLICY_CG_TASKS] == 20);
	assert_true(u->cg[POLICY_CG_CPU] == 1);
	assert_int_equal(u->nlimits, 0);
	assert_string_equal(policy_cg_name(POLICY_CG_MEMORY_HIGH), "memory-high");
}

static void cg_limit_errors(void **state)
{
	(void)state;
	assert_int_equal(parse("supervise daemon\n"
			       "limit daemon memory 0\n"
			       "limit daemon memory-high lots\n"
			       "limit daemon cpu 0%\n"
			       "limit daemon cpu 100001%\n"
			       "limit daemon cpu 1.5%\n"
			       "limit daemon cpu %\n"
			       "limit daemon tasks -3\n"
			       "limit daemon tasks 0\n"
			       "limit daemon memory\n"), 9);
	assert_true(has_msg("pol:2: bad memory size \"0\" (expected bytes above 0, optionally with "
			    "k, m or g, or unlimited)"));
	assert_true(has_msg("pol:3: bad memory-high size \"lots\" (expected bytes above 0, "
			    "optionally with k, m or g, or unlimited)"));
	assert_true(has_msg("pol:4: bad cpu share \"0%\" (expected PERCENT% of one CPU, "
			    "1%-100000%: 150% is one and a half CPUs)"));
	assert_true(has_msg("pol:5: bad cpu share \"100001%\" (expected PERCENT% of one CPU, "
			    "1%-100000%: 150% is one and a half CPUs)"));
	assert_true(has_msg("pol:6: bad cpu share \"1.5%\" (expected PERCENT% of one CPU, "
			    "1%-100000%: 150% is one and a half CPUs)"));
	assert_true(has_msg("pol:7: bad cpu share \"%\" (expected PERCENT% of one CPU, "
			    "1%-100000%: 150% is one and a half CPUs)"));
	assert_true(has_msg("pol:8: bad tasks \"-3\" (expected a number of tasks above 0, "
			    "or unlimited)"));
	assert_true(has_msg("pol:9: bad tasks \"0\" (expected a number of tasks above 0, "
			    "or unlimited)"));
	assert_true(has_msg("pol:10: expected limit USER|:GROUP RESOURCE VALUE"));
	assert_true(policy_user_find(p, 1)->cg[POLICY_CG_MEMORY] == POLICY_CG_UNSET);
}

static void no_new_privs(void **state)
{
	(void)state;
	assert_int_equal(parse("supervise daemon\nsupervise bin\n"
			       "no_new_privs daemon off\n"
			       "no_new_privs bin off\nno_new_privs bin on\n"
			       "no_new_privs bin maybe\n"), 1);
	assert_int_equal(policy_user_find(p, 1)->no_new_privs, 0);
	assert_int_equal(policy_user_find(p, 2)->no_new_privs, 1);
	assert_true(has_msg("pol:6: expected no_new_privs USER|:GROUP on|off"));
}

static void unsupervised_warns(void **state)
{
	(void)state;
	assert_int_equal(parse("limit daemon nofile 10\nbind bin tcp 80\n"), 0);
	assert_int_equal(p->nwarnings, 2);
	assert_true(has_msg("pol:1: warning: user daemon is not supervised: limit and no_new_privs "
			    "statements for them have no effect"));
	assert_true(has_msg("pol:2: warning: user bin is not supervised: the grant has no effect"));
}

static void syntax_errors(void **state)
{
	char longline[POLICY_LINE_MAX + 10];

	(void)state;
	memset(longline, 'a', sizeof longline);
	longline[sizeof longline - 2] = '\n';
	longline[sizeof longline - 1] = '\0';
	policy_read_text(p, "pol", "superviser daemon\n", 18);
	policy_read_text(p, "pol", "supervise daemon\0\n", 18);
	policy_read_text(p, "pol", longline, strlen(longline));
	policy_read_text(p, "pol", "a b c d e f g h i\n", 18);
	assert_int_equal(policy_finish(p), 4);
	assert_true(has_msg("pol:1: unknown statement \"superviser\" (expected supervise, bind, limit, "
			    "no_new_privs or include)"));
	assert_true(has_msg("pol:1: NUL byte in line (expected text)"));
	assert_true(has_msg("pol:1: line too long (at most 1023 bytes)"));
	assert_true(has_msg("pol:1: too many words (at most 8)"));
}

static void all_errors_reported(void **state)
{
	(void)state;
	/* several errors on one line, and lines after an error still read */
	assert_int_equal(parse("bind wp-x tpc 0 on nowhere\nsupervise daemon\n"), 4);
	assert_non_null(policy_user_find(p, 1));
}

static void files_and_includes(void **state)
{
	char path[256], want[400];

	(void)state;
	tmp_make();
	p->allow_sticky = 1;
	write_file("main", "supervise daemon\ninclude sub\n", 0644);
	write_file("sub", "bind daemon tcp 80\ninclude nowhere\n", 0644);
	snprintf(path, sizeof path, "%s/policy.d", tmpdir);
	mkdir(path, 0755);
	write_file("policy.d/20-b.policy", "supervise bin\n", 0644);
	write_file("policy.d/10-a.policy", "supervise sys\nlimit bin nofile 10\n", 0644);
	write_file("policy.d/30-c.txt", "garbage\n", 0644);
	write_file("policy.d/40-d.policy", "supervise daemon\n", 0666);
	snprintf(path, sizeof path, "%s/main", tmpdir);
	snprintf(want, sizeof want, "%s/policy.d", tmpdir);
	policy_read_default(p, path, want);
	assert_int_equal(policy_finish(p), 2);
	assert_int_equal(p->nfiles, 4);   /* main, sub, 10-a, 20-b */
	assert_int_equal(p->nusers, 3);
	assert_int_equal(p->ngrants, 1);
	/* drop-ins in name order: sys (10-a) before bin (20-b) */
	assert_int_equal(p->users[1].uid, 3);
	assert_int_equal(p->users[2].uid, 2);
	assert_int_equal(p->users[2].nlimits, 1);
	snprintf(want, sizeof want, "%s/sub:1", tmpdir);
	assert_string_equal(p->grants[0].where, want);
	snprintf(want, sizeof want, "%s/nowhere:0: unable to open: No such file or directory", tmpdir);
	assert_true(has_msg(want));
	snprintf(want, sizeof want, "%s/policy.d/40-d.policy:0: unsafe or too big (expected a regular "
		 "file owned by root, not writable by group or others, at most 1 MiB)", tmpdir);
	assert_true(has_msg(want));
	/* include loops end at the depth limit */
	write_file("loop", "include loop\n", 0644);
	snprintf(path, sizeof path, "%s/loop", tmpdir);
	policy_free(p);
	p = policy_new();
	p->allow_sticky = 1;
	assert_int_equal(policy_read_file(p, path), 1);
	snprintf(want, sizeof want, "%s/loop:1: includes nested too deep (at most 8)", tmpdir);
	assert_true(has_msg(want));
	tmp_remove();
}

/* More drop-ins than the bound is an error that names it; none is left
 * out without a word. */
/* Every directory above a policy file must be root's and writable by root
 * alone, or someone else could swap the file; a sticky one (/tmp) only
 * when p->allow_sticky (privd -f). */
static void unsafe_dirs(void **state)
{
	static const char *const files[] = { "main", "open/pol", "grp/pol", "daemons/pol",
		"sticky/pol", "sticky/daemons/pol", "inc" };   /* inc: include open/pol */
	char path[256];
	size_t i;

	(void)state;
	tmp_make();
	p->allow_sticky = 1;
	tmp_dir("open", 0777, 0);
	tmp_dir("grp", 0775, 0);
	tmp_dir("daemons", 0755, 1);
	tmp_dir("sticky", 01777, 0);
	tmp_dir("sticky/daemons", 0755, 1);
	for (i = 0; i < sizeof files / sizeof files[0]; i++)
		write_file(files[i], "supervise daemon\n", 0644);
	write_file("inc", "include open/pol\n", 0644);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", tmpdir, files[i]);
		policy_read_file(p, path);
	}
	assert_int_equal(policy_finish(p), 5);
	snprintf(path, sizeof path, "unsafe directory %s/open: writable by group or others "
		 "(expected writable by its owner alone)", tmpdir);
	assert_true(has_file_msg("open/pol", path));
	snprintf(path, sizeof path, "unsafe directory %s/grp: writable by group or others "
		 "(expected writable by its owner alone)", tmpdir);
	assert_true(has_file_msg("grp/pol", path));
	snprintf(path, sizeof path, "unsafe directory %s/daemons: owned by uid 1 (expected root)",
		 tmpdir);
	assert_true(has_file_msg("daemons/pol", path));
	snprintf(path, sizeof path, "unsafe directory %s/sticky/daemons: owned by uid 1 "
		 "(expected root)", tmpdir);
	assert_true(has_file_msg("sticky/daemons/pol", path));
	/* strict: not even /tmp */
	policy_free(p);
	p = policy_new();
	snprintf(path, sizeof path, "%s/main", tmpdir);
	assert_int_equal(policy_read_file(p, path), 1);
	assert_true(has_file_msg("main", "unsafe directory /tmp: writable by group or others "
				 "(expected writable by its owner alone)"));
	tmp_remove();
}

static void dropin_bound(void **state)
{
	char path[256], want[400];
	int i;

	(void)state;
	tmp_make();
	p->allow_sticky = 1;
	snprintf(path, sizeof path, "%s/policy.d", tmpdir);
	mkdir(path, 0755);
	write_file("main", "supervise daemon\n", 0644);
	for (i = 0; i <= POLICY_MAX_DROPINS; i++) {
		snprintf(path, sizeof path, "policy.d/%05d.policy", i);
		write_file(path, "# nothing\n", 0644);
	}
	snprintf(path, sizeof path, "%s/main", tmpdir);
	snprintf(want, sizeof want, "%s/policy.d", tmpdir);
	policy_read_default(p, path, want);
	assert_int_equal(policy_finish(p), 1);
	snprintf(want, sizeof want, "%s/policy.d:0: too many drop-ins: %d files *.policy "
		 "(at most %d)", tmpdir, POLICY_MAX_DROPINS + 1, POLICY_MAX_DROPINS);
	assert_true(has_msg(want));
	/* a drop-in directory that is there but cannot be read is an error too */
	policy_free(p);
	p = policy_new();
	p->allow_sticky = 1;
	policy_read_default(p, path, path);
	assert_int_equal(policy_finish(p), 1);
	snprintf(want, sizeof want, "%s:0: unable to open: Not a directory", path);
	assert_true(has_msg(want));
	tmp_remove();
}

static void bounds(void **state)
{
	static char text[(POLICY_MAX_GRANTS + 2) * 32];
	char want[100];
	size_t n = 0;
	int i;

	(void)state;
	n += (size_t)sprintf(text + n, "supervise daemon\n");
	for (i = 0; i <= POLICY_MAX_GRANTS; i++)
		n += (size_t)sprintf(text + n, "bind daemon tcp %d\n", i + 1);
	assert_int_equal(parse(text), 1);
	assert_int_equal(p->ngrants, POLICY_MAX_GRANTS);
	snprintf(want, sizeof want, "pol:%d: too many grants (at most %d)", POLICY_MAX_GRANTS + 2,
		 POLICY_MAX_GRANTS);
	assert_true(has_msg(want));
}

/* The bound on users, lowered to 2: every statement naming a third user
 * fails and says which; the two named keep their settings. */
static void user_bound(void **state)
{
	(void)state;
	p->max_users = 2;
	assert_int_equal(parse("supervise daemon\n"
			       "supervise sys\n"
			       "limit sync nofile 5\n"
			       "supervise daemon\n"
			       "supervise bin\n"
			       "limit daemon nofile 7\n"), 2);
	assert_int_equal(p->nusers, 2);
	assert_true(has_msg("pol:3: too many users: no room for \"sync\" (a policy names at most 2 users)"));
	assert_true(has_msg("pol:5: too many users: no room for \"bin\" (a policy names at most 2 users)"));
	assert_null(policy_user_find(p, 2));
	assert_null(policy_user_find(p, 4));
	assert_true(policy_user_find(p, 3)->supervised);
	assert_int_equal(policy_user_find(p, 1)->limits[0].value, 7);
}

static void group_subjects(void **state)
{
	(void)state;
	/* limit and no_new_privs by group, by name and by number */
	assert_int_equal(parse("supervise :sys\nlimit :sys nofile 5\nno_new_privs :3 off\n"), 0);
	assert_int_equal(policy_user_find(p, 3)->nlimits, 1);
	assert_int_equal(policy_user_find(p, 3)->limits[0].value, 5);
	assert_int_equal(policy_user_find(p, 3)->no_new_privs, 0);
}

static void message_cap(void **state)
{
	char text[POLICY_MAX_MSGS * 4 + 40];
	int i;

	(void)state;
	text[0] = '\0';
	for (i = 0; i < POLICY_MAX_MSGS + 10; i++)
		strcat(text, "x\n");
	assert_int_equal(parse(text), POLICY_MAX_MSGS + 10);
	assert_int_equal(p->nmsgs, POLICY_MAX_MSGS);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
int main(void)
{
	const struct CMUnitTest tests[] = {
		T(supervise), T(supervise_errors), T(empty_group_warns), T(bind_grants), T(bind_errors),
		T(overlaps), T(wildcard_overlaps), T(overlap_long_names),
		T(group_grant_is_shared), T(unprivileged_ports_warn), T(group_dir_warns), T(limits), T(limit_errors),
		T(cg_limits), T(cg_limit_errors),
		T(no_new_privs), T(unsupervised_warns), T(syntax_errors), T(all_errors_reported),
		T(files_and_includes), T(unsafe_dirs), T(dropin_bound), T(bounds), T(user_bound), T(group_subjects), T(message_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
