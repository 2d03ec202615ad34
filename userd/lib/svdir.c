#include "svdir.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fs.h"

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int svdir_parse_uint(const char *text, size_t len, unsigned long min, unsigned long max,
		     unsigned long *val)
{
	size_t i = 0, digits = 0;
	unsigned long v = 0;

	while (i < len && blank(text[i]))
		i++;
	for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, digits++) {
		if (v > (max - (unsigned long)(text[i] - '0')) / 10)
			return -1;  /* above max, or would overflow */
		v = v * 10 + (unsigned long)(text[i] - '0');
	}
	while (i < len && blank(text[i]))
		i++;
	if (digits == 0 || i != len || v < min || v > max)
		return -1;
	*val = v;
	return 0;
}

int svdir_read(int dirfd, const char *name, char buf[SVDIR_FILE_MAX + 1], size_t *len,
	       char *err, size_t errlen)
{
	ssize_t n = fs_read_file(dirfd, name, buf, SVDIR_FILE_MAX + 1);

	if (n < 0 && errno == ENOENT)
		return 0;
	if (n < 0) {
		snprintf(err, errlen, "%s: unable to read: %s", name, strerror(errno));
		return -1;
	}
	*len = (size_t)n;
	return 1;
}

int svdir_read_uint(int dirfd, const char *name, unsigned long min, unsigned long max,
		    unsigned long *val, char *err, size_t errlen)
{
	char buf[SVDIR_FILE_MAX + 1];
	size_t n;
	int r = svdir_read(dirfd, name, buf, &n, err, errlen);

	if (r <= 0)
		return r;
	if (n > SVDIR_FILE_MAX || svdir_parse_uint(buf, n, min, max, val) < 0) {
		snprintf(err, errlen, "%s: expected a number from %lu to %lu", name, min, max);
		return -1;
	}
	return 1;
}
