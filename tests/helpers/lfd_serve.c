/* lfd_serve [REPORT]: a socket-activated server for the ports tests.
 *
 * Takes its sockets the systemd way (fds 3.. with LISTEN_FDS, only if
 * LISTEN_PID is its own pid).  With REPORT, first writes what it received
 * there (atomically): its pid and uid, the three variables, every open fd,
 * and what each socket is.  Then serves: a tcp client gets
 * "uid=UID pid=PID name=NAME\n"; a udp datagram is answered the same. */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXFDS 16

static char names[MAXFDS][64];

static const char *env(const char *n)
{
	const char *v = getenv(n);

	return v ? v : "(unset)";
}

static void describe(FILE *f, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char a[INET6_ADDRSTRLEN] = "?";
	int type = 0, acc = 0;
	socklen_t tl = sizeof type, al = sizeof acc;
	unsigned port = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		fprintf(f, "fd %d: not a socket\n", fd);
		return;
	}
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl);
	getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &al);
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, a, sizeof a);
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	} else if (ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a, sizeof a);
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}
	fprintf(f, "fd %d: %s %s %u%s\n", fd, type == SOCK_STREAM ? "tcp" : "udp", a, port,
		acc ? " listening" : "");
}

static void report(const char *path, int n)
{
	char tmp[4096];
	struct dirent *d;
	DIR *dir;
	FILE *f;
	int i;

	snprintf(tmp, sizeof tmp, "%s.new", path);
	f = fopen(tmp, "w");
	if (!f)
		exit(111);
	fprintf(f, "pid=%d uid=%d\n", (int)getpid(), (int)getuid());
	fprintf(f, "LISTEN_FDS=%s\nLISTEN_PID=%s\nLISTEN_FDNAMES=%s\n", env("LISTEN_FDS"),
		env("LISTEN_PID"), env("LISTEN_FDNAMES"));
	fprintf(f, "fds:");
	dir = opendir("/proc/self/fd");
	while (dir && (d = readdir(dir)))
		if (d->d_name[0] != '.' && atoi(d->d_name) != dirfd(dir) &&
		    atoi(d->d_name) != fileno(f))
			fprintf(f, " %s", d->d_name);
	if (dir)
		closedir(dir);
	fprintf(f, "\n");
	for (i = 0; i < n; i++)
		describe(f, 3 + i);
	fclose(f);
	rename(tmp, path);
}

static void names_split(int n)
{
	const char *v = getenv("LISTEN_FDNAMES");
	int i;

	for (i = 0; i < n; i++) {
		size_t len = v ? strcspn(v, ":") : 0;

		snprintf(names[i], sizeof names[i], "%.*s", (int)len, v ? v : "");
		if (v)
			v = v[len] ? v + len + 1 : NULL;
	}
}

static void serve_one(int fd, int i)
{
	char msg[128], buf[512];
	struct sockaddr_storage peer;
	socklen_t plen = sizeof peer;
	int type = 0, c;
	socklen_t tl = sizeof type;
	ssize_t r;

	snprintf(msg, sizeof msg, "uid=%d pid=%d name=%s\n", (int)getuid(), (int)getpid(), names[i]);
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl);
	if (type == SOCK_STREAM) {
		c = accept(fd, NULL, NULL);
		if (c < 0)
			return;
		if (write(c, msg, strlen(msg)) < 0) {
			/* the client went away: its loss */
		}
		close(c);
		return;
	}
	r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &plen);
	if (r >= 0)
		sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&peer, plen);
}

int main(int argc, char **argv)
{
	struct pollfd pfd[MAXFDS];
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int n = 0, i;

	if (pid && fds && atoi(pid) == (int)getpid())
		n = atoi(fds);
	if (n < 0 || n > MAXFDS)
		n = 0;
	if (argc > 1)
		report(argv[1], n);
	if (n == 0) {
		fprintf(stderr, "lfd_serve: no sockets (LISTEN_FDS=%s LISTEN_PID=%s)\n", env("LISTEN_FDS"),
			env("LISTEN_PID"));
		return 1;
	}
	names_split(n);
	for (i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ .fd = 3 + i, .events = POLLIN };
	for (;;) {
		if (poll(pfd, (nfds_t)n, -1) < 0)
			continue;
		for (i = 0; i < n; i++)
			if (pfd[i].revents)
				serve_one(pfd[i].fd, i);
	}
}
