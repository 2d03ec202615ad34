/* chpst: runs a program with a changed process state, as runit's chpst.
 * Called as envdir, envuidgid, pgrphack, setlock, setuidgid or softlimit it
 * takes the options of that daemontools program instead.
 *
 * Steps run in runit's order: look users up (before any chroot), envdir,
 * chroot, nice, $UID/$GID, switch user, lock (as the new user, inside the
 * new root), close fds, new session, limits, exec. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "creds.h"
#include "envdir.h"
#include "err.h"

#define USAGE_CHPST "chpst [-vVP012] [-u user[:group]] [-U user[:group]] [-b argv0] " \
	"[-e dir] [-/ root] [-n nice] [-l|-L lock] [-m n] [-d n] [-o n] [-p n] [-f n] " \
	"[-c n] [-t n] prog"

/* What the command line asked for; applied by run_steps. */
struct chpst {
	const char *prog;          /* name we were called by, for usage */
	const char *usage;
	const char *user;          /* -u */
	const char *envuser;       /* -U */
	int user_byname;           /* setuidgid/envuidgid: an account name only */
	const char *argv0;         /* -b */
	const char *envdir;        /* -e */
	const char *root;          /* -/ */
	int nice_set;
	long nice_inc;             /* -n */
	const char *lock;          /* -l, -L */
	int lock_wait;             /* -l: wait; -L: fail at once */
	int lock_quiet;            /* setlock -x: exit 0 if no lock */
	int verbose, pgrp, close_fd[3];
	int lim_set[RLIM_NLIMITS];
	rlim_t lim[RLIM_NLIMITS];
};

static void usage(const struct chpst *o)
{
	fprintf(stderr, "usage: %s\n\n", o->usage);
	exit(EXIT_USAGE);
}

static void set_limit(struct chpst *o, int resource, const char *arg, int allow_hard)
{
	unsigned long v;

	if (allow_hard && !strcmp(arg, "=")) {
		o->lim[resource] = RLIM_INFINITY;  /* capped at the hard limit */
	} else if (creds_number(arg, &v) == 0) {
		o->lim[resource] = (rlim_t)v;
	} else {
		usage(o);
	}
	o->lim_set[resource] = 1;
}

/* -m and softlimit's -m: data, stack, locked memory and address space. */
static void set_mem(struct chpst *o, const char *arg, int allow_hard)
{
	set_limit(o, RLIMIT_DATA, arg, allow_hard);
	set_limit(o, RLIMIT_STACK, arg, allow_hard);
	set_limit(o, RLIMIT_MEMLOCK, arg, allow_hard);
	set_limit(o, RLIMIT_AS, arg, allow_hard);
}

static void set_nice(struct chpst *o, const char *arg)
{
	char *end;

	errno = 0;
	o->nice_inc = strtol(arg, &end, 10);
	if (errno || end == arg || *end || o->nice_inc < INT_MIN || o->nice_inc > INT_MAX)
		usage(o);
	o->nice_set = 1;
}

/* getopt with runit's messages ("illegal option -- x"); returns -1 at the
 * first non-option. */
static int next_opt(struct chpst *o, int argc, char **argv, const char *opts)
{
	int c = getopt(argc, argv, opts);

	if (c == '?') {
		fprintf(stderr, "%s: illegal option -- %c\n", o->prog, optopt);
		usage(o);
	}
	if (c == ':') {
		fprintf(stderr, "%s: option requires an argument -- %c\n", o->prog, optopt);
		usage(o);
	}
	return c;
}

static void parse_chpst(struct chpst *o, int argc, char **argv)
{
	int c;

	o->usage = USAGE_CHPST;
	while ((c = next_opt(o, argc, argv, "+:u:U:b:e:/:n:l:L:m:d:o:p:f:c:t:vVP012")) != -1) {
		switch (c) {
		case 'u': o->user = optarg; break;
		case 'U': o->envuser = optarg; break;
		case 'b': o->argv0 = optarg; break;
		case 'e': o->envdir = optarg; break;
		case '/': o->root = optarg; break;
		case 'n': set_nice(o, optarg); break;
		case 'l': o->lock = optarg; o->lock_wait = 1; break;
		case 'L': o->lock = optarg; o->lock_wait = 0; break;
		case 'm': set_mem(o, optarg, 0); break;
		case 'd': set_limit(o, RLIMIT_DATA, optarg, 0); break;
		case 'o': set_limit(o, RLIMIT_NOFILE, optarg, 0); break;
		case 'p': set_limit(o, RLIMIT_NPROC, optarg, 0); break;
		case 'f': set_limit(o, RLIMIT_FSIZE, optarg, 0); break;
		case 'c': set_limit(o, RLIMIT_CORE, optarg, 0); break;
		case 't': set_limit(o, RLIMIT_CPU, optarg, 0); break;
		case 'v': o->verbose = 1; break;
		case 'V': err_version(stderr, "chpst"); usage(o); break;
		case 'P': o->pgrp = 1; break;
		case '0': case '1': case '2': o->close_fd[c - '0'] = 1; break;
		}
	}
}

static void parse_softlimit(struct chpst *o, int argc, char **argv)
{
	static const char letters[] = "acdflmoprst";
	static const int res[] = { RLIMIT_AS, RLIMIT_CORE, RLIMIT_DATA, RLIMIT_FSIZE,
				   RLIMIT_MEMLOCK, -1, RLIMIT_NOFILE, RLIMIT_NPROC,
				   RLIMIT_RSS, RLIMIT_STACK, RLIMIT_CPU };
	int c;

	o->usage = "softlimit [-a allbytes] [-c corebytes] [-d databytes] [-f filebytes] "
		   "[-l lockbytes] [-m membytes] [-o openfiles] [-p processes] "
		   "[-r residentbytes] [-s stackbytes] [-t cpusecs] child";
	while ((c = next_opt(o, argc, argv, "+:a:c:d:f:l:m:o:p:r:s:t:")) != -1) {
		int r = res[strchr(letters, c) - letters];

		if (r < 0)
			set_mem(o, optarg, 1);
		else
			set_limit(o, r, optarg, 1);
	}
}

static void parse_setlock(struct chpst *o, int argc, char **argv)
{
	int c;

	/* runit's setlock has daemontools' -n and -N the other way round:
	 * by default it does not wait, -n waits.  Scripts written for runit
	 * rely on that, so ward does the same (see setlock.8). */
	o->usage = "setlock [ -nNxX ] file program [ arg ... ]";
	o->lock_wait = 0;
	while ((c = next_opt(o, argc, argv, "+:nNxX")) != -1) {
		switch (c) {
		case 'n': o->lock_wait = 1; break;
		case 'N': o->lock_wait = 0; break;
		case 'x': o->lock_quiet = 1; break;
		case 'X': o->lock_quiet = 0; break;
		}
	}
	if (optind >= argc)
		usage(o);
	o->lock = argv[optind++];
}

/* The daemontools personalities that take one fixed argument before prog. */
static void parse_fixed(struct chpst *o, int argc, char **argv)
{
	if (next_opt(o, argc, argv, "+:") != -1)
		usage(o);
	if (!strcmp(o->prog, "pgrphack")) {
		o->usage = "pgrphack child";
		o->pgrp = 1;
		return;
	}
	if (!strcmp(o->prog, "envdir"))
		o->usage = "envdir dir child";
	else if (!strcmp(o->prog, "envuidgid"))
		o->usage = "envuidgid account child";
	else
		o->usage = "setuidgid account child";
	if (optind >= argc)
		usage(o);
	if (!strcmp(o->prog, "envdir"))
		o->envdir = argv[optind];
	else if (!strcmp(o->prog, "envuidgid"))
		o->envuser = argv[optind];
	else
		o->user = argv[optind];
	o->user_byname = 1;
	optind++;
}

static void parse(struct chpst *o, int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');

	o->prog = slash ? slash + 1 : argv[0];
	if (!strcmp(o->prog, "softlimit"))
		parse_softlimit(o, argc, argv);
	else if (!strcmp(o->prog, "setlock"))
		parse_setlock(o, argc, argv);
	else if (!strcmp(o->prog, "envdir") || !strcmp(o->prog, "envuidgid") ||
		 !strcmp(o->prog, "pgrphack") || !strcmp(o->prog, "setuidgid"))
		parse_fixed(o, argc, argv);
	else
		parse_chpst(o, argc, argv);
	if (optind >= argc)
		usage(o);
}

/* ":uid:gid[:gid...]": numbers, no lookup; at least one gid, no empty field. */
static int ids_numeric(const char *spec, struct creds *c)
{
	char buf[1024], *field, *save = NULL;
	unsigned long v;
	int n = 0;

	if (strlen(spec) >= sizeof buf)
		return -1;
	strcpy(buf, spec);
	if (strstr(buf, "::") || buf[strlen(buf) - 1] == ':')
		return -1;
	memset(c, 0, sizeof *c);
	for (field = strtok_r(buf, ":", &save); field; field = strtok_r(NULL, ":", &save), n++) {
		if (creds_number(field, &v) < 0 || v >= 0xffffffffUL)
			return -1;
		if (n == 0)
			c->uid = (uid_t)v;
		else if (n - 1 < CREDS_MAXGROUPS)
			c->groups[c->ngroups++] = (gid_t)v;
		else
			return -1;
	}
	if (c->ngroups < 1)
		return -1;
	c->gid = c->groups[0];
	return 0;
}

/* "user[:group...]": looked up by name; without groups, the user's own
 * group only (runit drops all other supplementary groups). */
static int ids_named(const char *spec, struct creds *c, int byname_only)
{
	char buf[1024], *user, *group, *save = NULL;
	char err[256];

	if (strlen(spec) >= sizeof buf)
		return -1;
	strcpy(buf, spec);
	if (byname_only && strchr(buf, ':'))
		return -1;
	if (strstr(buf, "::") || buf[strlen(buf) - 1] == ':')
		return -1;
	user = strtok_r(buf, ":", &save);
	if (!user || creds_user_name(user, c, err, sizeof err) < 0)
		return -1;
	c->ngroups = 0;
	while ((group = strtok_r(NULL, ":", &save))) {
		if (c->ngroups >= CREDS_MAXGROUPS ||
		    creds_group_name(group, &c->groups[c->ngroups], err, sizeof err) < 0)
			return -1;
		c->ngroups++;
	}
	if (c->ngroups == 0)
		c->groups[c->ngroups++] = c->gid;
	c->gid = c->groups[0];
	return 0;
}

static void lookup_ids(const struct chpst *o, const char *spec, struct creds *c)
{
	if (spec[0] == ':') {
		if (ids_numeric(spec + 1, c) < 0)
			err_fatal(EXIT_TEMP, "invalid uid/gids: %s", spec + 1);
		return;
	}
	if (ids_named(spec, c, o->user_byname) == 0)
		return;
	if (o->user_byname)
		err_fatal(EXIT_TEMP, "unknown account: %s", spec);
	err_fatal(EXIT_TEMP, "unknown user/group: %s", spec);
}

static void set_env_ids(const struct creds *c)
{
	char num[32];

	snprintf(num, sizeof num, "%u", (unsigned)c->uid);
	if (setenv("UID", num, 1) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to set UID");
	snprintf(num, sizeof num, "%u", (unsigned)c->gid);
	if (setenv("GID", num, 1) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to set GID");
}

static void take_lock(const struct chpst *o)
{
	int fd;

	/* no O_CLOEXEC: the program keeps the lock until it exits */
	fd = open(o->lock, O_WRONLY | O_CREAT | O_APPEND | O_NONBLOCK, 0600);
	if (fd < 0) {
		if (o->lock_quiet)
			exit(0);
		err_fatal_sys(EXIT_TEMP, "unable to open lock: %s", o->lock);
	}
	while (flock(fd, LOCK_EX | (o->lock_wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR)
			continue;
		if (o->lock_quiet)
			exit(0);
		err_fatal_sys(EXIT_TEMP, "unable to lock: %s", o->lock);
	}
}

static void close_std(const struct chpst *o)
{
	static const char *names[] = { "stdin", "stdout", "stderr" };
	int i;

	for (i = 0; i < 3; i++)
		if (o->close_fd[i] && close(i) < 0 && errno != EBADF)
			err_fatal_sys(EXIT_TEMP, "unable to close %s", names[i]);
}

static void apply_limits(const struct chpst *o)
{
	int r;

	for (r = 0; r < RLIM_NLIMITS; r++) {
		if (!o->lim_set[r] || limit_soft(r, o->lim[r]) == 0)
			continue;
		if (errno == EINVAL && o->verbose)
			err_warn("system does not support %s limit", limit_name(r) ? limit_name(r) : "a");
		else if (errno != EINVAL)
			err_fatal_sys(EXIT_TEMP, "unable to set %s limit",
				      limit_name(r) ? limit_name(r) : "a");
	}
}

/* runit's envdir stops at a directory inside DIR; its chpst -e skips it */
static enum envdir_subdir envdir_subdirs(const struct chpst *o)
{
	if (!strcmp(o->prog, "envdir"))
		return ENVDIR_FAIL;
	return o->verbose ? ENVDIR_SKIP_WARN : ENVDIR_SKIP;
}

static void run_steps(const struct chpst *o, char **argv)
{
	struct creds user, envuser;
	char err[512];

	if (o->user)
		lookup_ids(o, o->user, &user);
	if (o->envuser)
		lookup_ids(o, o->envuser, &envuser);
	if (o->envdir && envdir_apply(o->envdir, envdir_subdirs(o), err, sizeof err) < 0)
		err_fatal(EXIT_TEMP, "%s", err);
	if (o->root) {
		if (chdir(o->root) < 0)
			err_fatal_sys(EXIT_TEMP, "unable to change directory: %s", o->root);
		if (chroot(".") < 0)
			err_fatal_sys(EXIT_TEMP, "unable to change root directory");
	}
	errno = 0;
	if (o->nice_set && nice((int)o->nice_inc) == -1 && errno)
		err_fatal_sys(EXIT_TEMP, "unable to set nice level");
	if (o->envuser)
		set_env_ids(&envuser);
	if (o->user && creds_switch(&user) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to set uid/gid to %s", o->user);
	if (o->lock)
		take_lock(o);
	close_std(o);
	if (o->pgrp && setsid() < 0)
		setpgid(0, 0);
	apply_limits(o);
	if (o->argv0)
		argv[0] = (char *)o->argv0;
}

int main(int argc, char **argv)
{
	static struct chpst o;
	const char *file;

	/* Debian's runit names itself "chpst" in every personality's messages */
	err_prog = "chpst";
	if (argc < 1)
		return EXIT_USAGE;
	parse(&o, argc, argv);
	argv += optind;
	file = argv[0];
	run_steps(&o, argv);
	execvp(file, argv);
	err_fatal_sys(EXIT_TEMP, "unable to run: %s", file);
}
