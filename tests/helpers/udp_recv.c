/* udp_recv PORT COUNT SECONDS: binds 127.0.0.1:PORT, prints up to COUNT
 * datagrams (each followed by a line "--"), gives up after SECONDS without
 * one.  Prints "ready" on stderr once bound.  For svlogd's u/U tests. */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct pollfd p;
	char buf[65536];
	int fd, count, secs, i;
	ssize_t n;

	if (argc != 4)
		return 100;
	count = atoi(argv[2]);
	secs = atoi(argv[3]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror("udp_recv: bind");
		return 111;
	}
	fprintf(stderr, "ready\n");
	for (i = 0; i < count; i++) {
		p.fd = fd;
		p.events = POLLIN;
		if (poll(&p, 1, secs * 1000) <= 0)
			return 1;
		n = recv(fd, buf, sizeof buf, 0);
		if (n < 0)
			return 111;
		fwrite(buf, 1, (size_t)n, stdout);
		printf("--\n");
		fflush(stdout);
	}
	return 0;
}
