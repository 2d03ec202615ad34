/* logline: the time of a line svlogd wrote, for `ward logs` to interleave
 * several services' logs.
 *
 *   logline_time(line, len, &ns)  1 with the time in nanoseconds since the
 *       epoch if the line starts with one of svlogd's stamps (-t TAI64N,
 *       -tt "YYYY-MM-DD_HH:MM:SS.xxxxx ", -ttt the same with a 'T'); 0 if
 *       it has none (then it sorts with the line before it)
 *   logline_tail(text, len, n)    the offset in text where its last n
 *       lines begin (a last line without its newline counts) */
#ifndef WARD_LOGLINE_H
#define WARD_LOGLINE_H

#include <stddef.h>
#include <stdint.h>

int logline_time(const char *line, size_t len, int64_t *ns);
size_t logline_tail(const char *text, size_t len, size_t n);

#endif
