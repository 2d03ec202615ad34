/* ptitle: runit's readproctitle log, as runsvdir keeps it in its last
 * argument (`runsvdir DIR log`).  ps(1) shows the argument, so it shows the
 * most recent error output.
 *
 * The buffer is the argument's own bytes (its length never changes).  Its
 * first PTITLE_KEEP bytes stay as given (runit's users write "log: ..."),
 * the rest scrolls left as output comes in; NUL bytes are dropped so ps
 * sees one argument.  A dot is added now and then so old messages expire.
 *
 *   ptitle_init(&t, buf, len)  len >= PTITLE_MIN, else -1
 *   ptitle_add(&t, data, n)    scroll n bytes in
 *   ptitle_clean(&t)           1 if the scrolling part is only dots: no
 *                              message left to expire */
#ifndef WARD_PTITLE_H
#define WARD_PTITLE_H

#include <stddef.h>

#define PTITLE_KEEP 5
#define PTITLE_MIN  7

struct ptitle {
	char *buf;
	size_t len;
};

int ptitle_init(struct ptitle *t, char *buf, size_t len);
void ptitle_add(struct ptitle *t, const char *data, size_t n);
int ptitle_clean(const struct ptitle *t);

#endif
