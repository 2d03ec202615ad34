/* Unit tests: a service's sockets kept, added and closed across re-reads of
 * its listen file, and the hand-over to a child (fds 3.., LISTEN_*).  Only
 * unprivileged ports (25730-25739) on a loopback address of this run's own
 * (127.x.y.z from the pid: other checkouts run these tests at the same
 * time): no userd is involved.
 * Also the grants messages of the wire protocol (version 2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fs.h"
#include "netbind.h"
#include "sockets.h"
#include "wire.h"

static char dir[] = "/tmp/ward-sockets.XXXXXX";
static int dfd;
static char err[256];
static unsigned char lo[4];    /* this run's loopback address */
static char los[16];

/* fills the listen file from a format where %s is the loopback address */
__attribute__((format(printf, 1, 2)))
static void listenf(const char *fmt, ...);

static int setup(void **state)
{
	unsigned p = (unsigned)getpid();

	(void)state;
	lo[0] = 127;
	lo[1] = (unsigned char)(p >> 16);
	lo[2] = (unsigned char)(p >> 8);
	lo[3] = (unsigned char)(p | 1);
	snprintf(los, sizeof los, "%u.%u.%u.%u", lo[0], lo[1], lo[2], lo[3]);
	if (!mkdtemp(dir))
		return -1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	unlinkat(dfd, "listen", 0);
	close(dfd);
	return rmdir(dir);
}

static void write_listen(const char *text)
{
	assert_int_equal(fs_write_atomic(dfd, "listen", text, strlen(text)), 0);
}

static void listenf(const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	write_listen(text);
}

static int is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static void no_file_no_sockets(void **state)
{
	struct sockset s;

	(void)state;
	sockets_init(&s);
	unlinkat(dfd, "listen", 0);
	assert_int_equal(sockets_update(&s, dfd, NULL, err, sizeof err), 0);
	assert_int_equal(s.n, 0);
}

static void kept_added_closed(void **state)
{
	struct sockset s;
	int tcp, udp, fd;

	(void)state;
	sockets_init(&s);
	listenf("tcp %s:25730\nudp %s:25731 name=u\n", los, los);
	assert_int_equal(sockets_update(&s, dfd, NULL, err, sizeof err), 0);
	assert_int_equal(s.n, 2);
	tcp = s.fd[0];
	udp = s.fd[1];
	assert_true(is_open(tcp) && is_open(udp));
	assert_true(fcntl(tcp, F_GETFD) & FD_CLOEXEC);   /* never leaked by accident */

	/* reordered, one removed, one added: the kept socket is the same fd */
	listenf("tcp %s:25732 name=new\ntcp %s:25730 name=renamed\n", los, los);
	assert_int_equal(sockets_update(&s, dfd, NULL, err, sizeof err), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.fd[1], tcp);
	assert_string_equal(s.e[1].name, "renamed");
	assert_true(is_open(s.fd[0]));
	/* the udp one is closed: its port can be bound again */
	fd = netbind(2, AF_INET, lo, 25731, 0);
	assert_true(fd >= 0);
	close(fd);
	sockets_close(&s);
	assert_false(is_open(tcp));
}

static void bad_file_keeps_set(void **state)
{
	struct sockset s;
	int tcp;

	(void)state;
	sockets_init(&s);
	listenf("tcp %s:25733\n", los);
	assert_int_equal(sockets_update(&s, dfd, NULL, err, sizeof err), 0);
	tcp = s.fd[0];
	listenf("tcp %s:25733\ntpc 25734\n", los);
	assert_int_equal(sockets_update(&s, dfd, NULL, err, sizeof err), -1);
	assert_string_equal(err, "listen:2: unknown protocol (expected tcp or udp): \"tpc\"");
	assert_int_equal(s.n, 1);
	assert_int_equal(s.fd[0], tcp);
	assert_true(is_open(tcp));
	sockets_close(&s);
}

static void busy_port_retried(void **state)
{
	struct sockset s;
	char want[128];
	int busy, tcp;

	(void)state;
	busy = netbind(1, AF_INET, lo, 25736, 0);
	assert_true(busy >= 0);
	sockets_init(&s);
	listenf("tcp %s:25735\ntcp %s:25736\n", los, los);
	assert_int_equal(sockets_update(&s, dfd, NULL, err, sizeof err), -1);
	snprintf(want, sizeof want, "tcp %s:25736: unable to bind: Address already in use", los);
	assert_string_equal(err, want);
	assert_true(s.fd[0] >= 0);
	assert_int_equal(s.fd[1], -1);
	tcp = s.fd[0];
	close(busy);
	/* a retry asks only for the missing one */
	assert_int_equal(sockets_update(&s, dfd, NULL, err, sizeof err), 0);
	assert_int_equal(s.fd[0], tcp);
	assert_true(s.fd[1] >= 0);
	sockets_close(&s);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v ? v : "-";
}

/* in a child: the set handed over; reports what it sees on a pipe */
static void child_sees(const struct sockset *s, int keep, char *out, size_t size)
{
	int p[2], st;
	pid_t pid;
	ssize_t n;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char buf[512];
		int i, len;

		if (sockets_child(s, keep) < 0)
			_exit(1);
		len = snprintf(buf, sizeof buf, "%s %s %s|", env("LISTEN_FDS"),
			       atoi(env("LISTEN_PID")) == getpid() ? "me" : "other",
			       env("LISTEN_FDNAMES"));
		for (i = 3; i < 64; i++)
			if (i != p[1] && fcntl(i, F_GETFD) >= 0)
				len += snprintf(buf + len, sizeof buf - (size_t)len, " %d%s", i,
						fcntl(i, F_GETFD) & FD_CLOEXEC ? "c" : "");
		if (write(p[1], buf, (size_t)len) < 0)
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(st, 0);
}

static void handed_over(void **state)
{
	struct sockset s;
	char seen[512], want[512];
	int keep, filler[4], i;

	(void)state;
	/* fds 3.. taken by something else first, as in runsv */
	for (i = 0; i < 4; i++)
		filler[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	sockets_init(&s);
	listenf("tcp %s:25737 name=web\nudp %s:25738\n", los, los);
	assert_int_equal(sockets_update(&s, dfd, NULL, err, sizeof err), 0);
	keep = dup(0);   /* not close-on-exec: must stay so, the rest must not */
	assert_true(keep > 4);
	child_sees(&s, keep, seen, sizeof seen);
	/* 3 and 4 are the sockets, not close-on-exec; filler copies are */
	snprintf(want, sizeof want, "2 me web:udp-25738| 3 4");
	assert_memory_equal(seen, want, strlen(want));
	assert_non_null(strstr(seen, " 3 4 "));
	snprintf(want, sizeof want, " %d ", keep);
	assert_non_null(strstr(seen, want));
	for (i = 5; i < 64; i++) {
		snprintf(want, sizeof want, " %d ", i);
		assert_true(i == keep || !strstr(seen, want));
	}
	/* keep inside 3..4 would be overwritten: refused */
	assert_int_equal(sockets_child(&s, 3), -1);
	close(keep);
	for (i = 0; i < 4; i++)
		close(filler[i]);
	sockets_close(&s);
}

static void empty_set_unsets(void **state)
{
	struct sockset s;
	char seen[512];

	(void)state;
	sockets_init(&s);
	setenv("LISTEN_FDS", "7", 1);
	setenv("LISTEN_PID", "1", 1);
	setenv("LISTEN_FDNAMES", "x", 1);
	child_sees(&s, -1, seen, sizeof seen);
	assert_memory_equal(seen, "- other -|", 10);
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDNAMES");
}

static void grants_messages(void **state)
{
	struct wire_grants_ans a = { .id = 9, .index = 1, .total = 3, 
				     .grant = { .ep = { .proto = EP_UDP, .family = AF_INET,
							.addr = { 127, 0, 0, 1 }, .port = 53 },
						.hi = 60 } };
	struct wire_grants_ans b;
	struct wire_grants_req r = { .id = 7, .index = 2 }, q;
	unsigned char m[WIRE_SIZE];

	(void)state;
	assert_int_equal(wire_encode_grants_ans(m, &a), 0);
	assert_int_equal(wire_type(m, WIRE_SIZE), WIRE_GRANTS_ANS);
	assert_int_equal(wire_decode_grants_ans(m, WIRE_SIZE, &b), 0);
	/* field by field: the structs' padding is nobody's */
	assert_int_equal(b.id, a.id);
	assert_int_equal(b.index, a.index);
	assert_int_equal(b.total, a.total);
	assert_true(ep_equal(&b.grant.ep, &a.grant.ep));
	assert_int_equal(b.grant.hi, a.grant.hi);
	assert_int_equal(wire_decode_grants_ans(m, WIRE_SIZE - 1, &b), -1);
	m[18] = 1;                                      /* reserved */
	assert_int_equal(wire_decode_grants_ans(m, WIRE_SIZE, &b), -1);
	a.index = 3;                                    /* beyond total with a grant */
	assert_int_equal(wire_encode_grants_ans(m, &a), -1);
	memset(&a, 0, sizeof a);
	a.index = 3;
	a.total = 3;                                    /* the end: no grant */
	assert_int_equal(wire_encode_grants_ans(m, &a), 0);
	assert_int_equal(wire_decode_grants_ans(m, WIRE_SIZE, &b), 0);
	assert_int_equal(b.grant.ep.proto, 0);
	assert_int_equal(wire_encode_grants_req(m, &r), 0);
	assert_int_equal(wire_id(m), 7);
	wire_set_id(m, 0x01020304);
	assert_int_equal(wire_decode_grants_req(m, WIRE_SIZE, &q), 0);
	assert_int_equal(q.id, 0x01020304);
	assert_int_equal(q.index, 2);
	m[0] = 1;                                       /* version 1 is gone */
	assert_int_equal(wire_type(m, WIRE_SIZE), -1);
	assert_int_equal(wire_decode_grants_req(m, WIRE_SIZE, &q), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_file_no_sockets),
		cmocka_unit_test(kept_added_closed),
		cmocka_unit_test(bad_file_keeps_set),
		cmocka_unit_test(busy_port_retried),
		cmocka_unit_test(handed_over),
		cmocka_unit_test(empty_set_unsets),
		cmocka_unit_test(grants_messages),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
