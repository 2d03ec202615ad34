/* svstate: what runsv decides for one service (or its log service), as
 * one transition function.  No I/O, no clock reads: the caller passes its
 * monotonic clock in milliseconds, carries out the actions returned, and
 * reports what came of those that have an outcome (a start, a control/
 * script's verdict, the timeout-kill file) as the next event.
 *
 * The table of states and events is at the head of svstate.c; runsv(8)'s
 * CONTROL section says the same for the user. */
#ifndef WARD_SVSTATE_H
#define WARD_SVSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "restart.h"
#include "status.h"

enum sv_want { SV_WANT_UP, SV_WANT_DOWN, SV_WANT_EXIT };

struct svstate {
	int state;             /* enum sv_state, as supervise/status shows it */
	int want;              /* enum sv_want */
	bool is_log;           /* the log service: no ./finish, no control/ scripts, no x */
	bool has_child;        /* ./run or ./finish is running */
	bool paused;           /* p came after the last c (or start) */
	bool term_sent;        /* TERM was sent and ./run has not exited yet */
	bool stop_asked;       /* runsv sent TERM or KILL: the exit is no crash */
	bool start_once;       /* o while down: one start is owed despite want down */
	bool held;             /* a start is owed but waits for dependencies */
	char asked_script;     /* the control/ script whose verdict is awaited, or 0 */
	int64_t kill_at;       /* timeout-kill deadline, 0 if none */
	uint32_t starts;       /* starts of ./run */
	struct restart rs;     /* when the next start may be */
};

enum sv_event_kind {
	SV_EV_LETTER,          /* a control letter */
	SV_EV_VERDICT,         /* the control/ script asked for has run */
	SV_EV_STARTED,         /* the child asked for (SV_ACT_START) was forked */
	SV_EV_START_FAILED,    /* ... could not be: no fork, no listen sockets */
	SV_EV_EXIT,            /* the child exited */
	SV_EV_DEADLINE,        /* the clock passed svstate_deadline() */
	SV_EV_KILL_AFTER,      /* the timeout-kill file, read for SV_ACT_READ_KILL */
	SV_EV_DRAIN,           /* the log's input is closed: runsv is exiting */
	SV_EV_HOLD,            /* the start asked for waits for dependencies */
	SV_EV_RELEASE,         /* ... which are met now */
	SV_EV_STOP_RUN,        /* restart ./run: unhealthy, or a dependency restarted */
};

struct sv_event {
	int kind;              /* enum sv_event_kind */
	char letter;           /* LETTER */
	bool handled;          /* VERDICT: the script exited 0, no signal wanted */
	bool finish_exists;    /* EXIT of ./run: there is a ./finish to run */
	uint32_t backoff_max_ms; /* EXIT of ./run: the backoff-max file, 0: default */
	uint32_t kill_after_ms;  /* KILL_AFTER: the timeout-kill file, 0: none */
	bool asked;            /* STOP_RUN: no backoff for this exit (else a crash's) */
};

enum sv_act_kind {
	SV_ACT_STATUS,         /* write the supervise/ files */
	SV_ACT_STAMP,          /* the state changed: take the time for the status */
	SV_ACT_SIGNAL,         /* send signal arg to the child */
	SV_ACT_SCRIPT,         /* run control/arg, whatever it says */
	SV_ACT_ASK,            /* run control/arg, report its verdict (last action) */
	SV_ACT_START,          /* fork ./run, or ./finish in SV_FINISH (last action) */
	SV_ACT_READ_KILL,      /* read timeout-kill, report it (last action) */
};

#define SV_ACTS_MAX 6

struct sv_act {
	int kind;              /* enum sv_act_kind */
	int arg;               /* the signal, or the control/ letter */
};

struct sv_action {
	int n;
	struct sv_act step[SV_ACTS_MAX];  /* carried out in this order */
};

void svstate_init(struct svstate *s, bool is_log, bool want_down);
struct sv_action svstate_step(struct svstate *s, const struct sv_event *ev, int64_t now);

/* the earliest deadline (start due, timeout-kill), INT64_MAX if none */
int64_t svstate_deadline(const struct svstate *s);
/* whether a start is owed: no child, and want up or o's start */
bool svstate_owes_start(const struct svstate *s);
/* whether a start is owed but held back by the backoff at now */
bool svstate_waiting(const struct svstate *s, int64_t now);
/* x was given and the service is down: runsv may go */
bool svstate_gone(const struct svstate *s);

#endif
