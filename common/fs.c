#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fs_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int fs_write_atomic(int dirfd, const char *name, const void *buf, size_t len)
{
	return fs_write_atomic_mode(dirfd, name, buf, len, 0);
}

int fs_write_atomic_mode(int dirfd, const char *name, const void *buf, size_t len, mode_t mode)
{
	char tmp[256];
	int fd, e;

	if (snprintf(tmp, sizeof tmp, "%s.new", name) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if ((mode && fchmod(fd, mode) < 0) || fs_write_all(fd, buf, len) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (close(fd) < 0)
		return -1;
	return renameat(dirfd, tmp, dirfd, name);
}

ssize_t fs_read_file(int dirfd, const char *name, void *buf, size_t size)
{
	size_t got = 0;
	ssize_t r;
	int fd, e;

	fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (got < size) {
		r = read(fd, (char *)buf + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return (ssize_t)got;
}

int fs_sibling_exe(const char *name, char *out, size_t size)
{
	char self[4096];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n < 0)
		return -1;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if (snprintf(out, size, "%s/%s", self, name) >= (int)size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int fs_own_fd(int fd, mode_t type, mode_t mode)
{
	struct stat st;
	int e;

	if (fd < 0)
		return -1;
	e = fstat(fd, &st) < 0 ? errno : (st.st_mode & S_IFMT) != type || st.st_uid != geteuid() ? EPERM : 0;
	if (!e && fchmod(fd, mode) < 0)
		e = errno;
	if (!e)
		return fd;
	close(fd);
	errno = e;
	return -1;
}

int fs_own_dir(int dirfd, const char *name)
{
	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return -1;
	return fs_own_fd(openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC),
			 S_IFDIR, 0700);
}

int fs_write_text(int dirfd, const char *name, const char *text)
{
	int fd = openat(dirfd, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC), r, e;

	if (fd < 0)
		return -1;
	r = fs_write_all(fd, text, strlen(text));
	e = errno;
	close(fd);
	errno = e;
	return r;
}
