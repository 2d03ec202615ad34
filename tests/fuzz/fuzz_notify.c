/* Fuzz target: sd_notify datagrams, /proc/PID/stat parents and the number
 * files of a service directory (userd/lib/notify, userd/lib/svdir).
 * Oracles: STATUS text is NUL-terminated and printable; READY only if a
 * line is exactly READY=1; a parsed number is in range and reads back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"
#include "svdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *text, size_t size)
{
	size_t n = strnlen(text, size);

	if (n == size)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			abort();
}

static int has_ready_line(const char *m, size_t len)
{
	for (size_t i = 0; i + 7 <= len; i++)
		if ((i == 0 || m[i - 1] == '\n') && memcmp(m + i, "READY=1", 7) == 0 &&
		    (i + 7 == len || m[i + 7] == '\n'))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *m = (const char *)data;
	char text[32] = "";
	unsigned long v, back;
	char num[32];
	int got;

	got = notify_parse(m, size, text, sizeof text);
	check_text(text, sizeof text);
	if (!!(got & NOTIFY_READY) != has_ready_line(m, size))
		abort();
	if (notify_stat_ppid(m, size) < -1)
		abort();
	if (svdir_parse_uint(m, size, 3, 1023, &v) == 0) {
		if (v < 3 || v > 1023)
			abort();
		snprintf(num, sizeof num, "%lu", v);
		if (svdir_parse_uint(num, strlen(num), 3, 1023, &back) != 0 || back != v)
			abort();
	}
	return 0;
}
