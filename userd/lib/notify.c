#include "notify.h"

#include <string.h>

void notify_printable(char *out, size_t size, const char *in, size_t len)
{
	size_t i;

	if (size == 0)
		return;
	if (len > size - 1)
		len = size - 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[len] = '\0';
}

static int line_parse(const char *line, size_t len, char *text, size_t size)
{
	if (len == 7 && memcmp(line, "READY=1", 7) == 0)
		return NOTIFY_READY;
	if (len >= 7 && memcmp(line, "STATUS=", 7) == 0) {
		notify_printable(text, size, line + 7, len - 7);
		return NOTIFY_STATUS;
	}
	return 0;
}

int notify_parse(const char *msg, size_t len, char *text, size_t size)
{
	const char *end = msg + len, *nl;
	int got = 0;

	while (msg < end) {
		nl = memchr(msg, '\n', (size_t)(end - msg));
		if (!nl)
			nl = end;
		got |= line_parse(msg, (size_t)(nl - msg), text, size);
		msg = nl + 1;
	}
	return got;
}

pid_t notify_stat_ppid(const char *buf, size_t len)
{
	const char *p = NULL, *end = buf + len, *digits;
	long v = 0;
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] == ')')
			p = buf + i;
	/* ") S PPID ": skip ") ", the state letter and a space */
	if (!p || end - p < 5 || p[1] != ' ' || p[3] != ' ')
		return -1;
	for (digits = p += 4; p < end && *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > 0x7fffffffL)
			return -1;
	}
	if (p == digits || p == end || *p != ' ')
		return -1;
	return (pid_t)v;
}
