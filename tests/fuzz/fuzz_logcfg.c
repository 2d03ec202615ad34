/* Fuzz target: svlogd's config parser and pattern matcher, envdir values.
 * Input: a config file; its first line, split at the first TAB, is also
 * used as pattern and message.  Oracles: the parsed config stays inside its
 * bounds; a pattern without '*' and '+' matches exactly itself; a pattern
 * "*" matches everything; envdir values never grow. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envdir.h"
#include "logcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_config(const char *buf, size_t size)
{
	static struct logcfg c;
	int i;

	logcfg_parse(&c, "fuzz", buf, size, NULL);
	if (c.used > sizeof c.text || c.npatterns > LOGCFG_MAXPATTERNS)
		abort();
	for (i = 0; i < c.npatterns; i++)
		if ((size_t)c.patterns[i].off + c.patterns[i].len >= c.used)
			abort();
	if (c.prefix_len && (size_t)c.prefix_off + c.prefix_len >= c.used)
		abort();
}

static void check_match(const char *buf, size_t size)
{
	const char *nl = memchr(buf, '\n', size), *tab;
	size_t line = nl ? (size_t)(nl - buf) : size, plen;
	int plain;

	tab = memchr(buf, '\t', line);
	if (!tab)
		return;
	plen = (size_t)(tab - buf);
	(void)logcfg_match(buf, plen, tab + 1, line - plen - 1);
	plain = !memchr(buf, '*', plen) && !memchr(buf, '+', plen);
	if (plain && logcfg_match(buf, plen, buf, plen) != 1)
		abort();
	if (logcfg_match("*", 1, tab + 1, line - plen - 1) != 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	ssize_t n;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	check_config(buf, size);
	check_match(buf, size);
	n = envdir_value(buf, size);
	if (n > (ssize_t)size || (size == 0) != (n < 0))
		abort();
	free(buf);
	return 0;
}
