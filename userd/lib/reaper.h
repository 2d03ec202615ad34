/* reaper: containment without cgroups.  runsv becomes a child subreaper
 * (PR_SET_CHILD_SUBREAPER), so a process its service leaves behind (a
 * daemon that forks twice and calls setsid) is re-parented to runsv, not
 * to init; runsv reaps it when it exits, and kills it when the service
 * stops.  Only runsv's own children are ever signalled: a child cannot
 * vanish and have its pid reused before runsv has reaped it, and what a
 * killed child leaves comes to runsv in turn, so nothing that is not a
 * descendant of runsv is touched. */
#ifndef WARD_REAPER_H
#define WARD_REAPER_H

#include <stddef.h>
#include <sys/types.h>

/* 0, or -1 with errno */
int reaper_become(void);

/* pure: the pids of a /proc/PID/task/TID/children text ("12 34 "), at
 * most max of them; the count */
int reaper_parse(const char *text, size_t len, pid_t *out, int max);

/* KILLs every child of ours not in keep, reaps it, and again for what
 * those leave behind, until no other child is left or wait_ms passed.
 * The count killed, or -1 with errno ETIMEDOUT. */
int reaper_kill(const pid_t *keep, int nkeep, int wait_ms);

#endif
