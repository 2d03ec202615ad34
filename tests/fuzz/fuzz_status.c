/* Fuzz target: supervise/status, supervise/ward and TAI64N text decoders.
 * Oracle: whatever decodes must encode back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "tai64n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static int svextra_same(const struct svextra *a, const struct svextra *b)
{
	return a->ready == b->ready && a->backoff_ms == b->backoff_ms &&
	       same_time(&a->ready_at, &b->ready_at) && same_time(&a->next_start, &b->next_start) &&
	       a->starts == b->starts && a->runsv_pid == b->runsv_pid && !strcmp(a->text, b->text) &&
	       a->exit_kind == b->exit_kind && a->exit_code == b->exit_code &&
	       a->exit_oom == b->exit_oom && same_time(&a->exit_at, &b->exit_at) &&
	       a->health == b->health && a->depwait == b->depwait &&
	       a->health_fails == b->health_fails && a->health_max == b->health_max &&
	       a->health_restarts == b->health_restarts &&
	       same_time(&a->health_since, &b->health_since) &&
	       !strcmp(a->health_text, b->health_text) && !strcmp(a->depends_text, b->depends_text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svstatus st;
	struct svextra x, y;
	struct timespec ts;
	unsigned char b[SVEXTRA_SIZE];
	char text[TAI64N_TEXT + 1];

	if (svstatus_decode(data, size, &st) == 0) {
		svstatus_encode(b, &st);
		if (memcmp(b, data, SVSTATUS_SIZE) != 0)
			abort();
	}
	if (svextra_decode(data, size, &x) == 0) {
		/* back in the canonical form (brief when quiet: a whole form with
		 * nothing to show is what an older runsv wrote; the current
		 * version: version 1 is read too), with the same fields; text
		 * past its NUL is not kept */
		size_t n = svextra_encode(b, &x);
		/* version 1's brief form ends where version 2's exit block begins */
		size_t head = data[0] == 1 ? SVEXTRA_BRIEF_V1 : SVEXTRA_BRIEF;

		if (n != (svextra_quiet(&x) ? SVEXTRA_BRIEF : SVEXTRA_SIZE) ||
		    b[0] != SVEXTRA_VERSION || memcmp(b + 1, data + 1, head - 1) != 0 || svextra_decode(b, n, &y) != 0 ||
		    !svextra_same(&x, &y))
			abort();
	}
	if (size >= TAI64N_TEXT) {
		memcpy(text, data, TAI64N_TEXT);
		text[TAI64N_TEXT] = '\0';
		if (tai64n_scan(text, &ts) == 0) {
			char back[TAI64N_TEXT + 1] = { 0 };
			tai64n_fmt(back, &ts);
			if (strcasecmp(back, text) != 0)
				abort();
		}
	}
	return 0;
}
