/* bindcount: how many bind requests the binder granted and denied, for
 * `ward metrics --all` (ward(1)), which reads them from a root-owned file
 * without talking to the binder.
 *
 * The counts live in one shared page: the master makes it (a memfd) and
 * keeps it across binders, each binder maps it at start, before its
 * sandbox, and adds to it with atomic increments (no system call); the
 * master writes the file, atomically (NAME.new, renamed), when the counts
 * changed, at most every BINDCOUNT_PERIOD_MS, as "granted N\ndenied N\n".
 *
 *   master: bindcount_create(path)  the fd to hand to each binder, -1 on
 *                               error; path NULL: counted, no file
 *           bindcount_timeout(timeout, now)  timeout, or sooner: the next write
 *           bindcount_flush(now) writes the file if due and changed
 *   binder: bindcount_attach(fd); bindcount_add(granted)
 * (bindcount.c, the binder's side; bindfile.c, the master's) */
#ifndef PRIVD_BINDCOUNT_H
#define PRIVD_BINDCOUNT_H

#include <stdint.h>

struct bindcount_page {
	uint64_t granted, denied;
};
extern struct bindcount_page *bindcount_shared;  /* NULL: no counts */

#define BINDCOUNT_FD 4                 /* the binder's copy */
#define BINDCOUNT_PERIOD_MS 5000
#define BINDCOUNT_FILE "/run/ward/binds"

int bindcount_create(const char *path);
int bindcount_timeout(int timeout, int64_t now);
void bindcount_flush(int64_t now);
void bindcount_attach(int fd);
void bindcount_add(int granted);
/* the file's text for the counts; returns its length */
int bindcount_format(char *buf, int size, uint64_t granted, uint64_t denied);

#endif
