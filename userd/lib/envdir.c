#include "envdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

ssize_t envdir_value(char *buf, size_t len)
{
	char *nl;
	size_t i;

	if (len == 0)
		return -1;
	nl = memchr(buf, '\n', len);
	if (nl)
		len = (size_t)(nl - buf);
	while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	for (i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = '\n';
	return (ssize_t)len;
}

/* Reads the file's first line (or all of it, if shorter) into buf, which
 * holds ENVDIR_VALUE_MAX + 1 bytes.  Returns the count read, or -1. */
static ssize_t read_first_line(int fd, char *buf)
{
	size_t got = 0;
	ssize_t r;

	while (got <= ENVDIR_VALUE_MAX) {
		r = read(fd, buf + got, ENVDIR_VALUE_MAX + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		if (memchr(buf + got, '\n', (size_t)r)) {
			got += (size_t)r;
			break;
		}
		got += (size_t)r;
	}
	if (got > ENVDIR_VALUE_MAX && !memchr(buf, '\n', got)) {
		errno = E2BIG;
		return -1;
	}
	return (ssize_t)got;
}

/* Sets or unsets one variable; name "K=rest" sets K to "rest=value". */
static int env_set(const char *name, char *value, ssize_t len)
{
	const char *eq = strchr(name, '=');
	char key[256], *full = NULL;
	int rc;

	if (len >= 0)
		value[len] = 0;
	if (!eq)
		return len < 0 ? unsetenv(name) : setenv(name, value, 1);
	if ((size_t)(eq - name) >= sizeof key || eq == name) {
		errno = EINVAL;
		return -1;
	}
	memcpy(key, name, (size_t)(eq - name));
	key[eq - name] = 0;
	if (len < 0)
		return unsetenv(key);
	if (asprintf(&full, "%s=%s", eq + 1, value) < 0)
		return -1;
	rc = setenv(key, full, 1);
	free(full);
	return rc;
}

static int apply_one(int dfd, const char *dir, const char *name, char *buf,
		     enum envdir_subdir subdir, char *err, size_t errlen)
{
	ssize_t n;
	int fd, e;

	fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	n = read_first_line(fd, buf);
	e = errno;
	close(fd);
	errno = e;
	if (n < 0 && errno == EISDIR && subdir != ENVDIR_FAIL) {
		if (subdir == ENVDIR_SKIP_WARN)
			err_warn_sys("unable to read %s/%s", dir, name);
		return 0;
	}
	if (n < 0)
		goto fail;
	if (env_set(name, buf, envdir_value(buf, (size_t)n)) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "unable to read %s/%s: %s", dir, name,
		 errno == E2BIG ? "first line too long" : strerror(errno));
	return -1;
}

int envdir_apply(const char *dir, enum envdir_subdir subdir, char *err, size_t errlen)
{
	struct dirent *d;
	DIR *dp;
	char *buf;
	int rc = 0, e;

	dp = opendir(dir);
	if (!dp) {
		snprintf(err, errlen, "unable to switch to directory: %s: %s", dir, strerror(errno));
		return -1;
	}
	buf = malloc(ENVDIR_VALUE_MAX + 1);
	if (!buf) {
		closedir(dp);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* errno is cleared before each readdir, not after a failed file */
	while (rc == 0) {
		errno = 0;
		d = readdir(dp);
		if (!d)
			break;
		if (d->d_name[0] != '.')
			rc = apply_one(dirfd(dp), dir, d->d_name, buf, subdir, err, errlen);
	}
	if (rc == 0 && errno) {
		snprintf(err, errlen, "unable to read directory: %s: %s", dir, strerror(errno));
		rc = -1;
	}
	e = errno;
	free(buf);
	closedir(dp);
	errno = e;
	return rc;
}
