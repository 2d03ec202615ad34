/* svstate: runsv's transition function.  runit's runsv is the model for
 * the letters; ward adds the backoff (common/restart), the timeout-kill and
 * the once-owed start.
 *
 * state x event (main service; "-" is nothing at all):
 *
 *   event      down                    run                      finish
 *   u          want up; start (1)      want up                  want up; ./run at
 *                                                               once after (2)
 *   o          want down; start (1)    want down                want down
 *   d          want down               want down; stop (3)      want down
 *   x          want exit               want exit; stop (3)      want exit
 *   t          -                       stop (3)                 -
 *   p          paused                  ask p (4): STOP; paused  paused
 *   c          not paused              ask c (4): CONT; not     not paused
 *                                      paused
 *   k          -                       ask k (4): KILL, no      -
 *                                      backoff for this exit
 *   h a i q 1 2  -                     ask (4): HUP ALRM INT    -
 *                                      QUIT USR1 USR2
 *   e s, other -                       -                        -
 *   exit       (no child)              finish if ./finish,      down (5)
 *                                      else down (5)
 *   deadline   start if owed and due   KILL if timeout-kill     KILL if timeout-
 *                                      is due                   kill is due
 *   hold       held (6)                -                        -
 *   release    start if owed and due   -                        -
 *   stop-run   -                       TERM, CONT, got TERM;    -
 *                                      timeout-kill armed (7)
 *
 *   (1) now, or when the floor of a second since the last start is over
 *       (restart_skip): a start someone asked for skips the backoff.
 *       o owes this one start (start_once) while want is down.
 *   (2) the backoff of ./run's exit is skipped, as in (1).
 *   (3) stop: ask t (4): TERM, got TERM; then, if want is not up: CONT,
 *       control/d (or control/x), and the timeout-kill is read and armed.
 *   (4) ask C: control/C runs first; if it exits 0 the signal is not sent.
 *   (5) down: the time is taken; ./run starts again if owed (want up, or
 *       o's start) as soon as restart allows, now or at the deadline.
 *       ./run's exit is a quick death for restart unless runsv asked for it.
 *   (6) held: the start asked for waits for the depends file (runsv(8));
 *       no start is due until release, a failed start, or u/o.
 *   (7) a restart runsv decides: ./check failed (asked false: backoff as
 *       after a crash) or a "restart" dependency restarted (asked true).
 *
 * The log service: the same, but x is ignored, there is no ./finish and no
 * control/ script (ask is "not handled" at once); drain (its input closed
 * by x on the main service) makes it want exit.
 * The status is written (SV_ACT_STATUS) after each change it shows: want
 * (u o d x), paused (p c, after the signal), got TERM, a start, an exit. */
#include <signal.h>

#include "svstate.h"

static void act(struct sv_action *a, int kind, int arg)
{
	if (a->n < SV_ACTS_MAX)
		a->step[a->n++] = (struct sv_act){ kind, arg };
}

void svstate_init(struct svstate *s, bool is_log, bool want_down)
{
	*s = (struct svstate){ .state = SV_DOWN, .is_log = is_log,
			       .want = want_down ? SV_WANT_DOWN : SV_WANT_UP };
	restart_init(&s->rs, 0);
}

/* the signal a control letter sends, 0 for the other letters */
static int signal_of(char c)
{
	static const struct { char c; int sig; } map[] = {
		{ 'a', SIGALRM }, { 'h', SIGHUP }, { 'i', SIGINT }, { 'q', SIGQUIT },
		{ '1', SIGUSR1 }, { '2', SIGUSR2 }, { 'k', SIGKILL }, { 'p', SIGSTOP },
		{ 'c', SIGCONT },
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].c == c)
			return map[i].sig;
	return 0;
}

bool svstate_owes_start(const struct svstate *s)
{
	return !s->has_child && (s->want == SV_WANT_UP || s->start_once);
}

static bool start_due(const struct svstate *s, int64_t now)
{
	return svstate_owes_start(s) && !s->held && s->rs.due <= now;
}

static void start_if_due(struct svstate *s, struct sv_action *a, int64_t now)
{
	if (start_due(s, now))
		act(a, SV_ACT_START, 0);
}

/* control/C for the main service; the log's answer "not handled" at once */
static bool ask(struct svstate *s, struct sv_action *a, char c)
{
	if (s->is_log)
		return false;
	s->asked_script = c;
	act(a, SV_ACT_ASK, c);
	return true;
}

/* the rest of a stop, once control/t has had its say */
static void stop_rest(struct svstate *s, struct sv_action *a, bool handled)
{
	if (!handled) {
		act(a, SV_ACT_SIGNAL, SIGTERM);
		s->term_sent = s->stop_asked = true;
		act(a, SV_ACT_STATUS, 0);
	}
	if (s->want == SV_WANT_UP)
		return;
	act(a, SV_ACT_SIGNAL, SIGCONT);
	if (!s->is_log)
		act(a, SV_ACT_SCRIPT, s->want == SV_WANT_DOWN ? 'd' : 'x');
	act(a, SV_ACT_READ_KILL, 0);
}

static void stop(struct svstate *s, struct sv_action *a)
{
	if (!ask(s, a, 't'))
		stop_rest(s, a, false);
}

/* the rest of a signal letter, once control/C has had its say */
static void signal_rest(struct svstate *s, struct sv_action *a, char c, bool handled)
{
	int sig = signal_of(c);

	if (!handled) {
		act(a, SV_ACT_SIGNAL, sig);
		s->stop_asked |= sig == SIGKILL;
	}
	if (c == 'p' || c == 'c') {
		s->paused = c == 'p';
		act(a, SV_ACT_STATUS, 0);
	}
}

static void signal_letter(struct svstate *s, struct sv_action *a, char c)
{
	if (s->state == SV_RUN) {
		if (!ask(s, a, c))
			signal_rest(s, a, c, false);
	} else if (c == 'p' || c == 'c') {
		s->paused = c == 'p';
		act(a, SV_ACT_STATUS, 0);
	}
}

/* u and o */
static void letter_up(struct svstate *s, struct sv_action *a, int want, int64_t now)
{
	bool down = s->state == SV_DOWN && !s->has_child;

	s->want = want;
	s->held = false;  /* the dependencies are looked at again */
	if (down)
		s->start_once = want == SV_WANT_DOWN;
	if (down || (s->state == SV_FINISH && want == SV_WANT_UP))
		restart_skip(&s->rs, now);
	act(a, SV_ACT_STATUS, 0);
	start_if_due(s, a, now);
}

/* d and x */
static void letter_down(struct svstate *s, struct sv_action *a, int want)
{
	s->want = want;
	s->start_once = false;
	act(a, SV_ACT_STATUS, 0);
	if (s->state == SV_RUN)
		stop(s, a);
}

static void on_letter(struct svstate *s, struct sv_action *a, char c, int64_t now)
{
	if (signal_of(c))
		signal_letter(s, a, c);
	else if (c == 'u' || c == 'o')
		letter_up(s, a, c == 'u' ? SV_WANT_UP : SV_WANT_DOWN, now);
	else if (c == 'd' || (c == 'x' && !s->is_log))
		letter_down(s, a, c == 'd' ? SV_WANT_DOWN : SV_WANT_EXIT);
	else if (c == 't' && s->state == SV_RUN)
		stop(s, a);
}

static void on_verdict(struct svstate *s, struct sv_action *a, bool handled)
{
	char c = s->asked_script;

	s->asked_script = 0;
	if (c == 't')
		stop_rest(s, a, handled);
	else if (c)
		signal_rest(s, a, c, handled);
}

static void on_started(struct svstate *s, struct sv_action *a, int64_t now)
{
	if (s->state != SV_FINISH) {
		s->state = SV_RUN;
		s->starts++;
		restart_started(&s->rs, now);
		act(a, SV_ACT_STAMP, 0);
	}
	s->has_child = true;
	s->held = false;
	s->paused = s->term_sent = s->stop_asked = s->start_once = false;
	act(a, SV_ACT_STATUS, 0);
}

/* a start that could not happen counts as a quick death: the retry backs off */
static void on_start_failed(struct svstate *s, struct sv_action *a, int64_t now)
{
	restart_started(&s->rs, now);
	restart_exited(&s->rs, now, 0);
	s->state = SV_DOWN;
	s->held = false;
	act(a, SV_ACT_STATUS, 0);
}

static void on_exit(struct svstate *s, struct sv_action *a, const struct sv_event *ev,
		    int64_t now)
{
	bool was_run = s->state == SV_RUN;

	s->has_child = s->term_sent = false;
	s->kill_at = 0;
	if (was_run) {
		s->rs.max_ms = ev->backoff_max_ms ? ev->backoff_max_ms : RESTART_MAX_MS;
		restart_exited(&s->rs, now, s->stop_asked);
		if (!s->is_log && ev->finish_exists) {
			s->state = SV_FINISH;
			act(a, SV_ACT_START, 0);
			return;
		}
	}
	s->state = SV_DOWN;
	act(a, SV_ACT_STAMP, 0);
	/* straight to the next start if it is due: the files go from the old
	 * run to the new one once it is forked, as nothing waits in between */
	if (start_due(s, now))
		act(a, SV_ACT_START, 0);
	else
		act(a, SV_ACT_STATUS, 0);
}

static void on_deadline(struct svstate *s, struct sv_action *a, int64_t now)
{
	start_if_due(s, a, now);
	if (s->has_child && s->kill_at && s->kill_at <= now) {
		act(a, SV_ACT_SIGNAL, SIGKILL);
		s->kill_at = 0;
	}
}

/* TERM as `sv term` sends it, without control/t: runsv's own decision */
static void stop_run(struct svstate *s, struct sv_action *a, bool asked)
{
	if (s->state != SV_RUN || s->term_sent)
		return;
	act(a, SV_ACT_SIGNAL, SIGTERM);
	act(a, SV_ACT_SIGNAL, SIGCONT);
	s->term_sent = true;
	s->stop_asked = asked;
	act(a, SV_ACT_STATUS, 0);
	act(a, SV_ACT_READ_KILL, 0);
}

struct sv_action svstate_step(struct svstate *s, const struct sv_event *ev, int64_t now)
{
	struct sv_action a = { .n = 0 };

	switch (ev->kind) {
	case SV_EV_LETTER:
		on_letter(s, &a, ev->letter, now);
		break;
	case SV_EV_VERDICT:
		on_verdict(s, &a, ev->handled);
		break;
	case SV_EV_STARTED:
		on_started(s, &a, now);
		break;
	case SV_EV_START_FAILED:
		on_start_failed(s, &a, now);
		break;
	case SV_EV_EXIT:
		on_exit(s, &a, ev, now);
		break;
	case SV_EV_DEADLINE:
		on_deadline(s, &a, now);
		break;
	case SV_EV_KILL_AFTER:
		s->kill_at = ev->kill_after_ms ? now + (int64_t)ev->kill_after_ms : 0;
		break;
	case SV_EV_DRAIN:
		s->want = SV_WANT_EXIT;
		act(&a, SV_ACT_STATUS, 0);
		break;
	case SV_EV_HOLD:
		s->held = true;
		act(&a, SV_ACT_STATUS, 0);
		break;
	case SV_EV_RELEASE:
		s->held = false;
		start_if_due(s, &a, now);
		break;
	case SV_EV_STOP_RUN:
		stop_run(s, &a, ev->asked);
		break;
	}
	return a;
}

int64_t svstate_deadline(const struct svstate *s)
{
	int64_t d = INT64_MAX;

	if (svstate_owes_start(s) && !s->held)
		d = s->rs.due;
	if (s->has_child && s->kill_at && s->kill_at < d)
		d = s->kill_at;
	return d;
}

bool svstate_waiting(const struct svstate *s, int64_t now)
{
	return svstate_owes_start(s) && !s->held && s->rs.due > now;
}

bool svstate_gone(const struct svstate *s)
{
	return s->want == SV_WANT_EXIT && s->state == SV_DOWN;
}
