/* privd's binder: the one root-side process that reads bytes a user wrote.
 *
 * It holds CAP_NET_BIND_SERVICE and nothing else, runs under a seccomp
 * allowlist (any other system call kills it) and touches no file.  The
 * master tells it, over the internal channel, which channel (slot) belongs to
 * which uid and what that uid may bind; it then serves every user channel
 * from one poll loop, one request per channel per round, and answers each
 * with a status and, when granted, the bound socket.  A user who does not
 * read its answers is not read from: it cannot hold more than its share of
 * our fds. */
#include "bindcount.h"
#include "binder.h"
#include "binder_core.h"

#include <arpa/inet.h>
#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/sockios.h>
#include <unistd.h>

#include "bindfd.h"
#include "clock.h"
#include "fds.h"
#include "log.h"
#include "lograte.h"
#include "netbind.h"
#include "policy.h"
#include "wire.h"

#define SLOT_GRANTS 256    /* grants one user may hold */
/* Answers one channel may leave unread, at most: a userd's relay has one
 * request in flight per client and RELAY_CLIENTS (64) clients, so a userd
 * that reads its channel never needs more; a larger share would only let a
 * user who does not read hold more of our fds (and a bigger send buffer,
 * which past net.core.wmem_max the kernel would not give anyway). */
#define UNREAD_MAX 64
#define LOG_BURST 20       /* lines about requests a user gets per window ... */
#define LOG_WINDOW_MS 10000 /* ... the rest are counted and summed up */

/* The lines about a user's requests, counted when past LOG_BURST. */
enum line { LINE_DENY, LINE_GRANT, LINE_LOST, LINES };

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

struct slot {
	int fd;                       /* the binder's end of the user's channel; -1: none */
	int dead;                     /* closed by the user or by us: not polled */
	int full;                     /* its user leaves answers unread: not read from */
	int warned;                   /* full logged once for this channel */
	struct lograte lr;            /* lines about its requests: LOG_BURST a window */
	unsigned quiet[LINES];        /* those past it, counted by kind */
	uid_t uid;
	struct policy_grant *grants, *pending;
	size_t ngrants, npending;
};

static struct {
	struct slot slot[WIRE_MAX_SLOTS];
	rlim_t fd_limit;              /* our hard limit of open files */
	struct bound {                /* for a share of want unread answers: */
		int sndbuf;           /* the SO_SNDBUF to set */
		unsigned unread;      /* the bound the kernel actually gives */
	} bound[UNREAD_MAX + 1];      /* [want], measured before the sandbox */
	unsigned nopen;               /* channels open (slots with an fd) ... */
	unsigned nchan;               /* ... and as many as the share is for */
	int sndbuf;                   /* SO_SNDBUF of every user channel */
	unsigned unread_max;          /* which bounds its unread answers to this */
	int64_t warn_after;           /* no "fair to" line before then ... */
	int warn_due;                 /* ... but one is owed */
} B;

#ifdef SANITIZED
/* LeakSanitizer's exit-time check needs ptrace and threads; the allowlist
 * forbids both, so it is off in the binder of a sanitizer build. */
static int lsan_off;
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	return lsan_off;
}
#endif

static void die(const char *what)
{
	log_msg(LOG_ERR, "fatal: unable to %s: %s", what, strerror(errno));
	_exit(111);
}

/* ---- sandbox ---- */

static void drop_caps(void)
{
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_BIND_SERVICE) < 0 ||
	    capng_apply(CAPNG_SELECT_BOTH) < 0)
		die("drop capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("set no_new_privs");
}

static const int allowed[] = {
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(setsockopt), SCMP_SYS(shutdown),
	SCMP_SYS(close), SCMP_SYS(exit_group), SCMP_SYS(exit), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(restart_syscall), SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap),
	SCMP_SYS(mremap), SCMP_SYS(getpid), SCMP_SYS(clock_gettime),
	/* a user's socket sent to be bound (BINDFD_REQ) is looked at with these */
	SCMP_SYS(getsockopt), SCMP_SYS(getsockname),
};

/* What ASan/UBSan's runtime calls on its own (allocator, reports). */
#ifdef SANITIZED
static const int allowed_sanitizer[] = {
	SCMP_SYS(madvise), SCMP_SYS(mprotect), SCMP_SYS(sigaltstack), SCMP_SYS(rt_sigaction),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(gettid), SCMP_SYS(tgkill), SCMP_SYS(sched_yield),
	SCMP_SYS(futex), SCMP_SYS(prctl), SCMP_SYS(readlink), SCMP_SYS(openat), SCMP_SYS(read),
	SCMP_SYS(newfstatat), SCMP_SYS(fstat), SCMP_SYS(getrlimit), SCMP_SYS(prlimit64),
	SCMP_SYS(write), SCMP_SYS(uname), SCMP_SYS(lseek), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(pread64), SCMP_SYS(getppid), SCMP_SYS(kill), SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep),
};
#endif

static void sandbox(void)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);
	size_t i;
	int rc = f ? 0 : -1;

	for (i = 0; rc == 0 && i < sizeof allowed / sizeof allowed[0]; i++)
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, allowed[i], 0);
	/* sockets of the internet families only; writes to the log only */
	if (rc == 0)
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				      SCMP_A0(SCMP_CMP_EQ, AF_INET));
	if (rc == 0)
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
				      SCMP_A0(SCMP_CMP_EQ, AF_INET6));
#ifdef SANITIZED
	for (i = 0; rc == 0 && i < sizeof allowed_sanitizer / sizeof allowed_sanitizer[0]; i++)
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, allowed_sanitizer[i], 0);
	lsan_off = 1;
#else
	if (rc == 0)
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 2));
#endif
	if (rc == 0)
		rc = seccomp_load(f);
	if (rc < 0) {
		errno = -rc;
		die("load the seccomp filter");
	}
	seccomp_release(f);
}

/* ---- fds: no user holds more than a fixed share of ours ----
 *
 * A socket we send is in flight until the user reads it, and the kernel
 * counts fds in flight against our RLIMIT_NOFILE (past it, every send with
 * an fd fails ETOOMANYREFS, to every user).  So each channel's send buffer
 * is kept small: once a quarter of it is taken by answers its user has not
 * read, the kernel reports the channel not writable, and we read no more
 * requests from it until the user reads its answers.  A channel then holds
 * at most B.unread_max answers of ours, whatever its user does.  The limit
 * is shared among the channels we serve, not among all the users privd
 * could take: the share is worked out again whenever a channel comes or
 * goes, and every channel's buffer resized. */

/* For every share of 1 to UNREAD_MAX unread answers, the SO_SNDBUF that
 * stops a channel there, from what one answer costs in a send buffer (the
 * kernel's own count, which SIOCOUTQ reports), measured on a pair of our
 * own; then the bound the kernel actually gives, since it has a minimum
 * buffer (and a maximum).  Done before the sandbox, which forbids it. */
static void channel_bounds(void)
{
	unsigned char m[WIRE_SIZE] = { 0 };
	socklen_t len = sizeof(int);
	int sv[2], one = 0, sb;
	unsigned want;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die("create a socket pair");
	if (wire_send(sv[0], m, 2) < 0 || ioctl(sv[0], SIOCOUTQ, &one) < 0 || one <= 0)
		die("measure an answer");
	for (want = 1; want <= UNREAD_MAX; want++) {
		struct bound *b = &B.bound[want];

		/* writable while 4 * (queued + 1) <= the buffer, twice what we set */
		b->sndbuf = 2 * (int)(want - 1) * one + 2;
		if (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &b->sndbuf, sizeof b->sndbuf) < 0 ||
		    getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sb, &len) < 0)
			die("size a channel");
		b->unread = (unsigned)((sb - 4) / (4 * one) + 1);
	}
	close(sv[0]);
	close(sv[1]);
}

static void fd_share_init(void)
{
	struct rlimit was;

	/* now: the sandbox forbids setrlimit */
	B.fd_limit = fd_limit_raise(&was);
	if (!B.fd_limit)
		die("get the fd limit");
	channel_bounds();
}

/* Answers each of n channels may leave unread: the limit less our reserve,
 * shared out, less the channel's own fd; at least 1, at most UNREAD_MAX. */
static unsigned share_want(unsigned n)
{
	rlim_t per = B.fd_limit > BINDER_FD_RESERVE ?
		     (B.fd_limit - BINDER_FD_RESERVE) / (n ? n : 1) : 0;

	if (per > UNREAD_MAX)
		return UNREAD_MAX;
	return per > 2 ? (unsigned)per - 1 : 1;
}

/* The fds n channels may hold, each with its share, and our reserve. */
static rlim_t share_need(unsigned n)
{
	return (rlim_t)n * (B.unread_max + 1) + BINDER_FD_RESERVE;
}

/* When even the least share each is more than the limit holds, says so
 * with the number of users served: at most once a log window, the last
 * change said when the window ends (log_due). */
static void share_warn(void)
{
	int64_t now = clock_ms();

	B.warn_due = 0;
	if (B.fd_limit >= share_need(B.nchan))
		return;
	if (now < B.warn_after) {
		B.warn_due = 1;
		return;
	}
	B.warn_after = now + LOG_WINDOW_MS;
	log_msg(LOG_WARNING, "fd limit %llu is fair to %llu users, not %u: raise it to %llu",
		(unsigned long long)B.fd_limit,
		(unsigned long long)(B.fd_limit > BINDER_FD_RESERVE ?
				     (B.fd_limit - BINDER_FD_RESERVE) / (B.unread_max + 1) : 0),
		B.nchan, (unsigned long long)share_need(B.nchan));
}

static int writable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLOUT);
}

/* After an answer: a user who leaves too many unread is not read from
 * until it takes some (the loop then polls its channel for POLLOUT). */
static void channel_check(unsigned idx, struct slot *s)
{
	if (s->fd < 0 || writable(s->fd))
		return;
	s->full = 1;
	if (!s->warned)
		log_msg(LOG_WARNING, "uid %u (channel %u) leaves %u answers unread: "
			"not served until it reads them", (unsigned)s->uid, idx, B.unread_max);
	s->warned = 1;
}

/* To the current share.  A channel holding more unread answers than a
 * smaller share is full until its user reads them, as after an answer. */
static void channel_size(unsigned idx, struct slot *s)
{
	if (setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &B.sndbuf, sizeof B.sndbuf) < 0)
		log_msg(LOG_WARNING, "channel %u: unable to size: %s", idx, strerror(errno));
	s->full = 0;
	channel_check(idx, s);
}

static void channel_setup(unsigned idx, struct slot *s)
{
	s->warned = 0;
	channel_size(idx, s);
}

/* When the number of channels open has changed the share, every channel
 * gets the new one (before the loop polls them for what they are). */
static void share_update(void)
{
	const struct bound *b;
	unsigned i, n = B.nopen;

	if (n == B.nchan && B.sndbuf)
		return;
	B.nchan = n;
	b = &B.bound[share_want(n)];
	if (b->sndbuf != B.sndbuf) {
		B.sndbuf = b->sndbuf;
		B.unread_max = b->unread;
		for (i = 0; i < WIRE_MAX_SLOTS; i++)
			if (B.slot[i].fd >= 0 && !B.slot[i].dead)
				channel_size(i, &B.slot[i]);
		log_msg(LOG_INFO, "fd limit %llu; at most %u answers unread per channel (%u users)",
			(unsigned long long)B.fd_limit, B.unread_max, n);
	}
	share_warn();
}

/* ---- log lines: one per request, but not a flood of them ---- */

/* The lines not logged, summed up in one. */
static void log_sum(struct slot *s)
{
	if (s->quiet[LINE_DENY] + s->quiet[LINE_GRANT] + s->quiet[LINE_LOST])
		log_msg(LOG_WARNING, "uid %u: %u more denials, %u more grants, %u more answers not "
			"delivered, not logged (at most %d lines a user per %d s)", (unsigned)s->uid,
			s->quiet[LINE_DENY], s->quiet[LINE_GRANT], s->quiet[LINE_LOST], LOG_BURST,
			LOG_WINDOW_MS / 1000);
	memset(s->quiet, 0, sizeof s->quiet);
}

/* At once, when the channel goes: its window's count too. */
static void log_flush(struct slot *s)
{
	log_sum(s);
	s->lr.quiet = 0;
}

static void log_window_end(struct slot *s, int64_t now)
{
	if (lograte_end(&s->lr, now))
		log_sum(s);
}

/* 1 if this line is to be logged, else it is counted. */
static int log_budget(struct slot *s, enum line kind)
{
	int64_t now = clock_ms();

	log_window_end(s, now);
	if (lograte_take(&s->lr, now, LOG_BURST, LOG_WINDOW_MS))
		return 1;
	s->quiet[kind]++;
	return 0;
}

/* Sums up the windows that have ended; returns the poll timeout (ms, -1:
 * none) until the next one ends. */
static int log_due(void)
{
	int64_t now = clock_ms(), next = -1;
	unsigned i;

	if (B.warn_due && now >= B.warn_after)
		share_warn();
	if (B.warn_due)
		next = B.warn_after - now;

	for (i = 0; i < WIRE_MAX_SLOTS; i++) {
		struct slot *s = &B.slot[i];
		int64_t due;

		log_window_end(s, now);
		due = lograte_due(&s->lr);
		if (due != INT64_MAX && (next < 0 || due - now < next))
			next = due - now;
	}
	return (int)next;
}

/* ---- the master's messages ---- */

static void slot_close(struct slot *s)
{
	log_flush(s);
	if (s->fd >= 0) {
		close(s->fd);
		B.nopen--;
	}
	s->fd = -1;
	s->dead = 1;
}

static void slot_forget(struct slot *s)
{
	slot_close(s);
	free(s->grants);
	free(s->pending);
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->dead = 1;
}

static void ctl_grant(struct slot *s, const struct wire_ctl *c)
{
	struct policy_grant *g, *n;

	if (s->npending == SLOT_GRANTS) {
		log_msg(LOG_WARNING, "slot %u: more than %d grants, the rest ignored", c->slot, SLOT_GRANTS);
		return;
	}
	n = realloc(s->pending, (s->npending + 1) * sizeof *n);
	if (!n)
		die("allocate grants");
	s->pending = n;
	g = &n[s->npending++];
	memset(g, 0, sizeof *g);
	g->range = c->grant;
}

static void ctl_commit(struct slot *s, const struct wire_ctl *c, int fd)
{
	free(s->grants);
	s->grants = s->pending;
	s->ngrants = s->npending;
	s->pending = NULL;
	s->npending = 0;
	s->uid = c->uid;
	if (fd >= 0) {
		slot_close(s);
		s->fd = fd;
		s->dead = 0;
		B.nopen++;
		channel_setup(c->slot, s);
	}
	log_msg(LOG_INFO, "channel %u: uid %u, %zu grants%s", c->slot, (unsigned)c->uid, s->ngrants,
		fd >= 0 ? ", new channel" : "");
}

/* Reads what the master sent; returns 0 when it has gone (we exit). */
static int ctl_read(int ctl)
{
	unsigned char m[WIRE_SIZE];
	struct wire_ctl c;
	ssize_t n;
	int fd;

	for (;;) {
		n = wire_recv(ctl, m, &fd);
		if (n < 0 && errno == EAGAIN)
			return 1;
		if (n <= 0)
			return 0;
		if (wire_decode_ctl(m, (size_t)n, &c) < 0 ||
		    (c.type == WIRE_COMMIT && c.has_fd != (fd >= 0))) {
			log_msg(LOG_ERR, "fatal: malformed message from the master");
			_exit(111);
		}
		if (c.type == WIRE_GRANT)
			ctl_grant(&B.slot[c.slot], &c);
		else if (c.type == WIRE_COMMIT)
			ctl_commit(&B.slot[c.slot], &c, fd);
		else
			slot_forget(&B.slot[c.slot]);
		if (fd >= 0 && c.type != WIRE_COMMIT)
			close(fd);
	}
}

/* ---- bind requests ---- */

static int granted(const struct slot *s, const struct wire_bind_req *r)
{
	size_t i;

	for (i = 0; i < s->ngrants; i++)
		if (ep_in_range(&s->grants[i].range, &r->ep))
			return 1;
	return 0;
}

/* Returns the bound socket (listening for tcp), or -1 with *err the
 * status for the answer.  Never SO_REUSEPORT (netbind.h). */
static int bind_for(const struct slot *s, const struct wire_bind_req *r, int *err)
{
	int fd;

	if (!granted(s, r)) {
		*err = EACCES;
		return -1;
	}
	fd = netbind(r->ep.proto, r->ep.family, r->ep.addr, r->ep.port, r->backlog);
	if (fd < 0)
		*err = errno;
	return fd;
}

/* A malformed message: the channel is shut down for both its holders, so
 * the userd sees end of file; it gets a new channel when it restarts. */
static void channel_reject(unsigned idx, struct slot *s, const char *why)
{
	log_msg(LOG_WARNING, "deny uid %u (channel %u): %s; channel closed", (unsigned)s->uid, idx, why);
	shutdown(s->fd, SHUT_RDWR);
	slot_close(s);
}

/* Version 2's SO_REUSEPORT flag, named: it could take another's traffic. */
static void reject_reuseport(unsigned idx, struct slot *s)
{
	char why[96];

	snprintf(why, sizeof why, "malformed request (flags: SO_REUSEPORT, not in protocol "
		 "version %d)", WIRE_VERSION);
	channel_reject(idx, s, why);
}

static void answer_lost(struct slot *s)
{
	int e = errno;

	if (log_budget(s, LINE_LOST))
		log_msg(LOG_WARNING, "uid %u: answer not delivered: %s", (unsigned)s->uid, strerror(e));
}

static void serve_bind(struct slot *s, const struct wire_bind_req *r)
{
	char d[80];
	int fd, err = 0;

	fd = bind_for(s, r, &err);
	bindcount_add(fd >= 0);
	if (log_budget(s, fd >= 0 ? LINE_GRANT : LINE_DENY)) {
		if (fd >= 0)
			log_msg(LOG_INFO, "grant uid %u %s", (unsigned)s->uid, ep_format(&r->ep, d, sizeof d));
		else
			log_msg(LOG_WARNING, "deny uid %u %s: %s", (unsigned)s->uid,
				ep_format(&r->ep, d, sizeof d), strerror(err));
	}
	if (wire_bind_answer(s->fd, r->id, fd >= 0 ? 0 : err, fd) < 0)
		answer_lost(s);
	if (fd >= 0)
		close(fd);
}

/* A user's own socket to bind (BINDFD_REQ): checked as hostile (bindfd.h)
 * after the grant (and the IPv4 twin's grant, for an IPv6 socket that
 * could carry IPv4); never an option set on it; our copy closed. */
static void serve_bindfd(struct slot *s, const struct wire_bind_req *r, int fd)
{
	char d[80];
	struct wire_bind_req twin = *r;
	int err = granted(s, r) && (!bindfd_twin(&r->ep, &twin.ep) || granted(s, &twin)) ?
		  bindfd_check(fd, &r->ep) : EACCES;

	if (!err)
		err = bindfd_bind(fd, &r->ep);
	close(fd);
	if (log_budget(s, err ? LINE_DENY : LINE_GRANT)) {
		if (!err)
			log_msg(LOG_INFO, "grant uid %u %s (its own socket)", (unsigned)s->uid,
				ep_format(&r->ep, d, sizeof d));
		else
			log_msg(LOG_WARNING, "deny uid %u %s (its own socket): %s", (unsigned)s->uid,
				ep_format(&r->ep, d, sizeof d), strerror(err));
	}
	if (wire_bind_answer(s->fd, r->id, err, -1) < 0)
		answer_lost(s);
}

/* The type of the next record, without taking it nor any fd with it:
 * only a BINDFD_REQ's fd is ever taken (others are dropped by the
 * kernel, which then makes the record malformed). */
static int peek_type(int fd)
{
	unsigned char m[WIRE_SIZE + 1];
	struct iovec iov = { .iov_base = m, .iov_len = sizeof m };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &mh, MSG_PEEK | MSG_DONTWAIT);

	return n < 0 ? -1 : wire_type(m, (size_t)n);
}

/* The BINDFD_REQ with exactly one fd; anything else is malformed. */
static int read_bindfd(int chan, struct wire_bind_req *r, int *fd)
{
	unsigned char m[WIRE_SIZE];
	ssize_t n = wire_recv_nowait(chan, m, fd);

	if (n > 0 && *fd >= 0 && wire_decode_bindfd_req(m, (size_t)n, r) == 0)
		return 0;
	if (*fd >= 0)
		close(*fd);
	return -1;
}

/* What the user may bind, one grant per request: so that a refusal can
 * say what would have been granted. */
static void serve_grants(struct slot *s, const struct wire_grants_req *r)
{
	struct wire_grants_ans a = { .id = r->id, .index = r->index,
				     .total = (uint16_t)s->ngrants };

	if (r->index < s->ngrants) {
		const struct policy_grant *g = &s->grants[r->index];

		a.grant = g->range;
	}
	if (wire_grants_answer(s->fd, &a) < 0)
		answer_lost(s);
}

static void serve_one(unsigned idx, struct slot *s)
{
	unsigned char m[WIRE_SIZE];
	struct wire_bind_req r;
	struct wire_grants_req g;
	ssize_t n;
	int fd;

	if (peek_type(s->fd) == WIRE_BINDFD_REQ) {
		if (read_bindfd(s->fd, &r, &fd) < 0) {
			channel_reject(idx, s, "malformed request (own socket)");
			return;
		}
		serve_bindfd(s, &r, fd);
		channel_check(idx, s);
		return;
	}
	/* never wait: a readiness polled for the channel this fd number was
	 * before the master's messages of this round replaced it is stale */
	n = wire_recv_nowait(s->fd, m, NULL);

	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		/* end of file, or an empty record that reads as one: shut it for
		 * the userd too, since the master's copy keeps the channel open */
		log_msg(LOG_INFO, "channel %u (uid %u) closed by its userd", idx, (unsigned)s->uid);
		shutdown(s->fd, SHUT_RDWR);
		slot_close(s);
		return;
	}
	if (wire_decode_bind_req(m, (size_t)n, &r) == 0)
		serve_bind(s, &r);
	else if (errno == EOPNOTSUPP) {
		reject_reuseport(idx, s);
		return;
	} else if (wire_decode_grants_req(m, (size_t)n, &g) == 0)
		serve_grants(s, &g);
	else {
		channel_reject(idx, s, "malformed request");
		return;
	}
	channel_check(idx, s);
}

/* A full channel is read again once its user has taken answers (the
 * kernel reports it writable); one that hung up is read to its end. */
static void serve_slot(unsigned idx, struct slot *s, short revents)
{
	if (s->full && (revents & POLLOUT))
		s->full = 0;
	else
		serve_one(idx, s);
}

/* ---- the loop ---- */

__attribute__((noreturn))
static void serve(int ctl)
{
	static struct pollfd pfd[WIRE_MAX_SLOTS + 1];
	static unsigned idx[WIRE_MAX_SLOTS + 1];
	unsigned i, n;

	for (;;) {
		share_update();
		n = 0;
		pfd[n].fd = ctl;
		pfd[n++].events = POLLIN;
		for (i = 0; i < WIRE_MAX_SLOTS; i++)
			if (B.slot[i].fd >= 0 && !B.slot[i].dead) {
				idx[n] = i;
				pfd[n].fd = B.slot[i].fd;
				pfd[n++].events = B.slot[i].full ? POLLOUT : POLLIN;
			}
		if (poll(pfd, n, log_due()) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		/* the master first, so a user never runs ahead of a policy change */
		if (pfd[0].revents && !ctl_read(ctl))
			_exit(0);
		for (i = 1; i < n; i++)
			if (pfd[i].revents && B.slot[idx[i]].fd == pfd[i].fd)
				serve_slot(idx[i], &B.slot[idx[i]], pfd[i].revents);
	}
}

void binder_main(int log_syslog)
{
	log_use(2, log_syslog, "binder: ");
	binder_slots_init();
	if (fcntl(BINDER_CTL_FD, F_SETFL, O_NONBLOCK) < 0)
		die("set up the internal channel");
	fd_share_init();
	bindcount_attach(BINDCOUNT_FD);   /* before the sandbox: it maps a page */
	drop_caps();
	sandbox();
	log_msg(LOG_INFO, "started, pid %d", (int)getpid());
	serve(BINDER_CTL_FD);
}

/* ---- binder_core.h: the above without the process, for tests ---- */

void binder_slots_init(void)
{
	unsigned i;

	for (i = 0; i < WIRE_MAX_SLOTS; i++) {
		B.slot[i].fd = -1;
		B.slot[i].dead = 1;
	}
}

int binder_ctl_read(int ctl)
{
	return ctl_read(ctl);
}

void binder_serve_one(unsigned idx)
{
	serve_one(idx, &B.slot[idx]);
}

int binder_granted(unsigned idx, const struct wire_bind_req *r)
{
	return granted(&B.slot[idx], r);
}

void binder_view(unsigned idx, struct binder_view *v)
{
	const struct slot *s = &B.slot[idx];

	v->fd = s->fd;
	v->dead = s->dead;
	v->uid = s->uid;
	v->grants = s->grants;
	v->ngrants = s->ngrants;
}
