/* svlogd: runit's service logging daemon.
 *
 * Reads lines on stdin and appends them to `current` in each log directory
 * given, rotating by size and age, keeping n old files, feeding rotated
 * files through a processor, forwarding over udp, selecting by pattern.
 *
 * Speed comes from batching: one read() takes whatever the pipe holds, every
 * line of it is stamped with the time of that read (formatted once per
 * second, see logstamp.h) and copied into one output buffer per directory,
 * and each buffer goes out in one write() per batch.  Rotation points are
 * computed byte by byte exactly as runit's per-line writes would fall, so
 * the files are the same as runit's.  A write that fails (disk full,
 * directory gone read-only) is retried with a warning every second: stdin
 * is not read meanwhile, so nothing is lost, and the writer is held back by
 * the pipe instead. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "creds.h"
#include "err.h"
#include "fs.h"
#include "logcfg.h"
#include "logstamp.h"

#define USAGE "[-ttv] [-r c] [-R abc] [-l len] [-b buflen] dir ..."
#define OUTBUF (256 * 1024)        /* per directory, flushed once per batch */
#define INBUF_MIN (1024 * 1024)
#define CONFIG_MAX 65536
#define RETRY_SECONDS 1

struct logdir {
	const char *path;
	int dirfd;                 /* -1: not functional */
	int lockfd, cur, udpfd;
	struct logcfg cfg;
	unsigned long size;        /* bytes in current, written or pending */
	time_t deadline;           /* t: rotate when non-empty at this time; 0: none */
	char *out;
	size_t outlen;
	pid_t proc;                /* running processor, 0: none */
	time_t proc_retry;         /* restart a failed processor at this time */
	char proc_name[LOGSTAMP_NAMELEN + 1];   /* its @....u */
	int to_log;                /* decision for the line being written */
};

struct svlogd {
	struct logdir *dirs;
	int ndirs;
	size_t linemax, buflen;
	int replace;               /* -r or -R given */
	char repl;
	unsigned char replset[256];
	int verbose;
	struct logstamp stamp;
	size_t stamplen;
	char *in;
	size_t incap;
	int in_line;               /* inside a line whose head was handled */
	int sigfd;
	int eof, term;
	char *err;                 /* stderr buffer */
	size_t errlen;
};

static struct svlogd S;

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s %s\n\n", argv0, USAGE);
	exit(EXIT_TEMP);   /* 111, as Debian's svlogd */
}

static void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void info(const char *fmt, ...)
{
	va_list ap;

	if (!S.verbose)
		return;
	fprintf(stderr, "%s: info: ", err_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void warn_cfg(const char *msg)
{
	err_warn("%s", msg);
}

/* Waits before trying a failed write or rename again.  Signals stay
 * pending in the signalfd meanwhile and are handled once it succeeded. */
static void pause_retry(void)
{
	struct timespec t = { RETRY_SECONDS, 0 };

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* ---- old files ---- */

/* Finds the oldest rotated file (not the one being processed); returns
 * how many there are (.s and .u) and removes stale .t files. */
static int scan_old(struct logdir *d, char oldest[LOGSTAMP_NAMELEN + 1])
{
	struct dirent *e;
	DIR *dp;
	int fd, n = 0;
	char suffix;

	oldest[0] = 0;
	fd = openat(d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(dp = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((e = readdir(dp))) {
		if (!logstamp_is_old(e->d_name, &suffix))
			continue;
		if (suffix == 't' && !(d->proc && !strncmp(e->d_name, d->proc_name, LOGSTAMP_NAMELEN - 2))) {
			unlinkat(d->dirfd, e->d_name, 0);
			continue;
		}
		if (suffix != 's' && suffix != 'u')
			continue;
		n++;
		if (d->proc && !strcmp(e->d_name, d->proc_name))
			continue;
		if (!oldest[0] || strcmp(e->d_name, oldest) < 0)
			strcpy(oldest, e->d_name);
	}
	closedir(dp);
	return n;
}

static int remove_oldest(struct logdir *d, unsigned long keep)
{
	char oldest[LOGSTAMP_NAMELEN + 1];
	int n = scan_old(d, oldest);

	if (n < 0 || (unsigned long)n <= keep || !oldest[0])
		return 0;
	if (unlinkat(d->dirfd, oldest, 0) < 0) {
		err_warn_sys("unable to unlink: %s/%s", d->path, oldest);
		return 0;
	}
	info("delete: %s/%s", d->path, oldest);
	return 1;
}

/* ---- processor ---- */

static void proc_child(struct logdir *d)
{
	char tname[LOGSTAMP_NAMELEN + 1];
	sigset_t all;
	int fd;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (fchdir(d->dirfd) < 0)
		_exit(111);
	strcpy(tname, d->proc_name);
	tname[LOGSTAMP_NAMELEN - 1] = 't';
	if ((fd = open(d->proc_name, O_RDONLY)) < 0 || dup2(fd, 0) < 0)
		_exit(111);
	if ((fd = open(tname, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 || dup2(fd, 1) < 0)
		_exit(111);
	if ((fd = open("state", O_RDONLY | O_CREAT, 0644)) < 0 || dup2(fd, 4) < 0)
		_exit(111);
	if ((fd = open("newstate", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 || dup2(fd, 5) < 0)
		_exit(111);
	execl("/bin/sh", "sh", "-c", logcfg_processor(&d->cfg), (char *)NULL);
	_exit(111);
}

static void proc_start(struct logdir *d)
{
	pid_t pid = fork();

	if (pid < 0) {
		err_warn_sys("unable to fork processor for %s", d->path);
		d->proc_retry = time(NULL) + RETRY_SECONDS;
		return;
	}
	if (pid == 0)
		proc_child(d);
	d->proc = pid;
	d->proc_retry = 0;
	info("processor started: %s/%s", d->path, d->proc_name);
}

/* A processor ended: keep its output, or run it again. */
static void proc_done(struct logdir *d, int status)
{
	char tname[LOGSTAMP_NAMELEN + 1], sname[LOGSTAMP_NAMELEN + 1];

	d->proc = 0;
	strcpy(tname, d->proc_name);
	tname[LOGSTAMP_NAMELEN - 1] = 't';
	strcpy(sname, d->proc_name);
	sname[LOGSTAMP_NAMELEN - 1] = 's';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		int fd = openat(d->dirfd, tname, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			fsync(fd);
			fchmod(fd, 0744);
			close(fd);
		}
		if (renameat(d->dirfd, tname, d->dirfd, sname) == 0) {
			unlinkat(d->dirfd, d->proc_name, 0);
			renameat(d->dirfd, "newstate", d->dirfd, "state");
			d->proc_name[0] = 0;
			return;
		}
		err_warn_sys("unable to rename: %s/%s", d->path, tname);
	} else {
		err_warn("processor failed, restart: %s/%s", d->path, d->proc_name);
	}
	unlinkat(d->dirfd, tname, 0);
	d->proc_retry = time(NULL) + RETRY_SECONDS;
}

/* Waits for the directory's processor (a new one needs the old done). */
static void proc_wait(struct logdir *d)
{
	int status;

	while (d->proc_name[0]) {
		if (!d->proc) {
			if (d->proc_retry)   /* it failed: not in a tight loop */
				pause_retry();
			proc_start(d);
			if (!d->proc)
				continue;
		}
		if (waitpid(d->proc, &status, 0) == d->proc)
			proc_done(d, status);
		else if (errno != EINTR)
			d->proc = 0;
	}
}

static void reap(void)
{
	int status, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		for (i = 0; i < S.ndirs; i++)
			if (S.dirs[i].proc == pid)
				proc_done(&S.dirs[i], status);
}

/* ---- current ---- */

static int flush_out(struct logdir *d)
{
	size_t done = 0;
	ssize_t w;

	while (done < d->outlen) {
		w = write(d->cur, d->out + done, d->outlen - done);
		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == ENOSPC && d->cfg.min && remove_oldest(d, d->cfg.min))
			continue;
		fprintf(stderr, "%s: pausing: unable to write to current: %s: %s\n", err_prog,
			d->path, strerror(w < 0 ? errno : EIO));
		pause_retry();
	}
	d->outlen = 0;
	return 0;
}

static void open_current(struct logdir *d)
{
	for (;;) {
		d->cur = openat(d->dirfd, "current",
				O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (d->cur >= 0 && fchmod(d->cur, 0644) == 0)
			break;
		if (d->cur >= 0)
			close(d->cur);
		fprintf(stderr, "%s: pausing: unable to open current: %s: %s\n", err_prog,
			d->path, strerror(errno));
		pause_retry();
	}
	d->size = 0;
	d->deadline = d->cfg.timeout ? time(NULL) + (time_t)d->cfg.timeout : 0;
}

/* Renames current to @NOW.SUFFIX, never over an existing file. */
static void rename_current(struct logdir *d, char name[LOGSTAMP_NAMELEN + 1], char suffix)
{
	struct timespec ts;

	for (;;) {
		clock_gettime(CLOCK_REALTIME, &ts);
		logstamp_name(name, &ts, suffix);
		if (renameat2(d->dirfd, "current", d->dirfd, name, RENAME_NOREPLACE) == 0)
			return;
		if (errno == EEXIST)
			continue;
		fprintf(stderr, "%s: pausing: unable to rename current: %s: %s\n", err_prog,
			d->path, strerror(errno));
		pause_retry();
	}
}

static void close_current(struct logdir *d)
{
	if (d->cur < 0)
		return;
	flush_out(d);
	fsync(d->cur);
	fchmod(d->cur, 0744);
	close(d->cur);
	d->cur = -1;
}

static void rotate(struct logdir *d)
{
	char name[LOGSTAMP_NAMELEN + 1];
	int process = logcfg_processor(&d->cfg) != NULL;

	close_current(d);
	if (process)
		proc_wait(d);
	rename_current(d, name, process ? 'u' : 's');
	info("rotate: %s/%s", d->path, name);
	open_current(d);
	if (d->cfg.num)
		remove_oldest(d, d->cfg.num);
	if (process) {
		strcpy(d->proc_name, name);
		proc_start(d);
	}
}

/* Appends bytes for current: a file never grows past s bytes (the rest
 * of a line goes to the next one), as runit's svlogd does. */
static void put(struct logdir *d, const char *s, size_t n)
{
	unsigned long max = d->cfg.size;
	size_t k;

	while (n > 0) {
		if (max && d->size >= max)
			rotate(d);
		k = n;
		if (max && k > max - d->size)
			k = max - d->size;
		if (d->outlen + k > OUTBUF) {
			flush_out(d);
			if (k > OUTBUF)
				k = OUTBUF;
		}
		memcpy(d->out + d->outlen, s, k);
		d->outlen += k;
		d->size += k;
		s += k;
		n -= k;
	}
}

/* End of a line: rotate when within -l bytes of s (runit's rule, including
 * its arithmetic: with s smaller than -l this never fires). */
static void put_eol(struct logdir *d)
{
	unsigned long max = d->cfg.size;

	put(d, "\n", 1);
	if (max && max >= S.linemax && d->size >= max - S.linemax)
		rotate(d);
}

/* ---- directories ---- */

static void read_config(struct logdir *d)
{
	char *buf = malloc(CONFIG_MAX + 1);
	char name[PATH_MAX];
	ssize_t n;

	logcfg_init(&d->cfg);
	if (!buf)
		err_fatal(EXIT_TEMP, "out of memory");
	n = fs_read_file(d->dirfd, "config", buf, CONFIG_MAX + 1);
	if (n > CONFIG_MAX)
		err_warn("%s/config: larger than %d bytes, read the first part", d->path, CONFIG_MAX);
	if (n > 0) {
		snprintf(name, sizeof name, "%s/config", d->path);
		logcfg_parse(&d->cfg, name, buf, n > CONFIG_MAX ? CONFIG_MAX : (size_t)n, warn_cfg);
		info("read: %s/config", d->path);
	} else if (n < 0 && errno != ENOENT) {
		err_warn_sys("unable to read %s/config", d->path);
	}
	free(buf);
}

static int open_udp(struct logdir *d)
{
	if (!d->cfg.udp)
		return 0;
	d->udpfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (d->udpfd < 0) {
		err_warn_sys("unable to create udp socket for %s", d->path);
		return -1;
	}
	return 0;
}

/* A current left behind without the x bit was not closed properly: keep
 * it aside as an unprocessed @....u (and process it, if configured). */
static void adopt_current(struct logdir *d)
{
	struct stat st;
	char name[LOGSTAMP_NAMELEN + 1];

	if (fstatat(d->dirfd, "current", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (st.st_mode & S_IXUSR) {
		d->size = (unsigned long)st.st_size;
		return;
	}
	rename_current(d, name, 'u');
	if (logcfg_processor(&d->cfg)) {
		strcpy(d->proc_name, name);
		proc_start(d);
	}
}

static int open_dir(struct logdir *d)
{
	unsigned long size;

	d->cur = d->lockfd = d->udpfd = -1;
	d->dirfd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->dirfd < 0) {
		err_warn_sys("unable to open log directory: %s", d->path);
		return -1;
	}
	d->lockfd = openat(d->dirfd, "lock", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (d->lockfd < 0 || flock(d->lockfd, LOCK_EX | LOCK_NB) < 0) {
		err_warn_sys("unable to lock directory: %s", d->path);
		goto fail;
	}
	read_config(d);
	if (open_udp(d) < 0)
		goto fail;
	d->size = 0;
	adopt_current(d);
	size = d->size;
	open_current(d);
	d->size = size;
	info("new: %s/current", d->path);
	return 0;
fail:
	if (d->lockfd >= 0)
		close(d->lockfd);
	close(d->dirfd);
	d->dirfd = -1;
	return -1;
}

static void close_dir(struct logdir *d)
{
	if (d->dirfd < 0)
		return;
	close_current(d);
	if (d->udpfd >= 0)
		close(d->udpfd);
	close(d->lockfd);
	close(d->dirfd);
	d->dirfd = -1;
	info("close: %s", d->path);
}

static void open_all(void)
{
	int i, ok = 0;

	for (i = 0; i < S.ndirs; i++)
		ok += open_dir(&S.dirs[i]) == 0;
	if (!ok)
		err_fatal(EXIT_TEMP, "no functional log directories.");
}

/* ---- lines ---- */

static void err_put(const char *s, size_t n)
{
	if (S.errlen + n > OUTBUF) {
		fs_write_all(2, S.err, S.errlen);
		S.errlen = 0;
	}
	if (n > OUTBUF) {
		fs_write_all(2, s, n);
		return;
	}
	memcpy(S.err + S.errlen, s, n);
	S.errlen += n;
}

/* As runit: trouble sending goes to the log directory itself. */
static void udp_failed(struct logdir *d)
{
	char msg[256];
	int n;

	n = snprintf(msg, sizeof msg, "%s: warning: unable to send udp message: %s", err_prog,
		     strerror(errno));
	if (n > 0) {
		put(d, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
		put_eol(d);
	}
}

static void send_udp(struct logdir *d, const char *head, size_t hlen, int cut)
{
	char pkt[65000];
	size_t n = 0, plen = d->cfg.prefix_len;

	if (S.stamplen + plen + hlen + 4 > sizeof pkt)
		hlen = sizeof pkt - S.stamplen - plen - 4, cut = 1;
	memcpy(pkt, S.stamp.text, S.stamplen);
	n = S.stamplen;
	memcpy(pkt + n, logcfg_prefix(&d->cfg), plen);
	n += plen;
	memcpy(pkt + n, head, hlen);
	n += hlen;
	if (cut) {
		memcpy(pkt + n, "...", 3);
		n += 3;
	}
	pkt[n++] = '\n';
	if (sendto(d->udpfd, pkt, n, MSG_DONTWAIT, (struct sockaddr *)&d->cfg.udp_addr,
		   sizeof d->cfg.udp_addr) < 0)
		udp_failed(d);
}

/* A line selected for stderr, as runit prints it: like a datagram */
static void err_line(const struct logdir *d, const char *head, size_t hlen, int cut)
{
	err_put(S.stamp.text, S.stamplen);
	err_put(logcfg_prefix(&d->cfg), d->cfg.prefix_len);
	err_put(head, hlen);
	if (cut)
		err_put("...", 3);
	err_put("\n", 1);
}

/* The start of a line: avail bytes of it are here (or all of it).  Its
 * first -l characters go to stderr and udp, with "..." once it has that
 * many (runit marks a line of exactly -l characters too). */
static void line_head(char *p, size_t avail)
{
	size_t head = avail < S.linemax ? avail : S.linemax;
	int cut = avail >= S.linemax, to_err, i;

	for (i = 0; i < S.ndirs; i++) {
		struct logdir *d = &S.dirs[i];

		if (d->dirfd < 0)
			continue;
		d->to_log = 1;
		to_err = 0;
		if (d->cfg.npatterns)
			logcfg_select(&d->cfg, p, head, &d->to_log, &to_err);
		if (d->to_log && d->cfg.udp)
			send_udp(d, p, head, cut);
		if (d->cfg.udp == 'U')
			d->to_log = 0;
		if (to_err)
			err_line(d, p, head, cut);
		if (!d->to_log)
			continue;
		put(d, S.stamp.text, S.stamplen);
		put(d, logcfg_prefix(&d->cfg), d->cfg.prefix_len);
	}
}

static void line_body(const char *p, size_t n, int eol)
{
	int i;

	for (i = 0; i < S.ndirs; i++) {
		struct logdir *d = &S.dirs[i];

		if (d->dirfd < 0 || !d->to_log)
			continue;
		put(d, p, n);
		if (eol)
			put_eol(d);
	}
}

static void replace_chars(char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (S.replset[(unsigned char)p[i]])
			p[i] = S.repl;
}

/* Handles [p, end): returns how many bytes were used; the rest (the start
 * of a line too short yet to decide on) is kept for the next read. */
static size_t process(char *p, char *end, int final)
{
	char *start = p, *nl;
	size_t n;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!S.in_line && !nl && n < S.linemax && !final)
			break;
		if (S.replace)
			replace_chars(p, n);
		if (!S.in_line)
			line_head(p, n);
		line_body(p, n, nl != NULL || final);
		S.in_line = !nl && !final;
		p += n + (nl ? 1 : 0);
	}
	return (size_t)(p - start);
}

static void flush_all(void)
{
	int i;

	for (i = 0; i < S.ndirs; i++)
		if (S.dirs[i].dirfd >= 0 && S.dirs[i].outlen)
			flush_out(&S.dirs[i]);
	if (S.errlen) {
		fs_write_all(2, S.err, S.errlen);
		S.errlen = 0;
	}
}

/* ---- signals and timers ---- */

static void on_signal(int sig)
{
	int i;

	switch (sig) {
	case SIGHUP:
		flush_all();
		for (i = 0; i < S.ndirs; i++)
			close_dir(&S.dirs[i]);
		open_all();
		break;
	case SIGALRM:
		for (i = 0; i < S.ndirs; i++)
			if (S.dirs[i].dirfd >= 0 && S.dirs[i].size > 0)
				rotate(&S.dirs[i]);
		break;
	case SIGTERM:
		S.term = 1;
		break;
	case SIGCHLD:
		reap();
		break;
	}
}

static void read_signals(void)
{
	struct signalfd_siginfo si;

	while (read(S.sigfd, &si, sizeof si) == (ssize_t)sizeof si)
		on_signal((int)si.ssi_signo);
}

/* t (age) rotations and processor restarts due by now; returns the poll
 * timeout until the next one, in ms, or -1. */
static int timers(void)
{
	time_t now = time(NULL), next = 0;
	int i;

	for (i = 0; i < S.ndirs; i++) {
		struct logdir *d = &S.dirs[i];

		if (d->dirfd < 0)
			continue;
		if (d->deadline && d->deadline <= now) {
			if (d->size > 0) {
				rotate(d);
			} else {
				d->deadline = now + (time_t)d->cfg.timeout;
			}
		}
		if (d->proc_retry && d->proc_retry <= now && !d->proc)
			proc_start(d);
		if (d->deadline && (!next || d->deadline < next))
			next = d->deadline;
		if (d->proc_retry && (!next || d->proc_retry < next))
			next = d->proc_retry;
	}
	return next ? (int)((next - now) * 1000 + 10) : -1;
}

/* ---- main ---- */

static size_t parse_size(const char *arg, const char *argv0)
{
	unsigned long v;

	if (creds_number(arg, &v) < 0 || v > 64UL * 1024 * 1024)
		usage(argv0);
	return v;
}

static void parse_args(int argc, char **argv)
{
	int c, stamps = 0;
	const char *rset = NULL;

	S.linemax = 1000;
	S.buflen = 1024;
	S.repl = '_';
	while ((c = getopt(argc, argv, "+tvVr:R:l:b:")) != -1) {
		switch (c) {
		case 'V':   /* runit's svlogd: its $Id line, then usage */
			err_version(stderr, "svlogd");
			usage(argv[0]);
			break;
		case 't': stamps++; break;
		case 'v': S.verbose = 1; break;
		case 'r':
			if (strlen(optarg) != 1)
				usage(argv[0]);
			S.repl = optarg[0];
			S.replace = 1;
			break;
		case 'R': rset = optarg; S.replace = 1; break;
		case 'l': S.linemax = parse_size(optarg, argv[0]); break;
		case 'b': S.buflen = parse_size(optarg, argv[0]); break;
		default: usage(argv[0]);
		}
	}
	if (optind >= argc || S.buflen <= S.linemax)
		usage(argv[0]);
	for (c = 0; c < 256; c++)
		S.replset[c] = S.replace && (c < 32 || c > 126) && c != '\n';
	for (; rset && *rset; rset++)
		S.replset[(unsigned char)*rset] = 1;
	logstamp_init(&S.stamp, stamps == 0 ? LOGSTAMP_NONE : stamps == 1 ? LOGSTAMP_TAI64N :
			 stamps == 2 ? LOGSTAMP_ISO_UNDERSCORE : LOGSTAMP_ISO_T);
}

static void setup(int argc, char **argv)
{
	sigset_t set;
	int i;

	S.ndirs = argc - optind;
	S.dirs = calloc((size_t)S.ndirs, sizeof *S.dirs);
	S.incap = S.buflen > INBUF_MIN ? S.buflen : INBUF_MIN;
	S.in = malloc(S.incap);
	S.err = malloc(OUTBUF);
	if (!S.dirs || !S.in || !S.err)
		err_fatal(EXIT_TEMP, "out of memory");
	for (i = 0; i < S.ndirs; i++) {
		S.dirs[i].path = argv[optind + i];
		S.dirs[i].dirfd = -1;
		S.dirs[i].out = malloc(OUTBUF);
		if (!S.dirs[i].out)
			err_fatal(EXIT_TEMP, "out of memory");
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	S.sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (S.sigfd < 0)
		err_fatal_sys(EXIT_TEMP, "unable to create signalfd");
	/* fewer, larger reads from a pipe (best effort) */
	fcntl(0, F_SETPIPE_SZ, 1024 * 1024);
}

/* Reads one batch into S.in after the kept bytes; returns the new fill. */
static size_t read_batch(size_t kept)
{
	struct timespec now;
	ssize_t r;

	r = read(0, S.in + kept, S.incap - kept);
	if (r < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return kept;
		err_warn_sys("unable to read standard input");
		pause_retry();
		return kept;
	}
	if (r == 0) {
		S.eof = 1;
		return kept;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	S.stamplen = logstamp_fmt(&S.stamp, &now);
	return kept + (size_t)r;
}

static void run(void)
{
	struct pollfd p[2];
	size_t fill = 0, used;
	int timeout;

	while (!S.eof && !S.term) {
		timeout = timers();
		p[0].fd = 0;
		p[0].events = POLLIN;
		p[1].fd = S.sigfd;
		p[1].events = POLLIN;
		if (poll(p, 2, timeout) < 0 && errno != EINTR)
			err_fatal_sys(EXIT_TEMP, "unable to poll");
		if (p[1].revents)
			read_signals();
		if (!p[0].revents || S.term)
			continue;
		fill = read_batch(fill);
		used = process(S.in, S.in + fill, S.eof);
		memmove(S.in, S.in + used, fill - used);
		fill -= used;
		flush_all();
	}
	/* TERM or EOF: what was read is written, a last line without its
	 * newline gets one (Debian's svlogd drops it) */
	if (fill) {
		if (!S.stamplen) {
			struct timespec now;

			clock_gettime(CLOCK_REALTIME, &now);
			S.stamplen = logstamp_fmt(&S.stamp, &now);
		}
		process(S.in, S.in + fill, 1);
	}
	if (S.in_line) {
		line_body("", 0, 1);
		S.in_line = 0;
	}
	flush_all();
}

int main(int argc, char **argv)
{
	int i;

	err_init("svlogd");
	parse_args(argc, argv);
	setup(argc, argv);
	open_all();
	run();
	for (i = 0; i < S.ndirs; i++) {
		if (S.dirs[i].dirfd < 0)
			continue;
		close_current(&S.dirs[i]);
		proc_wait(&S.dirs[i]);
	}
	for (i = 0; i < S.ndirs; i++)
		close_dir(&S.dirs[i]);
	return 0;
}
