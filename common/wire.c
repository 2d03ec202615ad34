#include "wire.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

/* Offsets shared by every message. */
#define OFF_VERSION 0
#define OFF_TYPE    2
#define OFF_ID      4   /* request id, or slot */

static void put16(unsigned char *m, size_t off, uint16_t v)
{
	m[off] = (unsigned char)v;
	m[off + 1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *m, size_t off, uint32_t v)
{
	put16(m, off, (uint16_t)v);
	put16(m, off + 2, (uint16_t)(v >> 16));
}

static uint16_t get16(const unsigned char *m, size_t off)
{
	return (uint16_t)(m[off] | m[off + 1] << 8);
}

static uint32_t get32(const unsigned char *m, size_t off)
{
	return get16(m, off) | (uint32_t)get16(m, off + 2) << 16;
}

static void header(unsigned char *m, int type, uint32_t id)
{
	memset(m, 0, WIRE_SIZE);
	put16(m, OFF_VERSION, WIRE_VERSION);
	put16(m, OFF_TYPE, (uint16_t)type);
	put32(m, OFF_ID, id);
}

static int zero(const unsigned char *m, size_t from, size_t to)
{
	for (; from < to; from++)
		if (m[from])
			return 0;
	return 1;
}

static int bad(void)
{
	errno = EINVAL;
	return -1;
}

static int check_header(const unsigned char *m, size_t len, int type)
{
	if (len != WIRE_SIZE || get16(m, OFF_VERSION) != WIRE_VERSION ||
	    get16(m, OFF_TYPE) != type)
		return bad();
	return 0;
}

/* The wire says 4 or 6 for the address family (0: any, grants only). */
static int family_to_wire(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 6 : family == 0 ? 0 : -1;
}

static int family_from_wire(int w)
{
	return w == 4 ? AF_INET : w == 6 ? AF_INET6 : w == 0 ? 0 : -1;
}

/* An address of family f: for AF_INET the last 12 bytes are 0; for "any"
 * all 16 are. */
static int addr_ok(int family, const unsigned char *a)
{
	if (family == AF_INET6)
		return 1;
	return zero(a, family == AF_INET ? 4 : 0, 16);
}

static int proto_ok(int p)
{
	return p == WIRE_TCP || p == WIRE_UDP;
}

/* ---- BIND_REQ: 8 proto, 9 family, 12 port(2), 16 backlog(4), 20 addr(16);
 *      10-11 reserved (version 2's flags: bit 0 asked for SO_REUSEPORT) ---- */

static int bind_req_ok(const struct wire_bind_req *r)
{
	if (!proto_ok(r->proto) || (r->family != AF_INET && r->family != AF_INET6) ||
	    r->port == 0 || !addr_ok(r->family, r->addr))
		return 0;
	if (r->proto == WIRE_TCP ? r->backlog > WIRE_BACKLOG_MAX : r->backlog != 0)
		return 0;
	return 1;
}

int wire_encode_bind_req(unsigned char *m, const struct wire_bind_req *r)
{
	if (!bind_req_ok(r))
		return bad();
	header(m, WIRE_BIND_REQ, r->id);
	m[8] = (unsigned char)r->proto;
	m[9] = (unsigned char)family_to_wire(r->family);
	put16(m, 12, r->port);
	put32(m, 16, r->backlog);
	memcpy(m + 20, r->addr, 16);
	return 0;
}

int wire_decode_bind_req(const unsigned char *m, size_t len, struct wire_bind_req *r)
{
	if (check_header(m, len, WIRE_BIND_REQ) < 0)
		return -1;
	memset(r, 0, sizeof *r);
	r->id = get32(m, OFF_ID);
	r->proto = m[8];
	r->family = family_from_wire(m[9]);
	r->port = get16(m, 12);
	r->backlog = get32(m, 16);
	memcpy(r->addr, m + 20, 16);
	if (!zero(m, 14, 16) || !zero(m, 36, WIRE_SIZE) || !bind_req_ok(r))
		return bad();
	/* SO_REUSEPORT would let anyone share a port with any socket of
	 * root's, which every socket the binder binds is: refused by name */
	if (!zero(m, 10, 12)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return 0;
}

/* ---- BIND_ANS: 8 status(4) ---- */

int wire_encode_bind_ans(unsigned char *m, const struct wire_bind_ans *a)
{
	if (a->status < 0 || a->status >= 4096)
		return bad();
	header(m, WIRE_BIND_ANS, a->id);
	put32(m, 8, (uint32_t)a->status);
	return 0;
}

int wire_decode_bind_ans(const unsigned char *m, size_t len, struct wire_bind_ans *a)
{
	uint32_t st;

	if (check_header(m, len, WIRE_BIND_ANS) < 0)
		return -1;
	st = get32(m, 8);
	if (st >= 4096 || !zero(m, 12, WIRE_SIZE))
		return bad();
	a->id = get32(m, OFF_ID);
	a->status = (int)st;
	return 0;
}

/* ---- GRANTS_REQ: 8 index(2); GRANTS_ANS: 8 proto, 9 family, 10 index(2),
 *      12 lo(2), 14 hi(2), 16 total(2), 20 addr(16) ---- */

int wire_encode_grants_req(unsigned char *m, const struct wire_grants_req *r)
{
	header(m, WIRE_GRANTS_REQ, r->id);
	put16(m, 8, r->index);
	return 0;
}

int wire_decode_grants_req(const unsigned char *m, size_t len, struct wire_grants_req *r)
{
	if (check_header(m, len, WIRE_GRANTS_REQ) < 0 || !zero(m, 10, WIRE_SIZE))
		return bad();
	r->id = get32(m, OFF_ID);
	r->index = get16(m, 8);
	return 0;
}

static int grants_ans_ok(const struct wire_grants_ans *a)
{
	if (a->proto == 0)
		return a->family == 0 && a->lo == 0 && a->hi == 0 && zero(a->addr, 0, 16) &&
		       a->index >= a->total;
	return a->index < a->total && proto_ok(a->proto) && family_to_wire(a->family) >= 0 &&
	       a->lo >= 1 && a->lo <= a->hi && addr_ok(a->family, a->addr);
}

int wire_encode_grants_ans(unsigned char *m, const struct wire_grants_ans *a)
{
	if (!grants_ans_ok(a))
		return bad();
	header(m, WIRE_GRANTS_ANS, a->id);
	m[8] = (unsigned char)a->proto;
	m[9] = (unsigned char)family_to_wire(a->family);
	put16(m, 10, a->index);
	put16(m, 12, a->lo);
	put16(m, 14, a->hi);
	put16(m, 16, a->total);
	memcpy(m + 20, a->addr, 16);
	return 0;
}

int wire_decode_grants_ans(const unsigned char *m, size_t len, struct wire_grants_ans *a)
{
	if (check_header(m, len, WIRE_GRANTS_ANS) < 0)
		return -1;
	memset(a, 0, sizeof *a);
	a->id = get32(m, OFF_ID);
	a->proto = m[8];
	a->family = family_from_wire(m[9]);
	a->index = get16(m, 10);
	a->lo = get16(m, 12);
	a->hi = get16(m, 14);
	a->total = get16(m, 16);
	memcpy(a->addr, m + 20, 16);
	if (!zero(m, 18, 20) || !zero(m, 36, WIRE_SIZE) || !grants_ans_ok(a))
		return bad();
	return 0;
}

/* ---- internal: GRANT 8 proto, 9 family, 12 lo, 14 hi, 20 addr;
 *      COMMIT 8 uid(4), 12 has_fd; DROP nothing ---- */

static int ctl_ok(const struct wire_ctl *c)
{
	if (c->slot >= WIRE_MAX_SLOTS)
		return 0;
	switch (c->type) {
	case WIRE_GRANT:
		return proto_ok(c->proto) && family_to_wire(c->family) >= 0 && c->lo >= 1 &&
		       c->lo <= c->hi && addr_ok(c->family, c->addr);
	case WIRE_COMMIT:
		return c->has_fd == 0 || c->has_fd == 1;
	case WIRE_DROP:
		return 1;
	}
	return 0;
}

int wire_encode_ctl(unsigned char *m, const struct wire_ctl *c)
{
	if (!ctl_ok(c))
		return bad();
	header(m, c->type, c->slot);
	if (c->type == WIRE_GRANT) {
		m[8] = (unsigned char)c->proto;
		m[9] = (unsigned char)family_to_wire(c->family);
		put16(m, 12, c->lo);
		put16(m, 14, c->hi);
		memcpy(m + 20, c->addr, 16);
	} else if (c->type == WIRE_COMMIT) {
		put32(m, 8, c->uid);
		m[12] = (unsigned char)c->has_fd;
	}
	return 0;
}

static int ctl_reserved_zero(const unsigned char *m, int type)
{
	switch (type) {
	case WIRE_GRANT:
		return zero(m, 10, 12) && zero(m, 16, 20) && zero(m, 36, WIRE_SIZE);
	case WIRE_COMMIT:
		return zero(m, 13, WIRE_SIZE);
	default:
		return zero(m, 8, WIRE_SIZE);
	}
}

int wire_decode_ctl(const unsigned char *m, size_t len, struct wire_ctl *c)
{
	int type;

	if (len != WIRE_SIZE || get16(m, OFF_VERSION) != WIRE_VERSION)
		return bad();
	type = get16(m, OFF_TYPE);
	if (type != WIRE_GRANT && type != WIRE_COMMIT && type != WIRE_DROP)
		return bad();
	memset(c, 0, sizeof *c);
	c->type = type;
	c->slot = get32(m, OFF_ID);
	if (type == WIRE_GRANT) {
		c->proto = m[8];
		c->family = family_from_wire(m[9]);
		c->lo = get16(m, 12);
		c->hi = get16(m, 14);
		memcpy(c->addr, m + 20, 16);
	} else if (type == WIRE_COMMIT) {
		c->uid = get32(m, 8);
		c->has_fd = m[12];
	}
	if (!ctl_reserved_zero(m, type) || !ctl_ok(c))
		return bad();
	return 0;
}

int wire_type(const unsigned char *m, size_t len)
{
	if (len != WIRE_SIZE || get16(m, OFF_VERSION) != WIRE_VERSION)
		return -1;
	return get16(m, OFF_TYPE);
}

uint32_t wire_id(const unsigned char *m)
{
	return get32(m, OFF_ID);
}

void wire_set_id(unsigned char *m, uint32_t id)
{
	put32(m, OFF_ID, id);
}

/* ---- transport ---- */

static int send_record(int sock, const unsigned char *m, int fd, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)m, .iov_len = WIRE_SIZE };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t w;

	if (fd >= 0) {
		memset(&ctl, 0, sizeof ctl);
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof ctl.buf;
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	}
	do
		w = sendmsg(sock, &mh, MSG_NOSIGNAL | flags);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return -1;
	if (w != WIRE_SIZE) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int wire_send(int sock, const unsigned char *m, int fd)
{
	return send_record(sock, m, fd, 0);
}

/* Keeps the first SCM_RIGHTS fd in *fd, closes every other one. */
static void take_fds(struct msghdr *mh, int *fd)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t i, n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int one;

			memcpy(&one, CMSG_DATA(cm) + i * sizeof(int), sizeof one);
			if (*fd < 0)
				*fd = one;
			else
				close(one);
		}
	}
}

static ssize_t recv_record(int sock, unsigned char *m, int *fd, int flags)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	unsigned char buf[WIRE_SIZE + 1];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r;

	if (fd) {
		*fd = -1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof ctl.buf;
	}
	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (fd)
		take_fds(&mh, fd);
	if (r > WIRE_SIZE || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		return WIRE_SIZE + 1;
	memcpy(m, buf, (size_t)r);
	return r;
}

ssize_t wire_recv(int sock, unsigned char *m, int *fd)
{
	return recv_record(sock, m, fd, 0);
}

ssize_t wire_recv_nowait(int sock, unsigned char *m, int *fd)
{
	return recv_record(sock, m, fd, MSG_DONTWAIT);
}

int wire_bind_answer(int chan, uint32_t id, int status, int fd)
{
	struct wire_bind_ans a = { .id = id, .status = status };
	unsigned char m[WIRE_SIZE];

	if (wire_encode_bind_ans(m, &a) < 0)
		return -1;
	/* never wait for a user who does not read their answers */
	return send_record(chan, m, status == 0 ? fd : -1, MSG_DONTWAIT);
}

int wire_grants_answer(int chan, const struct wire_grants_ans *a)
{
	unsigned char m[WIRE_SIZE];

	if (wire_encode_grants_ans(m, a) < 0)
		return -1;
	return send_record(chan, m, -1, MSG_DONTWAIT);
}
