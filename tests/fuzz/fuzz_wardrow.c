/* Fuzz target: the row line a user's reader hands to root's `ward status
 * --all` (wardrow_decode), the one parser of user-influenced bytes in
 * ward's root process.  Oracle: a line that decodes has a clean name and
 * every field in range, and encodes back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wardrow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wardrow r;
	char line[WARDROW_LINE + 2];
	size_t i, n;
	int len;

	if (wardrow_decode((const char *)data, size, &r) != 0) {
		if (r.bad == NULL)
			abort();   /* a refusal names its field */
		return 0;
	}
	n = strlen(r.name);
	if (n == 0 || n >= WARDROW_NAME)
		abort();
	for (i = 0; i < n; i++)
		if (r.name[i] <= ' ' || r.name[i] >= 0x7f)
			abort();
	if (r.state < 0 || r.state > WR_BACKOFF || r.pid < 0 || r.exit_code > 255)
		abort();
	/* canonical numbers ("-0", "007" decode too): compare decoded fields */
	len = wardrow_encode(&r, line, sizeof line);
	if (len <= 0) {
		abort();
	} else {
		struct wardrow back;

		if (wardrow_decode(line, (size_t)len - 1, &back) != 0 || strcmp(back.name, r.name) ||
		    back.pid != r.pid || back.memory != r.memory || back.exit_ago != r.exit_ago)
			abort();
	}
	return 0;
}
