/* Fuzz target: the binder wire decoders.  Oracle: whatever a decoder
 * accepts encodes back to the very same bytes (so no field or reserved byte
 * escapes the check), and the decoders never read past len. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char m[WIRE_SIZE], back[WIRE_SIZE];
	struct wire_bind_req r;
	struct wire_bind_ans a;
	struct wire_ctl c;
	struct wire_grants_req gr;
	struct wire_grants_ans ga;

	if (size > WIRE_SIZE)
		size = WIRE_SIZE + 1;
	memset(m, 0, sizeof m);
	memcpy(m, data, size < WIRE_SIZE ? size : WIRE_SIZE);
	if (wire_decode_bind_req(m, size, &r) == 0 &&
	    (wire_encode_bind_req(back, &r) < 0 || memcmp(back, m, WIRE_SIZE)))
		abort();
	if (wire_decode_bind_ans(m, size, &a) == 0 &&
	    (wire_encode_bind_ans(back, &a) < 0 || memcmp(back, m, WIRE_SIZE)))
		abort();
	if (wire_decode_grants_req(m, size, &gr) == 0 &&
	    (wire_encode_grants_req(back, &gr) < 0 || memcmp(back, m, WIRE_SIZE)))
		abort();
	if (wire_decode_grants_ans(m, size, &ga) == 0 &&
	    (wire_encode_grants_ans(back, &ga) < 0 || memcmp(back, m, WIRE_SIZE)))
		abort();
	if (wire_decode_ctl(m, size, &c) == 0 &&
	    (wire_encode_ctl(back, &c) < 0 || memcmp(back, m, WIRE_SIZE)))
		abort();
	return 0;
}
