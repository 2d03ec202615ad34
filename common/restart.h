/* restart: when to start a supervised process again.  One policy for the
 * three levels of supervision (privd keeps userds alive, userd keeps runsvs
 * alive, runsv keeps services alive).
 *
 * A pure state machine over the caller's monotonic clock in milliseconds:
 * no clock reads, no I/O, no allocation.
 *
 *   restart_init(&r, max_ms)      policy with the cap max_ms (0: RESTART_MAX_MS)
 *   restart_started(&r, now)      the process was started at now
 *   restart_exited(&r, now, asked) it exited at now; asked != 0 if the
 *                                 supervisor asked for it (TERM, KILL):
 *                                 returns the wait in ms from now
 *   restart_skip(&r, now)         an explicit start request (sv up) during a
 *                                 wait: only the floor is kept
 *   r.due                         earliest time of the next start
 *   r.delay_ms                    the wait chosen at the last exit (0: none)
 *
 * The rules:
 *   - two starts are never less than min_ms (1 s) apart: runit's rule;
 *   - an exit after less than stable_ms (10 s) of uptime that the supervisor
 *     did not ask for is a quick death; the n-th in a row waits
 *     min_ms * 2^(n-1) from the exit, at most max_ms: 1, 2, 4 ... 60 s.  A
 *     process that exits at once is thus started at most 4 times in 10 s;
 *   - an exit after at least stable_ms of uptime, or one that was asked
 *     for, clears the count: the next start waits only for the floor. */
#ifndef WARD_RESTART_H
#define WARD_RESTART_H

#include <stdint.h>

#define RESTART_MIN_MS    1000u
#define RESTART_MAX_MS    60000u
#define RESTART_STABLE_MS 10000u

struct restart {
	uint32_t min_ms, max_ms, stable_ms; /* the policy */
	uint32_t fails;     /* quick deaths in a row */
	uint32_t delay_ms;  /* the wait chosen at the last exit */
	int64_t started;    /* time of the last start; INT64_MIN before the first */
	int64_t due;        /* earliest time of the next start */
};

void restart_init(struct restart *r, uint32_t max_ms);
void restart_started(struct restart *r, int64_t now);
uint32_t restart_exited(struct restart *r, int64_t now, int asked);
void restart_skip(struct restart *r, int64_t now);

#endif
