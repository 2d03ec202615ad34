/* Unit tests: the binder wire protocol (common/wire). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "wire.h"
#include "wireclient.h"

static struct wire_bind_req good_req(void)
{
	struct wire_bind_req r = { .id = 0x01020304, .proto = WIRE_TCP, .family = AF_INET,
				   .port = 80, .backlog = 64 };

	inet_pton(AF_INET, "192.0.2.10", r.addr);
	return r;
}

static void bind_req_layout(void **state)
{
	struct wire_bind_req r = good_req(), back;
	unsigned char m[WIRE_SIZE];

	(void)state;
	assert_int_equal(wire_encode_bind_req(m, &r), 0);
	/* version 3, type 1, id, proto, family 4, 10-11 reserved, port 80 LE */
	assert_int_equal(m[0], 3);
	assert_int_equal(m[1], 0);
	assert_int_equal(m[2], WIRE_BIND_REQ);
	assert_int_equal(m[4], 4);
	assert_int_equal(m[7], 1);
	assert_int_equal(m[8], WIRE_TCP);
	assert_int_equal(m[9], 4);
	assert_int_equal(m[12], 80);
	assert_int_equal(m[13], 0);
	assert_int_equal(m[16], 64);
	assert_int_equal(m[20], 192);
	assert_int_equal(m[23], 10);
	assert_int_equal(wire_decode_bind_req(m, WIRE_SIZE, &back), 0);
	assert_memory_equal(&back, &r, sizeof r);
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
	r.proto = WIRE_UDP;
	assert_int_equal(wire_encode_bind_req(m, &r), -1);
	r.backlog = 0;
	assert_int_equal(wire_encode_bind_req(m, &r), 0);
	/* IPv6 uses all 16 bytes */
	r.family = AF_INET6;
	memset(r.addr, 0xfe, 16);
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
	struct wire_ctl g = { .type = WIRE_GRANT, .slot = 3, .proto = WIRE_UDP, .family = 0,
			      .lo = 53, .hi = 60 }, c = { .type = WIRE_COMMIT, .slot = 3,
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bind_req_layout),
		cmocka_unit_test(bind_req_rejects_every_field),
		cmocka_unit_test(bind_req_refuses_reuseport),
		cmocka_unit_test(bind_ans),
		cmocka_unit_test(ctl_messages),
		cmocka_unit_test(request_and_answer),
		cmocka_unit_test(recv_nowait),
		cmocka_unit_test(timeout_and_late_answer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
