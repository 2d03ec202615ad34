/* seqpair CMD ARG...: runs CMD with one end of a fresh SOCK_SEQPACKET
 * socketpair open, every ARG "{}" replaced by that end's fd number (as privd
 * hands userd its binder socket).  The other end is closed at exec. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char num[16];
	int sv[2], i;

	if (argc < 2) {
		fprintf(stderr, "usage: seqpair CMD [ARG|{}]...\n");
		return 100;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("seqpair: socketpair");
		return 111;
	}
	fcntl(sv[0], F_SETFD, 0);
	snprintf(num, sizeof num, "%d", sv[0]);
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "{}"))
			argv[i] = num;
	execv(argv[1], argv + 1);
	perror("seqpair: exec");
	return 111;
}
