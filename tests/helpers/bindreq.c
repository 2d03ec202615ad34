/* bindreq -b FD DIR: a userd stand-in that is only a binder client, for
 * privd's integration tests.  privd starts it exactly as it starts userd
 * (copied beside privd under the name userd).  It reads request lines from
 * the FIFO DIR/in (opened after privd switched to the user) and appends one
 * answer line per request to DIR/out:
 *
 *   tcp|udp ADDRESS PORT              ->  "REQUEST: ok listening|bound PORT"
 *                                         or "REQUEST: ERRNAME"
 *   garbage                           ->  sends a short, malformed record
 *   close N                           ->  closes the N-th socket it got
 *   flood N                           ->  sends up to N requests without
 *                                         reading any answer: "flooded K"
 *   drain N                           ->  reads N answers (sockets closed),
 *                                         as they come: "drained K"
 *
 * Granted sockets are kept open, so tests can see who holds them. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bindrelay.h"
#include "err.h"
#include "wire.h"
#include "wireclient.h"

static int held[256];
static int nheld;
static uint32_t next_id = 1;

__attribute__((format(printf, 3, 4)))
static void answer(FILE *out, const char *req, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%s: ", req);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

/* "ok listening 80" after checking what the binder sent us */
static void report_socket(FILE *out, const char *req, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int listening = 0;
	socklen_t ol = sizeof listening;
	unsigned port;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		answer(out, req, "bad socket %s", strerror(errno));
		return;
	}
	port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
	getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ol);
	answer(out, req, "ok %s %u", listening ? "listening" : "bound", port);
	if (nheld < 256)
		held[nheld++] = fd;
	else
		close(fd);
}

/* A client that never reads its answers: the binder must not wait for it. */
static void flood(int chan, FILE *out, const char *req, unsigned n)
{
	struct wire_bind_req r = { .ep = { .proto = EP_TCP, .family = AF_INET, .port = 1 } };
	unsigned char m[WIRE_SIZE];
	unsigned k;

	for (k = 0; k < n; k++) {
		struct pollfd p = { .fd = chan, .events = POLLOUT };

		r.id = next_id++;
		if (wire_encode_bind_req(m, &r) < 0)
			break;
		/* when our side is full, wait (a little) for the binder to read */
		while (send(chan, m, WIRE_SIZE, MSG_DONTWAIT | MSG_NOSIGNAL) != WIRE_SIZE)
			if (errno != EAGAIN || poll(&p, 1, 2000) != 1)
				goto done;
	}
done:
	answer(out, req, "flooded %u", k);
}

/* The answers a flood left unread, each waited for as long as any. */
static void drain(int chan, FILE *out, const char *req, unsigned n)
{
	unsigned char m[WIRE_SIZE];
	unsigned k;
	int fd;

	for (k = 0; k < n && wire_recv(chan, m, &fd) > 0; k++)
		if (fd >= 0)
			close(fd);
	answer(out, req, "drained %u", k);
}

static void request(int chan, FILE *out, char *line)
{
	struct wire_bind_req r;
	char req[256], proto[8], addr[64];
	unsigned port;
	int fd, n;

	snprintf(req, sizeof req, "%s", line);
	memset(&r, 0, sizeof r);
	if (!strcmp(line, "garbage")) {
		n = (int)send(chan, "garbage", 7, 0);
		answer(out, req, "sent %d", n);
		return;
	}
	if (sscanf(line, "flood %u", &port) == 1) {
		flood(chan, out, req, port);
		return;
	}
	if (sscanf(line, "drain %u", &port) == 1) {
		drain(chan, out, req, port);
		return;
	}
	if (sscanf(line, "close %u", &port) == 1) {
		if (port < (unsigned)nheld)
			close(held[port]);
		answer(out, req, "closed %u", port);
		return;
	}
	n = sscanf(line, "%7s %63s %u", proto, addr, &port);
	if (n < 3) {
		answer(out, req, "bad line");
		return;
	}
	r.id = next_id++;
	r.ep.proto = !strcmp(proto, "udp") ? EP_UDP : EP_TCP;
	r.ep.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	inet_pton(r.ep.family, addr, r.ep.addr);
	r.ep.port = (uint16_t)port;
	fd = wire_bind_request(chan, &r);
	if (fd < 0)
		answer(out, req, "%s", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	else
		report_socket(out, req, fd);
}

int main(int argc, char **argv)
{
	char path[4096], line[256];
	FILE *in, *out;
	int chan;

	err_init(argv[0]);
	if (argc != 4 || strcmp(argv[1], "-b"))
		err_fatal(EXIT_USAGE, "usage: bindreq -b FD DIR");
	chan = atoi(argv[2]);
	/* like userd's relay: an answer is waited for RELAY_TIMEOUT_MS at most */
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
				request(chan, out, line);
		}
		fclose(in);
	}
}
