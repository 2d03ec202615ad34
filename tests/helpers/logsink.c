/* logsink PATH OUT: a stand-in syslog daemon for tests.  Binds a datagram
 * socket at PATH and appends every datagram it receives to OUT as one line,
 * until killed. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "err.h"

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[2048];
	FILE *out;
	ssize_t n;
	int fd;

	err_init(argv[0]);
	if (argc != 3 || strlen(argv[1]) >= sizeof sa.sun_path)
		err_fatal(EXIT_USAGE, "usage: logsink PATH OUT");
	strcpy(sa.sun_path, argv[1]);
	out = fopen(argv[2], "a");
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (!out || fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to listen on %s", argv[1]);
	for (;;) {
		n = recv(fd, buf, sizeof buf - 1, 0);
		if (n < 0)
			err_fatal_sys(EXIT_TEMP, "unable to receive");
		while (n > 0 && buf[n - 1] == '\n')
			n--;
		fprintf(out, "%.*s\n", (int)n, buf);
		fflush(out);
	}
}
