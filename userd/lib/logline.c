#include "logline.h"

#include <string.h>
#include <time.h>

#include "logstamp.h"
#include "tai64n.h"

static int digits(const char *s, size_t n, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "YYYY-MM-DD?HH:MM:SS.xxxxx" with ? '_' or 'T', UTC */
static int iso_time(const char *s, int64_t *ns)
{
	struct tm tm = { 0 };
	int frac;

	if (s[4] != '-' || s[7] != '-' || (s[10] != '_' && s[10] != 'T') || s[13] != ':' ||
	    s[16] != ':' || s[19] != '.')
		return 0;
	if (digits(s, 4, &tm.tm_year) || digits(s + 5, 2, &tm.tm_mon) ||
	    digits(s + 8, 2, &tm.tm_mday) || digits(s + 11, 2, &tm.tm_hour) ||
	    digits(s + 14, 2, &tm.tm_min) || digits(s + 17, 2, &tm.tm_sec) ||
	    digits(s + 20, 5, &frac))
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*ns = (int64_t)timegm(&tm) * 1000000000 + (int64_t)frac * 10000;
	return 1;
}

int logline_time(const char *line, size_t len, int64_t *ns)
{
	char buf[TAI64N_TEXT + 1];
	struct timespec ts;

	if (len < LOGSTAMP_LEN || line[LOGSTAMP_LEN - 1] != ' ')
		return 0;
	if (line[0] == '@') {
		memcpy(buf, line, TAI64N_TEXT);
		buf[TAI64N_TEXT] = '\0';
		if (tai64n_scan(buf, &ts) < 0)
			return 0;
		*ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		return 1;
	}
	return iso_time(line, ns);
}

size_t logline_tail(const char *text, size_t len, size_t n)
{
	size_t i = len;

	if (n == 0)
		return len;
	if (i > 0 && text[i - 1] == '\n')
		i--;   /* the last line's own newline */
	while (i > 0) {
		if (text[i - 1] == '\n' && --n == 0)
			return i;
		i--;
	}
	return 0;
}
