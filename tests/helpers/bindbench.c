/* bindbench SOCKET ADDRESS PORT N: N privileged binds of tcp ADDRESS:PORT
 * through userd's relay at SOCKET (and privd's binder behind it), each
 * socket closed before the next.  Prints, in microseconds, the median and
 * 90th percentile round trip on one connection, the median with a new
 * connection per bind (what runsv does), and binds per second on one
 * connection.  For tests/bench/ports.sh.
 *
 * And what the bind trap costs, for tests/bench/bindtrap.sh (run under
 * `privbind --` for the trap, or bare):
 *   bindbench bind ADDRESS LO HI N
 *       N binds of tcp ADDRESS:port by the program's own bind(2), the port
 *       going round LO..HI, each socket closed before the next; prints
 *       "median US p90 US fails F" (each bind(2) call alone timed)
 *   bindbench loop N
 *       N rounds of two cheap system calls (getppid, a 1-byte read of
 *       /dev/zero), which the filter sees too; prints "ns_per_call NS" */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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

static int binds(const char *addr, int lo, int hi, int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	double *t = calloc((size_t)n, sizeof *t), t0;
	int i, fails = 0, fd, ok = 0;

	if (!t || inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		return 1;
	for (i = 0; i < n; i++) {
		a.sin_port = htons((uint16_t)(lo + i % (hi - lo + 1)));
		fd = socket(AF_INET, SOCK_STREAM, 0);
		t0 = now_us();
		if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0)
			t[ok++] = now_us() - t0;
		else
			fails++;
		close(fd);
	}
	qsort(t, (size_t)ok, sizeof *t, cmp);
	printf("median %.1f p90 %.1f fails %d\n", ok ? t[ok / 2] : 0, ok ? t[ok * 9 / 10] : 0, fails);
	return 0;
}

static int loop(long n)
{
	int z = open("/dev/zero", O_RDONLY);
	char c;
	double t0 = now_us();
	long i;

	for (i = 0; i < n; i++) {
		syscall(SYS_getppid);
		if (read(z, &c, 1) != 1)
			return 1;
	}
	printf("ns_per_call %.1f\n", (now_us() - t0) * 1000 / (double)(2 * n));
	return 0;
}

int main(int argc, char **argv)
{
	struct listen_entry e = { .ep = { .proto = EP_TCP, .family = AF_INET } };
	double *t, total;
	int n, i, c;

	if (argc == 6 && !strcmp(argv[1], "bind"))
		return binds(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	if (argc == 3 && !strcmp(argv[1], "loop"))
		return loop(atol(argv[2]));
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
