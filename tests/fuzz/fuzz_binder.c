/* Fuzz target: the binder's request handler, the real code of
 * privd/binder.c driven in-process through real
 * SOCK_SEQPACKET socketpairs, as the master and two userds would drive it.
 *
 * The input is a list of operations, each one byte and its arguments:
 *   op%4 == 0  grant: one grant to slot (op>>2)&1, committed with the slot's
 *              uid ((op>>3)&1: both slots share one uid), and a new channel
 *              when the slot has none
 *   op%4 == 1  raw: one record of any length (next byte) on the slot's
 *              channel, with an fd attached when op&8, credentials when op&16
 *   op%4 == 2  request: a well-formed bind request built from 6 bytes, or
 *              a grants query (what may I bind?) when the first has bit 7
 *   op%4 == 3  drop: the master forgets the slot
 * After each record the binder serves the channel once (as its poll loop
 * would) and the harness reads what came back.
 *
 * The binder is reached through privd/binder_core.h: its handler without
 * the process around it (capabilities, seccomp, poll loop).
 *
 * Oracles: a well-formed request gets exactly one answer with its id (a
 * grants query: the slot's own grant at that index and its count), and a
 * socket only if the slot's grants allow exactly that socket (right type,
 * address, port; otherwise EACCES); anything else (short, long, empty,
 * wrong version or type, an fd attached) shuts the channel, so the userd
 * sees end of file although the master still holds its copy; and no input
 * leaks an fd or memory in the binder.
 *
 * Sockets are bound for real: in a network namespace of its own when the
 * target may make one (root), so nothing is ever bound on the host. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "binder_core.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NSLOTS 2

static int ctl_master = -1, ctl_binder = -1;

struct hslot {
	int user;        /* the userd's end; -1: none */
	int master;      /* the master's copy of the binder's end */
	uid_t uid;
};
static struct hslot H[NSLOTS];
static uint32_t next_id;

static const char *const addr4[] = { "0.0.0.0", "127.0.0.1", "127.0.0.2", "192.0.2.1" };
static const char *const addr6[] = { "::", "::1", "::ffff:127.0.0.1", "2001:db8::1" };
static const uint16_t ports[] = { 1, 80, 1023, 1024, 8080, 65534, 65535, 2000 };

/* ---- the harness's environment ---- */

static void net_of_our_own(void)
{
	struct ifreq ifr;
	int s;

	if (unshare(CLONE_NEWNET) < 0)
		return;   /* not root: high ports on the host, bound for microseconds */
	s = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	if (s >= 0)
		close(s);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		abort();
	while ((e = readdir(d)))
		n++;
	closedir(d);
	return n;
}

static void setup_once(void)
{
	int sv[2];
	unsigned i;

	net_of_our_own();
	binder_slots_init();
	/* the binder's log goes nowhere: it would swamp the fuzzer's output */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	ctl_master = sv[0];
	ctl_binder = sv[1];
	fcntl(ctl_binder, F_SETFL, O_NONBLOCK);
	for (i = 0; i < NSLOTS; i++)
		H[i].user = H[i].master = -1;
}

/* ---- the master's side ---- */

static void master_send(const struct wire_ctl *c, int fd)
{
	unsigned char m[WIRE_SIZE];

	if (wire_encode_ctl(m, c) < 0 || wire_send(ctl_master, m, fd) < 0)
		abort();
	if (!binder_ctl_read(ctl_binder))
		abort();
}

static void slot_drop(unsigned i)
{
	struct wire_ctl c = { .type = WIRE_DROP, .slot = i };

	master_send(&c, -1);
	if (H[i].user >= 0)
		close(H[i].user);
	if (H[i].master >= 0)
		close(H[i].master);
	H[i].user = H[i].master = -1;
}

static void addr_pick(int family, unsigned k, unsigned char *a)
{
	memset(a, 0, 16);
	if (family == AF_INET)
		inet_pton(AF_INET, addr4[k % 4], a);
	else if (family == AF_INET6)
		inet_pton(AF_INET6, addr6[k % 4], a);
}

static uint16_t port_pick(const uint8_t *b)
{
	return b[0] & 0x80 ? (uint16_t)(b[0] << 8 | b[1]) : ports[b[1] % 8];
}

static void op_grant(unsigned i, int shared_uid, const uint8_t *b)
{
	static const int fam[] = { 0, AF_INET, AF_INET6 };
	struct wire_ctl g = { .type = WIRE_GRANT, .slot = i }, c = { .type = WIRE_COMMIT, .slot = i };
	int sv[2], bend = -1;

	g.grant.ep.proto = b[0] & 1 ? EP_TCP : EP_UDP;
	g.grant.ep.family = fam[b[1] % 3];
	addr_pick(g.grant.ep.family, b[1] / 3, g.grant.ep.addr);
	g.grant.ep.port = port_pick(b + 2);
	g.grant.hi = (uint16_t)(g.grant.ep.port + b[4] > 65535 ? 65535 : g.grant.ep.port + b[4]);
	if (g.grant.ep.port >= 1)
		master_send(&g, -1);
	H[i].uid = shared_uid ? 1000 : 1000 + i;
	c.uid = H[i].uid;
	if (H[i].user < 0) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
			abort();
		H[i].user = sv[1];
		fcntl(H[i].user, F_SETFL, O_NONBLOCK);
		bend = sv[0];
		c.has_fd = 1;
	}
	master_send(&c, bend);
	if (bend >= 0)
		H[i].master = bend;   /* the binder got its own copy */
}

/* ---- the userd's side ---- */

/* One record of len bytes, with an fd and/or credentials attached. */
static int user_send(unsigned i, const void *m, size_t len, int with_fd, int with_creds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)m, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	struct ucred uc = { .pid = getpid(), .uid = getuid(), .gid = getgid() };
	size_t used = 0;
	int fd = with_fd ? H[i].user : -1;

	memset(&ctl, 0, sizeof ctl);
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof ctl.buf;
	cm = CMSG_FIRSTHDR(&mh);
	if (with_fd) {
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof fd);
		used += CMSG_SPACE(sizeof(int));
		cm = (struct cmsghdr *)(ctl.buf + used);
	}
	if (with_creds) {
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_CREDENTIALS;
		cm->cmsg_len = CMSG_LEN(sizeof uc);
		memcpy(CMSG_DATA(cm), &uc, sizeof uc);
		used += CMSG_SPACE(sizeof uc);
	}
	mh.msg_controllen = used;
	if (!used)
		mh.msg_control = NULL;
	return sendmsg(H[i].user, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ? -1 : 0;
}

/* What the binder's poll loop does for this channel. */
static void binder_turn(unsigned i)
{
	struct binder_view v;
	struct pollfd p;

	binder_view(i, &v);
	if (v.fd < 0 || v.dead)
		return;
	p.fd = v.fd;
	p.events = POLLIN;
	if (poll(&p, 1, 0) == 1)
		binder_serve_one(i);
}

/* The socket the binder sent must be exactly what r asked for and granted. */
static void check_socket(unsigned i, const struct wire_bind_req *r, int fd)
{
	struct binder_view v;
	struct sockaddr_storage ss;
	struct wire_bind_req got = *r;
	socklen_t len = sizeof ss;
	int type = 0;
	socklen_t tl = sizeof type;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0)
		abort();
	if (type != (r->ep.proto == EP_TCP ? SOCK_STREAM : SOCK_DGRAM) || ss.ss_family != r->ep.family)
		abort();
	memset(got.ep.addr, 0, 16);
	if (ss.ss_family == AF_INET) {
		got.ep.port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		memcpy(got.ep.addr, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else {
		got.ep.port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		memcpy(got.ep.addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	}
	binder_view(i, &v);
	if (got.ep.port != r->ep.port || memcmp(got.ep.addr, r->ep.addr, 16) || !binder_granted(i, &got) ||
	    v.uid != H[i].uid)
		abort();
}

/* After a well-formed request r: one answer with r's id, nothing more. */
static void expect_answer(unsigned i, const struct wire_bind_req *r)
{
	unsigned char m[WIRE_SIZE];
	struct wire_bind_ans a;
	ssize_t n;
	int fd;

	n = wire_recv(H[i].user, m, &fd);
	if (n != WIRE_SIZE || wire_decode_bind_ans(m, (size_t)n, &a) < 0 || a.id != r->id ||
	    (a.status == 0) != (fd >= 0))
		abort();
	if (fd >= 0) {
		check_socket(i, r, fd);
		close(fd);
	} else if (!binder_granted(i, r) && a.status != EACCES) {
		abort();
	}
	if (wire_recv(H[i].user, m, &fd) != -1 || errno != EAGAIN)
		abort();
}

static int same_ports(const struct ep_range *a, const struct ep_range *b)
{
	return a->ep.proto == b->ep.proto && a->ep.port == b->ep.port && a->hi == b->hi;
}

/* After a well-formed grants query: its answer, the slot's own grant. */
static void expect_grants(unsigned i, const struct wire_grants_req *q)
{
	struct binder_view s;
	unsigned char m[WIRE_SIZE];
	struct wire_grants_ans a;
	ssize_t n = wire_recv(H[i].user, m, NULL);

	binder_view(i, &s);
	if (n != WIRE_SIZE || wire_decode_grants_ans(m, (size_t)n, &a) < 0 || a.id != q->id ||
	    a.index != q->index || a.total != s.ngrants)
		abort();
	if (q->index < s.ngrants ? !same_ports(&a.grant, &s.grants[q->index].range)
				 : a.grant.ep.proto != 0)
		abort();
}

/* After a malformed record: the channel is shut, the userd sees EOF. */
static void expect_eof(unsigned i)
{
	struct binder_view v;
	unsigned char m[WIRE_SIZE];
	int fd;

	binder_view(i, &v);
	if (wire_recv(H[i].user, m, &fd) != 0 || !v.dead || v.fd != -1)
		abort();
}

static void op_raw(unsigned i, int with_fd, int with_creds, const uint8_t *b, size_t len)
{
	struct binder_view v;
	struct wire_bind_req r;
	struct wire_grants_req q;
	int live;

	binder_view(i, &v);
	live = v.fd >= 0 && !v.dead;

	if (H[i].user < 0 || user_send(i, b, len, with_fd, with_creds) < 0)
		return;
	binder_turn(i);
	if (!live)
		return;
	if (!with_fd && wire_decode_bind_req(b, len, &r) == 0)
		expect_answer(i, &r);
	else if (!with_fd && wire_decode_grants_req(b, len, &q) == 0)
		expect_grants(i, &q);
	else
		expect_eof(i);
}

static void op_request(unsigned i, const uint8_t *b)
{
	struct wire_bind_req r = { .id = next_id++ };
	unsigned char m[WIRE_SIZE];

	r.ep.proto = b[0] & 1 ? EP_TCP : EP_UDP;
	r.ep.family = b[0] & 2 ? AF_INET6 : AF_INET;
	addr_pick(r.ep.family, b[1], r.ep.addr);
	r.ep.port = port_pick(b + 2);
	r.backlog = r.ep.proto == EP_TCP ? b[5] : 0;
	if (b[0] & 0x80) {
		struct wire_grants_req q = { .id = r.id, .index = b[1] % 4 };

		if (wire_encode_grants_req(m, &q) < 0)
			abort();
	} else if (wire_encode_bind_req(m, &r) < 0) {
		return;
	}
	op_raw(i, 0, b[4] & 2, m, WIRE_SIZE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fds_before = -1;
	size_t at = 0;
	unsigned i;

	if (ctl_master < 0)
		setup_once();
	if (fds_before < 0)
		fds_before = count_fds();
	next_id = 1;
	while (at < size) {
		uint8_t op = data[at++];
		size_t left = size - at, len;

		i = (op >> 2) & 1;
		switch (op % 4) {
		case 0:
			if (left < 5)
				goto out;
			op_grant(i, (op >> 3) & 1, data + at);
			at += 5;
			break;
		case 1:
			if (left < 1)
				goto out;
			len = data[at++];
			if (len > left - 1)
				len = left - 1;
			op_raw(i, (op >> 3) & 1, (op >> 4) & 1, data + at, len);
			at += len;
			break;
		case 2:
			if (left < 6)
				goto out;
			op_request(i, data + at);
			at += 6;
			break;
		default:
			slot_drop(i);
		}
	}
out:
	for (i = 0; i < NSLOTS; i++)
		slot_drop(i);
	if (count_fds() != fds_before)
		abort();
	return 0;
}
