/* lograte: lines that someone else can cause, in bounded number, and
 * their text made safe to log.
 *
 * A window of window_ms opens with the first line; up to burst lines in it
 * are logged, the rest counted.  When the window is over, lograte_end
 * returns the count (for one line that sums them up) and the next line
 * opens a new window.  A pure state machine over the caller's clock
 * (clock_ms), like common/restart.
 *
 * logline_escape copies a line for a log: a byte below 0x20, 0x7f and above,
 * or a backslash, becomes \xNN (\\ for the backslash), so that a line can
 * neither move a terminal's cursor nor read as another line. */
#ifndef WARD_LOGRATE_H
#define WARD_LOGRATE_H

#include <stddef.h>
#include <stdint.h>

struct lograte {
	int64_t until;      /* end of the window; 0: none open */
	unsigned logged;    /* lines logged in it */
	unsigned quiet;     /* lines counted, not logged */
};

/* 1: log this line; 0: it is counted in r->quiet. */
int lograte_take(struct lograte *r, int64_t now, unsigned burst, int64_t window_ms);
/* The lines counted in a window that is over at now (0 if none, or if it
 * is not over); the count starts again from 0. */
unsigned lograte_end(struct lograte *r, int64_t now);
/* When the window with lines counted is over; INT64_MAX: none is due. */
int64_t lograte_due(const struct lograte *r);

/* The len bytes at in, escaped, into out (always terminated); stops before
 * an escape that does not fit.  Returns the bytes of in used. */
size_t logline_escape(char *out, size_t size, const char *in, size_t len);

#endif
