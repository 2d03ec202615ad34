/* runsv: starts and watches one service directory and its log/, as runit's
 * runsv does, plus ward's extensions: crash-loop backoff, timeout-kill and
 * readiness (notification-fd, NOTIFY_SOCKET), health checks (./check every
 * check-interval: userd/lib/health) and dependencies (the depends file:
 * userd/lib/depends).  See runsv(8).
 *
 * The service and its logger are two struct svc handled by the same code,
 * with islog as the only difference.  One poll loop; signals arrive
 * through a self-pipe.  What to do on a control letter, a child's exit or
 * a deadline (start due, timeout-kill) is decided by one transition
 * function, svstate_step (userd/lib/svstate, its table at its head); this
 * file carries out the actions it returns (svc_do) and keeps the I/O:
 * supervise/ files, control/ scripts, forks, readiness reports.  Nothing is
 * allocated after startup. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bindtrap.h"
#include "clock.h"
#include "contain.h"
#include "ctlgroup.h"
#include "depends.h"
#include "err.h"
#include "fs.h"
#include "health.h"
#include "notify.h"
#include "proc.h"
#include "cgstat.h"
#include "restart.h"
#include "sockets.h"
#include "status.h"
#include "svdir.h"
#include "svstate.h"
#include "template.h"

extern char **environ;

#define NOTIFY_FD_MAX   1023
#define BACKOFF_MAX_S   86400
#define STAT_ANCESTRY   32      /* how far up /proc a sender's parents are followed */
#define NOTIFY_PER_WAKE 16      /* datagrams read per wake-up, so nothing starves */
#define RIGHTS_MAX      16      /* fds accepted (and closed) per datagram */
#define ORPHAN_GRACE_MS 5000    /* TERM to KILL for a process a dead runsv left */
#define ORPHAN_SLACK_NS 1000000000LL  /* its start vs supervise/status' time */

/* the supervise/ files runsv writes, each remembered as last written: a
 * file whose content did not change is not written again */
enum { SF_PID, SF_STAT, SF_STATUS, SF_WARD, SF_COUNT };

struct written {
	unsigned char buf[SVEXTRA_SIZE];  /* the largest of them */
	size_t len;
	int valid;                 /* 0 before the first write, after a failed one */
};

struct svc {
	int islog;
	const char *sup;           /* "supervise/" or "log/supervise/", for messages */
	int dirfd, supfd;          /* the service (or log) directory, its supervise/ */
	int ctlfd, ctlwfd, okfd, lockfd;
	int notesock;              /* supervise/notify, -1 if none */
	int notefd;                /* read end of the notification-fd pipe, -1 if none */
	char notepath[sizeof(((struct sockaddr_un *)0)->sun_path)];
	pid_t pid;                 /* ./run or ./finish, 0 if none */
	struct svstate st;         /* what runsv decides on: userd/lib/svstate */
	int wstat;                 /* ./run's last wait status, for ./finish */
	struct written files[SF_COUNT]; /* what supervise/ holds, as last written */
	struct timespec since;     /* last change of state, for supervise/status */
	int ready_declared;        /* notification-fd or notify-socket: readiness is awaited */
	int pass_notify_socket;    /* notify-socket: ./run gets NOTIFY_SOCKET */
	int ready;                 /* enum sv_ready */
	struct timespec ready_at;
	char text[SVEXTRA_TEXT];   /* last STATUS= */
	struct svextra last;       /* its exit block: ./run's last exit (issue 18) */
	int64_t oom_seen;          /* the cgroup's oom_kill count at the start, -1: none */
};

static struct {
	struct svc svc[2];         /* [0] the service, [1] its logger */
	int haslog;
	int logpipe[2];
	struct sockset socks;      /* the listen file's sockets, held across starts */
	struct bindtrap trap;      /* ./run's own binds of privileged ports */
	int exiting;               /* the log pipe is closed: runsv is on its way out */
	int selfpipe[2];           /* the signal handlers write a byte here */
	sigset_t nondefault;       /* signals a child must set back to SIG_DFL */
	unsigned glibc_ign;        /* the same for glibc's own signals: bit n is signal 32+n */
	struct health health;      /* the service's ./check, if it has check-interval */
	struct checker check;      /* the ./check running */
	struct depwatch deps;      /* the depends file: what a start waits for */
	struct contain cont;       /* the services' cgroups, or runsv as subreaper */
} rv;

static volatile sig_atomic_t got_term;
static const char *inst_arg;   /* an instance's ARG (template.h), NULL if none */

static char prog[PATH_MAX + 8];

static struct timespec now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts;
}

/* ---- children ---- */

static void svc_status(struct svc *s);

/* In a child that could not exec: runit's message, exit 111, no atexit. */
static void __attribute__((noreturn)) child_fail(const char *what)
{
	dprintf(2, "%s: fatal: %s: %s\n", prog, what, strerror(errno));
	_exit(EXIT_TEMP);
}

/* fd to exactly `to`, without close-on-exec (dup2 onto itself keeps the flag) */
static void child_fd(int fd, int to, const char *what)
{
	if ((fd == to ? fcntl(fd, F_SETFD, 0) : dup2(fd, to)) < 0)
		child_fail(what);
}

/* A clean slate: no blocked signals, and none ignored because whoever
 * started runsv ignored it (a shell ignores INT and QUIT for `&`, nohup HUP).
 * Only the signals that are not at their default are reset (those runsv
 * found ignored at startup, and its own handlers, which exec would reset
 * anyway but which could run before it): a start costs a few system calls,
 * not one for every signal. */
/* glibc keeps signals 32 and 33 for itself: sigaction() and sigaddset()
 * refuse them. Yet an ignore of them can be inherited (GNU make 4.3 leaves
 * both ignored in every command it runs), and a service must not get it: so
 * for these two, the kernel's own call, with the kernel's sigaction. */
#define GLIBC_SIG_FIRST 32
#define GLIBC_SIG_N     2
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

static int ksig_ignored(int sig)
{
	struct ksigaction old;

	return syscall(SYS_rt_sigaction, sig, NULL, &old, sizeof old.mask) == 0 &&
	       old.handler == SIG_IGN;
}

static void ksig_default(int sig)
{
	struct ksigaction dfl = { .handler = SIG_DFL };

	syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
}

static void child_reset(void)
{
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&rv.nondefault, sig) == 1)
			signal(sig, SIG_DFL);
	for (sig = 0; sig < GLIBC_SIG_N; sig++)
		if (rv.glibc_ign & (1u << sig))
			ksig_default(GLIBC_SIG_FIRST + sig);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void child_exec(struct svc *s, char *const argv[], int notew, unsigned long notefd)
{
	child_reset();
	bindtrap_child(&rv.trap);   /* first: its socket's fd may be one the next lines take */
	if (rv.haslog && s->islog)
		child_fd(rv.logpipe[0], 0, "unable to setup filedescriptor for ./log/run");
	if (rv.haslog && !s->islog)
		child_fd(rv.logpipe[1], 1, "unable to setup filedescriptor for ./run");
	if (s->islog && fchdir(s->dirfd) < 0)
		child_fail("unable to change directory to ./log");
	if (notew >= 0)
		child_fd(notew, (int)notefd, "unable to setup notification-fd");
	if (!s->islog && s->st.state != SV_FINISH &&
	    sockets_child(&rv.socks, notew >= 0 ? (int)notefd : -1) < 0)
		child_fail("unable to hand over the listen sockets (notification-fd must be above them)");
	if (s->st.state != SV_FINISH && s->pass_notify_socket &&
	    setenv("NOTIFY_SOCKET", s->notepath, 1))
		child_fail("unable to set NOTIFY_SOCKET");
	execve(argv[0], argv, environ);
	child_fail(s->islog ? "unable to start log/./run" : s->st.state == SV_FINISH ?
		   "unable to start ./finish" : "unable to start ./run");
}

/* runit waits for a control script, blocking: so does ward */
static int custom_wait(pid_t pid, const char *path)
{
	int w;

	while (waitpid(pid, &w, 0) < 0)
		if (errno != EINTR) {
			err_warn_sys("unable to wait for child %s", path);
			return 0;
		}
	return WIFEXITED(w) && WEXITSTATUS(w) == 0;
}

/* runit's control/C: runs it if executable, waits; 1 if it exited 0, which
 * means "handled, do not send the signal".  Never for the logger. */
static int custom(struct svc *s, char c)
{
	char path[] = "control/?";
	char *argv[] = { path, NULL };
	struct stat st;
	pid_t pid;

	path[8] = c;
	if (s->islog)
		return 0;
	if (fstatat(s->dirfd, path, &st, 0) < 0) {
		if (errno != ENOENT)
			err_warn_sys("unable to stat %s", path);
		return 0;
	}
	if (!(st.st_mode & S_IXUSR))
		return 0;
	svc_status(s);  /* the files show the state the script runs in */
	pid = fork();
	if (pid < 0) {
		err_warn_sys("unable to fork for %s", path);
		return 0;
	}
	if (pid == 0) {
		child_reset();
		if (rv.haslog && dup2(rv.logpipe[1], 1) < 0)
			child_fail("unable to setup stdout for control/?");
		execve(path, argv, environ);
		child_fail("unable to run control/?");
	}
	return custom_wait(pid, path);
}

static void svc_kill(struct svc *s, int sig)
{
	if (s->pid > 0)
		kill(s->pid, sig);
}

/* ---- supervise/ files ---- */

/* Each write is a create, write and rename, and the rename costs most of a
 * start on ext4 (it flushes the new file's data): so a file that would get
 * what it already holds is left alone. */
static void write_file(struct svc *s, int which, const char *name, const void *buf, size_t len)
{
	struct written *w = &s->files[which];

	if (w->valid && w->len == len && memcmp(w->buf, buf, len) == 0)
		return;
	w->valid = fs_write_atomic_mode(s->supfd, name, buf, len, ctlgroup_mode()) == 0;
	if (!w->valid) {
		err_warn_sys("unable to write %s%s", s->sup, name);
		return;
	}
	memcpy(w->buf, buf, len);
	w->len = len;
}

static void status_pid(struct svc *s)
{
	char buf[16];
	int n = 0;

	if (s->pid)
		n = snprintf(buf, sizeof buf, "%d\n", (int)s->pid);
	write_file(s, SF_PID, "pid", buf, (size_t)n);
}

static void status_stat(struct svc *s)
{
	static const char *const word[] = { "down", "run", "finish" };
	const char *want = "";
	char buf[64];
	int n;

	if (s->st.state != SV_DOWN && s->st.want != SV_WANT_UP)
		want = s->st.want == SV_WANT_DOWN ? ", want down" : ", want exit";
	n = snprintf(buf, sizeof buf, "%s%s%s%s\n", word[s->st.state],
		     s->st.paused ? ", paused" : "", s->st.term_sent ? ", got TERM" : "", want);
	write_file(s, SF_STAT, "stat", buf, (size_t)n);
}

static void status_bin(struct svc *s, int ward_whole)
{
	struct svstatus st = { .since = s->since, .pid = s->pid, .paused = s->st.paused,
			       .want = s->st.want == SV_WANT_UP ? 'u' : 'd',
			       .got_term = s->st.term_sent, .state = s->st.state };
	unsigned char buf[SVSTATUS_SIZE];

	svstatus_mark(&st, ward_whole);
	svstatus_encode(buf, &st);
	write_file(s, SF_STATUS, "status", buf, sizeof buf);
}

/* returns 1 if supervise/ward is whole: it has something to show */
static int status_ward(struct svc *s)
{
	struct svextra x = { .ready = s->ready, .ready_at = s->ready_at, .starts = s->st.starts,
			     .runsv_pid = getpid() };
	unsigned char buf[SVEXTRA_SIZE];
	int64_t now = clock_ms(), wait;
	size_t len;

	if (svstate_waiting(&s->st, now)) {
		wait = s->st.rs.due - now;
		x.backoff_ms = s->st.rs.delay_ms;
		x.next_start = now_real();
		x.next_start.tv_sec += wait / 1000;
		x.next_start.tv_nsec += (wait % 1000) * 1000000;
		if (x.next_start.tv_nsec >= 1000000000L) {
			x.next_start.tv_sec++;
			x.next_start.tv_nsec -= 1000000000L;
		}
	}
	memcpy(x.text, s->text, sizeof x.text);
	svextra_exit(&x, &s->last);
	if (!s->islog) {
		health_fill(&rv.health, &x);
		depends_fill(&rv.deps, &x);
	}
	len = svextra_encode(buf, &x);
	write_file(s, SF_WARD, "ward", buf, len);
	return len == SVEXTRA_SIZE;
}

/* supervise/ward before supervise/status: sv reads status first, so a
 * status that shows the new run always comes with that run's ward (a
 * readiness still to wait for), never the one before it.  The status
 * carries the mark of a whole ward (see status.h), so it is written again
 * whenever the ward turns whole or brief. */
/* The ward first: a reader that waits for supervise/stat or pid to change
 * (a script, a test) then finds the ward of that change, never an older
 * one; and before supervise/status (status.h: the mark). */
static void svc_status(struct svc *s)
{
	int whole = status_ward(s);

	status_pid(s);
	status_stat(s);
	status_bin(s, whole);
}

/* ---- readiness ---- */

static void note_close(struct svc *s)
{
	if (s->notefd >= 0)
		close(s->notefd);
	s->notefd = -1;
}

static void ready_set(struct svc *s)
{
	if (s->ready == SVREADY_YES)
		return;
	s->ready = SVREADY_YES;
	s->ready_at = now_real();
	svc_status(s);
}

/* supervise/notify: a datagram socket for sd_notify; absolute path needed */
static void notify_open(struct svc *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char cwd[PATH_MAX];
	int one = 1, fd;

	s->notesock = -1;
	if (!getcwd(cwd, sizeof cwd) ||
	    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%snotify", cwd, s->sup) >=
		    (int)sizeof sa.sun_path) {
		err_warn("%snotify: path too long for a socket: no NOTIFY_SOCKET", s->sup);
		return;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	unlink(sa.sun_path);  /* a stale one from an earlier runsv: we hold the lock */
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		err_warn_sys("unable to create %snotify", s->sup);
		if (fd >= 0)
			close(fd);
		return;
	}
	s->notesock = fd;
	memcpy(s->notepath, sa.sun_path, sizeof s->notepath);
}

/* Reads the readiness files for a start of ./run; returns the write end of
 * the notification-fd pipe (or -1) and its number in *fdno. */
static int ready_prepare(struct svc *s, unsigned long *fdno)
{
	char err[128];
	int p[2], r;

	note_close(s);
	s->ready_declared = faccessat(s->dirfd, "notify-socket", F_OK, 0) == 0;
	if (s->ready_declared && s->notesock < 0)
		notify_open(s);
	s->pass_notify_socket = s->ready_declared && s->notesock >= 0;
	r = svdir_read_uint(s->dirfd, "notification-fd", 3, NOTIFY_FD_MAX, fdno, err, sizeof err);
	if (r < 0)
		err_warn("%s%s", s->islog ? "log/" : "", err);
	if (r == 1 && pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		err_warn_sys("unable to create the notification-fd pipe");
		r = 0;
	}
	s->ready_declared |= r == 1;
	s->ready = s->ready_declared ? SVREADY_WAIT : SVREADY_NONE;
	s->ready_at = (struct timespec){ 0, 0 };
	s->text[0] = '\0';
	if (r != 1)
		return -1;
	s->notefd = p[0];
	return p[1];
}

static void note_read(struct svc *s)
{
	char buf[64];
	ssize_t n = read(s->notefd, buf, sizeof buf);

	if (n < 0 && errno == EAGAIN)
		return;
	if (n > 0 && !memchr(buf, '\n', (size_t)n))
		return;
	if (n > 0)
		ready_set(s);
	note_close(s);  /* ready, or closed without a newline: never ready */
}

/* whether pid is root or one of its descendants, by /proc's parent links */
static int pid_descends(pid_t pid, pid_t root)
{
	char path[32], buf[512];
	ssize_t n;
	int depth;

	for (depth = 0; depth < STAT_ANCESTRY && pid > 1; depth++) {
		if (pid == root)
			return 1;
		snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
		n = fs_read_file(AT_FDCWD, path, buf, sizeof buf);
		if (n <= 0)
			return 0;
		pid = notify_stat_ppid(buf, (size_t)n);
	}
	return 0;
}

static void cmsg_take(struct msghdr *mh, struct ucred **cred)
{
	struct cmsghdr *c;
	size_t i, nfd;
	int fd;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof **cred))
			*cred = (struct ucred *)(void *)CMSG_DATA(c);
		if (c->cmsg_type != SCM_RIGHTS)
			continue;
		/* sd_notify_barrier() waits until its fd is closed: close them all */
		nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			close(fd);
		}
	}
}

static void notify_one(struct svc *s, const char *msg, size_t len, const struct ucred *cred)
{
	char text[SVEXTRA_TEXT];
	int got;

	if (!cred || s->pid <= 0 || s->st.state != SV_RUN || !pid_descends(cred->pid, s->pid))
		return;  /* only ./run and its descendants speak for the service */
	got = notify_parse(msg, len, text, sizeof text);
	if (got & NOTIFY_STATUS)
		memcpy(s->text, text, sizeof text);
	if (got & NOTIFY_READY)
		ready_set(s);
	else if (got & NOTIFY_STATUS)
		svc_status(s);
}

static void notify_read(struct svc *s)
{
	char msg[NOTIFY_MSG_MAX];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(RIGHTS_MAX * sizeof(int))];
	} ctl;
	struct iovec iov = { msg, sizeof msg };
	struct msghdr mh;
	struct ucred *cred;
	ssize_t n;
	int i;

	for (i = 0; i < NOTIFY_PER_WAKE; i++) {
		mh = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
		n = recvmsg(s->notesock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0)
			return;
		cred = NULL;
		cmsg_take(&mh, &cred);
		notify_one(s, msg, (size_t)n, cred);
	}
}

/* ---- carrying out what svstate decides ---- */

static void svc_do(struct svc *s, struct sv_action a, int64_t now);

/* the state machine's one entry: userd/lib/svstate decides, svc_do acts */
static void svc_event(struct svc *s, struct sv_event ev, int64_t now)
{
	svc_do(s, svstate_step(&s->st, &ev, now), now);
}

static uint32_t svc_backoff_max(struct svc *s)
{
	unsigned long sec = RESTART_MAX_MS / 1000;
	char err[128];

	if (svdir_read_uint(s->dirfd, "backoff-max", 1, BACKOFF_MAX_S, &sec, err, sizeof err) < 0)
		err_warn("%s%s", s->islog ? "log/" : "", err);
	return (uint32_t)sec * 1000;
}

static void svc_finish_args(struct svc *s, char *code, char *sig, size_t size)
{
	if (WIFEXITED(s->wstat))
		snprintf(code, size, "%d", WEXITSTATUS(s->wstat));
	else
		snprintf(code, size, "-1");
	snprintf(sig, size, "%d", s->wstat & 0xff);
}

/* a start that could not happen counts as a quick death: the retry backs off */
static void svc_not_started(struct svc *s, int64_t now)
{
	svc_event(s, (struct sv_event){ .kind = SV_EV_START_FAILED }, now);
}

/* ---- health checks and dependencies (userd/lib/health, depends) ---- */

static void svc_why(struct svc *s, const char *why)
{
	err_warn("%s", why);
	snprintf(s->text, sizeof s->text, "%s", why);
}

/* the depends file, before each start of ./run: -1 if it must wait */
static int svc_depends(struct svc *s, int64_t now)
{
	switch (depends_gate(&rv.deps, s->dirfd, now)) {
	case DEPENDS_GO:
		return 0;
	case DEPENDS_HOLD:
		if (rv.deps.wait == SVDEP_CYCLE)
			err_warn("dependency cycle: %s: not started", rv.deps.text);
		svc_event(s, (struct sv_event){ .kind = SV_EV_HOLD }, now);
		return -1;
	default:
		svc_why(s, rv.deps.text);
		svc_not_started(s, now);
		return -1;
	}
}

static void on_deps(struct svc *s, int64_t now)
{
	int r = depends_event(&rv.deps);

	if (r == DEPENDS_GO)
		svc_event(s, (struct sv_event){ .kind = SV_EV_RELEASE }, now);
	else if (r == DEPENDS_RESTART)
		err_warn("dependency %s restarted: restarting", rv.deps.text);
	if (r == DEPENDS_RESTART)
		svc_event(s, (struct sv_event){ .kind = SV_EV_STOP_RUN, .asked = 1 }, now);
	if (r == DEPENDS_HOLD)
		svc_status(s);  /* it may wait for another one now */
}

/* a wait nobody wants any more ends; one past depends-timeout fails */
static void deps_tick(struct svc *s, int64_t now)
{
	char why[SVEXTRA_TEXT];

	if (rv.deps.held && !svstate_owes_start(&s->st)) {
		depends_release(&rv.deps);
		svc_status(s);
	}
	if (depends_deadline(&rv.deps) > now)
		return;
	snprintf(why, sizeof why, "%s%s: depends-timeout is over",
		 rv.deps.wait == SVDEP_CYCLE ? "dependency cycle " : "waiting for ", rv.deps.text);
	depends_release(&rv.deps);
	svc_why(s, why);
	svc_not_started(s, now);
}

static void health_arm(int64_t now)
{
	struct health_cfg cfg;
	char err[128];
	int r = health_read_cfg(rv.svc[0].dirfd, &cfg, err, sizeof err);

	if (r < 0)
		err_warn("%s", err);
	if (r == 1) {
		health_run(&rv.health, &cfg, now);
		rv.check.timeout_ms = cfg.timeout_ms;
		return;
	}
	health_halt(&rv.health);
	rv.health.state = SVHEALTH_NONE;
}

static void health_tick(int64_t now)
{
	if (health_overdue(&rv.health, now))
		checker_kill(&rv.check);
	if (!health_due(&rv.health, now))
		return;
	if (checker_start(&rv.check, child_reset) < 0) {
		err_warn_sys("unable to start ./check");
		health_later(&rv.health, now);
		return;
	}
	health_began(&rv.health, now);
}

static void health_exited(struct svc *s, int wstat, int64_t now)
{
	char line[SVEXTRA_HTEXT];
	int ok = checker_done(&rv.check, wstat, line, sizeof line);
	int r = health_verdict(&rv.health, ok, line, now_real(), now);

	if (r == HEALTH_RESTART) {
		err_warn("./check failed %u times in a row: restarting: %s",
			 rv.health.cfg.failures, line);
		snprintf(s->text, sizeof s->text, "unhealthy: %s", line);
		svc_event(s, (struct sv_event){ .kind = SV_EV_STOP_RUN }, now);
	}
	if (r != HEALTH_SAME)
		svc_status(s);
}

static void on_check_out(struct svc *s, int64_t now)
{
	(void)s;
	(void)now;
	checker_read(&rv.check);
}

/* ./run is not started, for the reason in err: it goes to stderr and to
 * sv status, and the start is retried with the usual backoff */
static int svc_refused(struct svc *s, const char *err, int64_t now)
{
	svc_why(s, err);
	svc_not_started(s, now);
	return -1;
}

/* The listen file, re-read before each start (userd/lib/sockets): ./run
 * starts with every socket or not at all. */
static int svc_sockets(struct svc *s, int64_t now)
{
	char err[SVEXTRA_TEXT];
	/* looked up at each start: the userd that started us may have been
	 * replaced (or was one without privd) */
	const char *relays[] = { relay_told(), RELAY_OURS,
				 "../" RELAY_DIR "/" RELAY_SOCK, NULL };

	if (sockets_update(&rv.socks, s->dirfd, relays, err, sizeof err) == 0)
		return 0;
	return svc_refused(s, err, now);
}

/* control-group, re-read at runsv's start and before each start of ./run
 * (userd/lib/ctlgroup): a group that is refused keeps ./run from starting */
static int svc_shared(struct svc *s, int64_t now)
{
	int sup[2] = { rv.svc[0].supfd, rv.haslog ? rv.svc[1].supfd : -1 };
	char err[SVEXTRA_TEXT];

	if (ctlgroup_apply(rv.svc[0].dirfd, sup, 2, err, sizeof err) == 0)
		return 0;
	return s ? svc_refused(s, err, now) : (err_warn("%s", err), -1);
}

/* an instance's view of its template, renewed before each start */
static void view_sync(void)
{
	char err[256];

	inst_arg = tmpl_view_sync(err, sizeof err);
	if (err[0])
		err_warn("%s", err);
}

/* an instance's ./run and ./finish get its ARG as $1 */
static void inst_args(char **run, char **fin)
{
	run[1] = (char *)inst_arg;
	fin[3] = fin[2];
	fin[2] = fin[1];
	fin[1] = (char *)inst_arg;
}

static void svc_fork_failed(struct svc *s, int notew, int64_t now)
{
	err_warn_sys("unable to fork, sleeping");
	if (notew >= 0)
		close(notew);
	note_close(s);
	svc_not_started(s, now);
}

static void svc_start(struct svc *s, int64_t now)
{
	char code[16], sig[16];
	char *run[] = { "./run", NULL, NULL }, *fin[] = { "./finish", code, sig, NULL, NULL };
	unsigned long fdno = 0;
	int notew = -1;
	pid_t pid;

	if (s->st.state == SV_FINISH) {
		svc_finish_args(s, code, sig, sizeof code);
	} else {
		if (!s->islog && svc_depends(s, now) < 0)
			return;
		custom(s, 'u');
		if (!s->islog)
			view_sync();
		if (!s->islog && (svc_shared(s, now) < 0 || svc_sockets(s, now) < 0))
			return;
		s->oom_seen = cgstat_oom_kills(s->supfd);
		notew = ready_prepare(s, &fdno);
		contain_limits(&rv.cont, s->islog, s->dirfd);
		if (!s->islog)
			bindtrap_prepare(&rv.trap);
	}
	if (inst_arg && !s->islog)
		inst_args(run, fin);
	pid = contain_fork(&rv.cont, s->islog);
	if (pid == 0)
		child_exec(s, s->st.state == SV_FINISH ? fin : run, notew, fdno);
	bindtrap_started(&rv.trap, pid);
	if (pid < 0) {
		svc_fork_failed(s, notew, now);
		return;
	}
	if (notew >= 0)
		close(notew);
	s->pid = pid;
	if (!s->islog && s->st.state != SV_FINISH)
		health_arm(now);
	svc_event(s, (struct sv_event){ .kind = SV_EV_STARTED }, now);
}

static uint32_t svc_timeout_kill(struct svc *s)
{
	unsigned long ms;
	char err[128];
	int r;

	r = svdir_read_uint(s->dirfd, "timeout-kill", 1, UINT32_MAX, &ms, err, sizeof err);
	if (r < 0)
		err_warn("%s%s", s->islog ? "log/" : "", err);
	return r == 1 ? (uint32_t)ms : 0;
}

/* one action; those with an outcome report it as the next event */
static void svc_act(struct svc *s, const struct sv_act *a, int64_t now)
{
	struct sv_event ev = { .kind = SV_EV_VERDICT };

	switch (a->kind) {
	case SV_ACT_STATUS:
		svc_status(s);
		break;
	case SV_ACT_STAMP:
		s->since = now_real();
		break;
	case SV_ACT_SIGNAL:
		svc_kill(s, a->arg);
		break;
	case SV_ACT_SCRIPT:
		custom(s, (char)a->arg);
		break;
	case SV_ACT_ASK:
		ev.handled = custom(s, (char)a->arg) != 0;
		svc_event(s, ev, now);
		break;
	case SV_ACT_START:
		svc_start(s, now);
		break;
	case SV_ACT_READ_KILL:
		ev = (struct sv_event){ .kind = SV_EV_KILL_AFTER, .kill_after_ms = svc_timeout_kill(s) };
		svc_event(s, ev, now);
		break;
	}
}

static void svc_do(struct svc *s, struct sv_action a, int64_t now)
{
	int i;

	for (i = 0; i < a.n; i++)
		svc_act(s, &a.step[i], now);
}

/* restart accounting: how ./run ended; an OOM kill is a KILL while the
 * cgroup's oom_kill count went up */
static void svc_note_exit(struct svc *s, int wstat)
{
	int64_t kills = s->oom_seen >= 0 ? cgstat_oom_kills(s->supfd) : -1;
	int oom = WIFSIGNALED(wstat) && WTERMSIG(wstat) == SIGKILL && kills > s->oom_seen;
	struct timespec t = now_real();

	svextra_note_exit(&s->last, wstat, oom, &t);
}

static void svc_exited(struct svc *s, int wstat, int64_t now)
{
	struct sv_event ev = { .kind = SV_EV_EXIT };

	s->pid = 0;
	note_close(s);
	if (s->st.state == SV_RUN) {  /* ./run's exit, for ./finish and readiness */
		s->wstat = wstat;
		svc_note_exit(s, wstat);
		s->ready = s->ready_declared ? SVREADY_WAIT : SVREADY_NONE;
		s->ready_at = (struct timespec){ 0, 0 };
		ev.backoff_max_ms = svc_backoff_max(s);
		ev.finish_exists = !s->islog && faccessat(s->dirfd, "finish", F_OK, 0) == 0;
		if (!s->islog) {
			health_halt(&rv.health);
			depends_release(&rv.deps);
		}
	}
	/* what it left goes before the service counts as down or starts
	 * again; after the OOM count was read: a killed cgroup is made anew */
	contain_stopped(&rv.cont, s->islog, s->dirfd,
			(pid_t[]){ rv.svc[!s->islog].pid, rv.check.pid }, 2);
	svc_event(s, ev, now);
}

static void svc_control(struct svc *s, char c, int64_t now)
{
	if (rv.exiting)
		return;
	svc_event(s, (struct sv_event){ .kind = SV_EV_LETTER, .letter = c }, now);
}

/* x: once the service is down, close the log's input and exit when it is */
static void exit_check(int64_t now)
{
	struct svc *log = &rv.svc[1];

	if (!svstate_gone(&rv.svc[0].st))
		return;
	if (!rv.haslog || log->pid == 0) {
		checker_kill(&rv.check);  /* a check must not outlive its runsv */
		contain_exit(&rv.cont, rv.svc[0].dirfd);
		exit(0);
	}
	if (rv.exiting)
		return;
	rv.exiting = 1;
	svc_event(log, (struct sv_event){ .kind = SV_EV_DRAIN }, now);
	close(rv.logpipe[0]);
	close(rv.logpipe[1]);
}

/* ---- events ---- */

static void reap(int64_t now)
{
	pid_t pid;
	int w, i;

	while ((pid = waitpid(-1, &w, WNOHANG)) > 0) {
		if (pid == rv.check.pid)
			health_exited(&rv.svc[0], w, now);
		for (i = 0; i <= rv.haslog; i++)
			if (rv.svc[i].pid == pid)
				svc_exited(&rv.svc[i], w, now);
	}
}

static void on_signal(struct svc *s, int64_t now)
{
	char buf[64];

	(void)s;
	while (read(rv.selfpipe[0], buf, sizeof buf) > 0)
		;
	if (got_term) {
		got_term = 0;
		svc_control(&rv.svc[0], 'x', now);
	}
	reap(now);
}

static void on_control(struct svc *s, int64_t now)
{
	char buf[64];
	ssize_t n = read(s->ctlfd, buf, sizeof buf), i;

	for (i = 0; i < n; i++)
		svc_control(s, buf[i], now);
}

static void on_note(struct svc *s, int64_t now)
{
	(void)now;
	note_read(s);
}

static void on_notify(struct svc *s, int64_t now)
{
	(void)now;
	notify_read(s);
}

static void on_trap(struct svc *s, int64_t now)
{
	(void)s;
	(void)now;
	bindtrap_serve(&rv.trap);
}

struct watch {
	void (*fn)(struct svc *, int64_t);
	struct svc *s;
};

static int watch_add(struct pollfd *pfd, struct watch *w, int n, int fd,
		     void (*fn)(struct svc *, int64_t), struct svc *s)
{
	if (fd < 0)
		return n;
	pfd[n] = (struct pollfd){ .fd = fd, .events = POLLIN };
	w[n] = (struct watch){ fn, s };
	return n + 1;
}

static int poll_timeout(int64_t now)
{
	int64_t d = svstate_deadline(&rv.svc[0].st);

	if (rv.haslog && svstate_deadline(&rv.svc[1].st) < d)
		d = svstate_deadline(&rv.svc[1].st);
	if (health_deadline(&rv.health) < d)
		d = health_deadline(&rv.health);
	if (depends_deadline(&rv.deps) < d)
		d = depends_deadline(&rv.deps);
	if (d == INT64_MAX)
		return -1;
	return d <= now ? 0 : d - now > INT_MAX ? INT_MAX : (int)(d - now);
}

static void loop(void)
{
	struct pollfd pfd[10];
	struct watch w[10];
	int64_t now;
	int n, i;

	for (;;) {
		now = clock_ms();
		for (i = 0; i <= rv.haslog; i++)
			svc_event(&rv.svc[i], (struct sv_event){ .kind = SV_EV_DEADLINE }, now);
		deps_tick(&rv.svc[0], now);
		health_tick(now);
		exit_check(now);
		n = watch_add(pfd, w, 0, rv.selfpipe[0], on_signal, NULL);
		n = watch_add(pfd, w, n, rv.check.outfd, on_check_out, NULL);
		n = watch_add(pfd, w, n, depends_fd(&rv.deps), on_deps, &rv.svc[0]);
		for (i = 0; i <= rv.haslog; i++) {
			n = watch_add(pfd, w, n, rv.svc[i].ctlfd, on_control, &rv.svc[i]);
			n = watch_add(pfd, w, n, rv.svc[i].notefd, on_note, &rv.svc[i]);
			n = watch_add(pfd, w, n, rv.svc[i].notesock, on_notify, &rv.svc[i]);
		}
		n = watch_add(pfd, w, n, bindtrap_pollfd(&rv.trap), on_trap, NULL);
		if (poll(pfd, (nfds_t)n, poll_timeout(now)) < 0 && errno != EINTR)
			err_fatal_sys(EXIT_TEMP, "unable to poll");
		now = clock_ms();
		for (i = 0; i < n; i++)
			if (pfd[i].revents)
				w[i].fn(w[i].s, now);
	}
}

/* ---- setup ---- */

/* 0, 1 and 2 open, so no pipe or file of ours lands on them */
static void fds_standard(void)
{
	int fd;

	do
		fd = open("/dev/null", O_RDWR);
	while (fd >= 0 && fd <= 2);
	if (fd < 0)
		err_fatal_sys(EXIT_TEMP, "unable to open /dev/null");
	close(fd);
}

static void on_sig(int sig)
{
	int e = errno;

	if (sig == SIGTERM)
		got_term = 1;
	if (write(rv.selfpipe[1], "", 1) < 0) {
		/* full: a wake-up is pending anyway */
	}
	errno = e;
}

/* the signals whoever started runsv left ignored (or handled, which exec
 * turns into the default): its children get the default instead */
static void signals_inherited(void)
{
	struct sigaction old;
	int sig;

	sigemptyset(&rv.nondefault);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &old) == 0 &&
		    old.sa_handler != SIG_DFL)
			sigaddset(&rv.nondefault, sig);
	for (sig = 0; sig < GLIBC_SIG_N; sig++)
		if (ksig_ignored(GLIBC_SIG_FIRST + sig))
			rv.glibc_ign |= 1u << sig;
}

/* a handler also replaces an inherited SIG_IGN for SIGCHLD (which would reap
 * for us) */
static void signals_setup(void)
{
	struct sigaction sa = { .sa_handler = on_sig, .sa_flags = SA_RESTART | SA_NOCLDSTOP };
	sigset_t none;

	if (pipe2(rv.selfpipe, O_CLOEXEC | O_NONBLOCK) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to create selfpipe");
	signals_inherited();
	sigaddset(&rv.nondefault, SIGCHLD);
	sigaddset(&rv.nondefault, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* supervise/ may be a symlink to a directory that does not exist yet */
static int supervise_open(struct svc *s)
{
	char target[256];
	ssize_t r;
	int fd;

	if (mkdirat(s->dirfd, "supervise", 0700) < 0 && errno != EEXIST)
		err_fatal_sys(EXIT_TEMP, "unable to create %s", s->sup);
	fd = openat(s->dirfd, "supervise", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		r = readlinkat(s->dirfd, "supervise", target, sizeof target);
		if (r >= (ssize_t)sizeof target)
			err_fatal(EXIT_TEMP, "unable to readlink ./%.*s: name too long",
				  (int)strlen(s->sup) - 1, s->sup);
		if (r > 0) {
			target[r] = '\0';
			mkdirat(s->dirfd, target, 0700);
		}
		fd = openat(s->dirfd, "supervise", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0)
		err_fatal_sys(EXIT_TEMP, "unable to open %s", s->sup);
	return fd;
}

static void svc_lock(struct svc *s)
{
	s->lockfd = openat(s->supfd, "lock", O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC,
			   0600);
	if (s->lockfd < 0)
		err_fatal_sys(EXIT_TEMP, "unable to open %slock", s->sup);
	/* as runit: a second runsv is refused; the log's lock is waited for */
	if (flock(s->lockfd, s->islog ? LOCK_EX : LOCK_EX | LOCK_NB) == 0)
		return;
	if (errno == EWOULDBLOCK)
		err_fatal(EXIT_TEMP, "unable to lock %slock: temporary failure", s->sup);
	err_fatal_sys(EXIT_TEMP, "unable to lock %slock", s->sup);
}

static int64_t ns_between(struct timespec a, struct timespec b)
{
	int64_t d = (int64_t)(a.tv_sec - b.tv_sec) * 1000000000 + (a.tv_nsec - b.tv_nsec);

	return d < 0 ? -d : d;
}

/* A runsv killed with -9 leaves ./run (or the logger) running with nobody
 * to supervise it, and supervise/status still names it. Stop it before
 * starting another, so that a service never runs twice. The pid must still
 * be that process: started when supervise/status says it was (a reused pid
 * started at another time is left alone). runit leaves such a process. */
static void svc_orphan(struct svc *s)
{
	unsigned char buf[SVSTATUS_SIZE];
	ssize_t n = fs_read_file(s->supfd, "status", buf, sizeof buf);
	struct svstatus st;
	struct timespec at;

	if (n != SVSTATUS_SIZE || svstatus_decode(buf, (size_t)n, &st) < 0 ||
	    st.state != SV_RUN || st.pid <= 1 || st.pid == getpid())
		return;
	if (proc_started(st.pid, &at) < 0 || ns_between(at, st.since) > ORPHAN_SLACK_NS)
		return;
	err_warn("%sstatus: pid %d was left running by a runsv that died: stopping it",
		 s->sup, (int)st.pid);
	if (proc_stop(st.pid, ORPHAN_GRACE_MS) < 0)
		err_warn_sys("unable to stop pid %d", (int)st.pid);
}

static int fifo_open(struct svc *s, const char *name, int flags)
{
	struct stat st;
	int fd;

	if (mkfifoat(s->supfd, name, 0600) < 0 && errno != EEXIST)
		err_fatal_sys(EXIT_TEMP, "unable to mkfifo %s%s", s->sup, name);
	if (fstatat(s->supfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to stat %s%s", s->sup, name);
	if (!S_ISFIFO(st.st_mode))
		err_fatal(EXIT_TEMP, "%s%s exists but is not a fifo", s->sup, name);
	fd = openat(s->supfd, name, flags | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		err_fatal_sys(EXIT_TEMP, "unable to open %s%s", s->sup, name);
	return fd;
}

static void svc_init(struct svc *s, int islog)
{
	s->islog = islog;
	s->sup = islog ? "log/supervise/" : "supervise/";
	s->dirfd = open(islog ? "log" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0)
		err_fatal_sys(EXIT_TEMP, "unable to open %s", islog ? "./log" : ".");
	svstate_init(&s->st, islog, faccessat(s->dirfd, "down", F_OK, 0) == 0);
	s->since = now_real();
	s->notefd = s->notesock = -1;
	s->supfd = supervise_open(s);
	svc_lock(s);
	svc_orphan(s);
}

static void svc_open(struct svc *s)
{
	s->ctlfd = fifo_open(s, "control", O_RDONLY);
	s->ctlwfd = fifo_open(s, "control", O_WRONLY);  /* never EOF on control */
	/* A new service directory (no status yet) that is to start at once gets
	 * its files when ./run is forked, not a "down" first: each file is a
	 * create and a rename, and on ext4 a create may wait for the journal,
	 * all before ./run could run.  A status left by an earlier runsv is
	 * replaced now, so that sv never shows that runsv's run as ours. */
	if (!svstate_owes_start(&s->st) || faccessat(s->supfd, "status", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		svc_status(s);
	s->okfd = fifo_open(s, "ok", O_RDONLY);  /* sv: "runsv is running" */
}

static void log_detect(void)
{
	struct stat st;

	if (stat("log", &st) < 0) {
		if (errno != ENOENT)
			err_warn_sys("unable to stat() ./log");
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		err_warn("./log: not a directory.");
		return;
	}
	if (pipe2(rv.logpipe, O_CLOEXEC) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to create log pipe");
	rv.haslog = 1;
}

/* runsv NAME@ARG, an instance: its own directory instead (template.h) */
static const char *svc_dir(const char *arg)
{
	static char inst[PATH_MAX];
	char err[PATH_MAX + 128];
	int r = tmpl_instance(arg, 1, inst, sizeof inst, err, sizeof err);

	if (r < 0)
		err_fatal(EXIT_TEMP, "%s", err);
	return r == 1 ? inst : arg;
}

int main(int argc, char **argv)
{
	err_init(argv[0]);
	err_version_option(argc, argv);
	if (argc != 2) {
		fprintf(stderr, "usage: %s dir\n\n", argv[0]);
		return 1;
	}
	snprintf(prog, sizeof prog, "runsv %s", argv[1]);
	err_prog = prog;
	fds_standard();
	rv.check.outfd = -1;
	depends_init(&rv.deps, argv[1]);  /* its tree, before the chdir */
	signals_setup();
	if (chdir(svc_dir(argv[1])) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to change to directory");
	view_sync();
	unsetenv("NOTIFY_SOCKET");  /* meant for runsv, not for its services */
	sockets_init(&rv.socks);
	bindtrap_init(&rv.trap, (const char *[]){ relay_told(), RELAY_OURS,
						  "../" RELAY_DIR "/" RELAY_SOCK, NULL });
	log_detect();
	svc_init(&rv.svc[0], 0);
	if (rv.haslog)
		svc_init(&rv.svc[1], 1);
	contain_init(&rv.cont, rv.haslog, (int[2]){ rv.svc[0].dirfd, rv.svc[1].dirfd },
		     (int[2]){ rv.svc[0].supfd, rv.svc[1].supfd });
	svc_open(&rv.svc[0]);
	if (rv.haslog)
		svc_open(&rv.svc[1]);
	svc_shared(NULL, 0);
	loop();
}
