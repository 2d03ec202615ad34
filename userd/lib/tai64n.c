#include "tai64n.h"

#define TAI64_BASE 4611686018427387914ULL /* 2^62 + 10 */

uint64_t tai64_from_unix(int64_t unix_sec)
{
	return TAI64_BASE + (uint64_t)unix_sec;
}

int64_t tai64_to_unix(uint64_t tai)
{
	return (int64_t)(tai - TAI64_BASE);
}

void tai64n_pack(unsigned char out[TAI64N_PACKED], const struct timespec *ts)
{
	uint64_t s = tai64_from_unix(ts->tv_sec);
	uint32_t n = (uint32_t)ts->tv_nsec;
	int i;

	for (i = 7; i >= 0; i--, s >>= 8)
		out[i] = (unsigned char)(s & 0xff);
	for (i = 11; i >= 8; i--, n >>= 8)
		out[i] = (unsigned char)(n & 0xff);
}

void tai64n_unpack(const unsigned char in[TAI64N_PACKED], struct timespec *ts)
{
	uint64_t s = 0;
	uint32_t n = 0;
	int i;

	for (i = 0; i < 8; i++)
		s = (s << 8) | in[i];
	for (i = 8; i < 12; i++)
		n = (n << 8) | in[i];
	ts->tv_sec = (time_t)tai64_to_unix(s);
	ts->tv_nsec = n;
}

void tai64n_fmt(char out[TAI64N_TEXT], const struct timespec *ts)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[TAI64N_PACKED];
	int i;

	tai64n_pack(b, ts);
	out[0] = '@';
	for (i = 0; i < TAI64N_PACKED; i++) {
		out[1 + 2 * i] = hex[b[i] >> 4];
		out[2 + 2 * i] = hex[b[i] & 15];
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tai64n_scan(const char *in, struct timespec *ts)
{
	unsigned char b[TAI64N_PACKED];
	int i, hi, lo;

	if (in[0] != '@')
		return -1;
	for (i = 0; i < TAI64N_PACKED; i++) {
		hi = hexval(in[1 + 2 * i]);
		if (hi < 0)
			return -1;
		lo = hexval(in[2 + 2 * i]);
		if (lo < 0)
			return -1;
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	tai64n_unpack(b, ts);
	if (ts->tv_nsec >= 1000000000L)
		return -1;
	return 0;
}
