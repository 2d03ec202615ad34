/* Unit tests: the binder wire protocol (common/wire). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <ctype.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "wire.h"
#include "wire_layout.h"
#include "wireclient.h"

static struct wire_bind_req good_req(void)
{
	struct wire_bind_req r = { .id = 0x01020304, .backlog = 64,
				   .ep = { .proto = EP_TCP, .family = AF_INET, .port = 80 } };

	inet_pton(AF_INET, "192.0.2.10", r.ep.addr);
	return r;
}

static void bind_req_layout(void **state)
{
	struct wire_bind_req r = good_req(), back;
	unsigned char m[WIRE_SIZE];

	(void)state;
	assert_int_equal(wire_encode_bind_req(m, &r), 0);
	/* version 4, type 1, id, proto, family 4, 10-11 reserved, port 80 LE */
	assert_int_equal(m[0], 4);
	assert_int_equal(m[1], 0);
	assert_int_equal(m[2], WIRE_BIND_REQ);
	assert_int_equal(m[4], 4);
	assert_int_equal(m[7], 1);
	assert_int_equal(m[8], EP_TCP);
	assert_int_equal(m[9], 4);
	assert_int_equal(m[12], 80);
	assert_int_equal(m[13], 0);
	assert_int_equal(m[16], 64);
	assert_int_equal(m[20], 192);
	assert_int_equal(m[23], 10);
	assert_int_equal(wire_decode_bind_req(m, WIRE_SIZE, &back), 0);
	assert_memory_equal(&back, &r, sizeof r);
}

/* BINDFD_REQ: BIND_REQ's fields at BIND_REQ's offsets, but no backlog:
 * the program listens on its own socket. */
static void bindfd_req_layout(void **state)
{
	struct wire_bind_req r = good_req(), back;
	unsigned char m[WIRE_SIZE];

	(void)state;
	assert_int_equal(wire_encode_bindfd_req(m, &r), -1);   /* a backlog */
	r.backlog = 0;
	assert_int_equal(wire_encode_bindfd_req(m, &r), 0);
	assert_int_equal(m[0], 4);
	assert_int_equal(m[2], WIRE_BINDFD_REQ);
	assert_int_equal(m[8], EP_TCP);
	assert_int_equal(m[9], 4);
	assert_int_equal(m[12], 80);
	assert_int_equal(m[16], 0);
	assert_int_equal(m[20], 192);
	assert_int_equal(wire_decode_bindfd_req(m, WIRE_SIZE, &back), 0);
	assert_memory_equal(&back, &r, sizeof r);
	/* one type is not the other */
	assert_int_equal(wire_decode_bind_req(m, WIRE_SIZE, &back), -1);
	m[16] = 1;
	assert_int_equal(wire_decode_bindfd_req(m, WIRE_SIZE, &back), -1);
}

static void bind_req_rejects_every_field(void **state)
{
	struct wire_bind_req r = good_req(), back;
	unsigned char m[WIRE_SIZE], t[WIRE_SIZE];
	size_t i;

	(void)state;
	assert_int_equal(wire_encode_bind_req(m, &r), 0);
	assert_int_equal(wire_decode_bind_req(m, WIRE_SIZE - 1, &back), -1);
	assert_int_equal(wire_decode_bind_req(m, WIRE_SIZE + 1, &back), -1);
	/* version, type, proto, family, port 0, version 2's flags, backlog too big */
	static const struct { size_t off; unsigned char v; } bad[] = {
		{ 0, WIRE_VERSION + 1 }, { 1, 1 }, { 2, WIRE_BIND_ANS }, { 3, 1 }, { 8, 0 }, { 8, 3 },
		{ 9, 5 }, { 9, 0 }, { 10, 2 }, { 11, 1 }, { 17, 0x20 }, { 19, 1 },
	};
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memcpy(t, m, WIRE_SIZE);
		t[bad[i].off] = bad[i].v;
		assert_int_equal(wire_decode_bind_req(t, WIRE_SIZE, &back), -1);
	}
	memcpy(t, m, WIRE_SIZE);
	t[12] = t[13] = 0;            /* port 0 */
	assert_int_equal(wire_decode_bind_req(t, WIRE_SIZE, &back), -1);
	/* every reserved byte, and the unused part of an IPv4 address */
	for (i = 14; i < WIRE_SIZE; i++) {
		if ((i >= 16 && i < 20) || (i >= 20 && i < 24))
			continue;
		memcpy(t, m, WIRE_SIZE);
		t[i] = 1;
		assert_int_equal(wire_decode_bind_req(t, WIRE_SIZE, &back), -1);
	}
	/* udp has no backlog */
	r.ep.proto = EP_UDP;
	assert_int_equal(wire_encode_bind_req(m, &r), -1);
	r.backlog = 0;
	assert_int_equal(wire_encode_bind_req(m, &r), 0);
	/* IPv6 uses all 16 bytes */
	r.ep.family = AF_INET6;
	memset(r.ep.addr, 0xfe, 16);
	assert_int_equal(wire_encode_bind_req(m, &r), 0);
	assert_int_equal(wire_decode_bind_req(m, WIRE_SIZE, &back), 0);
	assert_memory_equal(&back, &r, sizeof r);
}

/* Version 2's flags (bytes 10-11; bit 0: SO_REUSEPORT) are reserved since
 * version 3: a request asking for SO_REUSEPORT is refused by name
 * (EOPNOTSUPP), as is one of version 2. */
static void bind_req_refuses_reuseport(void **state)
{
	struct wire_bind_req r = good_req(), back;
	unsigned char m[WIRE_SIZE], t[WIRE_SIZE];

	(void)state;
	assert_int_equal(wire_encode_bind_req(m, &r), 0);
	assert_int_equal(m[10], 0);
	assert_int_equal(m[11], 0);
	memcpy(t, m, WIRE_SIZE);
	t[10] = 1;
	errno = 0;
	assert_int_equal(wire_decode_bind_req(t, WIRE_SIZE, &back), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	t[11] = 0x80;
	assert_int_equal(wire_decode_bind_req(t, WIRE_SIZE, &back), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	/* the same request as a version 2 client sent it */
	t[0] = 2;
	assert_int_equal(wire_decode_bind_req(t, WIRE_SIZE, &back), -1);
	assert_int_equal(errno, EINVAL);
	memcpy(t, m, WIRE_SIZE);
	t[0] = 2;
	assert_int_equal(wire_decode_bind_req(t, WIRE_SIZE, &back), -1);
	assert_int_equal(wire_type(t, WIRE_SIZE), -1);
}

static void bind_ans(void **state)
{
	struct wire_bind_ans a = { .id = 7, .status = EACCES }, back;
	unsigned char m[WIRE_SIZE];

	(void)state;
	assert_int_equal(wire_encode_bind_ans(m, &a), 0);
	assert_int_equal(wire_decode_bind_ans(m, WIRE_SIZE, &back), 0);
	assert_int_equal(back.id, 7);
	assert_int_equal(back.status, EACCES);
	m[47] = 1;
	assert_int_equal(wire_decode_bind_ans(m, WIRE_SIZE, &back), -1);
	a.status = 5000;
	assert_int_equal(wire_encode_bind_ans(m, &a), -1);
	a.status = -1;
	assert_int_equal(wire_encode_bind_ans(m, &a), -1);
	/* a request is not an answer */
	{
		struct wire_bind_req r = good_req();

		wire_encode_bind_req(m, &r);
		assert_int_equal(wire_decode_bind_ans(m, WIRE_SIZE, &back), -1);
	}
}

static void ctl_messages(void **state)
{
	struct wire_ctl g = { .type = WIRE_GRANT, .slot = 3,
			      .grant = { .ep = { .proto = EP_UDP, .family = 0, .port = 53 },
					 .hi = 60 } }, c = { .type = WIRE_COMMIT, .slot = 3,
			      .uid = 1001, .has_fd = 1 }, d = { .type = WIRE_DROP, .slot = 511 }, back;
	unsigned char m[WIRE_SIZE], t[WIRE_SIZE];

	(void)state;
	assert_int_equal(wire_encode_ctl(m, &g), 0);
	assert_int_equal(wire_decode_ctl(m, WIRE_SIZE, &back), 0);
	assert_memory_equal(&back, &g, sizeof g);
	memcpy(t, m, WIRE_SIZE);
	t[20] = 1;                          /* an address with family "any" */
	assert_int_equal(wire_decode_ctl(t, WIRE_SIZE, &back), -1);
	memcpy(t, m, WIRE_SIZE);
	t[12] = 61;                         /* lo > hi */
	assert_int_equal(wire_decode_ctl(t, WIRE_SIZE, &back), -1);
	assert_int_equal(wire_encode_ctl(m, &c), 0);
	assert_int_equal(wire_decode_ctl(m, WIRE_SIZE, &back), 0);
	assert_memory_equal(&back, &c, sizeof c);
	m[12] = 2;
	assert_int_equal(wire_decode_ctl(m, WIRE_SIZE, &back), -1);
	assert_int_equal(wire_encode_ctl(m, &d), 0);
	assert_int_equal(wire_decode_ctl(m, WIRE_SIZE, &back), 0);
	m[4] = (WIRE_MAX_SLOTS - 1) & 0xff; /* the last slot, little-endian */
	m[5] = (WIRE_MAX_SLOTS - 1) >> 8;
	assert_int_equal(wire_decode_ctl(m, WIRE_SIZE, &back), 0);
	assert_int_equal(back.slot, WIRE_MAX_SLOTS - 1);
	m[4] = WIRE_MAX_SLOTS & 0xff;       /* one past it */
	m[5] = WIRE_MAX_SLOTS >> 8;
	assert_int_equal(wire_decode_ctl(m, WIRE_SIZE, &back), -1);
	d.slot = WIRE_MAX_SLOTS;
	assert_int_equal(wire_encode_ctl(m, &d), -1);
	d.type = WIRE_BIND_REQ;
	d.slot = 0;
	assert_int_equal(wire_encode_ctl(m, &d), -1);
}

/* The stub and the answer over a real socketpair, with a real fd. */
static void request_and_answer(void **state)
{
	struct wire_bind_req r = good_req(), got;
	unsigned char m[WIRE_SIZE];
	int sv[2], p[2], fd;
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		int rfd;

		n = wire_recv(sv[1], m, &rfd);
		if (n != WIRE_SIZE || wire_decode_bind_req(m, (size_t)n, &got) < 0)
			_exit(1);
		wire_bind_answer(sv[1], got.id, 0, p[1]);
		n = wire_recv(sv[1], m, NULL);
		if (n != WIRE_SIZE || wire_decode_bind_req(m, (size_t)n, &got) < 0)
			_exit(1);
		wire_bind_answer(sv[1], got.id, EACCES, p[1]);
		/* a short, malformed answer */
		n = wire_recv(sv[1], m, NULL);
		send(sv[1], m, 10, 0);
		_exit(0);
	}
	fd = wire_bind_request(sv[0], &r);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	assert_int_equal(wire_bind_request(sv[0], &r), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(wire_bind_request(sv[0], &r), -1);
	assert_int_equal(errno, EPROTO);
	/* a record longer than WIRE_SIZE is reported as such */
	{
		unsigned char big[100] = { 0 };

		assert_int_equal(send(sv[1], big, sizeof big, 0), 100);
		assert_int_equal(wire_recv(sv[0], m, NULL), WIRE_SIZE + 1);
	}
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
}

/* The binder's read of a user channel never waits, even on a blocking
 * socket with nothing queued: EAGAIN; then the record once there is one. */
static void recv_nowait(void **state)
{
	struct wire_bind_req r = good_req();
	unsigned char m[WIRE_SIZE];
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(fcntl(sv[1], F_GETFL) & O_NONBLOCK, 0);
	errno = 0;
	assert_int_equal(wire_recv_nowait(sv[1], m, NULL), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(wire_encode_bind_req(m, &r), 0);
	assert_int_equal(wire_send(sv[0], m, -1), 0);
	assert_int_equal(wire_recv_nowait(sv[1], m, NULL), WIRE_SIZE);
	assert_int_equal(wire_type(m, WIRE_SIZE), WIRE_BIND_REQ);
	close(sv[0]);
	assert_int_equal(wire_recv_nowait(sv[1], m, NULL), 0);
	close(sv[1]);
}

/* With a receive timeout, no answer is ETIMEDOUT; the late answer is then
 * skipped by the next request, and the socket it carried closed. */
static void timeout_and_late_answer(void **state)
{
	struct wire_bind_req r = good_req(), got;
	unsigned char m[WIRE_SIZE];
	int sv[2], p[2];
	char c;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_int_equal(wire_timeout(sv[0], 50), 0);
	r.id = 1;
	assert_int_equal(wire_bind_request(sv[0], &r), -1);
	assert_int_equal(errno, ETIMEDOUT);
	assert_int_equal(wire_recv(sv[1], m, NULL), WIRE_SIZE);
	assert_int_equal(wire_decode_bind_req(m, WIRE_SIZE, &got), 0);
	assert_int_equal(wire_bind_answer(sv[1], got.id, 0, p[1]), 0);
	assert_int_equal(wire_bind_answer(sv[1], 2, EACCES, -1), 0);
	close(p[1]);
	r.id = 2;
	assert_int_equal(wire_bind_request(sv[0], &r), -1);
	assert_int_equal(errno, EACCES);
	/* every write end is closed, the late one too: end of file */
	assert_int_equal(read(p[0], &c, 1), 0);
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}

/* ---- the layouts, and docs/protocol.md's tables of them ---- */

/* tests/run.sh runs the unit tests from the checkout's top */
#define PROTOCOL_MD "docs/protocol.md"

static const int wire_types[] = {
	WIRE_BIND_REQ, WIRE_BIND_ANS, WIRE_GRANTS_REQ, WIRE_GRANTS_ANS,
	WIRE_BINDFD_REQ, WIRE_GRANT, WIRE_COMMIT, WIRE_DROP,
};
#define NTYPES (sizeof wire_types / sizeof wire_types[0])

/* Every layout starts with the header (version, type, id or slot) and
 * then has its fields in order, none overlapping another or running past
 * WIRE_SIZE: each of the 48 bytes is in one field or reserved. */
static void layouts_fit(void **state)
{
	const struct wire_field *l;
	size_t t, i, n;

	(void)state;
	for (t = 0; t < NTYPES; t++) {
		l = wire_layout(wire_types[t], &n);
		assert_non_null(l);
		assert_true(n >= 3);
		assert_string_equal(l[0].name, "version");
		assert_string_equal(l[1].name, "type");
		assert_int_equal(l[2].off, 4);
		for (i = 0; i < n; i++) {
			assert_true(l[i].size > 0);
			assert_true(l[i].off + l[i].size <= WIRE_SIZE);
			if (i > 0)
				assert_true(l[i].off >= l[i - 1].off + l[i - 1].size);
		}
	}
	assert_null(wire_layout(WIRE_BINDFD_REQ + 1, &n));
	assert_int_equal(n, 0);
}

/* A valid message of each type, and its decoder. */
static void sample(int type, unsigned char *m)
{
	struct wire_bind_req r = good_req();
	struct wire_bind_ans a = { .id = 7 };
	struct wire_grants_req q = { .id = 7, .index = 1 };
	struct wire_grants_ans g = { .id = 7, .total = 1,
				     .grant = { .ep = { .proto = EP_TCP, .family = AF_INET,
							.port = 80 }, .hi = 81 } };
	struct wire_ctl c = { .type = type, .slot = 3, .uid = 1001, .has_fd = 1,
			      .grant = { .ep = { .proto = EP_UDP, .port = 53 }, .hi = 60 } };

	if (type == WIRE_BIND_REQ)
		assert_int_equal(wire_encode_bind_req(m, &r), 0);
	else if (type == WIRE_BINDFD_REQ) {
		r.backlog = 0;
		assert_int_equal(wire_encode_bindfd_req(m, &r), 0);
	} else if (type == WIRE_BIND_ANS)
		assert_int_equal(wire_encode_bind_ans(m, &a), 0);
	else if (type == WIRE_GRANTS_REQ)
		assert_int_equal(wire_encode_grants_req(m, &q), 0);
	else if (type == WIRE_GRANTS_ANS)
		assert_int_equal(wire_encode_grants_ans(m, &g), 0);
	else
		assert_int_equal(wire_encode_ctl(m, &c), 0);
}

static int decode_any(int type, const unsigned char *m)
{
	union {
		struct wire_bind_req r;
		struct wire_bind_ans a;
		struct wire_grants_req q;
		struct wire_grants_ans g;
		struct wire_ctl c;
	} u;

	if (type == WIRE_BIND_REQ)
		return wire_decode_bind_req(m, WIRE_SIZE, &u.r);
	if (type == WIRE_BINDFD_REQ)
		return wire_decode_bindfd_req(m, WIRE_SIZE, &u.r);
	if (type == WIRE_BIND_ANS)
		return wire_decode_bind_ans(m, WIRE_SIZE, &u.a);
	if (type == WIRE_GRANTS_REQ)
		return wire_decode_grants_req(m, WIRE_SIZE, &u.q);
	if (type == WIRE_GRANTS_ANS)
		return wire_decode_grants_ans(m, WIRE_SIZE, &u.g);
	return wire_decode_ctl(m, WIRE_SIZE, &u.c);
}

/* The field byte b is in, or NULL for a reserved byte. */
static const struct wire_field *field_at(const struct wire_field *l, size_t n, size_t b)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b >= l[i].off && b < (size_t)l[i].off + l[i].size)
			return &l[i];
	return NULL;
}

/* Every decoder refuses each byte its layout leaves reserved (EINVAL),
 * and a refused field by name (EOPNOTSUPP). */
static void reserved_bytes_follow_layouts(void **state)
{
	unsigned char m[WIRE_SIZE], t[WIRE_SIZE];
	const struct wire_field *l, *f;
	size_t i, b, n;

	(void)state;
	for (i = 0; i < NTYPES; i++) {
		l = wire_layout(wire_types[i], &n);
		sample(wire_types[i], m);
		assert_int_equal(decode_any(wire_types[i], m), 0);
		for (b = 0; b < WIRE_SIZE; b++) {
			f = field_at(l, n, b);
			if (f && f->kind != WIRE_K_REFUSED)
				continue;
			memcpy(t, m, WIRE_SIZE);
			t[b] = 0x40;
			errno = 0;
			assert_int_equal(decode_any(wire_types[i], t), -1);
			assert_int_equal(errno, f ? EOPNOTSUPP : EINVAL);
		}
	}
}

/* word is in text as a whole word ("id" is in "request id", not "idle") */
static int has_word(const char *text, const char *word)
{
	size_t len = strlen(word);
	const char *p;

	for (p = strstr(text, word); p; p = strstr(p + 1, word)) {
		int before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
		int after = isalnum((unsigned char)p[len]) || p[len] == '_';

		if (!before && !after)
			return 1;
	}
	return 0;
}

/* Reading docs/protocol.md: the message section we are in, and which
 * fields of each type its table has named. */
struct doc {
	int line;
	int type;                 /* "(type N)" of the heading; 0: the header
				     table under "## Transport"; -1: none */
	unsigned seen[32];        /* per type: bit i, field i has a row */
	int rows[32];             /* per type: rows in its table */
};

struct doc_row {
	unsigned off, size;
	char field[128];
};

static int section_type(const char *line, int type)
{
	const char *p;

	if (line[0] != '#')
		return type;
	if (strncmp(line, "## Transport", 12) == 0)
		return 0;
	p = strstr(line, "(type ");
	return p && line[2] == '#' ? atoi(p + 6) : -1;
}

/* "| offset | size | field | ..." with numbers for offset and size */
static int parse_row(const char *line, struct doc_row *r)
{
	size_t len;

	if (sscanf(line, "| %u | %u | %127[^|]|", &r->off, &r->size, r->field) != 3)
		return 0;
	len = strlen(r->field);
	while (len > 0 && r->field[len - 1] == ' ')
		r->field[--len] = '\0';
	return 1;
}

static int overlaps(const struct wire_field *l, size_t n, const struct doc_row *r)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i].off < r->off + r->size && r->off < (unsigned)l[i].off + l[i].size)
			return 1;
	return 0;
}

/* A row of type's table: the field the layout has at that offset, same
 * size and name; or, where no field starts, reserved bytes no field uses.
 * Returns the field's index, or n for reserved bytes. */
static size_t check_row(const struct doc *d, int type, const struct doc_row *r)
{
	size_t i, n;
	const struct wire_field *l = wire_layout(type, &n);

	if (!l)
		fail_msg(PROTOCOL_MD ":%d: type %d has no layout in common/wire.c", d->line, type);
	for (i = 0; i < n; i++) {
		if (l[i].off != r->off)
			continue;
		if (l[i].size != r->size || !has_word(r->field, l[i].name))
			fail_msg(PROTOCOL_MD ":%d: type %d: offset %u size %u is \"%s\", but "
				 "common/wire.c has %s, size %u there", d->line, type, r->off,
				 r->size, r->field, l[i].name, l[i].size);
		return i;
	}
	if (!has_word(r->field, "reserved") || r->off + r->size > WIRE_SIZE || overlaps(l, n, r))
		fail_msg(PROTOCOL_MD ":%d: type %d: offset %u size %u \"%s\" is no field of "
			 "common/wire.c's, nor reserved bytes", d->line, type, r->off, r->size,
			 r->field);
	return n;
}

static void doc_line(struct doc *d, const char *line)
{
	struct doc_row r;
	size_t t, i;

	d->type = section_type(line, d->type);
	if (d->type < 0 || d->type >= 32 || !parse_row(line, &r))
		return;
	if (d->type > 0) {
		i = check_row(d, d->type, &r);
		d->seen[d->type] |= 1u << i;
		d->rows[d->type]++;
		return;
	}
	/* the header every message starts with */
	for (t = 0; t < NTYPES; t++)
		check_row(d, wire_types[t], &r);
	d->rows[0]++;
}

/* Every field after the header's version and type has its row in its
 * type's table.  DROP has no table ("Slot only."). */
static void check_all_seen(const struct doc *d)
{
	size_t t, i, n;
	const struct wire_field *l;

	assert_int_equal(d->rows[0], 3);
	for (t = 0; t < NTYPES; t++) {
		int type = wire_types[t];

		l = wire_layout(type, &n);
		if (d->rows[type] == 0 && type == WIRE_DROP && n == 3)
			continue;
		for (i = 2; i < n; i++)
			if (!(d->seen[type] & 1u << i))
				fail_msg(PROTOCOL_MD ": type %d's table has no row for %s "
					 "(offset %u size %u)", type, l[i].name, l[i].off, l[i].size);
	}
}

static void docs_match_layouts(void **state)
{
	FILE *f = fopen(PROTOCOL_MD, "r");
	char line[1024];
	struct doc d = { .type = -1 };

	(void)state;
	if (!f)
		fail_msg(PROTOCOL_MD ": %s (the unit tests run from the checkout's top)",
			 strerror(errno));
	while (fgets(line, sizeof line, f)) {
		d.line++;
		doc_line(&d, line);
	}
	fclose(f);
	check_all_seen(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bind_req_layout),
		cmocka_unit_test(bindfd_req_layout),
		cmocka_unit_test(bind_req_rejects_every_field),
		cmocka_unit_test(bind_req_refuses_reuseport),
		cmocka_unit_test(bind_ans),
		cmocka_unit_test(ctl_messages),
		cmocka_unit_test(request_and_answer),
		cmocka_unit_test(recv_nowait),
		cmocka_unit_test(timeout_and_late_answer),
		cmocka_unit_test(layouts_fit),
		cmocka_unit_test(reserved_bytes_follow_layouts),
		cmocka_unit_test(docs_match_layouts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
