#include "logstamp.h"

#include <string.h>

#include "tai64n.h"

void logstamp_init(struct logstamp *s, enum logstamp_kind kind)
{
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->cached_sec = (time_t)-1;
}

static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* "YYYY-MM-DD_HH:MM:SS." for one second, in UTC */
static void fmt_second(struct logstamp *s, time_t sec)
{
	struct tm tm;
	int y;

	gmtime_r(&sec, &tm);
	y = tm.tm_year + 1900;
	s->text[0] = (char)('0' + y / 1000 % 10);
	s->text[1] = (char)('0' + y / 100 % 10);
	put2(s->text + 2, y % 100);
	s->text[4] = '-';
	put2(s->text + 5, tm.tm_mon + 1);
	s->text[7] = '-';
	put2(s->text + 8, tm.tm_mday);
	s->text[10] = s->kind == LOGSTAMP_ISO_T ? 'T' : '_';
	put2(s->text + 11, tm.tm_hour);
	s->text[13] = ':';
	put2(s->text + 14, tm.tm_min);
	s->text[16] = ':';
	put2(s->text + 17, tm.tm_sec);
	s->text[19] = '.';
	s->text[25] = ' ';
	s->cached_sec = sec;
}

size_t logstamp_fmt(struct logstamp *s, const struct timespec *ts)
{
	long frac;
	int i;

	switch (s->kind) {
	case LOGSTAMP_NONE:
		return 0;
	case LOGSTAMP_TAI64N:
		tai64n_fmt(s->text, ts);
		s->text[TAI64N_TEXT] = ' ';
		return LOGSTAMP_LEN;
	default:
		break;
	}
	if (ts->tv_sec != s->cached_sec)
		fmt_second(s, ts->tv_sec);
	frac = ts->tv_nsec / 10000;
	for (i = 24; i >= 20; i--, frac /= 10)
		s->text[i] = (char)('0' + frac % 10);
	return LOGSTAMP_LEN;
}

void logstamp_name(char out[LOGSTAMP_NAMELEN + 1], const struct timespec *ts, char suffix)
{
	tai64n_fmt(out, ts);
	out[TAI64N_TEXT] = '.';
	out[TAI64N_TEXT + 1] = suffix;
	out[TAI64N_TEXT + 2] = 0;
}

int logstamp_is_old(const char *name, char *suffix)
{
	struct timespec ts;

	if (strlen(name) != LOGSTAMP_NAMELEN || name[TAI64N_TEXT] != '.')
		return 0;
	if (tai64n_scan(name, &ts) < 0)
		return 0;
	*suffix = name[TAI64N_TEXT + 1];
	return 1;
}
