#include "bindtrap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "err.h"
#include "sockets.h"
#include "wire.h"
#include "wireclient.h"

#if defined(__x86_64__)
#define ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH_NATIVE AUDIT_ARCH_AARCH64
#endif

#define FLOOR_FILE "/proc/sys/net/ipv4/ip_unprivileged_port_start"
#define FLOOR_DEFAULT 1024
#define CHILD_TIMEOUT_MS 5000     /* for the child's filter fd */

/* why no filter: logged once per supervisor */
enum { WARN_INSTALL = 1, WARN_REACH = 2, WARN_RELAY = 4 };

/* ---- pure parts ---- */

int bindtrap_floor_parse(const char *text)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (end == text || (*end && *end != '\n') || v < 0 || v > 65536)
		return FLOOR_DEFAULT;
	return (int)v;
}

enum bindtrap_verdict bindtrap_classify(const void *sa, size_t len, int floor,
					struct endpoint *ep)
{
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	sa_family_t family;

	memset(ep, 0, sizeof *ep);
	if (len < sizeof family)
		return BINDTRAP_CONTINUE;
	memcpy(&family, sa, sizeof family);
	if (family == AF_INET && len >= sizeof a4) {
		memcpy(&a4, sa, sizeof a4);
		ep->port = ntohs(a4.sin_port);
		memcpy(ep->addr, &a4.sin_addr, 4);
	} else if (family == AF_INET6 && len >= sizeof a6) {
		memcpy(&a6, sa, sizeof a6);
		if (a6.sin6_scope_id)
			return BINDTRAP_CONTINUE;
		ep->port = ntohs(a6.sin6_port);
		memcpy(ep->addr, &a6.sin6_addr, 16);
	} else {
		return BINDTRAP_CONTINUE;
	}
	ep->family = family;
	if (ep->port == 0 || ep->port >= floor)
		return BINDTRAP_CONTINUE;
	return BINDTRAP_PRIVILEGED;
}

struct bindtrap_held *bindtrap_held_find(struct bindtrap_held *h, size_t n,
					 const struct endpoint *ep, unsigned run, int any_run)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (h[i].fd >= 0 && ep_equal(&h[i].ep, ep) && (any_run || h[i].run != run))
			return &h[i];
	return NULL;
}

struct bindtrap_held *bindtrap_held_free(struct bindtrap_held *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (h[i].fd < 0)
			return &h[i];
	return NULL;
}

/* ---- setting up ---- */

void bindtrap_init(struct bindtrap *t, const char *const *relays)
{
	size_t i;

	memset(t, 0, sizeof *t);
	t->ep = epoll_create1(EPOLL_CLOEXEC);
	t->child_sock = t->parent_sock = t->relay = -1;
	t->floor = FLOOR_DEFAULT;
	for (i = 0; relays && relays[i] && i + 1 < BINDTRAP_RELAYS; i++)
		t->relays[i] = relays[i];
	for (i = 0; i < BINDTRAP_HELD; i++)
		t->held[i].fd = -1;
}

int bindtrap_prepare(struct bindtrap *t)
{
	int sv[2];

	/* a runsv no userd started (runit's way, by hand) has no relay to ask:
	 * nothing to trap, nothing to say */
	if (!t->set_nnp && !getenv(BINDSOCK_ENV))
		return -1;
	if (t->ep < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	t->parent_sock = sv[0];
	t->child_sock = sv[1];
	return 0;
}

/* The filter: bind(2) of the native arch to the supervisor, every other
 * call allowed.  A call of another arch (a 32-bit bind) is not trapped,
 * and gets no more than the kernel gives. */
static int filter_install(void)
{
#ifdef ARCH_NATIVE
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_NATIVE, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bind, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof code / sizeof code[0], .filter = code };

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
#else
	errno = ENOSYS;
	return -1;
#endif
}

void bindtrap_child(struct bindtrap *t)
{
	unsigned char m[WIRE_SIZE] = { 0 };
	int fd = -1, err = 0;

	if (t->child_sock < 0)
		return;
	if (t->set_nnp)
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		err = EPERM;
	else if ((fd = filter_install()) < 0)
		err = errno;
	memcpy(m, &err, sizeof err);
	wire_send(t->child_sock, m, fd);
	if (fd >= 0)
		close(fd);
	close(t->child_sock);
}

static void warn_once(struct bindtrap *t, int kind, const char *fmt, const char *why)
{
	if (t->warned & kind)
		return;
	t->warned |= kind;
	err_warn(fmt, why);
}

static void install_failed(struct bindtrap *t, int err)
{
	char why[160];

	if (err == EPERM)
		snprintf(why, sizeof why, "no_new_privs is not set (a userd started by privd has it "
			 "unless the policy says no_new_privs off)");
	else if (err == EINVAL || err == ENOSYS || err == EOPNOTSUPP)
		snprintf(why, sizeof why, "this kernel has no seccomp user notification (%s)",
			 strerror(err));
	else
		snprintf(why, sizeof why, "the filter could not be installed: %s", strerror(err));
	warn_once(t, WARN_INSTALL, "binds of ports below the unprivileged floor are not "
		  "intercepted: %s; the listen file still works", why);
}

static void filter_add(struct bindtrap *t, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (t->nfilters == BINDTRAP_FILTERS || epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		/* the oldest run's trapped binds then fail ENOSYS */
		close(fd);
		return;
	}
	t->filter[t->nfilters++] = fd;
}

static void filter_drop(struct bindtrap *t, int fd)
{
	int i;

	for (i = 0; i < t->nfilters && t->filter[i] != fd; i++)
		;
	if (i == t->nfilters)
		return;
	close(fd);      /* leaves the epoll set */
	t->filter[i] = t->filter[--t->nfilters];
}

static int floor_read(void)
{
	char buf[32];
	ssize_t n;
	int fd = open(FLOOR_FILE, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return FLOOR_DEFAULT;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return FLOOR_DEFAULT;
	buf[n] = '\0';
	return bindtrap_floor_parse(buf);
}

void bindtrap_started(struct bindtrap *t, pid_t pid)
{
	unsigned char m[WIRE_SIZE];
	int fd = -1, err = EPIPE;

	if (t->parent_sock < 0)
		return;
	close(t->child_sock);
	t->child_sock = -1;
	/* the child sends before exec, or its end closes: a short wait, but
	 * bounded even for a child stopped before it could send */
	wire_timeout(t->parent_sock, CHILD_TIMEOUT_MS);
	if (pid > 0 && wire_recv(t->parent_sock, m, &fd) == WIRE_SIZE)
		memcpy(&err, m, sizeof err);
	close(t->parent_sock);
	t->parent_sock = -1;
	if (pid <= 0)
		return;
	t->run++;
	t->floor = floor_read();
	if (fd >= 0 && err == 0)
		filter_add(t, fd);
	else {
		if (fd >= 0)
			close(fd);
		install_failed(t, err ? err : EPROTO);
	}
}

int bindtrap_pollfd(const struct bindtrap *t)
{
	return t->nfilters ? t->ep : -1;
}

/* ---- the relay ---- */

static int relay_connect(struct bindtrap *t)
{
	size_t i;

	for (i = 0; t->relay < 0 && t->relays[i]; i++)
		if (*t->relays[i])
			t->relay = bindclient_open(t->relays[i]);
	return t->relay;
}

static void relay_close(struct bindtrap *t)
{
	if (t->relay >= 0)
		close(t->relay);
	t->relay = -1;
}

/* The binder's status for binding sock at ep, or the relay's failure.  A
 * connection kept from an earlier bind may be to a userd since gone: one
 * more try on a new one. */
static int relay_bindfd(struct bindtrap *t, const struct endpoint *ep, int sock)
{
	static uint32_t next_id;
	struct wire_bind_req r = { .ep = *ep };
	int tries;

	for (tries = 0; tries < 2; tries++) {
		if (relay_connect(t) < 0)
			return errno;
		r.id = ++next_id;
		if (wire_bindfd_request(t->relay, &r, sock) == 0)
			return 0;
		if (errno != ECONNRESET && errno != EPIPE && errno != ENOTCONN &&
		    errno != ETIMEDOUT && errno != EPROTO)
			return errno;
		relay_close(t);
	}
	return errno;
}

/* ---- a trapped bind ---- */

static int notif_valid(int nfd, uint64_t id)
{
	return ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static int read_mem(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -1;
}

/* A duplicate of fd of process pid (close-on-exec), or -1. */
static int take_socket(pid_t pid, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), s;

	if (pidfd < 0)
		return -1;
	s = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	return s;
}

static int sockopt(int fd, int name)
{
	int v = -1;
	socklen_t len = sizeof v;

	getsockopt(fd, SOL_SOCKET, name, &v, &len);
	return v;
}

/* tcp or udp for a socket of ep's family, else 0 (the kernel's to refuse) */
static int socket_proto(int s, int family)
{
	int type = sockopt(s, SO_TYPE), protocol = sockopt(s, SO_PROTOCOL);

	if (sockopt(s, SO_DOMAIN) != family)
		return 0;
	if (type == SOCK_STREAM && protocol == IPPROTO_TCP)
		return EP_TCP;
	if (type == SOCK_DGRAM && protocol == IPPROTO_UDP)
		return EP_UDP;
	return 0;
}

/* 1 if fd of pid is close-on-exec (its fdinfo's flags), 0 if not or unknown */
static int remote_cloexec(pid_t pid, int fd)
{
	char path[64], buf[256], *f;
	ssize_t n;
	int d;

	snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, fd);
	d = open(path, O_RDONLY | O_CLOEXEC);
	if (d < 0)
		return 0;
	n = read(d, buf, sizeof buf - 1);
	close(d);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	f = strstr(buf, "flags:");
	return f && (strtoul(f + 6, NULL, 8) & O_CLOEXEC) != 0;
}

/* The held socket h in place of the program's (its fd number, its file
 * status flags such as O_NONBLOCK, its close-on-exec).  0 or -errno. */
static int hand_held(int nfd, const struct seccomp_notif *req, struct bindtrap_held *h, int sock,
		     unsigned run)
{
	struct seccomp_notif_addfd add = {
		.id = req->id, .flags = SECCOMP_ADDFD_FLAG_SETFD, .srcfd = (uint32_t)h->fd,
		.newfd = (uint32_t)req->data.args[0],
	};
	int fl = fcntl(sock, F_GETFL);

	if (remote_cloexec(req->pid, (int)req->data.args[0]))
		add.newfd_flags = O_CLOEXEC;
	if (fl >= 0)
		fcntl(h->fd, F_SETFL, fl);
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ADDFD, &add) < 0)
		return -errno;
	h->run = run;
	return 0;
}

/* A socket the binder bound for this run, held for the next ones. */
static void hold(struct bindtrap *t, const struct endpoint *ep, int sock)
{
	struct bindtrap_held *h = bindtrap_held_find(t->held, BINDTRAP_HELD, ep, t->run, 1);

	if (h) {
		/* a second socket at one address (SO_REUSEPORT): the first is held */
		if (h->run != t->run) {
			close(h->fd);
			h->fd = sock;
			h->run = t->run;
			return;
		}
	} else if ((h = bindtrap_held_free(t->held, BINDTRAP_HELD))) {
		*h = (struct bindtrap_held){ .ep = *ep, .fd = sock, .run = t->run };
		return;
	}
	close(sock);
}

static void log_refused(struct bindtrap *t, const struct endpoint *ep, int err)
{
	char what[EP_FORMAT_MAX], grants[160] = "unknown";

	ep_format(ep, what, sizeof what);
	if (err == EACCES && t->relay >= 0) {
		bindclient_grants(t->relay, ep->proto, grants, sizeof grants);
		err_warn("bind to %s refused: not granted by the policy (granted: %s)", what, grants);
	} else if (err == EACCES) {
		err_warn("bind to %s refused: not granted by the policy", what);
	} else {
		err_warn("bind to %s refused by privd: %s", what, strerror(err));
	}
}

/* The answer to a trapped bind of a privileged port with socket sock (a
 * duplicate; taken): 0 or -errno. */
static int bind_privileged(struct bindtrap *t, int nfd, const struct seccomp_notif *req,
			   const struct endpoint *ep, int sock)
{
	struct bindtrap_held *h = bindtrap_held_find(t->held, BINDTRAP_HELD, ep, t->run, 0);
	int err, r;

	if (h) {
		r = hand_held(nfd, req, h, sock, t->run);
		close(sock);
		return r;
	}
	err = relay_bindfd(t, ep, sock);
	if (err == 0) {
		hold(t, ep, sock);
		return 0;
	}
	/* ours, from this run, closed by the program and bound again */
	h = bindtrap_held_find(t->held, BINDTRAP_HELD, ep, t->run, 1);
	if (err == EADDRINUSE && h) {
		r = hand_held(nfd, req, h, sock, t->run);
		close(sock);
		return r;
	}
	close(sock);
	if (err == ENOENT || err == ECONNREFUSED) {
		warn_once(t, WARN_RELAY, "bind to a privileged port: %s",
			  "no privd relay for this user (not under a userd started by privd)");
		return -EACCES;
	}
	log_refused(t, ep, err);
	return -err;
}

/* Sets resp for one trapped bind; 0 to send it, -1 when the caller has
 * gone (nothing to answer). */
static int answer(struct bindtrap *t, int nfd, const struct seccomp_notif *req,
		  struct seccomp_notif_resp *resp)
{
	struct sockaddr_storage ss;
	struct endpoint ep;
	size_t len = (size_t)req->data.args[2];
	int sock;

	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (len > sizeof ss || read_mem(req->pid, req->data.args[1], &ss, len) < 0) {
		if (errno == EPERM)
			warn_once(t, WARN_REACH, "bind to a privileged port: %s", "unable to read "
				  "the program's memory (no ptrace access: with Yama's ptrace_scope 1, "
				  "a process that left runsv's tree is out of reach)");
		return notif_valid(nfd, req->id) ? 0 : -1;
	}
	/* what we read is the caller's, not a reused pid's */
	if (!notif_valid(nfd, req->id))
		return -1;
	if (bindtrap_classify(&ss, len, t->floor, &ep) == BINDTRAP_CONTINUE)
		return 0;
	sock = take_socket(req->pid, (int)req->data.args[0]);
	if (sock < 0) {
		if (errno == EPERM)
			warn_once(t, WARN_REACH, "bind to a privileged port: %s", "unable to take "
				  "the program's socket (pidfd_getfd: no ptrace access)");
		return 0;
	}
	if (!notif_valid(nfd, req->id)) {
		close(sock);
		return -1;
	}
	ep.proto = socket_proto(sock, ep.family);
	if (!ep.proto) {
		close(sock);
		return 0;
	}
	resp->flags = 0;
	resp->error = bind_privileged(t, nfd, req, &ep, sock);
	return 0;
}

static void serve_one(struct bindtrap *t, int nfd)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof req);
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return;
	memset(&resp, 0, sizeof resp);
	resp.id = req.id;
	if (answer(t, nfd, &req, &resp) == 0)
		ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

void bindtrap_serve(struct bindtrap *t)
{
	struct epoll_event ev[BINDTRAP_FILTERS];
	int i, n = epoll_wait(t->ep, ev, BINDTRAP_FILTERS, 0);

	for (i = 0; i < n; i++) {
		if (ev[i].events & EPOLLIN)
			serve_one(t, ev[i].data.fd);
		else if (ev[i].events & (EPOLLHUP | EPOLLERR))
			/* every process under that filter has exited */
			filter_drop(t, ev[i].data.fd);
	}
}
