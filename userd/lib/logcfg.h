/* logcfg: svlogd's per-directory `config` file and its patterns.
 *
 * One directive a line, as runit's svlogd reads them: sSIZE, nNUM, NMIN,
 * tSECONDS, !PROCESSOR, uA.B.C.D[:PORT], UA.B.C.D[:PORT], pPREFIX, and the
 * patterns +P -P eP EP; SIZE may end in k or m (KiB, MiB), SECONDS in m
 * or h (minutes, hours), as runit reads them.  Empty lines and lines
 * starting with '#' are ignored.  A line that is not understood is
 * reported (file:line: reason) and skipped, so the rest of the file still
 * applies, as with runit.
 *
 * Patterns are runit's, not regular expressions: a character matches
 * itself, '+' matches the next pattern character one or more times, '*'
 * before the end matches everything up to (not including) the next
 * occurrence of the next pattern character, '*' at the end matches the
 * rest.  Matching is greedy, never backtracks, and anchored at both ends. */
#ifndef WARD_LOGCFG_H
#define WARD_LOGCFG_H

#include <netinet/in.h>
#include <stddef.h>

#define LOGCFG_MAXPATTERNS 256
#define LOGCFG_TEXTMAX 4096        /* bytes of patterns, prefix and processor */

struct logcfg_pattern {
	char kind;                 /* '+', '-', 'e' or 'E' */
	unsigned short off, len;   /* in text[] */
};

struct logcfg {
	unsigned long size;        /* s: rotate at this size; 0: never (default 1000000) */
	unsigned long num;         /* n: keep at most this many old files; 0: all (10) */
	unsigned long min;         /* N: keep at least this many when the disk is full (0) */
	unsigned long timeout;     /* t: rotate a non-empty current this old, seconds (0: no) */
	int udp;                   /* 0 none, 'u' udp and log, 'U' udp only */
	struct sockaddr_in udp_addr;
	int npatterns;
	struct logcfg_pattern patterns[LOGCFG_MAXPATTERNS];
	unsigned short prefix_off, prefix_len;
	unsigned short proc_off, proc_len;   /* processor; len 0: none */
	int has_stderr_patterns;
	size_t used;               /* bytes used in text */
	char text[LOGCFG_TEXTMAX];
};

/* Resets to runit's defaults. */
void logcfg_init(struct logcfg *c);
/* Parses a whole config file's content; name is used in messages.  Calls
 * warn(msg) for each line skipped ("NAME:LINE: ...") and returns how many
 * were skipped (0: all understood). */
int logcfg_parse(struct logcfg *c, const char *name, const char *buf, size_t len,
		 void (*warn)(const char *msg));

/* Matches msg (len bytes) against pattern p (plen bytes): 1 or 0. */
int logcfg_match(const char *p, size_t plen, const char *msg, size_t len);

/* Applies the patterns to a message (already cut to the first -l bytes):
 * *to_log and *to_stderr start as 1 and 0 and end as the last matching
 * pattern of each kind left them. */
void logcfg_select(const struct logcfg *c, const char *msg, size_t len,
		   int *to_log, int *to_stderr);

static inline const char *logcfg_prefix(const struct logcfg *c) { return c->text + c->prefix_off; }
/* the processor command, NUL-terminated, or NULL */
static inline const char *logcfg_processor(const struct logcfg *c)
{
	return c->proc_len ? c->text + c->proc_off : NULL;
}

#endif
