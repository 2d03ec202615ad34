/* userd: one user's supervision tree, runsvdir-compatible (also installed as
 * runsvdir).  Starts one runsv per service directory in DIR, restarts a runsv
 * that exits, sends TERM to the runsv of a directory that goes away.
 *
 * Beyond runsvdir: changes are seen by inotify at once and nothing wakes up
 * while nothing changes; every runsv runs in its own session so it outlives
 * userd (as runsvdir: only with -P, as runit's), and a new userd adopts the runsvs it finds holding their
 * supervise/lock instead of starting a second one.  One userd per directory:
 * it holds an flock on DIR/.userd/lock.  See docs/man/userd.8.
 *
 * One loop (epoll): the inotify fd, a signalfd (HUP, TERM), the pipe behind
 * the readproctitle log, and one pidfd per runsv, ours or adopted. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "bindrelay.h"
#include "err.h"
#include "fs.h"
#include "lockinfo.h"
#include "proc.h"
#include "ptitle.h"
#include "restart.h"
#include "scan.h"
#include "status.h"
#include "svcgroup.h"

#define MAXSERVICES 1000             /* as runsvdir */
#define DOT_MS (15 * 60 * 1000)      /* a dot into the log, as runsvdir */

#define CHAIN_MAX 8                  /* symlinks followed from DIR's name */
#define LOCK_NAME "lock"             /* DIR/.userd/lock: one userd per DIR */

enum { EV_INOTIFY = 1, EV_SIGNAL, EV_LOG, EV_SVC, EV_RELAY };

/* a name that DIR's path goes through: DIR's own, and each symlink's target */
struct link {
	int wd;                      /* watch on the directory holding it */
	char name[NAME_MAX + 1];
};

struct svc {
	int used;
	char name[SCAN_NAME_MAX + 1];
	dev_t dev;
	ino_t ino;
	int want;        /* present in the last scan */
	pid_t pid;       /* its runsv, 0 if none */
	int pidfd;       /* -1 if none */
	int child;       /* 1: our child, reaped by us; 0: adopted */
	int term_sent;   /* its directory went away and TERM was sent */
	struct restart rs;
};

static struct {
	const char *path;      /* DIR as given */
	int dirfd;             /* DIR */
	int lockfd;            /* DIR/.userd/lock, flock'ed for as long as we run */
	dev_t dev;
	ino_t ino;
	int dir_wd;            /* inotify watch on DIR */
	int ep, ino_fd, sig_fd, log_rd;
	int binder;            /* privd's binder socket (-b), -1 if none */
	int relay;             /* the bind relay runs (in DIR/.userd) */
	int rescan;
	char runsv[PATH_MAX];
	struct svc svc[MAXSERVICES];
	int nsvc;              /* svc[] is used below this: loops touch only those pages */
	struct scan_ent found[MAXSERVICES];
	int full_warned;
	struct link chain[CHAIN_MAX];
	int nchain;
	struct ptitle title;
	int has_title;
	int64_t dot_due;       /* next dot into the title, INT64_MAX if none */
	struct rlimit nofile;  /* as inherited; runsv gets it back */
	int nofile_raised;
	int own_session;       /* each runsv gets a session of its own */
} u;

static void usage(void)
{
	/* runsvdir's usage exits 1 (not 100); we do the same */
	fprintf(stderr, "usage: %s [-P] [-b FD] dir [log]\n", err_prog);
	exit(1);
}

static void ep_add(int fd, uint32_t kind, uint32_t idx)
{
	struct epoll_event ev = { .events = EPOLLIN };

	ev.data.u64 = (uint64_t)kind << 32 | idx;
	if (epoll_ctl(u.ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to watch fd %d", fd);
}

/* ---- the readproctitle log ---- */

static void title_setup(char *arg)
{
	int p[2];

	if (ptitle_init(&u.title, arg, strlen(arg)) < 0) {
		err_warn("log must have at least seven characters.");
		err_warn("log service disabled.");
		return;
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0 || dup2(p[1], 2) < 0) {
		err_warn_sys("unable to create pipe for log");
		return;
	}
	/* fd 2 (not close-on-exec) goes to every runsv: their errors show too */
	close(p[1]);
	u.log_rd = p[0];
	u.has_title = 1;
	ep_add(u.log_rd, EV_LOG, 0);
}

static void title_arm(void)
{
	if (u.has_title && u.dot_due == INT64_MAX && !ptitle_clean(&u.title))
		u.dot_due = clock_ms() + DOT_MS;
}

static void title_read(void)
{
	char buf[1024];
	ssize_t n;

	while ((n = read(u.log_rd, buf, sizeof buf)) > 0)
		ptitle_add(&u.title, buf, (size_t)n);
	title_arm();
}

/* wakes every 15 minutes only while a message is left to expire */
static void title_dot(int64_t now)
{
	if (now < u.dot_due)
		return;
	ptitle_add(&u.title, ".", 1);
	u.dot_due = INT64_MAX;
	title_arm();
}

/* ---- runsv processes ---- */

static void svc_watch(struct svc *s, pid_t pid, int pidfd, int child)
{
	s->pid = pid;
	s->pidfd = pidfd;
	s->child = child;
	s->term_sent = 0;
	ep_add(pidfd, EV_SVC, (uint32_t)(s - u.svc));
	restart_started(&s->rs, clock_ms());
}

/* in the child: its own session, so that a signal to userd's process group
 * or terminal never reaches it, and userd's death is not its death; as
 * runsvdir without -P, userd's session and group, as runit's runsvdir */
static void runsv_exec(const char *name)
{
	char *argv[3];

	sigset_t none;

	if (u.own_session)
		setsid();
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (u.nofile_raised) /* as userd got it */
		setrlimit(RLIMIT_NOFILE, &u.nofile);
	if (fchdir(u.dirfd) < 0) {
		err_warn_sys("unable to change directory to %s", u.path);
		_exit(EXIT_TEMP);
	}
	argv[0] = (char *)"runsv";
	argv[1] = (char *)name;
	argv[2] = NULL;
	execv(u.runsv, argv);
	err_warn_sys("unable to start runsv %s", name);
	_exit(EXIT_TEMP);
}

static void svc_spawn(struct svc *s, int64_t now)
{
	pid_t pid;
	int pidfd;

	pid = fork();
	if (pid < 0) {
		err_warn_sys("unable to fork for %s", s->name);
		restart_exited(&s->rs, now, 0);
		return;
	}
	if (pid == 0)
		runsv_exec(s->name);
	pidfd = proc_pidfd_open(pid);
	if (pidfd < 0) {
		/* out of descriptors: a runsv we could not watch must not run */
		err_warn_sys("unable to watch runsv %s", s->name);
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		restart_exited(&s->rs, now, 0);
		return;
	}
	fcntl(pidfd, F_SETFD, FD_CLOEXEC);
	svc_watch(s, pid, pidfd, 1);
}

/* the runsv that holds this service's lock: supervise/ward says its pid
 * (our runsv writes it); /proc/locks says it for any runsv */
static pid_t runsv_holder(const struct svc *s, dev_t ldev, ino_t lino)
{
	unsigned char buf[SVEXTRA_SIZE];
	struct svextra x;
	char path[SCAN_NAME_MAX + 32];
	ssize_t n;

	snprintf(path, sizeof path, "%s/supervise/ward", s->name);
	n = fs_read_file(u.dirfd, path, buf, sizeof buf);
	if (n >= 0 && svextra_decode(buf, (size_t)n, &x) == 0 && x.runsv_pid > 0)
		return x.runsv_pid;
	return lockinfo_holder(ldev, lino);
}

/* 1 if pid's working directory is this service's directory, as a runsv's is */
static int runs_in(pid_t pid, const struct svc *s)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof path, "/proc/%d/cwd", (int)pid);
	return stat(path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino;
}

/* The pid is checked after its pidfd is open, so it cannot be a reused pid:
 * a process that runs in the service directory while the lock is held. */
static int svc_adopt(struct svc *s, pid_t pid, const char *lock)
{
	int pidfd;

	if (pid <= 0)
		return -1;
	pidfd = proc_pidfd_open(pid);
	if (pidfd < 0)
		return -1;
	if (!runs_in(pid, s) || lockinfo_probe(u.dirfd, lock, NULL, NULL) != 1) {
		close(pidfd);
		return -1;
	}
	fcntl(pidfd, F_SETFD, FD_CLOEXEC);
	svc_watch(s, pid, pidfd, 0);
	return 0;
}

/* probes lock (NAME/supervise/lock or NAME/log/supervise/lock):
 * 0 free, 1 adopted its holder, -1 held by something we cannot adopt */
static int svc_try_adopt(struct svc *s, const char *what)
{
	char lock[SCAN_NAME_MAX + 32];
	dev_t dev;
	ino_t ino;

	snprintf(lock, sizeof lock, "%s/%s", s->name, what);
	if (lockinfo_probe(u.dirfd, lock, &dev, &ino) != 1)
		return 0;
	if (svc_adopt(s, runsv_holder(s, dev, ino), lock) == 0)
		return 1;
	/* the ward file may be stale: ask the kernel who holds the lock */
	return svc_adopt(s, lockinfo_holder(dev, ino), lock) == 0 ? 1 : -1;
}

/* Never a second runsv on a directory: a runsv already there (left by a
 * userd that died, or started by hand) is adopted. */
static void svc_start(struct svc *s, int64_t now)
{
	int r;

	r = svc_try_adopt(s, "supervise/lock");
	if (r == 0) {
		r = svc_try_adopt(s, "log/supervise/lock");
		if (r < 0)
			r = 0; /* someone else's logger: runsv will say so */
	}
	if (r == 1)
		return;
	if (r < 0) {
		/* held, but the holder could not be checked: try again later */
		restart_exited(&s->rs, now, 0);
		return;
	}
	svc_spawn(s, now);
}

static void svc_free(struct svc *s)
{
	s->used = 0;
}

static void svc_stop(struct svc *s)
{
	if (!s->pid) {
		svc_free(s);
		return;
	}
	if (!s->term_sent && proc_pidfd_kill(s->pidfd, SIGTERM) < 0 && errno != ESRCH)
		err_warn_sys("unable to send TERM to runsv %s", s->name);
	s->term_sent = 1;
}

static void svc_exited(struct svc *s, int64_t now)
{
	int status;

	if (s->child)
		while (waitpid(s->pid, &status, WNOHANG) < 0 && errno == EINTR)
			;
	/* explicitly: a child between fork and exec still shares the pidfd,
	 * and close alone would leave it in the epoll set until then */
	epoll_ctl(u.ep, EPOLL_CTL_DEL, s->pidfd, NULL);
	close(s->pidfd);
	s->pidfd = -1;
	s->pid = 0;
	if (!s->want) {
		svc_free(s);
		return;
	}
	restart_exited(&s->rs, now, s->term_sent);
	s->term_sent = 0;
}

/* ---- the service directory ---- */

static struct svc *svc_by_ino(dev_t dev, ino_t ino)
{
	int i;

	for (i = 0; i < u.nsvc; i++)
		if (u.svc[i].used && u.svc[i].dev == dev && u.svc[i].ino == ino)
			return &u.svc[i];
	return NULL;
}

static struct svc *svc_new(const struct scan_ent *e)
{
	struct svc *s;
	int i;

	for (i = 0; i < u.nsvc; i++)
		if (!u.svc[i].used)
			break;
	if (i == MAXSERVICES)
		return NULL;
	if (i == u.nsvc)
		u.nsvc++;
	s = &u.svc[i];
	memset(s, 0, sizeof *s);
	s->used = 1;
	s->dev = e->dev;
	s->ino = e->ino;
	s->pidfd = -1;
	restart_init(&s->rs, 0);
	return s;
}

static void svc_seen(const struct scan_ent *e)
{
	struct svc *s = svc_by_ino(e->dev, e->ino);

	if (!s && !(s = svc_new(e))) {
		if (!u.full_warned)
			err_warn("unable to start runsv %s: too many services", e->name);
		u.full_warned = 1;
		return;
	}
	strcpy(s->name, e->name); /* a rename keeps the runsv, under its new name */
	s->want = 1;
}

static void rescan(void)
{
	int n, i, full;

	u.rescan = 0;
	n = scan_dir(u.dirfd, u.found, MAXSERVICES, &full);
	if (n < 0) {
		err_warn_sys("unable to read directory %s", u.path);
		return;
	}
	if (full && !u.full_warned) {
		err_warn("more than %d services in %s: the rest are not started", MAXSERVICES, u.path);
		u.full_warned = 1;
	}
	for (i = 0; i < u.nsvc; i++)
		u.svc[i].want = 0;
	for (i = 0; i < n; i++)
		svc_seen(&u.found[i]);
	for (i = 0; i < u.nsvc; i++)
		if (u.svc[i].used && !u.svc[i].want)
			svc_stop(&u.svc[i]);
}

/* DIR/.userd/lock, a 0600 file in our own 0700 DIR/.userd: no other user
 * can open it, let alone hold its flock and so keep us from starting (DIR
 * itself any user who can read it could flock: homes are often 0755).
 * Where that cannot be (DIR not writable, a DIR/.userd not ours: only who
 * may write DIR can make it so), DIR itself is locked, after a warning. */
static int lock_open(int dirfd)
{
	int dfd, fd;

	dfd = fs_own_dir(dirfd, RELAY_DIR);
	fd = dfd < 0 ? -1 : openat(dfd, LOCK_NAME, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
						   O_NOCTTY | O_CLOEXEC, 0600);
	if (dfd >= 0)
		close(dfd);
	fd = fs_own_fd(fd, S_IFREG, 0600);
	if (fd >= 0 || (errno != EACCES && errno != EPERM && errno != EROFS))
		return fd;
	err_warn_sys("unable to use %s/%s/%s, locking %s itself", u.path, RELAY_DIR, LOCK_NAME,
		     u.path);
	return fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
}

/* DIR's lock, held; exits if another userd holds it */
static int dir_lock(int dirfd)
{
	struct stat st;
	pid_t pid;
	int fd;

	fd = lock_open(dirfd);
	if (fd < 0)
		err_fatal_sys(EXIT_TEMP, "unable to lock %s: unable to open %s/%s", u.path, RELAY_DIR,
			      LOCK_NAME);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno != EWOULDBLOCK)
		err_fatal_sys(EXIT_TEMP, "unable to lock %s", u.path);
	pid = fstat(fd, &st) == 0 ? lockinfo_holder(st.st_dev, st.st_ino) : 0;
	if (pid > 0)
		err_fatal(EXIT_TEMP, "unable to lock %s: another userd (pid %d) supervises it",
			  u.path, (int)pid);
	err_fatal(EXIT_TEMP, "unable to lock %s: another userd supervises it", u.path);
}

static void dir_watch(void)
{
	char self[64];

	/* by /proc/self/fd: the very directory we locked, not a path again */
	snprintf(self, sizeof self, "/proc/self/fd/%d", u.dirfd);
	u.dir_wd = inotify_add_watch(u.ino_fd, self,
				     IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
					     IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
	if (u.dir_wd < 0)
		err_fatal_sys(EXIT_TEMP, "unable to watch %s", u.path);
}

/* opens, locks and watches DIR; 0, or -1 if DIR cannot be opened now */
static int dir_open(void)
{
	struct stat st;
	int fd, lock;

	fd = open(u.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	lock = dir_lock(fd);
	if (fstat(fd, &st) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to stat %s", u.path);
	if (u.dirfd >= 0) {
		inotify_rm_watch(u.ino_fd, u.dir_wd);
		close(u.dirfd);
		close(u.lockfd);
	}
	u.dirfd = fd;
	u.lockfd = lock;
	u.dev = st.st_dev;
	u.ino = st.st_ino;
	dir_watch();
	u.rescan = 1;
	return 0;
}

/* DIR's name may come to mean another directory (a symlink switched, as
 * runsvchdir does, or a directory moved in): runsvdir notices the new inode
 * and scans the new one; so do we, told by the watch on DIR's parent. */
static void dir_check(void)
{
	struct stat st;

	if (stat(u.path, &st) < 0) {
		err_warn_sys("unable to stat %s", u.path);
		return;
	}
	if (st.st_dev == u.dev && st.st_ino == u.ino)
		return;
	if (dir_open() < 0) {
		err_warn_sys("unable to open %s", u.path);
		return;
	}
	/* before the scan: the new runsvs get the new WARD_BIND_SOCKET */
	if (u.relay)
		bindrelay_move(u.dirfd, u.path);
}

/* splits path into the directory holding its last name, and that name;
 * -1 if there is no such name ("/", ".", "..") */
static int split_path(const char *path, char *parent, char *base)
{
	size_t n = strlen(path);
	char *slash;

	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n >= PATH_MAX)
		return -1;
	memcpy(parent, path, n);
	parent[n] = '\0';
	slash = strrchr(parent, '/');
	if (strlen(slash ? slash + 1 : parent) > NAME_MAX)
		return -1;
	strcpy(base, slash ? slash + 1 : parent);
	if (!slash)
		strcpy(parent, ".");
	else if (slash == parent)
		slash[1] = '\0';
	else
		*slash = '\0';
	return !base[0] || !strcmp(base, ".") || !strcmp(base, "..") ? -1 : 0;
}

/* Watches, in the directory that holds it, each name DIR's path goes
 * through: DIR's own, and if that is a symlink its target's, and so on (as
 * /etc/service -> runsvdir/current -> default, which runsvchdir switches). */
static void chain_watch(void)
{
	char path[PATH_MAX], parent[PATH_MAX], target[PATH_MAX], next[2 * PATH_MAX];
	struct link *l;
	struct stat st;
	ssize_t n;
	int i;

	for (i = 0; i < u.nchain; i++)
		if (u.chain[i].wd != u.dir_wd)
			inotify_rm_watch(u.ino_fd, u.chain[i].wd);
	u.nchain = 0;
	snprintf(path, sizeof path, "%s", u.path);
	while (u.nchain < CHAIN_MAX) {
		l = &u.chain[u.nchain];
		if (split_path(path, parent, l->name) < 0)
			return;
		l->wd = inotify_add_watch(u.ino_fd, parent, IN_CREATE | IN_DELETE | IN_MOVED_FROM |
							   IN_MOVED_TO | IN_ONLYDIR | IN_MASK_ADD);
		if (l->wd < 0)
			return;
		u.nchain++;
		if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode))
			return;
		n = readlink(path, target, sizeof target - 1);
		if (n < 0)
			return;
		target[n] = '\0';
		snprintf(next, sizeof next, "%s%s%s", target[0] == '/' ? "" : parent,
			 target[0] == '/' ? "" : "/", target);
		if (strlen(next) >= sizeof path)
			return;
		strcpy(path, next);
	}
}

static int in_chain(const struct inotify_event *ev)
{
	int i;

	for (i = 0; i < u.nchain; i++)
		if (ev->wd == u.chain[i].wd && ev->len && !strcmp(ev->name, u.chain[i].name))
			return 1;
	return 0;
}

static void inotify_read(void)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	int moved = 0;
	ssize_t n;
	char *p;

	while ((n = read(u.ino_fd, buf, sizeof buf)) > 0) {
		for (p = buf; p < buf + n; p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW)
				u.rescan = moved = 1;
			if (ev->wd == u.dir_wd)
				u.rescan = 1;
			if (ev->wd == u.dir_wd && (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)))
				moved = 1;
			if (in_chain(ev))
				moved = 1;
		}
	}
	if (moved) {
		chain_watch();
		dir_check();
	}
}

/* ---- signals ---- */

static void hangup(void)
{
	int i;

	for (i = 0; i < u.nsvc; i++)
		if (u.svc[i].used && u.svc[i].pid)
			proc_pidfd_kill(u.svc[i].pidfd, SIGTERM);
	exit(EXIT_TEMP);
}

static void signal_read(void)
{
	struct signalfd_siginfo si;

	while (read(u.sig_fd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGTERM)
			exit(0); /* runsvdir: exit at once, the runsvs keep running */
		if (si.ssi_signo == SIGHUP)
			hangup();
	}
}

/* ---- a directory still to come ---- */

#define WAIT_MASK (IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
#define WAIT_DEPTH 64

/* Watches the nearest directory on path's way up that exists: a directory
 * made below it is an event.  A parent that came to exist while we went up
 * is watched too, once its own parent is (so its creation is not missed). */
static int watch_up(int wfd, const char *path, int depth)
{
	char parent[PATH_MAX], base[NAME_MAX + 1];

	if (depth > WAIT_DEPTH || split_path(path, parent, base) < 0)
		return -1;
	if (inotify_add_watch(wfd, parent, WAIT_MASK) >= 0)
		return 0;
	if (watch_up(wfd, parent, depth + 1) < 0)
		return -1;
	inotify_add_watch(wfd, parent, WAIT_MASK);
	return 0;
}

/* Under privd a DIR that does not exist yet is a normal state (the user
 * has not made ~/service yet), not a failure to restart with backoff: we
 * wait for it, told by inotify, and say so once.  Each change on the way
 * up is a look again, with fresh watches (a new inotify instance each
 * time, so that the main one's watches are never touched). */
static void dir_wait(void)
{
	struct pollfd pfd[2] = { { .fd = u.sig_fd, .events = POLLIN }, { .events = POLLIN } };

	fprintf(stderr, "%s: waiting for %s to appear\n", err_prog, u.path);
	for (;;) {
		pfd[1].fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (pfd[1].fd < 0)
			err_fatal_sys(EXIT_TEMP, "unable to create inotify instance");
		if (watch_up(pfd[1].fd, u.path, 0) < 0)
			err_fatal_sys(EXIT_TEMP, "unable to watch the way to %s", u.path);
		if (dir_open() == 0)
			break;
		if (errno != ENOENT)
			err_fatal_sys(EXIT_TEMP, "unable to open %s", u.path);
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			err_fatal_sys(EXIT_TEMP, "unable to wait for %s", u.path);
		if (pfd[0].revents)
			signal_read();
		close(pfd[1].fd);
	}
	close(pfd[1].fd);
}

/* ---- the loop ---- */

static void start_due(int64_t now)
{
	int i;
	struct svc *s;

	for (i = 0; i < u.nsvc; i++) {
		s = &u.svc[i];
		if (s->used && s->want && !s->pid && s->rs.due <= now)
			svc_start(s, now);
	}
}

static int timeout_ms(int64_t now)
{
	int64_t due = u.dot_due, d;
	int i;

	for (i = 0; i < u.nsvc; i++)
		if (u.svc[i].used && u.svc[i].want && !u.svc[i].pid && u.svc[i].rs.due < due)
			due = u.svc[i].rs.due;
	if (due == INT64_MAX)
		return -1;
	d = due - now;
	return d < 0 ? 0 : d > INT32_MAX ? INT32_MAX : (int)d;
}

static void dispatch(const struct epoll_event *ev)
{
	uint32_t kind = (uint32_t)(ev->data.u64 >> 32), idx = (uint32_t)ev->data.u64;

	switch (kind) {
	case EV_INOTIFY: inotify_read(); break;
	case EV_SIGNAL: signal_read(); break;
	case EV_LOG: title_read(); break;
	case EV_SVC:
		if (idx < (uint32_t)u.nsvc && u.svc[idx].used && u.svc[idx].pid)
			svc_exited(&u.svc[idx], clock_ms());
		break;
	case EV_RELAY: bindrelay_run(); break;
	}
}

static void loop(void)
{
	struct epoll_event evs[64];
	int64_t now;
	int n, i;

	for (;;) {
		if (u.rescan)
			rescan();
		now = clock_ms();
		start_due(now);
		if (u.has_title)
			title_dot(now);
		n = epoll_wait(u.ep, evs, 64, timeout_ms(clock_ms()));
		if (n < 0 && errno != EINTR)
			err_fatal_sys(EXIT_TEMP, "unable to wait for events");
		for (i = 0; i < n; i++)
			dispatch(&evs[i]);
	}
}

/* ---- setup ---- */

/* privd's binder socket: kept for later use, never given to children */
static void binder_setup(const char *arg)
{
	char *end;
	long fd;
	struct stat st;
	int type;
	socklen_t len = sizeof type;

	errno = 0;
	fd = strtol(arg, &end, 10);
	if (errno || *end || end == arg || fd < 3 || fd > INT_MAX)
		err_fatal(1, "-b %s: not a file descriptor number (3 or more)", arg);
	if (fstat((int)fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		err_fatal(1, "-b %s: not an open socket", arg);
	if (getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET)
		err_fatal(1, "-b %s: not a SOCK_SEQPACKET socket", arg);
	if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to set close-on-exec on fd %s", arg);
	u.binder = (int)fd;
}

static void signals_setup(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would reap for us */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	u.sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (u.sig_fd < 0)
		err_fatal_sys(EXIT_TEMP, "unable to create signalfd");
	ep_add(u.sig_fd, EV_SIGNAL, 0);
}

/* a pidfd per runsv: room for MAXSERVICES of them, if the hard limit allows */
static void nofile_setup(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &u.nofile) < 0)
		return;
	r = u.nofile;
	if (r.rlim_cur >= MAXSERVICES + 64)
		return;
	r.rlim_cur = r.rlim_max == RLIM_INFINITY || r.rlim_max > MAXSERVICES + 64 ?
			     MAXSERVICES + 64 : r.rlim_max;
	u.nofile_raised = setrlimit(RLIMIT_NOFILE, &r) == 0;
}

static char prog[PATH_MAX + 64];

static int parse_args(int argc, char **argv)
{
	int i = 1;

	/* userd always; runsvdir by runit's rule */
	u.own_session = strcmp(err_prog, "runsvdir") != 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "-P")) {
			u.own_session = 1;
		} else if (!strcmp(argv[i], "-b") && i + 1 < argc) {
			binder_setup(argv[++i]);
		} else {
			usage();
		}
	}
	if (argc - i < 1 || argc - i > 2)
		usage();
	return i;
}

int main(int argc, char **argv)
{
	int i;

	err_init(argv[0]);
	err_version_option(argc, argv);
	u.dirfd = u.lockfd = u.log_rd = u.binder = -1;
	u.dot_due = INT64_MAX;
	i = parse_args(argc, argv);
	u.path = argv[i];
	/* messages read "userd DIR: warning: ..." as runsvdir's do */
	snprintf(prog, sizeof prog, "%s %s", err_prog, u.path);
	err_prog = prog;
	u.ep = epoll_create1(EPOLL_CLOEXEC);
	if (u.ep < 0)
		err_fatal_sys(EXIT_TEMP, "unable to create epoll");
	if (argv[i + 1])
		title_setup(argv[i + 1]);
	if (fs_sibling_exe("runsv", u.runsv, sizeof u.runsv) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to find runsv beside %s", err_prog);
	signals_setup();
	nofile_setup();
	svcg_tree();  /* U/userd, and WARD_CGROUP for the runsvs, if there is a U */
	u.ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (u.ino_fd < 0)
		err_fatal_sys(EXIT_TEMP, "unable to create inotify instance");
	ep_add(u.ino_fd, EV_INOTIFY, 0);
	chain_watch();
	if (dir_open() < 0 && (errno != ENOENT || u.binder < 0))
		err_fatal_sys(EXIT_TEMP, "unable to open %s", u.path);
	if (u.dirfd < 0) {
		dir_wait();
		chain_watch(); /* the names on DIR's way that exist now */
	}
	/* privileged ports for our services (WARD_BIND_SOCKET), after the lock */
	if (u.binder >= 0 && (i = bindrelay_start(u.dirfd, u.path, u.binder)) >= 0) {
		ep_add(i, EV_RELAY, 0);
		u.relay = 1;
	}
	loop();
}
