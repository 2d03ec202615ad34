#include "bindrelay.h"
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fs.h"
#include "sockets.h"
#include "wire.h"

enum { EV_LISTEN = 1, EV_BINDER, EV_TIMER, EV_CLIENT };

/* a listening socket's DIR/.userd, and its socket file in there */
struct where {
	int dfd;
	dev_t dev;
	ino_t ino;
};

struct client {
	int fd;                /* -1: free slot */
	int type;              /* the request in flight (WIRE_*_REQ), 0: none */
	uint32_t their_id;     /* the client's id for it */
	uint32_t our_id;       /* ours, on the binder channel */
	int64_t deadline;
};

static struct {
	int ep, listen, binder, timer;
	int published;         /* listening on our uid's published name, or -1 */
	struct where at;       /* where listen is bound */
	int binder_gone;
	uint32_t next_id;
	struct client c[RELAY_CLIENTS];
} R;

static int watch(int fd, uint32_t kind, uint32_t idx)
{
	struct epoll_event ev = { .events = EPOLLIN };

	ev.data.u64 = (uint64_t)kind << 32 | idx;
	return epoll_ctl(R.ep, EPOLL_CTL_ADD, fd, &ev);
}

/* ---- clients ---- */

static void client_close(struct client *c)
{
	close(c->fd);   /* also leaves the epoll set */
	c->fd = -1;
	c->type = 0;
}

/* A request that gets no answer from the binder: a bind request is told
 * why; a grants request has no status field, so its connection is closed. */
static void client_fail(struct client *c, int err)
{
	if ((c->type == WIRE_BIND_REQ || c->type == WIRE_BINDFD_REQ) && wire_bind_answer(c->fd, c->their_id, err, -1) == 0) {
		c->type = 0;
		return;
	}
	client_close(c);
}

/* the earliest deadline in flight, for the timer */
static void timer_arm(void)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	int64_t due = INT64_MAX;
	int i;

	for (i = 0; i < RELAY_CLIENTS; i++)
		if (R.c[i].fd >= 0 && R.c[i].type && R.c[i].deadline < due)
			due = R.c[i].deadline;
	if (due != INT64_MAX) {
		due -= clock_ms();
		if (due < 1)
			due = 1;
		its.it_value.tv_sec = due / 1000;
		its.it_value.tv_nsec = due % 1000 * 1000000;
	}
	timerfd_settime(R.timer, 0, &its, NULL);
}

/* 1 if fd is a socket: a first look at what we pass on to the binder,
 * which looks again (privd/bindfd.h) */
static int is_socket(int fd)
{
	int type;
	socklen_t len = sizeof type;

	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

/* A request of ours to relay: a BINDFD_REQ with a socket, or another
 * without any fd. */
static int request_ok(const unsigned char *m, ssize_t n, int fd, int *type)
{
	struct wire_bind_req b;
	struct wire_grants_req g;

	*type = wire_type(m, n < 0 ? 0 : (size_t)n);
	if (*type == WIRE_BINDFD_REQ)
		return fd >= 0 && is_socket(fd) && wire_decode_bindfd_req(m, (size_t)n, &b) == 0;
	if (fd >= 0)
		return 0;
	if (*type == WIRE_BIND_REQ)
		return wire_decode_bind_req(m, (size_t)n, &b) == 0;
	if (*type == WIRE_GRANTS_REQ)
		return wire_decode_grants_req(m, (size_t)n, &g) == 0;
	return 0;
}

static void client_forward(struct client *c, unsigned char *m, int type, int fd)
{
	c->type = type;
	c->their_id = wire_id(m);
	c->our_id = R.next_id++;
	c->deadline = clock_ms() + RELAY_TIMEOUT_MS;
	wire_set_id(m, c->our_id);
	if (R.binder_gone) {
		client_fail(c, EPIPE);
		return;
	}
	if (wire_send(R.binder, m, fd) < 0) {
		client_fail(c, errno);
		return;
	}
	timer_arm();
}

static void client_read(struct client *c)
{
	unsigned char m[WIRE_SIZE];
	int fd;
	ssize_t n = wire_recv(c->fd, m, &fd);
	int type;

	if (n < 0 && errno == EAGAIN)
		return;
	/* end of file, an error, a malformed request or a second one in
	 * flight: the connection ends (its owner is only hurting itself) */
	if (n <= 0 || c->type || !request_ok(m, n, fd, &type)) {
		if (fd >= 0)
			close(fd);
		client_close(c);
		return;
	}
	client_forward(c, m, type, fd);
	if (fd >= 0)
		close(fd);
}

static void client_accept(int lfd)
{
	struct ucred cr;
	socklen_t len = sizeof cr;
	int fd, i;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		for (i = 0; i < RELAY_CLIENTS && R.c[i].fd >= 0; i++)
			;
		/* the directory is 0700 (the published name is anyone's to
		 * reach), but the socket is what we trust */
		if (i == RELAY_CLIENTS || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 ||
		    cr.uid != geteuid() || watch(fd, EV_CLIENT, (uint32_t)i) < 0) {
			close(fd);
			continue;
		}
		R.c[i].fd = fd;
		R.c[i].type = 0;
	}
}

/* ---- the binder's answers ---- */

static struct client *client_by_id(uint32_t id)
{
	int i;

	for (i = 0; i < RELAY_CLIENTS; i++)
		if (R.c[i].fd >= 0 && R.c[i].type && R.c[i].our_id == id)
			return &R.c[i];
	return NULL;
}

static int answer_ok(const unsigned char *m, ssize_t n, int req_type)
{
	struct wire_bind_ans b;
	struct wire_grants_ans g;
	int type = wire_type(m, n < 0 ? 0 : (size_t)n);

	if (req_type == WIRE_BIND_REQ || req_type == WIRE_BINDFD_REQ)
		return type == WIRE_BIND_ANS && wire_decode_bind_ans(m, (size_t)n, &b) == 0;
	return type == WIRE_GRANTS_ANS && wire_decode_grants_ans(m, (size_t)n, &g) == 0;
}

static void binder_gone(void)
{
	int i;

	err_warn("the channel to privd's binder is closed: privileged ports are refused");
	R.binder_gone = 1;
	epoll_ctl(R.ep, EPOLL_CTL_DEL, R.binder, NULL);
	for (i = 0; i < RELAY_CLIENTS; i++)
		if (R.c[i].fd >= 0 && R.c[i].type)
			client_fail(&R.c[i], EPIPE);
}

static void binder_read(void)
{
	unsigned char m[WIRE_SIZE];
	struct client *c;
	ssize_t n;
	int fd;

	for (;;) {
		n = wire_recv(R.binder, m, &fd);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			binder_gone();
			break;
		}
		c = n == WIRE_SIZE ? client_by_id(wire_id(m)) : NULL;
		if (c && answer_ok(m, n, c->type)) {
			wire_set_id(m, c->their_id);
			/* the user's own socket is bound in place: nothing comes back */
			if (c->type == WIRE_BINDFD_REQ && fd >= 0) {
				close(fd);
				fd = -1;
			}
			c->type = 0;
			if (wire_send(c->fd, m, fd) < 0)
				client_close(c);
		}
		/* an answer to a request that timed out, or nonsense: dropped */
		if (fd >= 0)
			close(fd);
	}
	timer_arm();
}

static void timer_read(void)
{
	uint64_t ticks;
	int64_t now = clock_ms();
	int i;

	if (read(R.timer, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
		return;
	for (i = 0; i < RELAY_CLIENTS; i++)
		if (R.c[i].fd >= 0 && R.c[i].type && R.c[i].deadline <= now)
			client_fail(&R.c[i], ETIMEDOUT);
	timer_arm();
}

void bindrelay_run(void)
{
	struct epoll_event ev[16];
	int n, i;

	n = epoll_wait(R.ep, ev, 16, 0);
	for (i = 0; i < n; i++) {
		uint32_t kind = (uint32_t)(ev[i].data.u64 >> 32), idx = (uint32_t)ev[i].data.u64;

		if (kind == EV_LISTEN)
			client_accept(idx ? R.published : R.listen);
		else if (kind == EV_BINDER)
			binder_read();
		else if (kind == EV_TIMER)
			timer_read();
		else if (kind == EV_CLIENT && R.c[idx].fd >= 0)
			client_read(&R.c[idx]);
	}
}

/* ---- setup ---- */

/* bound by the directory's fd: the path may be too long for sun_path */
static int relay_listen(int dfd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof sa.sun_path, "/proc/self/fd/%d/%s", dfd, RELAY_SOCK);
	if (unlinkat(dfd, RELAY_SOCK, 0) < 0 && errno != ENOENT)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    fchmodat(dfd, RELAY_SOCK, 0600, 0) < 0 || listen(fd, RELAY_CLIENTS) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* DIR/.userd and the socket in it: the listening fd, and *w; -1 */
static int relay_open(int dirfd, struct where *w)
{
	struct stat st;
	int fd;

	w->dfd = fs_own_dir(dirfd, RELAY_DIR);
	if (w->dfd < 0)
		return -1;
	fd = relay_listen(w->dfd);
	if (fd < 0 || fstatat(w->dfd, RELAY_SOCK, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (fd >= 0)
			close(fd);
		close(w->dfd);
		return -1;
	}
	w->dev = st.st_dev;
	w->ino = st.st_ino;
	return fd;
}

/* removes the socket file if it is still the one we bound (another userd
 * may have taken that directory since), best effort, and closes w->dfd */
static void relay_drop(const struct where *w)
{
	struct stat st;

	if (fstatat(w->dfd, RELAY_SOCK, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == w->dev && st.st_ino == w->ino)
		unlinkat(w->dfd, RELAY_SOCK, 0);
	close(w->dfd);
}

static int relay_env(const char *dirpath)
{
	char abs[PATH_MAX], path[PATH_MAX + 32];

	if (!realpath(dirpath, abs))
		return -1;
	if (snprintf(path, sizeof path, "%s/%s/%s", abs, RELAY_DIR, RELAY_SOCK) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return setenv(BINDSOCK_ENV, path, 1);
}

/* The relay under a name that depends on our uid alone, so that a runsv
 * this userd did not start and privbind in a login shell find it wherever
 * the tree is.  The name is in the abstract namespace, which anyone may
 * take first: then clients refuse the squatter (SO_PEERCRED) and use the
 * socket file; we go on without it. */
static void relay_publish(void)
{
	struct sockaddr_un sa;
	socklen_t len = relay_published(geteuid(), &sa);

	R.published = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (R.published >= 0 && bind(R.published, (struct sockaddr *)&sa, len) == 0 &&
	    listen(R.published, RELAY_CLIENTS) == 0 && watch(R.published, EV_LISTEN, 1) == 0)
		return;
	err_warn_sys("unable to publish the bind relay as @%s%u (only %s finds it)",
		     RELAY_PUBLISHED, (unsigned)geteuid(), getenv(BINDSOCK_ENV));
	if (R.published >= 0)
		close(R.published);
	R.published = -1;
}

int bindrelay_start(int dirfd, const char *dirpath, int binder)
{
	int i;

	for (i = 0; i < RELAY_CLIENTS; i++)
		R.c[i].fd = -1;
	R.binder = binder;
	R.next_id = 1;
	R.listen = relay_open(dirfd, &R.at);
	if (R.listen < 0) {
		err_warn_sys("unable to listen on %s/%s/%s: no privileged ports", dirpath, RELAY_DIR,
			     RELAY_SOCK);
		return -1;
	}
	R.ep = epoll_create1(EPOLL_CLOEXEC);
	R.timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (R.ep < 0 || R.timer < 0 || fcntl(binder, F_SETFL, O_NONBLOCK) < 0 ||
	    watch(R.listen, EV_LISTEN, 0) < 0 || watch(binder, EV_BINDER, 0) < 0 ||
	    watch(R.timer, EV_TIMER, 0) < 0 || relay_env(dirpath) < 0) {
		err_warn_sys("unable to set up the bind relay: no privileged ports");
		return -1;
	}
	relay_publish();
	return R.ep;
}

/* The listening socket moves to the new DIR; clients already accepted
 * stay, and so do those waiting in the old socket's backlog. */
int bindrelay_move(int dirfd, const char *dirpath)
{
	struct where w;
	int fd, e;

	fd = relay_open(dirfd, &w);
	if (fd >= 0 && (watch(fd, EV_LISTEN, 0) < 0 || relay_env(dirpath) < 0)) {
		e = errno;
		close(fd);   /* also leaves the epoll set */
		relay_drop(&w);
		errno = e;
		fd = -1;
	}
	if (fd < 0) {
		err_warn_sys("unable to move the bind relay to %s/%s/%s: it stays at %s", dirpath,
			     RELAY_DIR, RELAY_SOCK, getenv(BINDSOCK_ENV));
		return -1;
	}
	client_accept(R.listen);
	close(R.listen);
	relay_drop(&R.at);
	R.listen = fd;
	R.at = w;
	return 0;
}
