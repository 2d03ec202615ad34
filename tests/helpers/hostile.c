/* hostile -b FD DIR: a compromised userd, for tests/integration/adv_binder.sh.
 * privd starts it exactly as it starts userd (copied beside privd under the
 * name userd), as the user, with the user's binder channel on FD.  It reads
 * command lines from the FIFO DIR/in and appends one "COMMAND: RESULT" line
 * per command to DIR/out:
 *
 *   send KIND      one hostile record, then what came back within 5 s:
 *                  "eof", "answer ok|ERRNAME" or "silent".  KIND: short (1
 *                  byte), empty (0), truncated (47), long (49), huge (64 KiB),
 *                  version (the next), v2 (protocol version 2), type
 *                  (unknown), ctl (a master's GRANT), reserved (a reserved
 *                  byte set), port0, fd (a valid request with an fd
 *                  attached), creds (a valid request with our credentials)
 *   bind PROTO ADDRESS PORT
 *                  "ok PORT" when the socket got is exactly the one asked for
 *                  ("wrong socket" otherwise; it is closed), or ERRNAME
 *   reuse PROTO ADDRESS PORT[-HI]
 *                  for each port, a request with bit 0 of bytes 10-11 set:
 *                  SO_REUSEPORT in protocol version 2 (the flag has gone
 *                  since); the last socket got is kept.  "granted N" when each
 *                  got exactly its socket, else "after K: ERRNAME", "after
 *                  K: eof" or "after K: wrong socket" at the first that
 *                  did not
 *   flood N read|noread PROTO ADDRESS PORT[-HI]
 *                  N requests as fast as the channel takes them (a range:
 *                  its ports in turn), reading the
 *                  answers (and closing the sockets) or never reading them;
 *                  writes "flood started" first, then "sent S answers A eof E
 *                  in MS ms", and " stalled" when, not reading, it stopped
 *                  because the binder took no request for a second
 *   latency N PROTO ADDRESS PORT
 *                  N requests one after the other (each socket closed):
 *                  "n N ok K median US p90 US max US", or at the first
 *                  failure "n N ok K failed ERRNAME"
 *
 * Like userd's relay, it waits RELAY_TIMEOUT_MS at most for an answer
 * (then ETIMEDOUT).
 *   grants         asks the binder what we may bind: "total N" and each
 *                  grant's "proto lo-hi"
 *   halfopen rd|wr shuts our end for reading (then sends 100 requests) or
 *                  for writing (then waits for what comes back)
 *   take           reads the answers queued for us now (not those the binder
 *                  sends meanwhile): "answers A sockets S"
 *   bindfd KIND PROTO ADDRESS PORT
 *                  a BINDFD_REQ (version 4) with a socket of ours of KIND:
 *                  own (what the request says: then "ok PORT" when it was
 *                  bound exactly there), udp/tcp (the other protocol), v6
 *                  (an IPv6 socket for an IPv4 request), bound (bound to
 *                  a port of ours already), unix, pipe (no socket at all),
 *                  dualstack (IPv6, IPV6_V6ONLY off), none (no fd); else
 *                  "answer ERRNAME", "eof" or "silent" as for send
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <time.h>
#include <unistd.h>

#include "bindrelay.h"
#include "err.h"
#include "wire.h"
#include "wireclient.h"

static FILE *out;
static int chan;
static uint32_t next_id = 1;

__attribute__((format(printf, 2, 3)))
static void say(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "?";
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* "tcp 127.0.0.1 80" or "tcp 127.0.0.1 80-89" at the start of words -> r
 * (its port the first) and *hi (the last); 0 or -1 */
static int parse_req(char **w, int nw, struct wire_bind_req *r, uint16_t *hi)
{
	char *dash;

	memset(r, 0, sizeof *r);
	if (nw < 3)
		return -1;
	r->ep.proto = !strcmp(w[0], "udp") ? EP_UDP : EP_TCP;
	r->ep.family = strchr(w[1], ':') ? AF_INET6 : AF_INET;
	if (inet_pton(r->ep.family, w[1], r->ep.addr) != 1)
		return -1;
	r->ep.port = (uint16_t)atoi(w[2]);
	dash = strchr(w[2], '-');
	*hi = dash ? (uint16_t)atoi(dash + 1) : r->ep.port;
	return *hi < r->ep.port ? -1 : 0;
}

/* ---- send KIND ---- */

static void good_record(unsigned char *m)
{
	struct wire_bind_req r = { .ep = { .proto = EP_TCP, .family = AF_INET, .port = 9 } };

	r.id = next_id++;
	inet_pton(AF_INET, "127.0.0.1", r.ep.addr);
	wire_encode_bind_req(m, &r);
}

/* The record for KIND into m (big enough for 64 KiB); its length, or -1. */
static ssize_t hostile_record(const char *kind, unsigned char *m)
{
	struct wire_ctl c = { .type = WIRE_GRANT,
			      .grant = { .ep = { .proto = EP_TCP, .port = 1 }, .hi = 65535 } };

	good_record(m);
	if (!strcmp(kind, "short"))
		return 1;
	if (!strcmp(kind, "empty"))
		return 0;
	if (!strcmp(kind, "truncated"))
		return WIRE_SIZE - 1;
	if (!strcmp(kind, "long"))
		return WIRE_SIZE + 1;
	if (!strcmp(kind, "huge")) {
		memset(m + WIRE_SIZE, 'x', 65536 - WIRE_SIZE);
		return 65536;
	}
	if (!strcmp(kind, "version"))
		m[0] = WIRE_VERSION + 1;
	else if (!strcmp(kind, "v2"))
		m[0] = 2;   /* an old client's: version 2 had SO_REUSEPORT */
	else if (!strcmp(kind, "type"))
		m[2] = 99;
	else if (!strcmp(kind, "ctl"))
		wire_encode_ctl(m, &c);
	else if (!strcmp(kind, "reserved"))
		m[40] = 1;
	else if (!strcmp(kind, "port0"))
		m[12] = m[13] = 0;
	else if (strcmp(kind, "fd") && strcmp(kind, "creds"))
		return -1;
	return WIRE_SIZE;
}

static int send_with(const unsigned char *m, size_t len, int type)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)m, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct ucred uc = { .pid = getpid(), .uid = getuid(), .gid = getgid() };
	struct cmsghdr *cm;
	int fd = 0;

	if (type) {
		memset(&ctl, 0, sizeof ctl);
		mh.msg_control = ctl.buf;
		mh.msg_controllen = type == SCM_RIGHTS ? CMSG_SPACE(sizeof fd) : CMSG_SPACE(sizeof uc);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = type;
		cm->cmsg_len = type == SCM_RIGHTS ? CMSG_LEN(sizeof fd) : CMSG_LEN(sizeof uc);
		if (type == SCM_RIGHTS)
			memcpy(CMSG_DATA(cm), &fd, sizeof fd);
		else
			memcpy(CMSG_DATA(cm), &uc, sizeof uc);
	}
	return sendmsg(chan, &mh, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

/* What came back within 5 s: "eof", "answer ...", "silent". */
static void what_came_back(const char *cmd)
{
	struct pollfd p = { .fd = chan, .events = POLLIN };
	unsigned char m[WIRE_SIZE];
	struct wire_bind_ans a;
	ssize_t n;
	int fd;

	if (poll(&p, 1, 5000) != 1) {
		say(cmd, "silent");
		return;
	}
	n = wire_recv(chan, m, &fd);
	if (fd >= 0)
		close(fd);
	if (n == 0)
		say(cmd, "eof");
	else if (n < 0)
		say(cmd, "error %s", errname(errno));
	else if (wire_decode_bind_ans(m, (size_t)n, &a) < 0)
		say(cmd, "malformed answer");
	else
		say(cmd, "answer %s", a.status ? errname(a.status) : "ok");
}

static void cmd_send(const char *cmd, const char *kind)
{
	static unsigned char m[65536];
	ssize_t len = hostile_record(kind, m);
	int type = !strcmp(kind, "fd") ? SCM_RIGHTS : !strcmp(kind, "creds") ? SCM_CREDENTIALS : 0;

	if (len < 0) {
		say(cmd, "unknown kind");
		return;
	}
	if (send_with(m, (size_t)len, type) < 0) {
		say(cmd, "send failed %s", errname(errno));
		return;
	}
	what_came_back(cmd);
}

/* ---- bind, latency ---- */

/* 1 if fd is bound to exactly what r asked for */
static int is_socket_for(int fd, const struct wire_bind_req *r)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	const void *a;
	uint16_t port;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 || ss.ss_family != r->ep.family)
		return 0;
	if (ss.ss_family == AF_INET) {
		a = &((struct sockaddr_in *)&ss)->sin_addr;
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	} else {
		a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	return port == r->ep.port && !memcmp(a, r->ep.addr, r->ep.family == AF_INET ? 4 : 16);
}

static void cmd_bind(const char *cmd, char **w, int nw)
{
	struct wire_bind_req r;
	uint16_t hi;
	int fd;

	if (parse_req(w, nw, &r, &hi) < 0) {
		say(cmd, "bad line");
		return;
	}
	r.id = next_id++;
	fd = wire_bind_request(chan, &r);
	if (fd < 0) {
		say(cmd, "%s", errname(errno));
		return;
	}
	if (is_socket_for(fd, &r))
		say(cmd, "ok %u", r.ep.port);
	else
		say(cmd, "wrong socket");
	close(fd);
}

/* r sent with the SO_REUSEPORT bit of protocol version 2 set, as a
 * client of that version would have asked; the socket got into *fd.
 * NULL, or what went wrong: "eof", "wrong socket", an errno name. */
static const char *reuse_one(const struct wire_bind_req *r, int *fd)
{
	unsigned char m[WIRE_SIZE];
	struct wire_bind_ans a;
	ssize_t n;

	*fd = -1;
	wire_encode_bind_req(m, r);
	m[10] |= 1;
	if (wire_send(chan, m, -1) < 0)
		return errname(errno);
	n = wire_recv(chan, m, fd);
	if (n <= 0)
		return n == 0 ? "eof" : errname(errno == EAGAIN ? ETIMEDOUT : errno);
	if (wire_decode_bind_ans(m, (size_t)n, &a) < 0 || a.id != r->id)
		return "malformed answer";
	if (a.status)
		return errname(a.status);
	return is_socket_for(*fd, r) ? NULL : "wrong socket";
}

static void cmd_reuse(const char *cmd, char **w, int nw)
{
	struct wire_bind_req r;
	const char *why = NULL;
	unsigned k = 0;
	uint16_t hi;
	int fd;

	if (parse_req(w, nw, &r, &hi) < 0) {
		say(cmd, "bad line");
		return;
	}
	for (;; r.ep.port++, k++) {
		r.id = next_id++;
		why = reuse_one(&r, &fd);
		if (why || r.ep.port == hi)
			break;
		close(fd);
	}
	if (why) {
		if (fd >= 0)
			close(fd);
		say(cmd, "after %u: %s", k, why);
	} else {
		say(cmd, "granted %u", k + 1);
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void cmd_latency(const char *cmd, int n, char **w, int nw)
{
	int64_t *t = calloc((size_t)n, sizeof *t), t0;
	struct wire_bind_req r;
	int i, ok = 0, fd;
	uint16_t hi;

	if (!t || n < 1 || parse_req(w, nw, &r, &hi) < 0) {
		say(cmd, "bad line");
		free(t);
		return;
	}
	for (i = 0; i < n; i++) {
		r.id = next_id++;
		t0 = now_us();
		fd = wire_bind_request(chan, &r);
		t[i] = now_us() - t0;
		if (fd < 0) {
			say(cmd, "n %d ok %d failed %s", n, ok, errname(errno));
			free(t);
			return;
		}
		if (is_socket_for(fd, &r))
			ok++;
		close(fd);
	}
	qsort(t, (size_t)n, sizeof *t, cmp_i64);
	say(cmd, "n %d ok %d median %lld p90 %lld max %lld", n, ok, (long long)t[n / 2],
	    (long long)t[n * 9 / 10], (long long)t[n - 1]);
	free(t);
}

/* ---- flood ---- */

/* Reads every answer waiting; counts them (and end of file). */
static void drain(long *answers, int *eof)
{
	unsigned char m[WIRE_SIZE];
	ssize_t n;
	int fd;

	while ((n = wire_recv(chan, m, &fd)) != -1) {
		if (fd >= 0)
			close(fd);
		if (n == 0) {
			*eof = 1;
			return;
		}
		(*answers)++;
	}
}

static void cmd_flood(const char *cmd, long n, const char *mode, char **w, int nw)
{
	int reading = !strcmp(mode, "read"), eof = 0, stalled = 0;
	struct wire_bind_req r;
	unsigned char m[WIRE_SIZE];
	long sent = 0, answers = 0;
	uint16_t lo, hi;
	int64_t t0;

	if (parse_req(w, nw, &r, &hi) < 0) {
		say(cmd, "bad line");
		return;
	}
	fprintf(out, "flood started\n");
	fflush(out);
	fcntl(chan, F_SETFL, O_NONBLOCK);
	lo = r.ep.port;
	t0 = now_us();
	while (sent < n && !eof) {
		struct pollfd p = { .fd = chan, .events = POLLOUT | (reading ? POLLIN : 0) };

		r.id = next_id++;
		r.ep.port = (uint16_t)(lo + sent % (hi - lo + 1));
		wire_encode_bind_req(m, &r);
		if (send(chan, m, WIRE_SIZE, MSG_DONTWAIT | MSG_NOSIGNAL) == WIRE_SIZE) {
			sent++;
			continue;
		}
		if (errno != EAGAIN)
			break;
		if (poll(&p, 1, 1000) == 0 && !reading) {
			stalled = 1;
			break;
		}
		if (reading)
			drain(&answers, &eof);
	}
	/* the rest of the answers, while they come */
	while (reading && !eof && answers < sent) {
		struct pollfd p = { .fd = chan, .events = POLLIN };

		if (poll(&p, 1, 5000) != 1)
			break;
		drain(&answers, &eof);
	}
	fcntl(chan, F_SETFL, 0);
	say(cmd, "sent %ld answers %ld eof %d in %lld ms%s", sent, answers, eof,
	    (long long)((now_us() - t0) / 1000), stalled ? " stalled" : "");
}

static void cmd_grants(const char *cmd)
{
	struct wire_grants_ans a;
	char list[400] = "";
	size_t used = 0;
	uint16_t i = 0;

	do {
		if (wire_grants_request(chan, next_id++, i, &a) < 0) {
			say(cmd, "%s", errname(errno));
			return;
		}
		if (a.grant.ep.proto && used < sizeof list - 40)
			used += (size_t)snprintf(list + used, sizeof list - used, " %s %u-%u",
						 a.grant.ep.proto == EP_TCP ? "tcp" : "udp",
						 a.grant.ep.port, a.grant.hi);
	} while (++i < a.total);
	say(cmd, "total %u%s", a.total, list);
}

/* ---- half-open ---- */

static void cmd_halfopen(const char *cmd, const char *how)
{
	unsigned char m[WIRE_SIZE];
	int i, sent = 0;

	if (!strcmp(how, "rd")) {
		shutdown(chan, SHUT_RD);
		for (i = 0; i < 100; i++) {
			good_record(m);
			if (send(chan, m, WIRE_SIZE, MSG_NOSIGNAL | MSG_DONTWAIT) == WIRE_SIZE)
				sent++;
		}
		say(cmd, "sent %d", sent);
		return;
	}
	shutdown(chan, SHUT_WR);
	what_came_back(cmd);
}

/* ---- what a user left unread ---- */

/* SIOCINQ on a SOCK_SEQPACKET socket: the bytes of every record queued. */
static void cmd_take(const char *cmd)
{
	unsigned char m[WIRE_SIZE];
	long answers = 0, sockets = 0;
	int queued = 0, fd;
	ssize_t n;

	if (ioctl(chan, SIOCINQ, &queued) < 0) {
		say(cmd, "%s", errname(errno));
		return;
	}
	while (queued > 0 && (n = wire_recv(chan, m, &fd)) > 0) {
		queued -= (int)n;
		answers++;
		if (fd >= 0) {
			sockets++;
			close(fd);
		}
	}
	say(cmd, "answers %ld sockets %ld", answers, sockets);
}

/* ---- bindfd: our own socket for the binder ---- */

/* A file of KIND for a request r, or -1 (none, or unknown). */
static int bindfd_file(const char *kind, const struct wire_bind_req *r)
{
	struct sockaddr_in lo = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int tcp = r->ep.proto == EP_TCP, p[2], fd = -1, off = 0;

	if (!strcmp(kind, "own") || !strcmp(kind, "bound"))
		fd = socket(r->ep.family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	else if (!strcmp(kind, "udp") || !strcmp(kind, "tcp"))
		fd = socket(r->ep.family, !strcmp(kind, "tcp") ? SOCK_STREAM : SOCK_DGRAM, 0);
	else if (!strcmp(kind, "v6") || !strcmp(kind, "dualstack"))
		fd = socket(AF_INET6, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	else if (!strcmp(kind, "unix"))
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
	else if (!strcmp(kind, "pipe") && pipe(p) == 0) {
		close(p[1]);
		fd = p[0];
	}
	if (fd >= 0 && !strcmp(kind, "bound"))
		bind(fd, (struct sockaddr *)&lo, sizeof lo);
	if (fd >= 0 && !strcmp(kind, "dualstack"))
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
	return fd;
}

static void cmd_bindfd(const char *cmd, char **w, int nw)
{
	struct wire_bind_req r;
	unsigned char m[WIRE_SIZE];
	uint16_t hi;
	int fd;

	if (parse_req(w + 1, nw - 1, &r, &hi) < 0) {
		say(cmd, "bad line");
		return;
	}
	r.id = next_id++;
	fd = bindfd_file(w[0], &r);
	if (!strcmp(w[0], "own") && fd >= 0) {
		if (wire_bindfd_request(chan, &r, fd) == 0)
			say(cmd, is_socket_for(fd, &r) ? "ok %u" : "wrong socket %u", r.ep.port);
		else
			say(cmd, "answer %s", errname(errno));
		close(fd);
		return;
	}
	if (wire_encode_bindfd_req(m, &r) < 0 || wire_send(chan, m, fd) < 0)
		say(cmd, "send failed %s", errname(errno));
	else
		what_came_back(cmd);
	if (fd >= 0)
		close(fd);
}

static void command(char *line)
{
	char cmd[512], *w[8];
	int nw = 0;

	snprintf(cmd, sizeof cmd, "%s", line);
	for (char *s = strtok(line, " "); s && nw < 8; s = strtok(NULL, " "))
		w[nw++] = s;
	if (nw == 2 && !strcmp(w[0], "send"))
		cmd_send(cmd, w[1]);
	else if (nw >= 4 && !strcmp(w[0], "bind"))
		cmd_bind(cmd, w + 1, nw - 1);
	else if (nw >= 4 && !strcmp(w[0], "reuse"))
		cmd_reuse(cmd, w + 1, nw - 1);
	else if (nw >= 6 && !strcmp(w[0], "flood"))
		cmd_flood(cmd, atol(w[1]), w[2], w + 3, nw - 3);
	else if (nw >= 5 && !strcmp(w[0], "latency"))
		cmd_latency(cmd, atoi(w[1]), w + 2, nw - 2);
	else if (nw == 1 && !strcmp(w[0], "grants"))
		cmd_grants(cmd);
	else if (nw == 2 && !strcmp(w[0], "halfopen"))
		cmd_halfopen(cmd, w[1]);
	else if (nw == 5 && !strcmp(w[0], "bindfd"))
		cmd_bindfd(cmd, w + 1, nw - 1);
	else if (nw == 1 && !strcmp(w[0], "take"))
		cmd_take(cmd);
	else if (nw == 1 && !strcmp(w[0], "exit"))
		exit(0);
	else
		say(cmd, "unknown command");
}

int main(int argc, char **argv)
{
	char path[4096], line[512];
	FILE *in;

	err_init(argv[0]);
	if (argc != 4 || strcmp(argv[1], "-b"))
		err_fatal(EXIT_USAGE, "usage: hostile -b FD DIR");
	chan = atoi(argv[2]);
	if (wire_timeout(chan, RELAY_TIMEOUT_MS) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to set the channel's timeouts");
	snprintf(path, sizeof path, "%s/out", argv[3]);
	out = fopen(path, "a");
	if (!out)
		err_fatal_sys(EXIT_TEMP, "unable to open %s", path);
	fprintf(out, "started uid %u\n", (unsigned)getuid());
	fflush(out);
	snprintf(path, sizeof path, "%s/in", argv[3]);
	for (;;) {
		in = fopen(path, "r");
		if (!in)
			err_fatal_sys(EXIT_TEMP, "unable to open %s", path);
		while (fgets(line, sizeof line, in)) {
			line[strcspn(line, "\n")] = '\0';
			if (line[0])
				command(line);
		}
		fclose(in);
	}
}
