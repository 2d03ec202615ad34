/* health: runsv's periodic ./check (runsv(8), HEALTH CHECKS).
 *
 * A service with an executable ./check and a check-interval file has its
 * check run by runsv every check-interval seconds while ./run runs, never
 * two at once, killed after check-timeout seconds (a failure).  After
 * check-failures failures in a row runsv restarts the service as a crash
 * restarts it.  This module is the bookkeeping, a pure state machine over
 * the caller's monotonic clock in milliseconds (no I/O but the reading of
 * the three files); runsv forks, reads the output and kills.
 *
 *   health_read_cfg(dirfd, &cfg, err, errlen)  1 checks are on, 0 off (no
 *       check-interval, or no ./check), -1 a file is malformed (err says
 *       which; checks are off)
 *   health_run(&h, &cfg, now)    ./run started: the first check is due
 *                                one interval from now
 *   health_halt(&h)              ./run is gone: no more checks (the health
 *                                shown is kept, a restart does not clear it)
 *   health_due(&h, now)          a check is to be forked now
 *   health_began(&h, now)        it was forked: its time limit runs
 *   health_overdue(&h, now)      it ran past its time limit: kill it (true
 *                                once: the deadline is spent)
 *   health_later(&h, now)        no check could be forked: the next one is
 *                                due an interval from now, nothing counted
 *   health_result(&h, ok, now)   it exited (ok: status 0): HEALTH_SAME,
 *                                HEALTH_CHANGED (healthy <-> unhealthy, or
 *                                the count of failures moved) or
 *                                HEALTH_RESTART (check-failures reached)
 *   health_verdict(&h, ok, line, wall, now)  the same, and keeps what
 *                                supervise/ward shows: the wall-clock time
 *                                of a change, the failing check's line
 *   health_fill(&h, &x)          those fields of supervise/ward
 *   health_deadline(&h)          the next time to act, INT64_MAX if none
 *   health_line(buf, len, out, size)  the first line of a check's output,
 *       blanks trimmed, control characters made '?', cut to size-1 (size > 0)
 *
 * The running check (struct checker), for runsv:
 *   checker_start(&c, setup)  forks ./check in a process group of its own,
 *       stdout and stderr into a pipe (setup runs in the child first);
 *       0, or -1 (no fork, no pipe) with errno
 *   checker_read(&c)          reads what the pipe has: the first
 *       HEALTH_OUT_MAX bytes are kept, the rest is read and dropped, so a
 *       chatty check never blocks; at its end the pipe is closed
 *   checker_kill(&c)          the time limit is over: KILL to its group
 *   checker_done(&c, wstat, line, size)  it was reaped: 1 if it passed
 *       (exit 0 in time), else 0 with line set to the failure's first line
 *       of output, or what happened if it said nothing */
#ifndef WARD_HEALTH_H
#define WARD_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "status.h"

#define HEALTH_TIMEOUT_S  5
#define HEALTH_FAILURES   3
#define HEALTH_INTERVAL_MAX 86400
#define HEALTH_OUT_MAX 512

struct health_cfg {
	uint32_t interval_ms;  /* check-interval */
	uint32_t timeout_ms;   /* check-timeout */
	uint32_t failures;     /* check-failures */
};

struct health {
	struct health_cfg cfg;
	int state;             /* enum sv_health (status.h) */
	uint32_t fails;        /* failures in a row */
	uint32_t restarts;     /* restarts for unhealthiness */
	bool armed;            /* ./run runs and checks are on */
	bool running;          /* a check runs */
	int64_t next_at;       /* when the next check is due */
	int64_t kill_at;       /* the running check's time limit */
	struct timespec since; /* the last change of state (wall clock) */
	char text[SVEXTRA_HTEXT]; /* the last failing check's first line */
};

enum { HEALTH_SAME, HEALTH_CHANGED, HEALTH_RESTART };

struct checker {
	pid_t pid;             /* 0 when none runs */
	int outfd;             /* read end of its output pipe, -1 once closed */
	bool killed;           /* it ran past check-timeout */
	uint32_t timeout_ms;
	size_t len;
	char out[HEALTH_OUT_MAX];
};

int checker_start(struct checker *c, void (*setup)(void));
void checker_read(struct checker *c);
void checker_kill(struct checker *c);
int checker_done(struct checker *c, int wstat, char *line, size_t size);

int health_read_cfg(int dirfd, struct health_cfg *cfg, char *err, size_t errlen);
void health_run(struct health *h, const struct health_cfg *cfg, int64_t now);
void health_halt(struct health *h);
bool health_due(const struct health *h, int64_t now);
void health_began(struct health *h, int64_t now);
bool health_overdue(struct health *h, int64_t now);
void health_later(struct health *h, int64_t now);
int health_result(struct health *h, bool ok, int64_t now);
int health_verdict(struct health *h, bool ok, const char *line, struct timespec wall,
		   int64_t now);
void health_fill(const struct health *h, struct svextra *x);
int64_t health_deadline(const struct health *h);
size_t health_line(const char *buf, size_t len, char *out, size_t size);

#endif
