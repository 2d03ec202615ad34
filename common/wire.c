#include "wire.h"
#include "wire_layout.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

/* ---- layouts: the only place a field's offset is written ---- */

/* The header every message starts with. */
#define OFF_VERSION 0
#define OFF_TYPE    2
#define OFF_ID      4   /* request id, or slot */

/* A field of struct T's member mem; the compiler checks that the member is
 * as big as the kind says. */
#define KIND_SIZE(k, size) ((k) == WIRE_K_U16 ? 2 : (k) == WIRE_K_U32 ? 4 : \
			    (k) == WIRE_K_BYTES ? (size) : sizeof(int))
#define FIELD(T, mem, name, off, size, k)                                            \
	{ name, off, size, k, offsetof(T, mem) + 0 * sizeof(struct {                 \
		  _Static_assert(sizeof(((T *)0)->mem) == KIND_SIZE(k, size),        \
				 name ": member and kind differ in size");            \
		  int x; }) }
#define HEADER(T, idmem, idname)                                                     \
	{ "version", OFF_VERSION, 2, WIRE_K_HEADER, 0 },                             \
	{ "type", OFF_TYPE, 2, WIRE_K_HEADER, 0 },                                   \
	FIELD(T, idmem, idname, OFF_ID, 4, WIRE_K_U32)

static const struct wire_field bind_req_layout[] = {
	HEADER(struct wire_bind_req, id, "id"),
	FIELD(struct wire_bind_req, ep.proto, "proto", 8, 1, WIRE_K_INT),
	FIELD(struct wire_bind_req, ep.family, "family", 9, 1, WIRE_K_FAMILY),
	/* version 2's flags: bit 0 asked for SO_REUSEPORT */
	{ "reserved", 10, 2, WIRE_K_REFUSED, 0 },
	FIELD(struct wire_bind_req, ep.port, "port", 12, 2, WIRE_K_U16),
	FIELD(struct wire_bind_req, backlog, "backlog", 16, 4, WIRE_K_U32),
	FIELD(struct wire_bind_req, ep.addr, "address", 20, 16, WIRE_K_BYTES),
};

/* BIND_REQ's fields but the backlog: the socket is the user's to listen on */
static const struct wire_field bindfd_req_layout[] = {
	HEADER(struct wire_bind_req, id, "id"),
	FIELD(struct wire_bind_req, ep.proto, "proto", 8, 1, WIRE_K_INT),
	FIELD(struct wire_bind_req, ep.family, "family", 9, 1, WIRE_K_FAMILY),
	FIELD(struct wire_bind_req, ep.port, "port", 12, 2, WIRE_K_U16),
	FIELD(struct wire_bind_req, ep.addr, "address", 20, 16, WIRE_K_BYTES),
};

static const struct wire_field bind_ans_layout[] = {
	HEADER(struct wire_bind_ans, id, "id"),
	FIELD(struct wire_bind_ans, status, "status", 8, 4, WIRE_K_INT),
};

static const struct wire_field grants_req_layout[] = {
	HEADER(struct wire_grants_req, id, "id"),
	FIELD(struct wire_grants_req, index, "index", 8, 2, WIRE_K_U16),
};

static const struct wire_field grants_ans_layout[] = {
	HEADER(struct wire_grants_ans, id, "id"),
	FIELD(struct wire_grants_ans, grant.ep.proto, "proto", 8, 1, WIRE_K_INT),
	FIELD(struct wire_grants_ans, grant.ep.family, "family", 9, 1, WIRE_K_FAMILY),
	FIELD(struct wire_grants_ans, index, "index", 10, 2, WIRE_K_U16),
	FIELD(struct wire_grants_ans, grant.ep.port, "lo", 12, 2, WIRE_K_U16),
	FIELD(struct wire_grants_ans, grant.hi, "hi", 14, 2, WIRE_K_U16),
	FIELD(struct wire_grants_ans, total, "total", 16, 2, WIRE_K_U16),
	FIELD(struct wire_grants_ans, grant.ep.addr, "address", 20, 16, WIRE_K_BYTES),
};

static const struct wire_field grant_layout[] = {
	HEADER(struct wire_ctl, slot, "slot"),
	FIELD(struct wire_ctl, grant.ep.proto, "proto", 8, 1, WIRE_K_INT),
	FIELD(struct wire_ctl, grant.ep.family, "family", 9, 1, WIRE_K_FAMILY),
	FIELD(struct wire_ctl, grant.ep.port, "lo", 12, 2, WIRE_K_U16),
	FIELD(struct wire_ctl, grant.hi, "hi", 14, 2, WIRE_K_U16),
	FIELD(struct wire_ctl, grant.ep.addr, "address", 20, 16, WIRE_K_BYTES),
};

static const struct wire_field commit_layout[] = {
	HEADER(struct wire_ctl, slot, "slot"),
	FIELD(struct wire_ctl, uid, "uid", 8, 4, WIRE_K_U32),
	FIELD(struct wire_ctl, has_fd, "has_fd", 12, 1, WIRE_K_INT),
};

static const struct wire_field drop_layout[] = {
	HEADER(struct wire_ctl, slot, "slot"),
};

#define LAYOUT(type, l) { type, l, sizeof l / sizeof l[0] }
static const struct {
	int type;
	const struct wire_field *f;
	size_t n;
} layouts[] = {
	LAYOUT(WIRE_BIND_REQ, bind_req_layout), LAYOUT(WIRE_BIND_ANS, bind_ans_layout),
	LAYOUT(WIRE_GRANTS_REQ, grants_req_layout), LAYOUT(WIRE_GRANTS_ANS, grants_ans_layout),
	LAYOUT(WIRE_BINDFD_REQ, bindfd_req_layout),
	LAYOUT(WIRE_GRANT, grant_layout), LAYOUT(WIRE_COMMIT, commit_layout),
	LAYOUT(WIRE_DROP, drop_layout),
};

const struct wire_field *wire_layout(int type, size_t *n)
{
	size_t i;

	for (i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
		if (layouts[i].type == type) {
			*n = layouts[i].n;
			return layouts[i].f;
		}
	*n = 0;
	return NULL;
}

/* ---- bytes ---- */

/* size (1, 2 or 4) bytes at off, little-endian */
static void put(unsigned char *m, size_t off, size_t size, uint32_t v)
{
	size_t i;

	for (i = 0; i < size; i++)
		m[off + i] = (unsigned char)(v >> 8 * i);
}

static uint32_t get(const unsigned char *m, size_t off, size_t size)
{
	uint32_t v = 0;
	size_t i;

	for (i = size; i-- > 0;)
		v = v << 8 | m[off + i];
	return v;
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

/* The wire says 4 or 6 for the address family (0: any, grants only). */
static int family_to_wire(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 6 : family == 0 ? 0 : -1;
}

static int family_from_wire(int w)
{
	return w == 4 ? AF_INET : w == 6 ? AF_INET6 : w == 0 ? 0 : -1;
}

/* ---- encoding and decoding by the layout ---- */

/* One field from its member at s (a struct of the field's message). */
static void put_field(unsigned char *m, const struct wire_field *f, const unsigned char *s)
{
	int i;
	uint16_t u16;
	uint32_t u32;

	switch (f->kind) {
	case WIRE_K_INT:
	case WIRE_K_FAMILY:
		memcpy(&i, s + f->member, sizeof i);
		put(m, f->off, f->size, (uint32_t)(f->kind == WIRE_K_INT ? i : family_to_wire(i)));
		break;
	case WIRE_K_U16:
		memcpy(&u16, s + f->member, sizeof u16);
		put(m, f->off, f->size, u16);
		break;
	case WIRE_K_U32:
		memcpy(&u32, s + f->member, sizeof u32);
		put(m, f->off, f->size, u32);
		break;
	case WIRE_K_BYTES:
		memcpy(m + f->off, s + f->member, f->size);
		break;
	default:        /* no member: version and type (encode() writes them), refused (0) */
		break;
	}
}

/* One field into its member at s. */
static void get_field(const unsigned char *m, const struct wire_field *f, unsigned char *s)
{
	uint32_t v = get(m, f->off, f->size);
	int i = (int)v;
	uint16_t u16 = (uint16_t)v;

	switch (f->kind) {
	case WIRE_K_FAMILY:
		i = family_from_wire(i);
		/* fall through */
	case WIRE_K_INT:
		memcpy(s + f->member, &i, sizeof i);
		break;
	case WIRE_K_U16:
		memcpy(s + f->member, &u16, sizeof u16);
		break;
	case WIRE_K_U32:
		memcpy(s + f->member, &v, sizeof v);
		break;
	case WIRE_K_BYTES:
		memcpy(s + f->member, m + f->off, f->size);
		break;
	default:        /* no member: version and type (decode() checks them), refused */
		break;
	}
}

/* All WIRE_SIZE bytes of a message of type from struct s, which the
 * caller has checked: every byte outside the fields is 0. */
static void encode(unsigned char *m, int type, const void *s)
{
	size_t i, n;
	const struct wire_field *l = wire_layout(type, &n);

	memset(m, 0, WIRE_SIZE);
	put(m, OFF_VERSION, 2, WIRE_VERSION);
	put(m, OFF_TYPE, 2, (uint16_t)type);
	for (i = 0; i < n; i++)
		put_field(m, &l[i], s);
}

static int in_a_field(const struct wire_field *l, size_t n, size_t byte)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (byte >= l[i].off && byte < (size_t)l[i].off + l[i].size)
			return 1;
	return 0;
}

static int reserved_zero(const unsigned char *m, const struct wire_field *l, size_t n)
{
	size_t b;

	for (b = 0; b < WIRE_SIZE; b++)
		if (m[b] && !in_a_field(l, n, b))
			return 0;
	return 1;
}

/* struct s (size bytes) from a message of len bytes that must be of type:
 * 0, or -1 (EINVAL) on the wrong length, version or type, or a reserved
 * byte set.  The caller checks the values. */
static int decode(const unsigned char *m, size_t len, int type, void *s, size_t size)
{
	size_t i, n;
	const struct wire_field *l = wire_layout(type, &n);

	if (!l || len != WIRE_SIZE || get(m, OFF_VERSION, 2) != WIRE_VERSION ||
	    get(m, OFF_TYPE, 2) != (uint32_t)type || !reserved_zero(m, l, n))
		return bad();
	memset(s, 0, size);
	for (i = 0; i < n; i++)
		get_field(m, &l[i], s);
	return 0;
}

/* After every other check: a field that was once in the protocol and would
 * now do harm is refused by name (EOPNOTSUPP), so the binder can say why. */
static int refused(const unsigned char *m, int type)
{
	size_t i, n;
	const struct wire_field *l = wire_layout(type, &n);

	for (i = 0; i < n; i++)
		if (l[i].kind == WIRE_K_REFUSED && !zero(m, l[i].off, l[i].off + l[i].size)) {
			errno = EOPNOTSUPP;
			return -1;
		}
	return 0;
}

/* ---- the values each message may hold ---- */

/* An address of family f: for AF_INET the last 12 bytes are 0; for "any"
 * all 16 are. */
static int addr_ok(int family, const unsigned char *a)
{
	if (family == AF_INET6)
		return 1;
	return zero(a, family == AF_INET ? 4 : 0, 16);
}

/* The wire's proto byte is enum ep_proto (docs/protocol.md: 1 tcp, 2 udp),
 * and its address field struct endpoint's: the FIELD entries above hold the
 * members to 16 bytes, these hold the endpoint type to the wire. */
_Static_assert(EP_TCP == 1 && EP_UDP == 2, "the wire's proto values are enum ep_proto");
_Static_assert(EP_ADDR_LEN == 16 && sizeof(((struct endpoint *)0)->addr) == 16,
	       "the wire's address field is struct endpoint's");

static int proto_ok(int p)
{
	return p == EP_TCP || p == EP_UDP;
}

static int bind_req_ok(const struct wire_bind_req *r)
{
	const struct endpoint *e = &r->ep;

	if (!proto_ok(e->proto) || (e->family != AF_INET && e->family != AF_INET6) ||
	    e->port == 0 || !addr_ok(e->family, e->addr))
		return 0;
	if (e->proto == EP_TCP ? r->backlog > WIRE_BACKLOG_MAX : r->backlog != 0)
		return 0;
	return 1;
}

static int bind_ans_ok(const struct wire_bind_ans *a)
{
	return a->status >= 0 && a->status < 4096;
}

/* a grant: family 0 (any address) or an address, ports 1 <= lo <= hi */
static int grant_ok(const struct ep_range *g)
{
	return proto_ok(g->ep.proto) && family_to_wire(g->ep.family) >= 0 &&
	       g->ep.port >= 1 && g->ep.port <= g->hi && addr_ok(g->ep.family, g->ep.addr);
}

static int grants_ans_ok(const struct wire_grants_ans *a)
{
	const struct ep_range *g = &a->grant;

	if (g->ep.proto == 0)
		return g->ep.family == 0 && g->ep.port == 0 && g->hi == 0 &&
		       zero(g->ep.addr, 0, 16) && a->index >= a->total;
	return a->index < a->total && grant_ok(g);
}

static int ctl_ok(const struct wire_ctl *c)
{
	if (c->slot >= WIRE_MAX_SLOTS)
		return 0;
	switch (c->type) {
	case WIRE_GRANT:
		return grant_ok(&c->grant);
	case WIRE_COMMIT:
		return c->has_fd == 0 || c->has_fd == 1;
	case WIRE_DROP:
		return 1;
	}
	return 0;
}

/* ---- the messages ---- */

/* encode() a struct whose values ok says are the protocol's */
static int encode_ok(unsigned char *m, int type, const void *s, int ok)
{
	if (!ok)
		return bad();
	encode(m, type, s);
	return 0;
}

/* After decode(): whether ok says the values are the protocol's, then
 * what is refused by name. */
static int decoded_ok(const unsigned char *m, int type, int ok)
{
	return ok ? refused(m, type) : bad();
}

int wire_encode_bind_req(unsigned char *m, const struct wire_bind_req *r)
{
	return encode_ok(m, WIRE_BIND_REQ, r, bind_req_ok(r));
}

int wire_decode_bind_req(const unsigned char *m, size_t len, struct wire_bind_req *r)
{
	return decode(m, len, WIRE_BIND_REQ, r, sizeof *r) < 0 ? -1 :
	       decoded_ok(m, WIRE_BIND_REQ, bind_req_ok(r));
}

int wire_encode_bindfd_req(unsigned char *m, const struct wire_bind_req *r)
{
	return encode_ok(m, WIRE_BINDFD_REQ, r, r->backlog == 0 && bind_req_ok(r));
}

int wire_decode_bindfd_req(const unsigned char *m, size_t len, struct wire_bind_req *r)
{
	return decode(m, len, WIRE_BINDFD_REQ, r, sizeof *r) < 0 ? -1 :
	       decoded_ok(m, WIRE_BINDFD_REQ, bind_req_ok(r));
}

int wire_encode_bind_ans(unsigned char *m, const struct wire_bind_ans *a)
{
	return encode_ok(m, WIRE_BIND_ANS, a, bind_ans_ok(a));
}

int wire_decode_bind_ans(const unsigned char *m, size_t len, struct wire_bind_ans *a)
{
	return decode(m, len, WIRE_BIND_ANS, a, sizeof *a) < 0 ? -1 :
	       decoded_ok(m, WIRE_BIND_ANS, bind_ans_ok(a));
}

int wire_encode_grants_req(unsigned char *m, const struct wire_grants_req *r)
{
	return encode_ok(m, WIRE_GRANTS_REQ, r, 1);
}

int wire_decode_grants_req(const unsigned char *m, size_t len, struct wire_grants_req *r)
{
	return decode(m, len, WIRE_GRANTS_REQ, r, sizeof *r) < 0 ? -1 :
	       decoded_ok(m, WIRE_GRANTS_REQ, 1);
}

int wire_encode_grants_ans(unsigned char *m, const struct wire_grants_ans *a)
{
	return encode_ok(m, WIRE_GRANTS_ANS, a, grants_ans_ok(a));
}

int wire_decode_grants_ans(const unsigned char *m, size_t len, struct wire_grants_ans *a)
{
	return decode(m, len, WIRE_GRANTS_ANS, a, sizeof *a) < 0 ? -1 :
	       decoded_ok(m, WIRE_GRANTS_ANS, grants_ans_ok(a));
}

int wire_encode_ctl(unsigned char *m, const struct wire_ctl *c)
{
	return encode_ok(m, c->type, c, ctl_ok(c));
}

int wire_decode_ctl(const unsigned char *m, size_t len, struct wire_ctl *c)
{
	int type = wire_type(m, len);

	if (type != WIRE_GRANT && type != WIRE_COMMIT && type != WIRE_DROP)
		return bad();
	if (decode(m, len, type, c, sizeof *c) < 0)
		return -1;
	c->type = type;
	return decoded_ok(m, type, ctl_ok(c));
}

int wire_type(const unsigned char *m, size_t len)
{
	if (len != WIRE_SIZE || get(m, OFF_VERSION, 2) != WIRE_VERSION)
		return -1;
	return (int)get(m, OFF_TYPE, 2);
}

uint32_t wire_id(const unsigned char *m)
{
	return get(m, OFF_ID, 4);
}

void wire_set_id(unsigned char *m, uint32_t id)
{
	put(m, OFF_ID, 4, id);
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
