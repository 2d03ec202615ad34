/* Fuzz target: supervise/status, supervise/ward and TAI64N text decoders.
 * Oracle: whatever decodes must encode back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "tai64n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svstatus st;
	struct svextra x;
	struct timespec ts;
	unsigned char b[SVEXTRA_SIZE];
	char text[TAI64N_TEXT + 1];

	if (svstatus_decode(data, size, &st) == 0) {
		svstatus_encode(b, &st);
		if (memcmp(b, data, SVSTATUS_SIZE) != 0)
			abort();
	}
	if (svextra_decode(data, size, &x) == 0) {
		/* the same form back; text past its NUL is not kept */
		if (svextra_encode(b, &x) != size || memcmp(b, data, SVEXTRA_BRIEF) != 0 ||
		    strcmp((char *)b + SVEXTRA_BRIEF, x.text) != 0)
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
