/* bindbench SOCKET ADDRESS PORT N: N privileged binds of tcp ADDRESS:PORT
 * through userd's relay at SOCKET (and privd's binder behind it), each
 * socket closed before the next.  Prints, in microseconds, the median and
 * 90th percentile round trip on one connection, the median with a new
 * connection per bind (what runsv does), and binds per second on one
 * connection.  For tests/bench/ports.sh. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sockets.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* one bind (on c, or on a connection of its own when c < 0); its time */
static double one(const char *path, int c, const struct listen_entry *e)
{
	double t0 = now_us();
	int own = c < 0 ? bindclient_open(path) : c, s;

	s = own >= 0 ? bindclient_bind(own, e) : -1;
	if (s < 0) {
		perror("bindbench: bind");
		exit(111);
	}
	close(s);
	if (c < 0)
		close(own);
	return now_us() - t0;
}

int main(int argc, char **argv)
{
	struct listen_entry e = { .ep = { .proto = EP_TCP, .family = AF_INET } };
	double *t, total;
	int n, i, c;

	if (argc != 5 || inet_pton(AF_INET, argv[2], e.ep.addr) != 1 || (n = atoi(argv[4])) < 1)
		return 100;
	e.ep.port = (uint16_t)atoi(argv[3]);
	t = calloc((size_t)n, sizeof *t);
	c = bindclient_open(argv[1]);
	if (!t || c < 0) {
		perror("bindbench");
		return 111;
	}
	total = now_us();
	for (i = 0; i < n; i++)
		t[i] = one(argv[1], c, &e);
	total = now_us() - total;
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("median %.1f p90 %.1f rate %.0f", t[n / 2], t[n * 9 / 10], n / total * 1e6);
	for (i = 0; i < n; i++)
		t[i] = one(argv[1], -1, &e);
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf(" fresh %.1f\n", t[n / 2]);
	return 0;
}
