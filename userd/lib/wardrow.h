/* wardrow: one service as `ward status` and `ward metrics` show it, read
 * from its directory, and the fixed line format in which a child that
 * read a user's tree as that user hands the rows to root.
 *
 *   wardrow_read(treefd, name, &r, &now)
 *       the one function that fills a row from a service directory:
 *       supervise/status, supervise/ward, supervise/cgroup (cgstat).
 *       Never blocks on a FIFO, reads at most a file's expected size.
 *   wardrow_encode(&r, buf, size)   "S\tNAME\tN\tN...\n": WARDROW_FIELDS
 *                                   tab-separated fields
 *   wardrow_decode(line, len, &r)   0, or -1 with the field that is wrong
 *                                   in r->bad: the count of fields, a name
 *                                   of more than WARDROW_NAME - 1 bytes or
 *                                   with a byte outside '!'..'~', a number
 *                                   out of its field's range
 * A field not known is -1 (health: until issue 17's fields land). */
#ifndef WARD_WARDROW_H
#define WARD_WARDROW_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define WARDROW_NAME 64
#define WARDROW_LINE 512    /* an encoded row is shorter */

enum wardrow_state { WR_UNSUPERVISED = 0, WR_DOWN, WR_UP, WR_FINISH, WR_BACKOFF };

struct wardrow {
	char name[WARDROW_NAME];
	int64_t state;       /* enum wardrow_state */
	int64_t want_up;     /* 1: want up */
	int64_t pid;         /* 0: none */
	int64_t uptime;      /* seconds in this state */
	int64_t ready;       /* 1, 0, -1: not declared */
	int64_t health;      /* 1 healthy, 0 unhealthy, -1 not known */
	int64_t starts;      /* starts of ./run since runsv began, -1 not known */
	int64_t backoff_ms;  /* the wait before the next start, 0 none */
	int64_t exit_kind;   /* enum sv_exit_kind */
	int64_t exit_code;
	int64_t exit_oom;
	int64_t exit_ago;    /* seconds since the last exit, -1 none */
	int64_t tasks;       /* cgroup: -1 not known */
	int64_t cpu_usec;
	int64_t memory;
	const char *bad;     /* decode: the field found wrong */
};

#define WARDROW_FIELDS 17

int wardrow_read(int treefd, const char *name, struct wardrow *r, const struct timespec *now);
int wardrow_encode(const struct wardrow *r, char *buf, size_t size);
int wardrow_decode(const char *line, size_t len, struct wardrow *r);
/* "up", "down", "finishing", "backoff", "unsupervised" */
const char *wardrow_state_word(int64_t state);

#endif
