/* cgmount: see cgmount.h. */
#include "cgmount.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static int unescape(const char *s, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\' && i + 3 < n &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		}
		if (o + 1 >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		buf[o++] = c;
	}
	buf[o] = '\0';
	return 0;
}

/* field i (0-based, space-separated) of the line [s, end): start and length */
static int field(const char *s, const char *end, int i, const char **f, size_t *n)
{
	for (;;) {
		const char *sp = memchr(s, ' ', (size_t)(end - s));
		const char *e = sp ? sp : end;
		if (i-- == 0) {
			*f = s;
			*n = (size_t)(e - s);
			return 0;
		}
		if (!sp)
			return -1;
		s = sp + 1;
	}
}

/* 1 if the line [s, end) is a cgroup2 mount; *root_slash: its root is "/" */
static int is_cgroup2(const char *s, const char *end, int *root_slash)
{
	const char *sep = NULL, *p, *f;
	size_t n;

	/* optional fields end at " - "; the file system type follows it */
	for (p = s; p + 3 <= end; p++)
		if (memcmp(p, " - ", 3) == 0) {
			sep = p + 3;
			break;
		}
	if (!sep || field(sep, end, 0, &f, &n) < 0)
		return 0;
	if (n != 7 || memcmp(f, "cgroup2", 7) != 0)
		return 0;
	*root_slash = field(s, end, 3, &f, &n) == 0 && n == 1 && f[0] == '/';
	return 1;
}

int cgmount_parse_mountinfo(const char *text, char *buf, size_t len)
{
	const char *s = text, *best = NULL, *best_end = NULL;

	while (*s) {
		const char *end = strchr(s, '\n');
		int root_slash;
		if (!end)
			end = s + strlen(s);
		/* the first cgroup2 mount, unless a later one has root "/" */
		if (is_cgroup2(s, end, &root_slash) && (!best || root_slash)) {
			best = s;
			best_end = end;
			if (root_slash)
				break;
		}
		s = *end ? end + 1 : end;
	}
	if (best) {
		const char *f;
		size_t n;
		if (field(best, best_end, 4, &f, &n) == 0)
			return unescape(f, n, buf, len);
	}
	errno = ENOENT;
	return -1;
}

/* 1 if path has a ".." component */
static int has_dotdot(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		while (j < n && p[j] != '/')
			j++;
		if (j - i == 2 && p[i] == '.' && p[i + 1] == '.')
			return 1;
		i = j + 1;
	}
	return 0;
}

int cgmount_parse_cgroup(const char *text, char *buf, size_t len)
{
	const char *s = text;

	while (*s) {
		const char *end = strchr(s, '\n');
		size_t n;
		if (!end)
			end = s + strlen(s);
		n = (size_t)(end - s);
		if (n >= 3 && memcmp(s, "0::", 3) == 0) {
			s += 3;
			n -= 3;
			if (n == 0 || s[0] != '/' || has_dotdot(s, n)) {
				errno = EINVAL;
				return -1;
			}
			if (n + 1 > len) {
				errno = ENAMETOOLONG;
				return -1;
			}
			memcpy(buf, s, n);
			buf[n] = '\0';
			return 0;
		}
		s = *end ? end + 1 : end;
	}
	errno = ENOENT;
	return -1;
}

/* a /proc file's text, NUL-terminated; 0 or -1 */
static int read_proc(const char *name, char *buf, size_t size)
{
	ssize_t n = fs_read_file(AT_FDCWD, name, buf, size - 1);

	if (n < 0)
		return -1;
	if ((size_t)n == size - 1) { /* more than we can hold: refuse, not cut */
		errno = EFBIG;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

int cgmount_find(char *buf, size_t len)
{
	static char text[262144]; /* hosts with thousands of mounts */

	if (read_proc("/proc/self/mountinfo", text, sizeof text) < 0)
		return -1;
	return cgmount_parse_mountinfo(text, buf, len);
}

int cgmount_self(char *buf, size_t len)
{
	char text[4096], rel[4096], mnt[4096];
	size_t m, r;

	if (cgmount_find(mnt, sizeof mnt) < 0 ||
	    read_proc("/proc/self/cgroup", text, sizeof text) < 0 ||
	    cgmount_parse_cgroup(text, rel, sizeof rel) < 0)
		return -1;
	m = strlen(mnt);
	r = strcmp(rel, "/") == 0 ? 0 : strlen(rel);
	if (m + r + 1 > len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, mnt, m);
	memcpy(buf + m, rel, r + 1);
	if (r == 0)
		buf[m] = '\0';
	return 0;
}
