#include "lograte.h"

#include <stdio.h>

int lograte_take(struct lograte *r, int64_t now, unsigned burst, int64_t window_ms)
{
	if (r->until == 0 || now >= r->until) {
		r->until = now + window_ms;
		r->logged = 0;
	}
	if (r->logged < burst) {
		r->logged++;
		return 1;
	}
	r->quiet++;
	return 0;
}

unsigned lograte_end(struct lograte *r, int64_t now)
{
	unsigned n = r->quiet;

	if (!n || now < r->until)
		return 0;
	r->quiet = 0;
	r->until = 0;
	return n;
}

int64_t lograte_due(const struct lograte *r)
{
	return r->quiet ? r->until : INT64_MAX;
}

size_t logline_escape(char *out, size_t size, const char *in, size_t len)
{
	size_t i, o = 0;

	if (!size)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= size)
				break;
			out[o++] = (char)c;
		} else if (c == '\\') {
			if (o + 2 >= size)
				break;
			out[o++] = '\\';
			out[o++] = '\\';
		} else {
			if (o + 4 >= size)
				break;
			snprintf(out + o, 5, "\\x%02x", c);
			o += 4;
		}
	}
	out[o] = '\0';
	return i;
}
