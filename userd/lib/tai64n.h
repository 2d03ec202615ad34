/* tai64n: TAI64 and TAI64N labels, as runit, daemontools and s6 write them.
 *
 * A TAI64 label is 2^62 + 10 + unix seconds (the 10 s TAI-UTC offset of 1970,
 * as libtai uses it without a leap-second table), big-endian in 8 bytes;
 * TAI64N adds 4 big-endian bytes of nanoseconds.  As text: '@' and 24 hex digits. */
#ifndef WARD_TAI64N_H
#define WARD_TAI64N_H

#include <stdint.h>
#include <time.h>

#define TAI64N_PACKED 12
#define TAI64N_TEXT   25   /* "@" + 24 hex digits, without NUL */

uint64_t tai64_from_unix(int64_t unix_sec);
int64_t  tai64_to_unix(uint64_t tai);

void tai64n_pack(unsigned char out[TAI64N_PACKED], const struct timespec *ts);
void tai64n_unpack(const unsigned char in[TAI64N_PACKED], struct timespec *ts);
/* writes exactly TAI64N_TEXT characters, no NUL */
void tai64n_fmt(char out[TAI64N_TEXT], const struct timespec *ts);
/* parses "@" + 24 hex digits; returns 0 or -1 on malformed input */
int tai64n_scan(const char *in, struct timespec *ts);

#endif
