/* proc: facts about other processes, from /proc and pidfds.
 *
 * A runsv killed with -9 leaves its ./run running with nobody to supervise
 * it; the next runsv on that directory finds it through supervise/status and
 * must be sure the pid there is still that process and not a reused pid.
 * proc_started() gives a process's start time on the wall clock, to compare
 * with the time supervise/status recorded for the start. */
#ifndef WARD_PROC_H
#define WARD_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* The starttime field (clock ticks since boot) of a /proc/PID/stat text;
 * 0, or -1 if the text is malformed. */
int proc_stat_starttime(const char *text, size_t len, unsigned long long *ticks);

/* When pid started, on the wall clock (CLOCK_REALTIME), to the clock tick.
 * 0, or -1 with errno (ENOENT: no such process). */
int proc_started(pid_t pid, struct timespec *at);

int proc_pidfd_open(pid_t pid);
int proc_pidfd_kill(int pidfd, int sig);

/* Stops pid: TERM and CONT, then KILL if it is still there after grace_ms.
 * Returns 0 once it is gone, -1 with errno if it could not be signalled. */
int proc_stop(pid_t pid, int grace_ms);

#endif
