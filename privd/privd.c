/* privd: the root side of ward (see privd(8)).
 *
 * The master: reads the admin's policy, starts one userd per supervised user
 * chpst-style and keeps it alive, and keeps the binder (privd-binder, a
 * program of its own: privd/binder.c) alive.  It parses nothing a user
 * wrote: a userd's output pipe is only copied to the log as lines, escaped,
 * cut and rate-limited; for each userd it makes a socketpair, gives one end to the userd
 * and the other to the binder, and keeps a copy of the binder's end only to
 * hand it to the next binder.
 *
 * One loop: poll on a signalfd (CHLD, HUP, TERM, INT) with a timeout at the
 * next restart that is due.  All state is in M, changed only by the
 * handlers of those events. */
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "bindcount.h"
#include "binder.h"
#include "cgroup.h"
#include "creds.h"
#include "err.h"
#include "fds.h"
#include "fs.h"
#include "log.h"
#include "lograte.h"
#include "policy.h"
#include "restart.h"
#include "wire.h"

#define STOP_GRACE_MS 10000   /* after TERM, userds get this long before KILL */
#define CTL_SEND_TIMEOUT 5    /* seconds; a binder that stops reading is killed */
#define USERD_PATH "/usr/local/bin:/usr/bin:/bin"
#define FDS_A_USER 2          /* the master's: the binder's end of the channel, the output */
#define USER_LINE_MAX 400     /* bytes of a line of a user's output logged; the rest cut */
#define USER_LOG_BURST 20     /* lines of a user's output logged per window ... */
#define USER_LOG_WINDOW_MS 10000 /* ... the rest counted, the count logged at its end */
#define READ_ROUND 65536      /* bytes read from one output per round of the loop */

/* A line being read from a pipe: what fits, and whether more was cut. */
struct linebuf {
	char buf[512];
	size_t len;
	int cut;
};

struct userd {
	int used;
	struct policy_user pu;   /* this user's part of the policy */
	pid_t pid;               /* 0: not running */
	int bend;                /* the binder's end of the channel, -1: none */
	int term_sent;           /* we asked it to stop */
	int removed;             /* gone from the policy: do not start again */
	struct restart rs;
	int out;                 /* read end of the pipe on the userd's fds 1 and 2; -1: none */
	int out_eof;             /* every writer gone: not polled until the next start */
	struct linebuf lb;
	struct lograte lr;
	unsigned cg_warned;      /* caps said to be unenforceable (cgroup.h) */
};

static struct {
	const char *policy_file;   /* -f, or NULL for the default files */
	const char *pid_file;      /* -p, or NULL */
	const char *counts_file;   /* -m; NULL: BINDCOUNT_FILE, or none with -f */
	int bcfd;                  /* the bind counts' page, for each binder (bindcount.h) */
	int log_syslog;
	struct policy *pol;
	struct userd u[WIRE_MAX_SLOTS];
	unsigned nslots;           /* u[nslots..] never used: loops stop there */
	int binder_exe;            /* privd-binder, opened at start: every binder runs it */
	char userd[PATH_MAX];      /* userd beside it */
	char path[PATH_MAX + 40];  /* PATH=userd's directory:USERD_PATH */
	struct rlimit nofile;      /* as we got it: what userds get */
	rlim_t fd_max;             /* our own soft limit, raised to the hard one */
	pid_t binder;
	int ctl;                   /* the master's end of the internal channel */
	struct restart brs;
	int sigfd;
	int stopping;
	int64_t stop_deadline;
	int bout;                  /* read end of the binder's fds 1 and 2; -1: none */
	int bout_eof;
	struct linebuf blb;
} M;

/* ---- what our children write: a pipe each, read line by line ---- */

typedef void line_fn(void *arg, const char *s, size_t len, int cut);

static void lines_add(struct linebuf *lb, const char *s, size_t n, line_fn *fn, void *arg)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n') {
			fn(arg, lb->buf, lb->len, lb->cut);
			lb->len = 0;
			lb->cut = 0;
		} else if (lb->len < sizeof lb->buf) {
			lb->buf[lb->len++] = s[i];
		} else {
			lb->cut = 1;
		}
	}
}

/* Reads until the pipe is empty, or READ_ROUND bytes (the rest waits for
 * the next round, so that one flood does not hold up the loop); *eof set
 * when no writer is left. */
static void out_read(int fd, int *eof, struct linebuf *lb, line_fn *fn, void *arg)
{
	char buf[4096];
	size_t total = 0;
	ssize_t n = 0;

	while (total < READ_ROUND && (n = read(fd, buf, sizeof buf)) > 0) {
		lines_add(lb, buf, (size_t)n, fn, arg);
		total += (size_t)n;
	}
	if (n == 0)
		*eof = 1;
}

/* A write end for the pipe whose read end is *rd, made at the first call;
 * later calls open the same pipe again through /proc, so that the next
 * userd writes where the last one's runsvs still do. */
static int out_writer(int *rd, int *eof)
{
	char path[40];
	int p[2];

	*eof = 0;
	if (*rd >= 0) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", *rd);
		return open(path, O_WRONLY | O_CLOEXEC);
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	*rd = p[0];
	return p[1];
}

/* The binder's lines are ours, made by the binder: as they are (with -s it
 * logs to syslog itself, and this pipe only has what failed to). */
static void binder_line(void *arg, const char *s, size_t len, int cut)
{
	(void)arg;
	(void)cut;
	log_text(s, len);
}

/* A user's line: under the user's name, escaped, cut, and only
 * USER_LOG_BURST lines a window. */
static void user_line(void *arg, const char *s, size_t len, int cut)
{
	struct userd *u = arg;
	char esc[USER_LINE_MAX * 4 + 1];

	if (len > USER_LINE_MAX) {
		len = USER_LINE_MAX;
		cut = 1;
	}
	if (!lograte_take(&u->lr, clock_ms(), USER_LOG_BURST, USER_LOG_WINDOW_MS))
		return;
	logline_escape(esc, sizeof esc, s, len);
	log_msg(LOG_NOTICE, "user %s: %s%s", u->pu.name, esc, cut ? "... (cut)" : "");
}

static void user_quiet_note(struct userd *u, unsigned n)
{
	if (n)
		log_msg(LOG_WARNING, "user %s: %u more lines not logged (at most %d lines a user per "
			"%d s)", u->pu.name, n, USER_LOG_BURST, USER_LOG_WINDOW_MS / 1000);
}

/* Sums up the windows that are over; returns when the next one is. */
static int64_t user_log_windows(void)
{
	int64_t now = clock_ms(), next = INT64_MAX;
	unsigned i;

	for (i = 0; i < M.nslots; i++) {
		struct userd *u = &M.u[i];

		if (!u->used)
			continue;
		user_quiet_note(u, lograte_end(&u->lr, now));
		if (lograte_due(&u->lr) < next)
			next = lograte_due(&u->lr);
	}
	return next;
}

/* ---- policy ---- */

static struct policy *policy_load(void)
{
	struct policy *p = policy_new();

	if (!p)
		err_fatal(EXIT_TEMP, "unable to allocate the policy");
	p->allow_sticky = M.policy_file != NULL;   /* -f may name a file in /tmp */
	if (M.policy_file)
		policy_read_file(p, M.policy_file);
	else
		policy_read_default(p, POLICY_DEFAULT_FILE, POLICY_DEFAULT_DIR);
	policy_finish(p);
	return p;
}

static void policy_report(const struct policy *p, int pri)
{
	size_t i;

	for (i = 0; i < p->nmsgs; i++)
		log_msg(strstr(p->msg[i], ": warning: ") ? LOG_WARNING : pri, "%s", p->msg[i]);
	if (p->nerrors + p->nwarnings > p->nmsgs)
		log_msg(pri, "%u more messages not shown", p->nerrors + p->nwarnings - (unsigned)p->nmsgs);
}

/* ---- the binder ---- */

static int ctl_send(const struct wire_ctl *c, int fd)
{
	unsigned char m[WIRE_SIZE];

	if (M.binder <= 0 || M.ctl < 0)
		return -1;
	if (wire_encode_ctl(m, c) < 0 || wire_send(M.ctl, m, fd) < 0) {
		/* a binder that does not read is as good as dead: restart it */
		log_msg(LOG_ERR, "binder: unable to send: %s; killing it", strerror(errno));
		kill(M.binder, SIGKILL);
		return -1;
	}
	return 0;
}

/* The user's grants, then the commit (with the channel when with_fd). */
static void binder_send_slot(unsigned i, int with_fd)
{
	struct userd *u = &M.u[i];
	struct wire_ctl c;
	size_t g;

	for (g = 0; g < M.pol->ngrants; g++) {
		const struct policy_grant *pg = &M.pol->grants[g];

		if (pg->uid != u->pu.uid)
			continue;
		memset(&c, 0, sizeof c);
		c.type = WIRE_GRANT;
		c.slot = i;
		c.grant = pg->range;
		if (ctl_send(&c, -1) < 0)
			return;
	}
	memset(&c, 0, sizeof c);
	c.type = WIRE_COMMIT;
	c.slot = i;
	c.uid = u->pu.uid;
	c.has_fd = with_fd && u->bend >= 0;
	ctl_send(&c, c.has_fd ? u->bend : -1);
}

static void binder_drop_slot(unsigned i)
{
	struct wire_ctl c = { .type = WIRE_DROP, .slot = i };

	ctl_send(&c, -1);
}

/* With -s, the binder logs to the syslog socket we connect for it: it may
 * not open or connect anything itself. */
static void binder_log_socket(void)
{
	int fd = log_syslog_socket();

	if (fd < 0 || dup2(fd, 2) < 0)
		return;
	close(fd);
}

static void child_reset(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
}

/* dup2, but onto the same number too: dup2(fd, fd) does nothing, and
 * would leave a close-on-exec fd closed at exec. */
static int fd_move(int fd, int to)
{
	if (fd != to)
		return dup2(fd, to);
	return fcntl(fd, F_SETFD, 0);
}

/* In the child: the bind counts' page on BINDCOUNT_FD, or nothing there */
static int counts_fd_move(void)
{
	if (M.bcfd < 0) {
		close(BINDCOUNT_FD);
		return 0;
	}
	return fd_move(M.bcfd, BINDCOUNT_FD);
}

/* In the child: the binder, run from the file opened at start, so that an
 * upgrade on disk never pairs this master with another binder.  Every fd
 * but stdio and the channel closes at exec. */
__attribute__((noreturn))
static void binder_exec(int ctl, int out)
{
	char *argv[] = { BINDER_PROG, M.log_syslog ? "-s" : NULL, NULL };
	int exe;

	child_reset();
	exe = fcntl(M.binder_exe, F_DUPFD_CLOEXEC, BINDCOUNT_FD + 1);
	if (exe < 0 || fd_move(out, 1) < 0 || fd_move(out, 2) < 0 ||
	    fd_move(ctl, BINDER_CTL_FD) < 0 || counts_fd_move() < 0)
		_exit(111);
	if (M.log_syslog)
		binder_log_socket();
	close_range(BINDCOUNT_FD + 1, ~0U, CLOSE_RANGE_CLOEXEC);
	fexecve(exe, argv, environ);
	fprintf(stderr, "privd: binder: unable to run %s (opened at start): %s\n", BINDER_PROG,
		strerror(errno));
	_exit(111);
}

static void binder_start(void)
{
	int sv[2], out;
	pid_t pid;
	struct timeval tv = { .tv_sec = CTL_SEND_TIMEOUT };
	unsigned i;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_msg(LOG_ERR, "binder: unable to create the channel: %s", strerror(errno));
		M.brs.due = clock_ms() + RESTART_MIN_MS;
		return;
	}
	out = out_writer(&M.bout, &M.bout_eof);
	if (out < 0) {
		log_msg(LOG_ERR, "binder: unable to create its output: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		M.brs.due = clock_ms() + RESTART_MIN_MS;
		return;
	}
	pid = fork();
	if (pid == 0)
		binder_exec(sv[1], out);
	close(sv[1]);
	close(out);
	if (pid < 0) {
		close(sv[0]);
		log_msg(LOG_ERR, "binder: unable to fork: %s", strerror(errno));
		M.brs.due = clock_ms() + RESTART_MIN_MS;
		return;
	}
	M.binder = pid;
	M.ctl = sv[0];
	setsockopt(M.ctl, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	restart_started(&M.brs, clock_ms());
	log_msg(LOG_INFO, "spawn binder pid %d", (int)pid);
	/* every userd's channel, as it was: nobody needs to restart */
	for (i = 0; i < M.nslots; i++)
		if (M.u[i].used && M.u[i].bend >= 0)
			binder_send_slot(i, 1);
}

/* ---- userds ---- */

__attribute__((noreturn, format(printf, 2, 3)))
static void child_fail(const struct userd *u, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_msg(LOG_ERR, "userd %s: unable to %s: %s", u->pu.name, msg, strerror(errno));
	_exit(111);
}

/* Why the user cannot execute path (we run as the user): the first
 * directory on its way they cannot search, or the file itself.  A
 * checkout in root's 0700 home is the usual case. */
static void exec_blocker(const char *path, char *out, size_t size)
{
	char dir[PATH_MAX];
	const char *p = path;
	struct stat st;

	out[0] = '\0';
	while ((p = strchr(p + 1, '/')) != NULL) {
		snprintf(dir, sizeof dir, "%.*s", (int)(p - path), path);
		if (access(dir, X_OK) < 0 && stat(dir, &st) == 0) {
			snprintf(out, size, "; it cannot search %s (mode %04o, owner uid %u): install "
				 "ward where every user can run it (make install)", dir,
				 (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
			return;
		}
	}
	if (access(path, X_OK) < 0 && stat(path, &st) == 0)
		snprintf(out, size, "; it cannot execute %s (mode %04o, owner uid %u)", path,
			 (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
}

__attribute__((noreturn))
static void exec_failed(const struct userd *u, const struct creds *c)
{
	int e = errno;
	char why[PATH_MAX + 160];

	exec_blocker(M.userd, why, sizeof why);
	log_msg(LOG_ERR, "userd %s: unable to run %s as uid %u: %s%s", u->pu.name, M.userd,
		(unsigned)c->uid, strerror(e), why);
	_exit(111);
}

/* The service directory as userd gets it: absolute, or under the home. */
static void service_dir(const struct userd *u, const struct creds *c, char *out, size_t size)
{
	const char *d = u->pu.dir[0] ? u->pu.dir : USER_TREE;

	if (d[0] == '/')
		snprintf(out, size, "%s", d);
	else
		snprintf(out, size, "%s/%s", c->home, d);
}

/* In a child: our log out of the way of the fds it sets up, so that
 * child_fail still reaches it (it closes at exec). */
static void child_log_keep(void)
{
	log_move(10);
}

/* Closes every fd from fd up, but our log. */
static void child_close_from(int fd)
{
	int logfd = log_fd();

	if (logfd < fd) {
		close_range((unsigned)fd, ~0U, 0);
		return;
	}
	if (logfd > fd)
		close_range((unsigned)fd, (unsigned)logfd - 1, 0);
	close_range((unsigned)logfd + 1, ~0U, 0);
}

/* The sets a capability can hide in, for caps_none. */
static const capng_type_t cap_sets[] = {
	CAPNG_EFFECTIVE, CAPNG_PERMITTED, CAPNG_INHERITABLE, CAPNG_AMBIENT, CAPNG_BOUNDING_SET,
};

/* 1 if no set holds any capability (capng_have_capabilities looks at the
 * effective set only). */
static int caps_none(void)
{
	unsigned k, cap;

	if (capng_get_caps_process() < 0)
		return 0;
	for (k = 0; k < sizeof cap_sets / sizeof cap_sets[0]; k++)
		for (cap = 0; cap < 64; cap++)
			if (capng_have_capability(cap_sets[k], cap))
				return 0;
	return 1;
}

/* Before the switch, while we still may: the bounding set and the ambient
 * set (which privd may have been started with, e.g. systemd's
 * AmbientCapabilities=). */
static void caps_drop_bounds(const struct userd *u)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		child_fail(u, "clear the ambient capabilities");
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
		child_fail(u, "clear the capability bounding set");
}

/* After it: setuid cleared the permitted and effective sets but not the
 * inheritable one, which with a file's inheritable bits would give a
 * capability back across exec (no_new_privs off); then every set is
 * checked. */
static void caps_drop_rest(const struct userd *u)
{
	capng_clear(CAPNG_SELECT_ALL);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		child_fail(u, "clear the inheritable capabilities");
	if (!caps_none()) {
		errno = EPERM;
		child_fail(u, "drop every capability");
	}
}

/* In the child: become the user chpst-style, then run userd.  Nothing in
 * the user's home is touched before the switch. */
__attribute__((noreturn))
static void userd_child(const struct userd *u, const struct creds *c, int uend, int out,
			pid_t master)
{
	char dir[PATH_MAX + POLICY_DIR_MAX], home[PATH_MAX + 8], user[80], logname[80], shell[300];
	char cg[PATH_MAX + 16] = "WARD_CGROUP=";
	char *argv[] = { "userd", "-b", "3", dir, NULL };
	char *envp[] = { home, user, logname, shell, M.path, cg, NULL };
	int i, null;

	child_reset();
	setsid();
	child_log_keep();
	/* into the user's cgroup while we still may: everything it starts stays there */
	if (cg_user_join(u->pu.uid) < 0)
		child_fail(u, "move into its cgroup");
	if (cg_user_path(u->pu.uid, cg + strlen(cg), sizeof cg - strlen(cg)) < 0)
		envp[5] = NULL;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || fd_move(null, 0) < 0 || fd_move(out, 1) < 0 || fd_move(out, 2) < 0 ||
	    fd_move(uend, 3) < 0)
		child_fail(u, "set up its fds");
	child_close_from(4);
	/* the limit of open files privd was given, not the one it raised */
	if (setrlimit(RLIMIT_NOFILE, &M.nofile) < 0)
		child_fail(u, "restore the limit of open files");
	for (i = 0; i < u->pu.nlimits; i++)
		if (limit_set(u->pu.limits[i].resource, u->pu.limits[i].value) < 0)
			child_fail(u, "set limit %s", limit_name(u->pu.limits[i].resource));
	caps_drop_bounds(u);
	if (creds_switch(c) < 0)
		child_fail(u, "switch to uid %u", (unsigned)c->uid);
	caps_drop_rest(u);
	/* if privd dies, its userds get TERM (and leave their runsvs running)
	 * so that the next privd's userds take over; set after the switch,
	 * which would clear it */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0 || getppid() != master)
		child_fail(u, "follow privd's life");
	if (u->pu.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(u, "set no_new_privs");
	umask(022);
	if (chdir(c->home) < 0)
		child_fail(u, "change to home %s", c->home);
	service_dir(u, c, dir, sizeof dir);
	snprintf(home, sizeof home, "HOME=%s", c->home);
	snprintf(user, sizeof user, "USER=%s", c->name);
	snprintf(logname, sizeof logname, "LOGNAME=%s", c->name);
	snprintf(shell, sizeof shell, "SHELL=%s", c->shell);
	execve(M.userd, argv, envp);
	exec_failed(u, c);
}

/* Channels held: one fd a user in the binder, FDS_A_USER in the master. */
static unsigned channels_open(void)
{
	unsigned i, n = 0;

	for (i = 0; i < M.nslots; i++)
		n += M.u[i].used && M.u[i].bend >= 0;
	return n;
}

static void fd_shortage(const struct userd *u)
{
	log_msg(LOG_ERR, "userd %s: not started: privd is out of file descriptors (%u users' "
		"channels open, limit %llu open files, %d a user and %d kept free): raise privd's "
		"hard limit of open files (LimitNOFILE=, ulimit -Hn)", u->pu.name, channels_open(),
		(unsigned long long)M.fd_max, FDS_A_USER, MASTER_FD_RESERVE);
}

/* How many users the limit of open files leaves room for. */
static unsigned long long fd_users(void)
{
	return M.fd_max > MASTER_FD_RESERVE ?
	       ((unsigned long long)M.fd_max - MASTER_FD_RESERVE) / FDS_A_USER : 0;
}

static void userd_start(unsigned i)
{
	struct userd *u = &M.u[i];
	struct creds c;
	char err[300];
	int sv[2], out;
	pid_t pid, master = getpid();

	restart_started(&u->rs, clock_ms());
	if (creds_user(u->pu.name, &c, err, sizeof err) < 0 || c.uid != u->pu.uid) {
		log_msg(LOG_ERR, "userd %s: %s", u->pu.name, c.uid != u->pu.uid ? "uid changed" : err);
		restart_exited(&u->rs, clock_ms(), 0);
		return;
	}
	if (cg_user_make(&u->pu, c.gid, &u->cg_warned) < 0) {
		restart_exited(&u->rs, clock_ms(), 0);
		return;
	}
	if (u->bend < 0 && channels_open() >= fd_users()) {
		fd_shortage(u);
		restart_exited(&u->rs, clock_ms(), 0);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		if (errno == EMFILE || errno == ENFILE)
			fd_shortage(u);
		else
			log_msg(LOG_ERR, "userd %s: unable to create its channel: %s", u->pu.name,
				strerror(errno));
		restart_exited(&u->rs, clock_ms(), 0);
		return;
	}
	out = out_writer(&u->out, &u->out_eof);
	if (out < 0) {
		log_msg(LOG_ERR, "userd %s: unable to create its output: %s", u->pu.name, strerror(errno));
		close(sv[0]);
		close(sv[1]);
		restart_exited(&u->rs, clock_ms(), 0);
		return;
	}
	pid = cg_fork(u->pu.uid);
	if (pid == 0)
		userd_child(u, &c, sv[1], out, master);
	close(sv[1]);
	close(out);
	if (pid < 0) {
		close(sv[0]);
		log_msg(LOG_ERR, "userd %s: unable to fork: %s", u->pu.name, strerror(errno));
		restart_exited(&u->rs, clock_ms(), 0);
		return;
	}
	if (u->bend >= 0)
		close(u->bend);
	u->bend = sv[0];
	u->pid = pid;
	u->term_sent = 0;
	log_msg(LOG_INFO, "spawn userd %s uid %u pid %d", u->pu.name, (unsigned)u->pu.uid, (int)pid);
	binder_send_slot(i, 1);
}

/* TERM: userd exits and leaves its runsvs and services running, for the
 * next userd to adopt (restart, privd's own stop).  HUP: as in runsvdir,
 * userd TERMs every runsv first, so the user's whole tree stops (removal). */
static void userd_stop(struct userd *u, int sig)
{
	if (u->pid > 0 && !u->term_sent) {
		kill(u->pid, sig);
		u->term_sent = 1;
	}
}

static void slot_free(unsigned i)
{
	struct userd *u = &M.u[i];

	binder_drop_slot(i);
	if (u->bend >= 0)
		close(u->bend);
	if (u->out >= 0) {
		/* what is left: the userd has gone, its runsvs with it */
		out_read(u->out, &u->out_eof, &u->lb, user_line, u);
		close(u->out);
	}
	user_quiet_note(u, u->lr.quiet);
	memset(u, 0, sizeof *u);
	u->bend = -1;
	u->out = -1;
}

static int slot_new(const struct policy_user *pu)
{
	unsigned i;

	for (i = 0; i < M.nslots && M.u[i].used; i++)
		;
	if (i == WIRE_MAX_SLOTS) {
		log_msg(LOG_ERR, "userd %s: not started: no free slot (at most %d users)", pu->name,
			WIRE_MAX_SLOTS);
		return -1;
	}
	if (i == M.nslots)
		M.nslots++;
	M.u[i].used = 1;
	M.u[i].pu = *pu;
	M.u[i].bend = -1;
	M.u[i].out = -1;
	restart_init(&M.u[i].rs, 0);
	M.u[i].rs.due = clock_ms();
	return (int)i;
}

static void describe_exit(int status, char *out, size_t size)
{
	if (WIFSIGNALED(status))
		snprintf(out, size, "signal %d", WTERMSIG(status));
	else
		snprintf(out, size, "status %d", WEXITSTATUS(status));
}

static void on_exit_userd(unsigned i, int status)
{
	struct userd *u = &M.u[i];
	char how[32];
	uint32_t wait;

	describe_exit(status, how, sizeof how);
	u->pid = 0;
	if (u->removed || M.stopping) {
		log_msg(LOG_INFO, "exit userd %s (%s), stopped", u->pu.name, how);
		slot_free(i);
		return;
	}
	wait = restart_exited(&u->rs, clock_ms(), u->term_sent);
	log_msg(LOG_INFO, "exit userd %s (%s), restart in %u ms", u->pu.name, how, wait);
}

static void on_exit_binder(int status)
{
	char how[32];
	uint32_t wait;

	describe_exit(status, how, sizeof how);
	M.binder = 0;
	close(M.ctl);
	M.ctl = -1;
	if (M.stopping) {
		log_msg(LOG_INFO, "exit binder (%s)", how);
		return;
	}
	wait = restart_exited(&M.brs, clock_ms(), 0);
	log_msg(LOG_ERR, "exit binder (%s), restart in %u ms; channels kept", how, wait);
}

static void reap(void)
{
	int status;
	pid_t pid;
	unsigned i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == M.binder) {
			on_exit_binder(status);
			continue;
		}
		for (i = 0; i < M.nslots; i++)
			if (M.u[i].used && M.u[i].pid == pid) {
				on_exit_userd(i, status);
				break;
			}
	}
}

/* ---- reload ---- */

static int same_settings(const struct policy_user *a, const struct policy_user *b)
{
	return !strcmp(a->dir, b->dir) && a->no_new_privs == b->no_new_privs &&
	       a->nlimits == b->nlimits &&
	       !memcmp(a->limits, b->limits, sizeof a->limits[0] * (size_t)a->nlimits);
}

/* 1 if b asks more of a user's processes than a: no_new_privs turned on,
 * or a limit added or lowered.  Processes keep what they were started
 * with, so only a fresh tree gets that. */
static int stricter_settings(const struct policy_user *a, const struct policy_user *b)
{
	int i, k;

	if (b->no_new_privs && !a->no_new_privs)
		return 1;
	for (i = 0; i < b->nlimits; i++) {
		for (k = 0; k < a->nlimits; k++)
			if (a->limits[k].resource == b->limits[i].resource)
				break;
		if (k == a->nlimits || b->limits[i].value < a->limits[k].value)
			return 1;
	}
	return 0;
}

/* A change of settings: the userd alone is restarted (TERM: it leaves its
 * runsvs to the next), unless they got stricter, which the services would
 * not get so: then the whole tree (HUP, as a removal) */
static void settings_changed(struct userd *u, const struct policy_user *pu)
{
	if (!stricter_settings(&u->pu, pu)) {
		log_msg(LOG_INFO, "userd %s: settings changed, restarting", u->pu.name);
		userd_stop(u, SIGTERM);
		return;
	}
	log_msg(LOG_INFO, "userd %s: settings stricter (no_new_privs on, or a limit added or "
		"lowered): stopping the user's whole tree and starting it anew", u->pu.name);
	if (u->pid > 0) {
		kill(u->pid, SIGHUP);   /* even after a TERM: the tree must go */
		u->term_sent = 1;
	}
}

/* Says at once, not user by user, when the policy asks for more users
 * than the limit of open files leaves room for. */
static void fd_check_policy(void)
{
	size_t k, n = 0;

	for (k = 0; k < M.pol->nusers; k++)
		n += M.pol->users[k].supervised != 0;
	if (n > fd_users())
		log_msg(LOG_ERR, "the policy supervises %zu users, but privd's limit of %llu open "
			"files leaves room for %llu: the rest will not be started; raise privd's hard "
			"limit of open files (LimitNOFILE=, ulimit -Hn)", n, (unsigned long long)M.fd_max,
			fd_users());
}

/* Brings the userds in line with the (new) policy. */
static void apply_policy(void)
{
	unsigned i;
	size_t k;

	for (i = 0; i < M.nslots; i++) {
		struct userd *u = &M.u[i];
		struct policy_user *pu;

		if (!u->used || u->removed)
			continue;
		pu = policy_user_find(M.pol, u->pu.uid);
		if (!pu || !pu->supervised) {
			log_msg(LOG_INFO, "userd %s: removed from the policy, stopping", u->pu.name);
			u->removed = 1;
			binder_drop_slot(i);   /* their grants go now, not at exit */
			/* with cgroups, everything in theirs is killed: the userd's
			 * exit frees the slot */
			if (u->pid == 0) {
				cg_user_kill(u->pu.uid);
				slot_free(i);
			} else if (cg_user_kill(u->pu.uid) < 0) {
				userd_stop(u, SIGHUP);
			}
			continue;
		}
		if (!same_settings(&u->pu, pu))
			settings_changed(u, pu);
		u->pu = *pu;
		cg_user_limits(&u->pu, &u->cg_warned);   /* live: no restart */
		binder_send_slot(i, 0);
	}
	for (k = 0; k < M.pol->nusers; k++) {
		const struct policy_user *pu = &M.pol->users[k];
		int found = 0;

		if (!pu->supervised)
			continue;
		for (i = 0; i < M.nslots; i++)
			if (M.u[i].used && !M.u[i].removed && M.u[i].pu.uid == pu->uid)
				found = 1;
		if (!found && slot_new(pu) >= 0)
			log_msg(LOG_INFO, "userd %s: added by the policy", pu->name);
	}
	fd_check_policy();
}

static void reload(void)
{
	struct policy *p = policy_load();

	if (p->nerrors) {
		policy_report(p, LOG_ERR);
		log_msg(LOG_ERR, "reload: %u errors, keeping the old policy", p->nerrors);
		policy_free(p);
		return;
	}
	policy_report(p, LOG_WARNING);
	policy_free(M.pol);
	M.pol = p;
	log_msg(LOG_INFO, "reload: %zu users, %zu grants", p->nusers, p->ngrants);
	apply_policy();
}

/* ---- the loop ---- */

static void stop_all(void)
{
	unsigned i;

	if (!M.stopping)
		log_msg(LOG_INFO, "stopping every userd");
	M.stopping = 1;
	M.stop_deadline = clock_ms() + STOP_GRACE_MS;
	for (i = 0; i < M.nslots; i++) {
		if (M.u[i].used && M.u[i].pid > 0)
			userd_stop(&M.u[i], SIGTERM);
		else if (M.u[i].used)
			slot_free(i);
	}
}

static int userds_running(void)
{
	unsigned i;

	for (i = 0; i < M.nslots; i++)
		if (M.u[i].used && M.u[i].pid > 0)
			return 1;
	return 0;
}

static void on_signal(void)
{
	struct signalfd_siginfo si;

	while (read(M.sigfd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			reap();
		else if (si.ssi_signo == SIGHUP && !M.stopping)
			reload();
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			stop_all();
	}
}

/* A user removed and re-added (two reloads) has two slots for a while: the
 * new one waits until the old userd has exited, since one userd per user is
 * all their directory lock allows. */
static int old_userd_stops(uid_t uid, int any_uid)
{
	unsigned i;

	for (i = 0; i < M.nslots; i++)
		if (M.u[i].used && M.u[i].removed && M.u[i].pid > 0 &&
		    (any_uid || M.u[i].pu.uid == uid))
			return 1;
	return 0;
}

/* Starts what is due; returns the poll timeout until the next due start. */
static int start_due(void)
{
	int64_t now = clock_ms(), next = INT64_MAX;
	unsigned i;
	int olds = old_userd_stops(0, 1);   /* rare: spares a search per slot */

	if (M.stopping)
		return 100;
	if (M.binder == 0) {
		if (M.brs.due <= now)
			binder_start();
		else
			next = M.brs.due;
	}
	for (i = 0; i < M.nslots; i++) {
		struct userd *u = &M.u[i];

		if (!u->used || u->removed || u->pid > 0 || (olds && old_userd_stops(u->pu.uid, 0)))
			continue;   /* the old userd's exit (SIGCHLD) brings us back */
		if (u->rs.due <= now)
			userd_start(i);
		if (u->pid == 0 && u->rs.due < next)
			next = u->rs.due;
	}
	if (M.binder == 0 && M.brs.due < next)
		next = M.brs.due;
	if (next == INT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
}

static void finish(void)
{
	unsigned i;

	for (i = 0; i < M.nslots; i++)
		if (M.u[i].used && M.u[i].pid > 0) {
			log_msg(LOG_WARNING, "userd %s did not stop, killing it", M.u[i].pu.name);
			kill(M.u[i].pid, SIGKILL);
		}
	if (M.ctl >= 0)
		close(M.ctl);   /* the binder exits when its channel closes */
	M.ctl = -1;
	while (waitpid(-1, NULL, 0) > 0)
		;
	if (M.pid_file)
		unlink(M.pid_file);
	log_msg(LOG_INFO, "stopped");
	exit(0);
}

/* The sooner of two poll timeouts (-1: none) */
static int soonest(int a, int b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

/* The poll timeout: until the sooner of what is due and a log window. */
static int timeout_with_logs(int timeout)
{
	int64_t due = user_log_windows(), wait;

	if (due == INT64_MAX)
		return timeout;
	wait = due - clock_ms();
	if (wait < 0)
		wait = 0;
	return timeout < 0 || wait < timeout ? (int)wait : timeout;
}

/* The signalfd, then the pipes of the binder's and each userd's output
 * (idx: the slot, or WIRE_MAX_SLOTS for the binder's).  Returns how many. */
static unsigned poll_set(struct pollfd *pfd, unsigned *idx)
{
	unsigned i, n = 0;

	pfd[n].fd = M.sigfd;
	pfd[n++].events = POLLIN;
	if (M.bout >= 0 && !M.bout_eof) {
		idx[n] = WIRE_MAX_SLOTS;
		pfd[n].fd = M.bout;
		pfd[n++].events = POLLIN;
	}
	for (i = 0; i < M.nslots; i++)
		if (M.u[i].used && M.u[i].out >= 0 && !M.u[i].out_eof) {
			idx[n] = i;
			pfd[n].fd = M.u[i].out;
			pfd[n++].events = POLLIN;
		}
	return n;
}

static void out_ready(unsigned i, int fd)
{
	struct userd *u;

	if (i == WIRE_MAX_SLOTS) {
		out_read(M.bout, &M.bout_eof, &M.blb, binder_line, NULL);
		return;
	}
	u = &M.u[i];
	if (u->used && u->out == fd)
		out_read(u->out, &u->out_eof, &u->lb, user_line, u);
}

static void run(void)
{
	static struct pollfd pfd[WIRE_MAX_SLOTS + 2];
	static unsigned idx[WIRE_MAX_SLOTS + 2];
	unsigned k, n;
	int timeout;

	for (;;) {
		timeout = timeout_with_logs(start_due());
		timeout = bindcount_timeout(soonest(timeout, cg_reap()), clock_ms());
		if (M.stopping && (!userds_running() || clock_ms() >= M.stop_deadline))
			finish();
		n = poll_set(pfd, idx);
		if (poll(pfd, n, timeout) < 0 && errno != EINTR)
			err_fatal_sys(EXIT_TEMP, "unable to poll");
		for (k = 1; k < n; k++)
			if (pfd[k].revents)
				out_ready(idx[k], pfd[k].fd);
		if (pfd[0].revents)
			on_signal();
		bindcount_flush(clock_ms());
	}
}

/* userd's PATH: the directory ward is installed in first, so that a run
 * script's sv, chpst or svlogd is ward's and not another runit's. */
static void userd_path(void)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof dir, "%s", M.userd);
	slash = strrchr(dir, '/');
	if (slash && slash != dir && !strchr(dir, ':')) {
		*slash = '\0';
		snprintf(M.path, sizeof M.path, "PATH=%s:%s", dir, USERD_PATH);
	} else {
		snprintf(M.path, sizeof M.path, "PATH=%s", USERD_PATH);
	}
}

/* The binder's program, beside ours: opened once, and every binder is
 * started from this open file, whatever is put at its path later. */
static void binder_exe_open(void)
{
	char path[PATH_MAX];
	struct stat st;

	if (fs_sibling_exe(BINDER_PROG, path, sizeof path) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to find %s beside privd", BINDER_PROG);
	M.binder_exe = open(path, O_RDONLY | O_CLOEXEC);
	if (M.binder_exe < 0 || fstat(M.binder_exe, &st) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to open the binder %s", path);
	if (!S_ISREG(st.st_mode))
		err_fatal(EXIT_TEMP, "unable to use the binder %s: not a file", path);
}

static void setup(void)
{
	sigset_t set;

	binder_exe_open();
	if (fs_sibling_exe("userd", M.userd, sizeof M.userd) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to find userd beside privd");
	userd_path();
	/* the binder inherits it; the userds get the limit we were given */
	M.fd_max = fd_limit_raise(&M.nofile);
	if (!M.fd_max)
		err_fatal_sys(EXIT_TEMP, "unable to read the limit of open files");
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	M.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (M.sigfd < 0)
		err_fatal_sys(EXIT_TEMP, "unable to create a signalfd");
	M.ctl = -1;
	M.bout = -1;
	restart_init(&M.brs, 0);
	M.brs.due = clock_ms();
	/* a write to a log pipe whose reader has gone fails, and does not kill us */
	signal(SIGPIPE, SIG_IGN);
}

/* 1 in a build with AddressSanitizer (make SANITIZE=1), whose binder has a
 * wider seccomp allowlist (binder.c) and whose runtime reads its options
 * from the environment. */
static int sanitized_build(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return 1;
#endif
#endif
	return 0;
}

static void sanitized_refuse(void)
{
	const char *allow = getenv("WARD_ALLOW_SANITIZED");

	if (sanitized_build() && !(allow && !strcmp(allow, "1")))
		err_fatal(EXIT_USAGE, "a sanitizer build (make SANITIZE=1), whose binder has a wider "
			  "seccomp allowlist, runs as root only with WARD_ALLOW_SANITIZED=1 in its "
			  "environment: for tests, never for users");
}

/* -p: for an admin who starts privd by hand, a reload that reaches this
 * privd and no other (kill -HUP "$(cat FILE)"); removed when privd stops. */
static void pid_file_write(void)
{
	char line[32];
	int fd, n;

	fd = open(M.pid_file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		err_fatal_sys(EXIT_TEMP, "unable to open pid file %s", M.pid_file);
	n = snprintf(line, sizeof line, "%d\n", (int)getpid());
	if (write(fd, line, (size_t)n) != n || close(fd) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to write pid file %s", M.pid_file);
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* privd -t: the policy's messages, then, as nginx -t, what was checked */
static int check_policy(void)
{
	size_t i, users = 0;
	const struct policy *p;

	M.pol = policy_load();
	p = M.pol;
	policy_report(p, LOG_ERR);
	for (i = 0; i < p->nusers; i++)
		users += p->users[i].supervised != 0;
	if (p->nerrors) {
		fprintf(stderr, "privd: policy not OK: %u error%s, %u warning%s\n", p->nerrors,
			plural(p->nerrors), p->nwarnings, plural(p->nwarnings));
		return 1;
	}
	printf("privd: policy OK: %u file%s, %zu user%s supervised, %zu grant%s", p->nfiles,
	       plural(p->nfiles), users, plural(users), p->ngrants, plural(p->ngrants));
	if (p->nwarnings)
		printf(", %u warning%s", p->nwarnings, plural(p->nwarnings));
	printf("\n");
	cg_report();
	return 0;
}

static void usage(void)
{
	err_fatal(EXIT_USAGE, "usage: privd [-t] [-s] [-f FILE] [-p PIDFILE] [-m COUNTS] | -V | --version");
}

/* fds 0, 1 and 2 open before any other: else the first fd we make takes
 * one of their numbers, and whatever writes to stderr writes into it (the
 * binder, which sends fd 2 to measure an answer, would die at once). */
static void stdio_open(void)
{
	int fd;

	do
		fd = open("/dev/null", O_RDWR);
	while (fd >= 0 && fd <= 2);
	if (fd < 0)
		_exit(EXIT_TEMP);
	close(fd);
}

int main(int argc, char **argv)
{
	int opt, check = 0;

	stdio_open();
	err_init(argv[0]);
	err_version_option(argc, argv);
	while ((opt = getopt(argc, argv, "tsf:p:m:V")) != -1) {
		switch (opt) {
		case 't': check = 1; break;
		case 's': M.log_syslog = 1; break;
		case 'f': M.policy_file = optarg; break;
		case 'p': M.pid_file = optarg; break;
		case 'm': M.counts_file = optarg; break;
		case 'V': err_version(stdout, "privd"); return 0;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (check) {
		log_open(0, 1);   /* -t writes to stderr and waits for it, as any command */
		return check_policy();
	}
	if (geteuid() != 0)
		err_fatal(EXIT_USAGE, "must run as root");
	sanitized_refuse();
	setup();
	log_open(M.log_syslog, 0);
	cg_setup();   /* before the binder and the userds: they start in it */
	M.pol = policy_load();
	policy_report(M.pol, LOG_ERR);
	if (M.pol->nerrors)
		err_fatal(1, "%u errors in the policy", M.pol->nerrors);
	if (M.pid_file)
		pid_file_write();
	/* the default file goes with the default policy: a privd run with -f
	 * (a test, a trial) writes counts only where -m says */
	M.bcfd = bindcount_create(M.counts_file ? M.counts_file :
				  M.policy_file ? NULL : BINDCOUNT_FILE);
	log_msg(LOG_INFO, "started: %zu users, %zu grants; at most %llu open files", M.pol->nusers,
		M.pol->ngrants, (unsigned long long)M.fd_max);
	apply_policy();
	run();
}
