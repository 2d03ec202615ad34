#include "ptitle.h"

#include <string.h>

int ptitle_init(struct ptitle *t, char *buf, size_t len)
{
	if (len < PTITLE_MIN)
		return -1;
	t->buf = buf;
	t->len = len;
	return 0;
}

static void add_byte(struct ptitle *t, char c)
{
	char *s = t->buf + PTITLE_KEEP;
	size_t n = t->len - PTITLE_KEEP;

	memmove(s, s + 1, n - 1);
	s[n - 1] = c;
}

void ptitle_add(struct ptitle *t, const char *data, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (data[i] != '\0')
			add_byte(t, data[i]);
}

int ptitle_clean(const struct ptitle *t)
{
	size_t i;

	for (i = PTITLE_KEEP; i < t->len; i++)
		if (t->buf[i] != '.')
			return 0;
	return 1;
}
