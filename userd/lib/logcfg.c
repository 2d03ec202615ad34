#include "logcfg.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "creds.h"

void logcfg_init(struct logcfg *c)
{
	memset(c, 0, sizeof *c);
	c->size = 1000000;
	c->num = 10;
	c->text[0] = 0;
	c->used = 1;   /* offset 0 is the empty string */
}

/* Stores s (NUL-terminated in text) and returns its offset, or -1. */
static int store(struct logcfg *c, const char *s, size_t len)
{
	size_t off = c->used;

	if (len > 0xffff || off + len + 1 > sizeof c->text)
		return -1;
	memcpy(c->text + off, s, len);
	c->text[off + len] = 0;
	c->used += len + 1;
	return (int)off;
}

static int number(const char *s, size_t len, unsigned long *out)
{
	char buf[32];

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	return creds_number(buf, out);
}

/* a letter after the digits of s and t multiplies, as in runit's svlogd */
struct unit {
	char letter;
	unsigned long times;
};
static const struct unit size_units[] = { { 'k', 1024 }, { 'm', 1024 * 1024 }, { 0, 0 } };
static const struct unit time_units[] = { { 'm', 60 }, { 'h', 3600 }, { 0, 0 } };

/* digits, then at most one of the letters of units */
static int number_in(const char *s, size_t len, const struct unit *units, unsigned long *out)
{
	unsigned long times = 1, v;

	for (; len > 1 && units->letter; units++)
		if (s[len - 1] == units->letter) {
			times = units->times;
			len--;
			break;
		}
	if (number(s, len, &v) < 0 || v > ULONG_MAX / times)
		return -1;
	*out = v * times;
	return 0;
}

/* "a.b.c.d[:port]", port 514 by default (syslog) */
static int udp_addr(const char *s, size_t len, struct sockaddr_in *sa)
{
	char buf[64];
	const char *colon;
	unsigned long port = 514;

	if (len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	colon = strchr(buf, ':');
	if (colon) {
		if (creds_number(colon + 1, &port) < 0 || port == 0 || port > 65535)
			return -1;
		buf[colon - buf] = 0;
	}
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)port);
	return inet_pton(AF_INET, buf, &sa->sin_addr) == 1 ? 0 : -1;
}

/* One line (without its newline).  Returns NULL or what was wrong. */
static const char *parse_line(struct logcfg *c, const char *s, size_t len)
{
	const char *arg = s + 1;
	size_t alen = len - 1;
	int off;

	switch (s[0]) {
	case 's':
		return number_in(arg, alen, size_units, &c->size) ?
			"s: expected a size in bytes (k, m: KiB, MiB)" : NULL;
	case 'n': return number(arg, alen, &c->num) ? "n: expected a number of files" : NULL;
	case 'N': return number(arg, alen, &c->min) ? "N: expected a number of files" : NULL;
	case 't':
		return number_in(arg, alen, time_units, &c->timeout) ?
			"t: expected seconds (m, h: minutes, hours)" : NULL;
	case 'u':
	case 'U':
		if (udp_addr(arg, alen, &c->udp_addr) < 0)
			return "u: expected a.b.c.d[:port]";
		c->udp = s[0];
		return NULL;
	case '!':
	case 'p':
		off = store(c, arg, alen);
		if (off < 0)
			return "config too large";
		if (s[0] == 'p') {
			c->prefix_off = (unsigned short)off;
			c->prefix_len = (unsigned short)alen;
		} else {
			c->proc_off = (unsigned short)off;
			c->proc_len = (unsigned short)alen;
		}
		return NULL;
	case '+':
	case '-':
	case 'e':
	case 'E':
		if (c->npatterns >= LOGCFG_MAXPATTERNS)
			return "too many patterns";
		off = store(c, arg, alen);
		if (off < 0)
			return "config too large";
		c->patterns[c->npatterns].kind = s[0];
		c->patterns[c->npatterns].off = (unsigned short)off;
		c->patterns[c->npatterns].len = (unsigned short)alen;
		c->npatterns++;
		if (s[0] == 'e' || s[0] == 'E')
			c->has_stderr_patterns = 1;
		return NULL;
	}
	return "unknown directive";
}

int logcfg_parse(struct logcfg *c, const char *name, const char *buf, size_t len,
		 void (*warn)(const char *msg))
{
	const char *end = buf + len, *nl, *why;
	char msg[512];
	int lineno = 0, bad = 0;
	size_t n;

	logcfg_init(c);
	while (buf < end) {
		nl = memchr(buf, '\n', (size_t)(end - buf));
		n = nl ? (size_t)(nl - buf) : (size_t)(end - buf);
		lineno++;
		if (n > 0 && buf[0] != '#') {
			why = parse_line(c, buf, n);
			if (why) {
				bad++;
				snprintf(msg, sizeof msg, "%s:%d: %s: %.*s", name, lineno, why,
					 (int)(n > 60 ? 60 : n), buf);
				if (warn)
					warn(msg);
			}
		}
		buf += n + (nl ? 1 : 0);
	}
	return bad;
}

int logcfg_match(const char *p, size_t plen, const char *msg, size_t len)
{
	const char *pe = p + plen, *me = msg + len;
	char next;

	while (p < pe) {
		if (*p == '*') {
			if (p + 1 == pe)
				return 1;
			next = p[1];
			while (msg < me && *msg != next)
				msg++;
			p++;
		} else if (*p == '+') {
			/* '+' at the end repeats "end of message": matches only there */
			if (p + 1 == pe)
				return msg == me;
			next = p[1];
			if (msg == me || *msg != next)
				return 0;
			while (msg < me && *msg == next)
				msg++;
			p += 2;
		} else {
			if (msg == me || *msg != *p)
				return 0;
			p++;
			msg++;
		}
	}
	return msg == me;
}

void logcfg_select(const struct logcfg *c, const char *msg, size_t len,
		   int *to_log, int *to_stderr)
{
	const struct logcfg_pattern *pt;
	int i;

	*to_log = 1;
	*to_stderr = 0;
	for (i = 0; i < c->npatterns; i++) {
		pt = &c->patterns[i];
		if ((pt->kind == '+' && *to_log) || (pt->kind == '-' && !*to_log) ||
		    (pt->kind == 'e' && *to_stderr) || (pt->kind == 'E' && !*to_stderr))
			continue;   /* would change nothing: skip the match */
		if (!logcfg_match(c->text + pt->off, pt->len, msg, len))
			continue;
		if (pt->kind == '+' || pt->kind == '-')
			*to_log = pt->kind == '+';
		else
			*to_stderr = pt->kind == 'e';
	}
}
