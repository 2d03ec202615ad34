/* logstamp: svlogd's line timestamps and the names of rotated log files.
 *
 *   -t    "@" + 24 hex digits (TAI64N) and a space              (26 bytes)
 *   -tt   "YYYY-MM-DD_HH:MM:SS.xxxxx " UTC, 1/100000 s, truncated (26 bytes)
 *   -ttt  "YYYY-MM-DDTHH:MM:SS.xxxxx "                            (26 bytes)
 *
 * The date and time part is formatted once per second and kept: stamping a
 * line within the same second only rewrites the fraction. */
#ifndef WARD_LOGSTAMP_H
#define WARD_LOGSTAMP_H

#include <stddef.h>
#include <time.h>

#define LOGSTAMP_LEN 26
/* "@" + 24 hex + ".s": the name of a rotated log file */
#define LOGSTAMP_NAMELEN 27

enum logstamp_kind { LOGSTAMP_NONE, LOGSTAMP_TAI64N, LOGSTAMP_ISO_UNDERSCORE, LOGSTAMP_ISO_T };

struct logstamp {
	enum logstamp_kind kind;
	time_t cached_sec;         /* second whose date/time is in text */
	char text[LOGSTAMP_LEN + 1];
};

void logstamp_init(struct logstamp *s, enum logstamp_kind kind);
/* Formats ts into s->text; returns the length (0 for LOGSTAMP_NONE). */
size_t logstamp_fmt(struct logstamp *s, const struct timespec *ts);

/* Writes the name of a log file rotated at ts, with suffix 's', 'u' or 't',
 * NUL-terminated (out holds LOGSTAMP_NAMELEN + 1). */
void logstamp_name(char out[LOGSTAMP_NAMELEN + 1], const struct timespec *ts, char suffix);
/* 1 if name is a rotated log file ("@" + 24 hex + "." + suffix); the
 * suffix is stored in *suffix. */
int logstamp_is_old(const char *name, char *suffix);

#endif
