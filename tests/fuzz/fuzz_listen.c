/* Fuzz target: the listen-file parser.  Oracle: every entry it accepts has a
 * valid protocol, family and port, a clean name, and describes itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "listen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct listen_entry e[LISTEN_MAX];
	char err[256], d[80];
	int n, i;

	n = listen_parse((const char *)data, size, e, LISTEN_MAX, err, sizeof err);
	if (n < -1 || n > LISTEN_MAX)
		abort();
	for (i = 0; i < n; i++) {
		if (e[i].ep.port == 0 || (e[i].ep.proto != EP_TCP && e[i].ep.proto != EP_UDP))
			abort();
		if (e[i].ep.family != AF_INET && e[i].ep.family != AF_INET6)
			abort();
		if (strlen(e[i].name) == 0 || strchr(e[i].name, ':'))
			abort();
		listen_describe(&e[i], d, sizeof d);
	}
	return 0;
}
