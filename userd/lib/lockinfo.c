#include "lockinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int lockinfo_probe(int dirfd, const char *path, dev_t *dev, ino_t *ino)
{
	struct stat st;
	int fd, held;

	/* O_NONBLOCK: a FIFO put there must not hang the supervisor */
	fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if (fstat(fd, &st) == 0) {
		if (dev)
			*dev = st.st_dev;
		if (ino)
			*ino = st.st_ino;
	}
	held = 0;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
		held = errno == EWOULDBLOCK ? 1 : -1;
	}
	close(fd); /* drops our shared lock, if we got it */
	return held;
}

/* one line: "N: [-> ]FLOCK ADVISORY WRITE PID MAJ:MIN:INO START END" */
static pid_t line_holder(const char *line, dev_t dev, ino_t ino)
{
	char kind[16], mode[16], rw[16];
	unsigned int maj, min;
	unsigned long long i;
	long pid;

	if (strstr(line, "->"))
		return 0;
	if (sscanf(line, "%*d: %15s %15s %15s %ld %x:%x:%llu", kind, mode, rw, &pid,
		   &maj, &min, &i) != 7)
		return 0;
	if (strcmp(kind, "FLOCK") != 0 || pid <= 0 || pid > 0x7fffffff)
		return 0;
	if (makedev(maj, min) != dev || (ino_t)i != ino)
		return 0;
	return (pid_t)pid;
}

pid_t lockinfo_parse(const char *text, size_t len, dev_t dev, ino_t ino)
{
	char line[256];
	const char *p = text, *end = text + len, *nl;
	size_t n;
	pid_t pid;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl ? nl : end) - p);
		if (n < sizeof line) {
			memcpy(line, p, n);
			line[n] = '\0';
			pid = line_holder(line, dev, ino);
			if (pid)
				return pid;
		}
		p += n + 1;
	}
	return 0;
}

pid_t lockinfo_holder(dev_t dev, ino_t ino)
{
	static char buf[1 << 20]; /* a machine with more locks is not ours */
	ssize_t n;
	int fd;

	fd = open("/proc/locks", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf);
	/* /proc/locks hands out a page or so per read: keep reading */
	if (n > 0) {
		size_t got = (size_t)n;
		while (got < sizeof buf && (n = read(fd, buf + got, sizeof buf - got)) > 0)
			got += (size_t)n;
		n = (ssize_t)got;
	}
	close(fd);
	return n > 0 ? lockinfo_parse(buf, (size_t)n, dev, ino) : 0;
}
