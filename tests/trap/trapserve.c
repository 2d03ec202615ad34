/* trapserve REPORT SPEC...: a statically linked server for the bind trap
 * tests (tests/integration/ports_trap_*.sh), built by them with
 * `gcc -static`.  It binds by calling bind(2) itself, as nginx or a Go
 * program do, never by LISTEN_FDS.
 *
 * SPEC is PROTO:ADDRESS:PORT[:OPTION...] with PROTO tcp4, tcp6, udp4,
 * udp6, or unix:PATH; OPTION reuseaddr or v6only (set before bind) or
 * dualstack (IPV6_V6ONLY off).  For each, REPORT gets one line, written
 * as a whole file at the end: "SPEC ok reuseaddr=R v6only=V nonblock=N" with the
 * options read back after bind, or "SPEC errno=NAME".  Then every tcp
 * socket bound listens, and each client gets "uid=UID pid=PID name=trapserve\n". */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAXS 16

static const char *ename(int e)
{
	return e == EACCES ? "EACCES" : e == EADDRINUSE ? "EADDRINUSE" : e == EINVAL ? "EINVAL" :
	       e == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : e == ENOSYS ? "ENOSYS" : strerror(e);
}

static int opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof v;

	getsockopt(fd, level, name, &v, &l);
	return v;
}

static int set(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof v);
}

/* binds one SPEC; the socket (-1 on failure), its line in line */
static int one(char *spec, char *line, size_t size, int *tcp)
{
	char copy[256], *proto, *addr, *port, *o;
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, v6, e;

	snprintf(copy, sizeof copy, "%s", spec);
	proto = strtok(copy, ":");
	addr = strtok(NULL, ":");
	if (!proto || !addr) {
		snprintf(line, size, "%s bad spec\n", spec);
		return -1;
	}
	memset(&ss, 0, sizeof ss);
	if (!strcmp(proto, "unix")) {
		struct sockaddr_un *u = (struct sockaddr_un *)&ss;

		u->sun_family = AF_UNIX;
		snprintf(u->sun_path, sizeof u->sun_path, "%s", addr);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		len = sizeof *u;
		*tcp = 0;
		if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
			snprintf(line, size, "%s errno=%s\n", spec, ename(errno));
			close(fd);
			return -1;
		}
		snprintf(line, size, "%s ok\n", spec);
		return fd;
	}
	/* an IPv6 address has colons: the port is the first all-digit part */
	port = strtok(NULL, ":");
	v6 = proto[3] == '6';
	*tcp = proto[0] == 't';
	fd = socket(v6 ? AF_INET6 : AF_INET, *tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	while ((o = strtok(NULL, ":"))) {
		if (!strcmp(o, "reuseaddr"))
			set(fd, SOL_SOCKET, SO_REUSEADDR, 1);
		else if (!strcmp(o, "v6only"))
			set(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
		else if (!strcmp(o, "dualstack"))
			set(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
		else if (!strcmp(o, "nonblock"))
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	}
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)atoi(port ? port : "0"));
		inet_pton(AF_INET6, !strcmp(addr, "any") ? "::" : !strcmp(addr, "lo") ? "::1" : addr,
			  &a->sin6_addr);
		len = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)atoi(port ? port : "0"));
		inet_pton(AF_INET, addr, &a->sin_addr);
		len = sizeof *a;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		e = errno;
		snprintf(line, size, "%s errno=%s\n", spec, ename(e));
		close(fd);
		return -1;
	}
	snprintf(line, size, "%s ok reuseaddr=%d v6only=%d nonblock=%d\n", spec,
		 opt(fd, SOL_SOCKET, SO_REUSEADDR), v6 ? opt(fd, IPPROTO_IPV6, IPV6_V6ONLY) : -1,
		 (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
	return fd;
}

int main(int argc, char **argv)
{
	struct pollfd p[MAXS];
	char report[4096] = "", line[512], tmp[4200], msg[64];
	int i, n = 0, tcp, fd;
	FILE *f;

	for (i = 2; i < argc && n < MAXS; i++) {
		fd = one(argv[i], line, sizeof line, &tcp);
		strncat(report, line, sizeof report - strlen(report) - 1);
		if (fd >= 0 && tcp && listen(fd, 128) == 0)
			p[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	}
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
	f = fopen(tmp, "w");
	if (!f || fputs(report, f) < 0 || fclose(f) != 0 || rename(tmp, argv[1]) < 0)
		return 111;
	snprintf(msg, sizeof msg, "uid=%d pid=%d name=trapserve\n", (int)getuid(), (int)getpid());
	for (;;) {
		if (poll(p, (nfds_t)n, -1) < 0)
			continue;
		for (i = 0; i < n; i++)
			if (p[i].revents & POLLIN) {
				int c = accept(p[i].fd, NULL, NULL);

				if (c >= 0) {
					if (write(c, msg, strlen(msg)) < 0)
						perror("write");
					close(c);
				}
			}
	}
}
