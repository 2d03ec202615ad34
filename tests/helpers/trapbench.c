/* trapbench: what the bind trap costs, for tests/bench/bindtrap.sh.
 *
 *   trapbench bind ADDRESS LO HI N
 *       N binds of tcp ADDRESS:port, the port going round LO..HI, each
 *       socket closed before the next; prints "median US p90 US fails F"
 *       (each bind(2) call alone timed, in microseconds)
 *   trapbench loop N
 *       N cheap system calls (getppid, and a 1-byte read of /dev/zero:
 *       what a busy server does between binds, which the filter also
 *       sees); prints "ns_per_call NS" */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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
	if (argc == 6 && !strcmp(argv[1], "bind"))
		return binds(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
	if (argc == 3 && !strcmp(argv[1], "loop"))
		return loop(atol(argv[2]));
	fprintf(stderr, "usage: trapbench bind ADDRESS LO HI N | loop N\n");
	return 100;
}
