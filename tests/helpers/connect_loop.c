/* connect_loop HOST PORT STOPFILE: connects to HOST:PORT over and over
 * until STOPFILE exists, reading each answer; then prints
 * "served N refused N other N".  A connection counts as served when the
 * server answered with a line starting "uid=", refused when connect(2)
 * said ECONNREFUSED; anything else (a reset, no answer in 30 s) is other.
 * For the ports tests: no client may be refused while ./run restarts. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int once(const struct sockaddr_in *sa)
{
	struct timeval tv = { .tv_sec = 30 };
	char buf[128];
	ssize_t n, got = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 2;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) < 0) {
		int e = errno;

		close(fd);
		return e == ECONNREFUSED ? 1 : 2;
	}
	while (got < (ssize_t)sizeof buf - 1 && (n = read(fd, buf + got, sizeof buf - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return strncmp(buf, "uid=", 4) == 0 ? 0 : 2;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned long count[3] = { 0, 0, 0 };

	if (argc != 4 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1)
		return 100;
	sa.sin_port = htons((uint16_t)atoi(argv[2]));
	while (access(argv[3], F_OK) < 0)
		count[once(&sa)]++;
	printf("served %lu refused %lu other %lu\n", count[0], count[1], count[2]);
	return 0;
}
