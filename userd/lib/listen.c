#include "listen.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static int fail(char *err, size_t errlen, unsigned line, const char *msg, const char *what)
{
	snprintf(err, errlen, "%u: %s%s%.*s%s", line, msg, what ? " \"" : "",
		 what ? 40 : 0, what ? what : "", what ? "\"" : "");
	return -1;
}

static int parse_proto(const char *w, struct listen_entry *e)
{
	if (strcmp(w, "tcp") == 0)
		e->ep.proto = EP_TCP;
	else if (strcmp(w, "udp") == 0)
		e->ep.proto = EP_UDP;
	else
		return -1;
	return 0;
}

static int parse_name(const char *w, char *name)
{
	size_t n = strlen(w), i;

	if (n == 0 || n >= LISTEN_NAME_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		char c = w[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return -1;
	}
	memcpy(name, w, n + 1);
	return 0;
}

/* splits line into at most 4 words; returns the count (4 = too many) */
static int split_words(char *line, char *w[4])
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == 4)
			return 4;
		w[n++] = t;
	}
	return n;
}

static int parse_line(char *line, unsigned lineno, struct listen_entry *e,
		      char *err, size_t errlen)
{
	char *w[4];
	char *hash = strchr(line, '#');
	int n;

	if (hash)
		*hash = '\0';
	n = split_words(line, w);
	if (n == 0)
		return 0;
	if (n == 1 || n == 4)
		return fail(err, errlen, lineno, "expected PROTO [ADDRESS:]PORT [name=NAME]", NULL);
	if (parse_proto(w[0], e) < 0)
		return fail(err, errlen, lineno, "unknown protocol (expected tcp or udp):", w[0]);
	if (ep_parse(w[1], &e->ep) < 0)
		return fail(err, errlen, lineno, "bad address or port (expected [ADDRESS:]PORT, port 1-65535):", w[1]);
	if (n == 3) {
		/* as systemd's ReusePort= would: said plainly, since it is never set */
		if (strcasecmp(w[2], "reuseport") == 0 || strncasecmp(w[2], "reuseport=", 10) == 0)
			return fail(err, errlen, lineno, "no reuseport: SO_REUSEPORT is never set "
				    "(expected name=NAME or nothing):", w[2]);
		if (strncmp(w[2], "name=", 5) != 0 || parse_name(w[2] + 5, e->name) < 0)
			return fail(err, errlen, lineno, "bad name (expected name=NAME, 1-63 of A-Z a-z 0-9 . _ -):", w[2]);
	} else {
		snprintf(e->name, sizeof e->name, "%s-%u", e->ep.proto == EP_TCP ? "tcp" : "udp",
			 e->ep.port);
	}
	return 1;
}

int listen_parse(const char *text, size_t len, struct listen_entry *out, size_t max,
		 char *err, size_t errlen)
{
	char line[256];
	size_t pos = 0, count = 0, i;
	unsigned lineno = 0;

	if (len > LISTEN_FILE_MAX)
		return fail(err, errlen, 0, "file too long (at most 8192 bytes)", NULL);
	if (memchr(text, '\0', len))
		return fail(err, errlen, 0, "file contains a NUL byte", NULL);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		struct listen_entry e;
		int r;

		lineno++;
		if (n >= sizeof line)
			return fail(err, errlen, lineno, "line too long", NULL);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		memset(&e, 0, sizeof e);
		r = parse_line(line, lineno, &e, err, errlen);
		if (r <= 0) {
			if (r < 0)
				return -1;
			continue;
		}
		if (count == max) {
			snprintf(err, errlen, "%u: too many sockets (at most %zu)", lineno, max);
			return -1;
		}
		for (i = 0; i < count; i++)
			if (ep_equal(&out[i].ep, &e.ep))
				return fail(err, errlen, lineno, "socket listed twice:",
					    listen_describe(&e, line, sizeof line));
		out[count++] = e;
	}
	return (int)count;
}

char *listen_describe(const struct listen_entry *e, char *out, size_t size)
{
	return ep_format(&e->ep, out, size);
}
