/* sv: report and control services supervised by runsv, as runit's sv(8).
 *
 * For each service sv changes into its directory (a name is looked up in
 * $SVDIR, a path is taken as it is), reads supervise/status (and ward's
 * supervise/ward), writes the command's bytes to supervise/control, and, when
 * told to wait, polls until the command took effect or the time is up.
 * Run by root in a directory of another user's, it does all that as that
 * user (act_as), and runs the user's ./check as the user (check_child).
 * Messages and exit codes are runit's; see docs/man/sv.8 for where and why
 * ward differs.  What the command line means and how a status line reads is
 * in userd/lib/svcmd.c.  */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "status.h"
#include "cgjson.h"
#include "svcmd.h"
#include "template.h"

#define POLL_NS 100000000L  /* 0.1 s between checks while waiting */

extern char **environ;

static struct svcmd cmd;
static char svdir[4096];
static const char *cur;          /* the service being worked on */
static int islog;                /* ... or rather its log */
static unsigned rc;              /* services that failed */
static int curdir = -1;
static int away;                 /* the cwd is not curdir */
static struct timespec tstart, tnow;
static char lasterr[256];        /* the last message, for -j */
static uid_t dir_owner;          /* the owner of the service (or log) directory */
static char inst_dir[4096 + 64]; /* an instance's own directory (template.h) */
static char cur_template[256];   /* ... and its template, "" if not one */
static char cur_arg[TMPL_ARG_MAX + 1]; /* ... and its ARG */

static void finish(int code)
{
	fflush(stdout);
	exit(code);
}

/* before anything goes to stderr: what went to stdout comes first */
static void stderr_ahead(void)
{
	fflush(stdout);
}

static void fatal(const char *msg)
{
	stderr_ahead();
	fprintf(stderr, "fatal: %s: %s\n", msg, svcmd_errstr(errno));
	finish(cmd.lsb ? SVCMD_EXIT_LSB_FATAL : SVCMD_EXIT_FATAL);
}

/* "PREFIXNAME[/log]: MSG[: error]" on stdout, or kept for the JSON object */
static void out(const char *prefix, const char *msg, int errnum)
{
	if (errnum)
		snprintf(lasterr, sizeof lasterr, "%s: %s", msg, svcmd_errstr(errnum));
	else
		snprintf(lasterr, sizeof lasterr, "%s", msg);
	if (cmd.json)
		return;
	printf("%s%s%s: %s\n", prefix, cur, islog ? "/log" : "", lasterr);
}

static void fail(const char *msg, int errnum)
{
	rc++;
	out("fail: ", msg, errnum);
}

static void warn(const char *msg, int errnum)
{
	rc++;
	out("warning: ", msg, errnum);
}

/* runit's warnings about ./check and ./down go to stderr, unprefixed */
static void warn_file(const char *what, const char *file, int errnum)
{
	stderr_ahead();
	fprintf(stderr, "warning: %s%s%s/%s: %s\n", what, cur, islog ? "/log" : "", file,
		svcmd_errstr(errnum));
}

/* Root's sv acts as the owner of each directory it works in, as far as
 * files go: setfsuid, setfsgid and setgroups, which root can undo for the
 * next service (setuid cannot be undone), so one sv serves services of
 * several owners without a fork each.  ./check runs as the owner outright
 * (check_child).  The owner's gid and groups come from /etc/passwd and
 * /etc/group (svcmd_passwd_line): sv is linked static, without NSS. */
struct known {                   /* an owner looked up, or why not */
	struct svowner o;
	int err;
};
static int as_root;              /* sv runs as root */
static uid_t acting;             /* whose file access sv has, when as_root */
static struct svowner acting_owner;  /* ... and groups, if not root's */
static gid_t root_gid, *root_groups;
static int root_ngroups;
static struct known *known;
static int nknown;
static char dir_why[128];        /* why sv may not act in the directory it entered */

static void roots_groups(void)
{
	as_root = geteuid() == 0;
	if (!as_root)
		return;
	root_gid = getegid();
	root_ngroups = getgroups(0, NULL);
	if (root_ngroups > 0 && !(root_groups = calloc((size_t)root_ngroups, sizeof(gid_t))))
		fatal("unable to allocate memory");
	if (root_ngroups < 0 || getgroups(root_ngroups, root_groups) != root_ngroups)
		fatal("unable to get groups");
}

static void to_root(void)
{
	if (acting == 0)
		return;
	setfsuid(0);
	setfsgid(root_gid);
	if (setfsuid((uid_t)-1) != 0 || setgroups((size_t)root_ngroups, root_groups) < 0)
		fatal("unable to act as root again");
	acting = 0;
}

/* the lines of FILE through line_fn until it returns non-zero; that value,
 * 0 at the end, or -1 with errno if FILE cannot be opened */
static int each_line(const char *file, int (*line_fn)(const char *, struct svowner *),
		     struct svowner *o)
{
	char *line = NULL;
	size_t cap = 0;
	int r = 0;
	FILE *f = fopen(file, "re");

	if (!f)
		return -1;
	while (r == 0 && getline(&line, &cap, f) > 0)
		r = line_fn(line, o);
	free(line);
	fclose(f);
	return r;
}

static unsigned passwd_uid;      /* the uid passwd_line looks for */

static int passwd_line(const char *line, struct svowner *o)
{
	return svcmd_passwd_line(line, passwd_uid, o);
}

/* 0, or an errno value: ENOENT if uid is not in /etc/passwd */
static int owner_read(unsigned uid, struct svowner *o)
{
	int r;

	memset(o, 0, sizeof *o);
	passwd_uid = uid;
	r = each_line("/etc/passwd", passwd_line, o);
	if (r <= 0)
		return r < 0 ? errno : ENOENT;
	r = each_line("/etc/group", svcmd_group_line, o);
	return r < 0 ? errno : 0;
}

/* the owner of uid, looked up once */
static const struct known *owner_of(uid_t uid)
{
	struct known *k;
	int i;

	for (i = 0; i < nknown; i++)
		if (known[i].o.uid == uid)
			return &known[i];
	k = realloc(known, (size_t)(nknown + 1) * sizeof *known);
	if (!k)
		fatal("unable to allocate memory");
	known = k;
	k = &known[nknown++];
	k->err = owner_read((unsigned)uid, &k->o);
	k->o.uid = (unsigned)uid;
	return k;
}

static void owner_groups(const struct svowner *o, gid_t *g)
{
	int i;

	for (i = 0; i < o->ngroups; i++)
		g[i] = (gid_t)o->groups[i];
}

static void act_failed(uid_t uid, int e)
{
	if (e == ENOENT)
		snprintf(dir_why, sizeof dir_why,
			 "unable to act as the owner: uid %u is not in /etc/passwd", (unsigned)uid);
	else if (e == E2BIG)
		snprintf(dir_why, sizeof dir_why,
			 "unable to act as the owner: uid %u has more than %d groups", (unsigned)uid,
			 SVOWNER_GROUPS);
	else
		snprintf(dir_why, sizeof dir_why, "unable to act as the owner, uid %u: %s",
			 (unsigned)uid, svcmd_errstr(e));
}

/* file access as uid from here on (see above) */
static int act_as(uid_t uid)
{
	gid_t g[SVOWNER_GROUPS];
	const struct known *k;

	if (!as_root || uid == acting)
		return 0;
	to_root();
	if (uid == 0)
		return 0;
	k = owner_of(uid);
	if (k->err) {
		act_failed(uid, k->err);
		return -1;
	}
	owner_groups(&k->o, g);
	if (setgroups((size_t)k->o.ngroups, g) < 0) {
		act_failed(uid, errno);
		to_root();
		return -1;
	}
	setfsgid((gid_t)k->o.gid);
	setfsuid(uid);
	acting = uid;
	acting_owner = k->o;
	if ((uid_t)setfsuid((uid_t)-1) != uid || (gid_t)setfsgid((gid_t)-1) != (gid_t)k->o.gid) {
		act_failed(uid, EPERM);
		to_root();
		return -1;
	}
	return 0;
}

/* In a directory just entered: whose it is (fifo_ok), and as root, act as
 * its owner.  A log directory is done as its service was, unless that was
 * as root: never from a user back to root.  -1 with errno, or with dir_why
 * set if sv may not act there. */
static int own_dir(int service)
{
	struct stat s;

	dir_why[0] = '\0';
	/* only fifo_ok, for a command to send, needs the owner from other users */
	if (!as_root && !cmd.send)
		return 0;
	if (stat(".", &s) < 0)
		return -1;
	dir_owner = s.st_uid;
	if (!service && acting != 0)
		return 0;
	return act_as(dir_owner);
}

/* the message for a directory sv could not enter, or not act in */
static void dir_refused(void (*say)(const char *, int), const char *msg, int errnum)
{
	if (dir_why[0])
		say(dir_why, 0);
	else
		say(msg, errnum);
}

/* chdir(to), from where sv started if to is relative */
static int go_to(const char *to)
{
	if (to[0] != '/' && away && fchdir(curdir) < 0) {
		if (acting == 0)
			fatal("unable to change to original directory");
		return -1;
	}
	away = 1;
	return chdir(to);
}

/* NAME@ARG, an instance of a template: the directory it runs in, where
 * its supervise/ is; cur_template names the template */
static const char *instance_dir(const char *to)
{
	const char *base = strrchr(to, '/');
	size_t at;

	cur_template[0] = '\0';
	base = base ? base + 1 : to;
	if (tmpl_instance(to, 0, inst_dir, sizeof inst_dir, NULL, 0) != 1 ||
	    tmpl_split(base, &at, NULL, 0) != 1)
		return to;
	snprintf(cur_template, sizeof cur_template, "%.*s", (int)at + 1, base);
	snprintf(cur_arg, sizeof cur_arg, "%s", base + at + 1);
	return inst_dir;
}

/* Into a service's directory: a name is looked up in $SVDIR, in one chdir.
 * sv goes back to where it started only before a relative path, so a list
 * of absolute ones costs one chdir each (runit's sv: two).
 * Root's sv looks the path up as the owner it acted as last, to spare two
 * switches a service over one user's services: a lookup that succeeds
 * reaches the same directory whoever makes it (permissions only make one
 * fail), and one that fails is made again as root. */
static int enter(const char *name)
{
	char path[sizeof svdir + 4096];
	const char *to = name;
	int r;

	if (svcmd_is_name(name)) {
		if (snprintf(path, sizeof path, "%s/%s", svdir, name) >= (int)sizeof path) {
			errno = ENAMETOOLONG;
			return -1;
		}
		to = path;
	}
	to = instance_dir(to);
	dir_why[0] = '\0';
	r = go_to(to);
	if (r < 0 && acting != 0) {
		to_root();
		r = go_to(to);
	}
	return r < 0 ? -1 : own_dir(1);
}

/* The files sv reads for a status are closed in batches (close_range), not
 * one by one: three close(2) a service were a fifth of its system calls.
 * Only fds above fd_keep are held, at most FD_BATCH of them. */
#define FD_BATCH 32
static int fd_keep;              /* the highest fd sv keeps: curdir */
static int fd_high;              /* the highest fd held, fd_keep if none */

static void fds_release(void)
{
	int fd;

	if (fd_high <= fd_keep)
		return;
	if (close_range((unsigned)fd_keep + 1, (unsigned)fd_high, 0) < 0)
		for (fd = fd_keep + 1; fd <= fd_high; fd++)
			close(fd);
	fd_high = fd_keep;
}

static void fd_done(int fd)
{
	if (fd <= fd_keep) {
		close(fd);  /* below: a standard fd was closed when sv started */
		return;
	}
	if (fd > fd_high)
		fd_high = fd;
	if (fd_high - fd_keep >= FD_BATCH)
		fds_release();
}

/* A file in supervise/, never through a symbolic link of its own (supervise
 * itself may be one, as Debian's runit makes it): runsv makes none, and
 * one there points sv at a file that is not runsv's. */
static int open_file(const char *path, int flags)
{
	int fd = open(path, flags | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 && errno == EMFILE && fd_high > fd_keep) {
		fds_release();
		fd = open(path, flags | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	}
	return fd;
}

/* "warning: NAME: unable to open FILE: why", saying so when FILE is a link */
static void open_failed(const char *file, int errnum)
{
	char msg[128];
	struct stat s;

	if (errnum == ELOOP && lstat(file, &s) == 0 && S_ISLNK(s.st_mode)) {
		snprintf(msg, sizeof msg, "unable to open %s: a symbolic link, not followed", file);
		warn(msg, 0);
		return;
	}
	snprintf(msg, sizeof msg, "unable to open %s", file);
	warn(msg, errnum);
}

/* supervise/ok and supervise/control must be FIFOs (a file hard-linked
 * there would be written to) and belong to the directory's owner: a user's
 * service whose supervise leads to another's FIFOs is not that other
 * service.  In a directory of root's, root chose them: runit's FAQ has
 * root give them to the user allowed to control the service. */
static int fifo_ok(int fd, const char *file)
{
	char msg[160];
	struct stat s;

	if (fstat(fd, &s) < 0) {
		snprintf(msg, sizeof msg, "unable to stat %s", file);
		warn(msg, errno);
		return 0;
	}
	if (!S_ISFIFO(s.st_mode)) {
		snprintf(msg, sizeof msg, "%s is not a FIFO", file);
		warn(msg, 0);
		return 0;
	}
	if (dir_owner != 0 && s.st_uid != dir_owner) {
		snprintf(msg, sizeof msg, "%s belongs to uid %u, not to the service's owner (uid %u)",
			 file, (unsigned)s.st_uid, (unsigned)dir_owner);
		warn(msg, 0);
		return 0;
	}
	return 1;
}

/* One read: the files read here are small and replaced whole by rename,
 * so a short count is their end (no second read to see the end of file). */
static ssize_t read_once(int fd, unsigned char *buf, size_t size)
{
	ssize_t r;

	do
		r = read(fd, buf, size);
	while (r < 0 && errno == EINTR);
	return r;
}

/* whether anything sv shows depends on supervise/ward: a status line only
 * shows readiness, the STATUS= text and a backoff (JSON shows the starts) */
static int extra_shown(const struct svextra *x)
{
	return cmd.json || !svextra_quiet(x);
}

/* supervise/ward counts only if it decodes and its runsv is alive: a file
 * left behind by another supervisor must not dress up runit's status. */
static void read_extra(struct svview *v)
{
	unsigned char buf[SVEXTRA_SIZE + 1];
	ssize_t n;
	int fd;

	/* a status line needs it only when runsv marked it whole (status.h) */
	if (!cmd.json && !svstatus_marked(&v->st))
		return;
	fd = open_file("supervise/ward", O_RDONLY);
	if (fd < 0)
		return;
	n = read_once(fd, buf, sizeof buf);
	fd_done(fd);
	if (n < 0)
		return;
	if (svextra_decode(buf, (size_t)n, &v->x) < 0) {
		stderr_ahead();
		fprintf(stderr, "warning: %s%s: ignoring supervise/ward: bad format\n", cur,
			islog ? "/log" : "");
		return;
	}
	if (!extra_shown(&v->x))
		return;  /* the same output either way: spare the check */
	if (v->x.runsv_pid > 0 && (kill(v->x.runsv_pid, 0) == 0 || errno == EPERM))
		v->have_extra = 1;
}

static int read_status(struct svview *v)
{
	unsigned char buf[SVSTATUS_SIZE + 1];
	ssize_t n;
	int fd, e;

	fd = open_file("supervise/status", O_RDONLY);
	if (fd < 0) {
		open_failed("supervise/status", errno);
		return -1;
	}
	n = read_once(fd, buf, sizeof buf);
	e = errno;
	fd_done(fd);
	if (n < 0) {
		warn("unable to read supervise/status", e);
		return -1;
	}
	if (svstatus_decode(buf, (size_t)n, &v->st) < 0) {
		warn("unable to read supervise/status: bad format", 0);
		return -1;
	}
	return 1;
}

/* runit's svstatus_get: 1 read, 0 runsv not running, -1 error (counted) */
static int read_view(struct svview *v)
{
	struct stat s;
	int fd;

	memset(v, 0, sizeof *v);
	fd = open_file("supervise/ok", O_WRONLY);
	if (fd < 0 && errno == ENXIO) {
		if (cmd.acts[0] == 'x')
			out("ok: ", "runsv not running", 0);
		else
			fail("runsv not running", 0);
		return 0;
	}
	if (fd < 0) {
		open_failed("supervise/ok", errno);
		return -1;
	}
	/* only what sv writes to must be runsv's; ok is opened, not written */
	if (cmd.send && !fifo_ok(fd, "supervise/ok")) {
		fd_done(fd);
		return -1;
	}
	fd_done(fd);
	if (read_status(v) < 0)
		return -1;
	v->normally_up = stat("down", &s) < 0;
	if (v->normally_up && errno != ENOENT)
		warn_file("unable to stat ", "down", errno);
	read_extra(v);
	return 1;
}

static void print_status(const char *prefix, const char *name, const struct svview *v,
			 const char *end)
{
	struct svbuf b = { 0 };

	svbuf_add(&b, prefix);
	svcmd_fmt_status(&b, name, v, &tnow);
	svbuf_add(&b, end);
	if (!b.failed)
		fputs(b.p, stdout);
	svbuf_free(&b);
}

static void status_log(void)
{
	struct svview v;

	islog = 1;
	dir_why[0] = '\0';
	if (chdir("log") < 0 || own_dir(0) < 0) {
		if (errno == ENOENT && !dir_why[0]) {
			fputs("\n", stdout);
		} else {
			fputs("; ", stdout);
			dir_refused(warn, "unable to change directory", errno);
		}
	} else {
		fputs("; ", stdout);
		if (read_view(&v) > 0)
			print_status("", "log", &v, "\n");
	}
	islog = 0;
}

/* Unlike runit's sv, an LSB status exits by the service's own state, not its
 * log's (see sv.8). */
static void status(void)
{
	struct svview v;
	int r;

	r = read_view(&v);
	if (r < 0 && cmd.lsb)
		finish(4);
	if (r <= 0)
		return;
	print_status("", cur, &v, "");
	status_log();
	if (cmd.lsb)
		finish(v.st.pid ? 0 : 3);
}

static void json_error(struct svbuf *b)
{
	svbuf_add(b, "\"state\":\"unknown\",\"error\":");
	svbuf_quote(b, lasterr, strlen(lasterr), 1);
}

static void json_log(struct svbuf *b)
{
	struct svview v;
	int r = -1;

	islog = 1;
	svbuf_add(b, ",\"log\":");
	dir_why[0] = '\0';
	if (chdir("log") < 0 || own_dir(0) < 0) {
		if (errno == ENOENT && !dir_why[0]) {
			svbuf_add(b, "null");
			islog = 0;
			return;
		}
		dir_refused(warn, "unable to change directory", errno);
	} else {
		r = read_view(&v);
	}
	svbuf_add(b, "{");
	if (r > 0) {
		svcmd_fmt_json(b, &v, &tnow);
		cgjson_add(b, v.have_extra);
	} else {
		json_error(b);
	}
	svbuf_add(b, "}");
	islog = 0;
}

/* one line, one object: {"name":..., "state":..., ..., "log":{...}|null} */
static void status_json(int entered)
{
	struct svbuf b = { 0 };
	struct svview v;
	int r = 0;

	svbuf_add(&b, "{\"name\":");
	svbuf_quote(&b, cur, strlen(cur), 1);
	svbuf_add(&b, ",\"template\":");
	if (cur_template[0])
		svbuf_quote(&b, cur_template, strlen(cur_template), 1);
	else
		svbuf_add(&b, "null");
	svbuf_add(&b, ",");
	if (entered)
		r = read_view(&v);
	if (r > 0) {
		svcmd_fmt_json(&b, &v, &tnow);
		cgjson_add(&b, v.have_extra);
		json_log(&b);
	} else {
		json_error(&b);
		svbuf_add(&b, ",\"log\":null");
	}
	svbuf_add(&b, "}\n");
	if (!b.failed)
		fputs(b.p, stdout);
	svbuf_free(&b);
	if (cmd.lsb && entered)
		finish(r < 0 ? 4 : r == 0 ? 1 : v.st.pid ? 0 : 3);
}

/* runit's control(): 1 sent, 0 nothing to send, -1 error (counted) */
static int control(const char *acts)
{
	struct svview v;
	size_t n = strlen(acts);
	ssize_t w;
	int fd;

	if (read_view(&v) <= 0)
		return -1;
	/* already wanted so; "down" after "once" still sends its TERM, and
	 * "up" of a service that is not running ends a backoff wait */
	if (v.st.want == acts[0] && (acts[0] != 'd' || v.st.got_term) &&
	    (acts[0] != 'u' || v.st.state == SV_RUN))
		return 0;
	fd = open_file("supervise/control", O_WRONLY);
	if (fd < 0 && errno == ENXIO) {
		if (cmd.acts[0] == 'x')
			out("ok: ", "runsv not running", 0);
		else
			fail("runsv not running", 0);
		return -1;
	}
	if (fd < 0) {
		open_failed("supervise/control", errno);
		return -1;
	}
	if (!fifo_ok(fd, "supervise/control")) {
		close(fd);
		return -1;
	}
	w = write(fd, acts, n);
	close(fd);
	if (w != (ssize_t)n) {
		warn("unable to write to supervise/control", w < 0 ? errno : 0);
		return -1;
	}
	return 1;
}

/* setuid for good: uid, gid and groups of o, no way back */
static int become(const struct svowner *o)
{
	gid_t g[SVOWNER_GROUPS], rg, eg, sg;
	uid_t r, e, s;

	owner_groups(o, g);
	if (setgroups((size_t)o->ngroups, g) < 0 || setgid((gid_t)o->gid) < 0 ||
	    setuid((uid_t)o->uid) < 0 || getresuid(&r, &e, &s) < 0 ||
	    getresgid(&rg, &eg, &sg) < 0)
		return -1;
	if (r != o->uid || e != o->uid || s != o->uid || rg != o->gid || eg != o->gid ||
	    sg != o->gid || setuid(0) == 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

/* The environment of a check run as its owner: none of root's variables,
 * which may hold secrets, but PATH, and HOME, USER and LOGNAME of the owner. */
static char **owner_env(const struct svowner *o)
{
	static char path[4096], home[sizeof o->home + 8], user[sizeof o->name + 8],
		logname[sizeof o->name + 8], inst[sizeof cur_arg + 16];
	static char *env[] = { path, home, user, logname, NULL, NULL };
	const char *p = getenv("PATH");

	snprintf(path, sizeof path, "PATH=%s", p ? p : "/usr/local/bin:/usr/bin:/bin");
	snprintf(home, sizeof home, "HOME=%s", o->home);
	snprintf(user, sizeof user, "USER=%s", o->name);
	snprintf(logname, sizeof logname, "LOGNAME=%s", o->name);
	snprintf(inst, sizeof inst, "INSTANCE=%s", cur_arg);
	env[4] = cur_template[0] ? inst : NULL;
	return env;
}

/* A check root runs for another user: that user's program, so it runs as
 * that user, in a session of its own and with /dev/null for stdin and
 * stderr too: an fd of root's terminal would let it push input into root's
 * shell (TIOCSTI) or read what root types later.  Returns a copy of sv's
 * stderr for the message if the exec fails, or -1 (reported) if the switch
 * failed. */
static int check_as_owner(int null)
{
	int saved = fcntl(2, F_DUPFD_CLOEXEC, 3);

	if (null < 0 || saved < 0 || setsid() < 0 || become(&acting_owner) < 0) {
		warn_file("unable to switch to the owner for ", "check", errno);
		return -1;
	}
	dup2(null, 0);
	dup2(null, 2);
	return saved;
}

static void check_child(void)
{
	/* an instance's check, as its run: ARG as $1 and in INSTANCE */
	char *argv[] = { "./check", cur_template[0] ? cur_arg : NULL, NULL };
	char **env;
	int saved = -1;

	if (cur_template[0])
		setenv("INSTANCE", cur_arg, 1);
	env = environ;
	if (acting != 0) {
		int fd = open("/dev/null", O_RDWR);

		saved = check_as_owner(fd);
		if (saved < 0)
			_exit(127);
		env = owner_env(&acting_owner);
		if (fd > 2)
			close(fd);
	}
	/* as runit: ./check runs with its standard output closed, so that a
	 * check that writes there fails as it does under runit's sv */
	close(1);
	execve("check", argv, env);
	if (saved >= 0)
		dup2(saved, 2);
	warn_file("unable to run ", "check", errno);
	_exit(127);
}

/* ./check decides whether a running service is available: exit 0 = yes */
static int checkscript(void)
{
	struct stat s;
	pid_t pid;
	int w;

	if (stat("check", &s) < 0) {
		if (errno == ENOENT)
			return 1;
		warn_file("unable to stat ", "check", errno);
		return 0;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		warn_file("unable to fork for ", "check", errno);
		return 0;
	}
	if (pid == 0)
		check_child();
	while (waitpid(pid, &w, 0) < 0) {
		if (errno == EINTR)
			continue;
		warn_file("unable to wait for child ", "check", errno);
		return 0;
	}
	return WIFEXITED(w) && WEXITSTATUS(w) == 0;
}

static int before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static int up_and_available(const struct svview *v)
{
	return svcmd_ready(v) && checkscript();
}

/* Has this letter of the command taken effect? */
static int letter_done(char a, const struct svview *v)
{
	const struct svstatus *st = &v->st;

	switch (a) {
	case 'x': return 0; /* runsv still answers */
	case 'u': return st->pid && st->state == SV_RUN && up_and_available(v);
	case 'd': return !st->pid && st->state == SV_DOWN;
	case 'C': return !st->pid || up_and_available(v);
	case 't':
	case 'k':
		if (!st->pid && st->want == 'd')
			return 1;
		/* a run that began after sv did */
		return !before(&st->since, &tstart) && st->pid && !st->got_term &&
		       up_and_available(v);
	case 'o': return !((!st->pid && before(&st->since, &tstart)) ||
			   (st->pid && st->want != 'd'));
	case 'p': return !st->pid || st->paused;
	case 'c': return !st->pid || !st->paused;
	}
	return 1;
}

/* runit's check(): 1 done (prints "ok: ..."), 0 not yet, -1 error */
static int check(const char *acts)
{
	struct svview v;
	int r = read_view(&v);

	if (r < 0)
		return -1;
	if (r == 0)
		return acts[0] == 'x' ? 1 : -1;
	for (; *acts; acts++)
		if (!letter_done(*acts, &v))
			return 0;
	print_status("ok: ", cur, &v, "\n");
	return 1;
}

static void timed_out(void)
{
	struct svview v;

	if (read_view(&v) > 0) {
		print_status(cmd.kill ? "kill: " : "timeout: ", cur, &v, "\n");
		rc++;
	}
	if (cmd.kill)
		control("k");
}

static double elapsed(void)
{
	return (double)(tnow.tv_sec - tstart.tv_sec) + (tnow.tv_nsec - tstart.tv_nsec) / 1e9;
}

/* One round over the services still waited for; returns how many remain. */
static int wait_round(char *alive)
{
	double spent = elapsed();
	int i, left = 0;

	for (i = 0; i < cmd.nservices; i++) {
		if (!alive[i])
			continue;
		cur = cmd.services[i];
		if (enter(cur) < 0) {
			dir_refused(fail, "unable to change to service directory", errno);
			alive[i] = 0;
		} else if (check(cmd.acts) != 0) {
			alive[i] = 0;
		} else if (spent > (double)cmd.wait) {
			timed_out();
			alive[i] = 0;
		} else {
			left++;
		}
	}
	return left;
}

static void wait_all(char *alive)
{
	struct timespec pause = { 0, POLL_NS };

	while (wait_round(alive) > 0) {
		fflush(stdout);  /* what a round found, before sleeping */
		nanosleep(&pause, NULL);
		clock_gettime(CLOCK_REALTIME, &tnow);
	}
}

static void usage(int code)
{
	char line[256];

	if (cmd.version)
		err_version(stderr, "sv");   /* runit's sv: its $Id line, then usage */
	if (cmd.error[0])
		fprintf(stderr, "%s: %s\n", cmd.prog, cmd.error);
	svcmd_usage(&cmd, line, sizeof line);
	fprintf(stderr, "%s\n\n", line);
	exit(code);
}

/* sv run by a user who is neither root nor the service's owner (a member
 * of its control-group) never runs the owner's ./check as itself: a
 * command that would is refused, before anything is sent */
static int check_refused(void)
{
	char msg[192];
	struct stat d, c;

	if (as_root || !cmd.check || !strpbrk(cmd.acts, "uCtk") || stat(".", &d) < 0 ||
	    d.st_uid == geteuid() || lstat("check", &c) < 0)
		return 0;
	snprintf(msg, sizeof msg, "not run: ./check is uid %u's, and sv runs as uid %u "
		 "(only root or the owner runs a service's ./check)",
		 (unsigned)d.st_uid, (unsigned)geteuid());
	fail(msg, 0);
	return 1;
}

/* Sends the command to (or reads the status of) one service; returns
 * whether sv is to wait for it. */
static int act_on(const char *name)
{
	int entered, wanted = 0;

	cur = name;
	entered = enter(name) == 0;
	if (!entered)
		dir_refused(fail, "unable to change to service directory", errno);
	else if (check_refused())
		return 0;
	if (cmd.json)
		status_json(entered);
	else if (entered && cmd.status)
		status();
	else if (entered)
		wanted = !cmd.send || control(cmd.acts) != -1;
	return wanted;
}

/* sv status 'web@*': patterns are matched against $SVDIR's entries */
static void services_expand(void)
{
	int fd = open(svdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (tmpl_expand(fd, &cmd.services, &cmd.nservices) < 0)
		fatal("unable to allocate memory");
	close(fd);
}

int main(int argc, char **argv)
{
	const char *env;
	char *alive;
	int i, code;

	code = svcmd_parse(&cmd, argc, argv, getenv("SVWAIT"));
	if (code)
		usage(code);
	env = getenv("SVDIR");
	if (env && *env)
		snprintf(svdir, sizeof svdir, "%s", env);
	else
		svcmd_default_svdir(svdir, sizeof svdir, (unsigned)getuid(), getenv("HOME"));
	clock_gettime(CLOCK_REALTIME, &tnow);
	tstart = tnow;
	roots_groups();
	curdir = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (curdir < 0)
		fatal("unable to open current directory");
	fd_keep = fd_high = curdir;
	if (!cmd.lsb)
		services_expand();
	alive = calloc((size_t)cmd.nservices, 1);
	if (!alive)
		fatal("unable to allocate memory");
	for (i = 0; i < cmd.nservices; i++)
		alive[i] = (char)act_on(cmd.services[i]);
	if (cmd.check)
		wait_all(alive);
	free(alive);
	finish(rc > 99 ? 99 : (int)rc);
}
