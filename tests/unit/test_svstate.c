/* Unit tests: runsv's transition function (userd/lib/svstate).
 *
 * The table below is runit's runsv CONTROL behaviour (runsv(8), and
 * runit's ctrl() and stopservice()), with ward's additions: each control
 * letter in each state, for the main service and the log service.  Each
 * state is reached through events only, as runsv would reach it.  A row
 * gives the actions (a control/ script asked for is answered "not handled",
 * its continuation after " / ") and the state after. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "svstate.h"

#define T0 100000  /* the clock at the first start */

static struct sv_action step(struct svstate *s, struct sv_event ev, int64_t now)
{
	return svstate_step(s, &ev, now);
}

static struct sv_action letter(struct svstate *s, char c, int64_t now)
{
	return step(s, (struct sv_event){ .kind = SV_EV_LETTER, .letter = c }, now);
}

static struct sv_action verdict(struct svstate *s, bool handled, int64_t now)
{
	return step(s, (struct sv_event){ .kind = SV_EV_VERDICT, .handled = handled }, now);
}

static struct sv_action exited(struct svstate *s, bool finish, int64_t now)
{
	return step(s, (struct sv_event){ .kind = SV_EV_EXIT, .finish_exists = finish }, now);
}

static const char *signame(int sig)
{
	static const struct { int sig; const char *name; } names[] = {
		{ SIGTERM, "TERM" }, { SIGCONT, "CONT" }, { SIGSTOP, "STOP" }, { SIGKILL, "KILL" },
		{ SIGHUP, "HUP" }, { SIGALRM, "ALRM" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" },
		{ SIGUSR1, "USR1" }, { SIGUSR2, "USR2" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].sig == sig)
			return names[i].name;
	return "?";
}

/* "status ask:t", "TERM status CONT script:d read-kill", "" */
static void describe_actions(char *out, size_t size, const struct sv_action *a)
{
	size_t len = strlen(out);
	int i;

	for (i = 0; i < a->n && len < size; i++) {
		const struct sv_act *x = &a->step[i];
		const char *sep = len ? " " : "";

		switch (x->kind) {
		case SV_ACT_STATUS: snprintf(out + len, size - len, "%sstatus", sep); break;
		case SV_ACT_STAMP: snprintf(out + len, size - len, "%sstamp", sep); break;
		case SV_ACT_SIGNAL: snprintf(out + len, size - len, "%s%s", sep, signame(x->arg)); break;
		case SV_ACT_SCRIPT: snprintf(out + len, size - len, "%sscript:%c", sep, x->arg); break;
		case SV_ACT_ASK: snprintf(out + len, size - len, "%sask:%c", sep, x->arg); break;
		case SV_ACT_START: snprintf(out + len, size - len, "%sstart", sep); break;
		case SV_ACT_READ_KILL: snprintf(out + len, size - len, "%sread-kill", sep); break;
		}
		len = strlen(out);
	}
}

/* as supervise/stat, plus what it does not show */
static void describe_state(char *out, size_t size, const struct svstate *s, int64_t now)
{
	static const char *const word[] = { "down", "run", "finish" };
	static const char *const want[] = { "up", "down", "exit" };

	snprintf(out, size, "%s, want %s%s%s%s%s%s", word[s->state], want[s->want],
		 s->paused ? ", paused" : "", s->term_sent ? ", got TERM" : "",
		 s->stop_asked ? ", stop asked" : "", s->start_once ? ", once" : "",
		 svstate_waiting(s, now) ? ", waiting" : "");
}

/* ---- the states, reached through events ---- */

enum setup { DOWN_UP, DOWN_DOWN, RUN_UP, RUN_PAUSED, RUN_DOWN, FINISH_UP, FINISH_DOWN };

static const char *const setup_name[] = {
	"down, want up (backoff)", "down, want down", "run, want up", "run, paused",
	"run, want down", "finish, want up", "finish, want down",
};

static void started(struct svstate *s, int64_t now)
{
	step(s, (struct sv_event){ .kind = SV_EV_STARTED }, now);
}

/* the time the letter comes, for each setup */
static int64_t setup(struct svstate *s, enum setup which, bool is_log)
{
	bool want_down = which == DOWN_DOWN || which == RUN_DOWN || which == FINISH_DOWN;

	svstate_init(s, is_log, want_down);
	if (which == DOWN_DOWN)
		return T0;
	if (want_down)
		letter(s, 'o', T0);  /* the start o owes */
	else
		step(s, (struct sv_event){ .kind = SV_EV_DEADLINE }, T0);
	started(s, T0);
	if (which == DOWN_UP) {
		exited(s, false, T0 + 10);  /* a quick death: 1 s of backoff */
		return T0 + 500;
	}
	if (which == RUN_PAUSED) {
		letter(s, 'p', T0 + 500);
		verdict(s, false, T0 + 500);
	}
	if (which == FINISH_UP || which == FINISH_DOWN) {
		exited(s, true, T0 + 20000);  /* after a stable run */
		started(s, T0 + 20000);
	}
	return T0 + 20500;
}

struct row {
	enum setup setup;
	char letter;
	const char *actions;
	const char *after;
};

static void check_row(const struct row *r, bool is_log)
{
	char acts[200] = "", after[200], where[64];
	struct svstate s;
	struct sv_action a;
	int64_t now = setup(&s, r->setup, is_log);

	a = letter(&s, r->letter, now);
	describe_actions(acts, sizeof acts, &a);
	if (a.n && a.step[a.n - 1].kind == SV_ACT_ASK) {
		strcat(acts, " /");
		a = verdict(&s, false, now);
		describe_actions(acts, sizeof acts, &a);
	}
	describe_state(after, sizeof after, &s, now);
	snprintf(where, sizeof where, "%s%s, letter %c", is_log ? "log: " : "",
		 setup_name[r->setup], r->letter);
	if (strcmp(acts, r->actions) || strcmp(after, r->after))
		print_error("%s:\n  actions %s\n     want %s\n  after %s\n   want %s\n", where,
			    acts, r->actions, after, r->after);
	assert_string_equal(acts, r->actions);
	assert_string_equal(after, r->after);
}

static const char all_letters[] = "udoxtpckhaiq12es";

/* each letter of all_letters appears once per setup in rows */
static void check_table(const struct row *rows, size_t n, bool is_log, int setups)
{
	int seen[FINISH_DOWN + 1][sizeof all_letters] = { { 0 } };
	size_t i;
	int k, j;

	for (i = 0; i < n; i++) {
		check_row(&rows[i], is_log);
		seen[rows[i].setup][strchr(all_letters, rows[i].letter) - all_letters]++;
	}
	for (k = 0; k < setups; k++)
		for (j = 0; all_letters[j]; j++)
			if (seen[k][j] != 1)
				fail_msg("%s: letter %c has %d rows", setup_name[k], all_letters[j],
					 seen[k][j]);
}

static const struct row main_rows[] = {
	/* down, want up (backoff) */
	{ DOWN_UP, 'u', "status", "down, want up, waiting" },
	{ DOWN_UP, 'd', "status", "down, want down" },
	{ DOWN_UP, 'o', "status", "down, want down, once, waiting" },
	{ DOWN_UP, 'x', "status", "down, want exit" },
	{ DOWN_UP, 't', "", "down, want up, waiting" },
	{ DOWN_UP, 'p', "status", "down, want up, paused, waiting" },
	{ DOWN_UP, 'c', "status", "down, want up, waiting" },
	{ DOWN_UP, 'k', "", "down, want up, waiting" },
	{ DOWN_UP, 'h', "", "down, want up, waiting" },
	{ DOWN_UP, 'a', "", "down, want up, waiting" },
	{ DOWN_UP, 'i', "", "down, want up, waiting" },
	{ DOWN_UP, 'q', "", "down, want up, waiting" },
	{ DOWN_UP, '1', "", "down, want up, waiting" },
	{ DOWN_UP, '2', "", "down, want up, waiting" },
	{ DOWN_UP, 'e', "", "down, want up, waiting" },
	{ DOWN_UP, 's', "", "down, want up, waiting" },
	/* down, want down */
	{ DOWN_DOWN, 'u', "status start", "down, want up" },
	{ DOWN_DOWN, 'd', "status", "down, want down" },
	{ DOWN_DOWN, 'o', "status start", "down, want down, once" },
	{ DOWN_DOWN, 'x', "status", "down, want exit" },
	{ DOWN_DOWN, 't', "", "down, want down" },
	{ DOWN_DOWN, 'p', "status", "down, want down, paused" },
	{ DOWN_DOWN, 'c', "status", "down, want down" },
	{ DOWN_DOWN, 'k', "", "down, want down" },
	{ DOWN_DOWN, 'h', "", "down, want down" },
	{ DOWN_DOWN, 'a', "", "down, want down" },
	{ DOWN_DOWN, 'i', "", "down, want down" },
	{ DOWN_DOWN, 'q', "", "down, want down" },
	{ DOWN_DOWN, '1', "", "down, want down" },
	{ DOWN_DOWN, '2', "", "down, want down" },
	{ DOWN_DOWN, 'e', "", "down, want down" },
	{ DOWN_DOWN, 's', "", "down, want down" },
	/* run, want up */
	{ RUN_UP, 'u', "status", "run, want up" },
	{ RUN_UP, 'd', "status ask:t / TERM status CONT script:d read-kill", "run, want down, got TERM, stop asked" },
	{ RUN_UP, 'o', "status", "run, want down" },
	{ RUN_UP, 'x', "status ask:t / TERM status CONT script:x read-kill", "run, want exit, got TERM, stop asked" },
	{ RUN_UP, 't', "ask:t / TERM status", "run, want up, got TERM, stop asked" },
	{ RUN_UP, 'p', "ask:p / STOP status", "run, want up, paused" },
	{ RUN_UP, 'c', "ask:c / CONT status", "run, want up" },
	{ RUN_UP, 'k', "ask:k / KILL", "run, want up, stop asked" },
	{ RUN_UP, 'h', "ask:h / HUP", "run, want up" },
	{ RUN_UP, 'a', "ask:a / ALRM", "run, want up" },
	{ RUN_UP, 'i', "ask:i / INT", "run, want up" },
	{ RUN_UP, 'q', "ask:q / QUIT", "run, want up" },
	{ RUN_UP, '1', "ask:1 / USR1", "run, want up" },
	{ RUN_UP, '2', "ask:2 / USR2", "run, want up" },
	{ RUN_UP, 'e', "", "run, want up" },
	{ RUN_UP, 's', "", "run, want up" },
	/* run, paused */
	{ RUN_PAUSED, 'u', "status", "run, want up, paused" },
	{ RUN_PAUSED, 'd', "status ask:t / TERM status CONT script:d read-kill", "run, want down, paused, got TERM, stop asked" },
	{ RUN_PAUSED, 'o', "status", "run, want down, paused" },
	{ RUN_PAUSED, 'x', "status ask:t / TERM status CONT script:x read-kill", "run, want exit, paused, got TERM, stop asked" },
	{ RUN_PAUSED, 't', "ask:t / TERM status", "run, want up, paused, got TERM, stop asked" },
	{ RUN_PAUSED, 'p', "ask:p / STOP status", "run, want up, paused" },
	{ RUN_PAUSED, 'c', "ask:c / CONT status", "run, want up" },
	{ RUN_PAUSED, 'k', "ask:k / KILL", "run, want up, paused, stop asked" },
	{ RUN_PAUSED, 'h', "ask:h / HUP", "run, want up, paused" },
	{ RUN_PAUSED, 'a', "ask:a / ALRM", "run, want up, paused" },
	{ RUN_PAUSED, 'i', "ask:i / INT", "run, want up, paused" },
	{ RUN_PAUSED, 'q', "ask:q / QUIT", "run, want up, paused" },
	{ RUN_PAUSED, '1', "ask:1 / USR1", "run, want up, paused" },
	{ RUN_PAUSED, '2', "ask:2 / USR2", "run, want up, paused" },
	{ RUN_PAUSED, 'e', "", "run, want up, paused" },
	{ RUN_PAUSED, 's', "", "run, want up, paused" },
	/* run, want down */
	{ RUN_DOWN, 'u', "status", "run, want up" },
	{ RUN_DOWN, 'd', "status ask:t / TERM status CONT script:d read-kill", "run, want down, got TERM, stop asked" },
	{ RUN_DOWN, 'o', "status", "run, want down" },
	{ RUN_DOWN, 'x', "status ask:t / TERM status CONT script:x read-kill", "run, want exit, got TERM, stop asked" },
	{ RUN_DOWN, 't', "ask:t / TERM status CONT script:d read-kill", "run, want down, got TERM, stop asked" },
	{ RUN_DOWN, 'p', "ask:p / STOP status", "run, want down, paused" },
	{ RUN_DOWN, 'c', "ask:c / CONT status", "run, want down" },
	{ RUN_DOWN, 'k', "ask:k / KILL", "run, want down, stop asked" },
	{ RUN_DOWN, 'h', "ask:h / HUP", "run, want down" },
	{ RUN_DOWN, 'a', "ask:a / ALRM", "run, want down" },
	{ RUN_DOWN, 'i', "ask:i / INT", "run, want down" },
	{ RUN_DOWN, 'q', "ask:q / QUIT", "run, want down" },
	{ RUN_DOWN, '1', "ask:1 / USR1", "run, want down" },
	{ RUN_DOWN, '2', "ask:2 / USR2", "run, want down" },
	{ RUN_DOWN, 'e', "", "run, want down" },
	{ RUN_DOWN, 's', "", "run, want down" },
	/* finish, want up */
	{ FINISH_UP, 'u', "status", "finish, want up" },
	{ FINISH_UP, 'd', "status", "finish, want down" },
	{ FINISH_UP, 'o', "status", "finish, want down" },
	{ FINISH_UP, 'x', "status", "finish, want exit" },
	{ FINISH_UP, 't', "", "finish, want up" },
	{ FINISH_UP, 'p', "status", "finish, want up, paused" },
	{ FINISH_UP, 'c', "status", "finish, want up" },
	{ FINISH_UP, 'k', "", "finish, want up" },
	{ FINISH_UP, 'h', "", "finish, want up" },
	{ FINISH_UP, 'a', "", "finish, want up" },
	{ FINISH_UP, 'i', "", "finish, want up" },
	{ FINISH_UP, 'q', "", "finish, want up" },
	{ FINISH_UP, '1', "", "finish, want up" },
	{ FINISH_UP, '2', "", "finish, want up" },
	{ FINISH_UP, 'e', "", "finish, want up" },
	{ FINISH_UP, 's', "", "finish, want up" },
	/* finish, want down */
	{ FINISH_DOWN, 'u', "status", "finish, want up" },
	{ FINISH_DOWN, 'd', "status", "finish, want down" },
	{ FINISH_DOWN, 'o', "status", "finish, want down" },
	{ FINISH_DOWN, 'x', "status", "finish, want exit" },
	{ FINISH_DOWN, 't', "", "finish, want down" },
	{ FINISH_DOWN, 'p', "status", "finish, want down, paused" },
	{ FINISH_DOWN, 'c', "status", "finish, want down" },
	{ FINISH_DOWN, 'k', "", "finish, want down" },
	{ FINISH_DOWN, 'h', "", "finish, want down" },
	{ FINISH_DOWN, 'a', "", "finish, want down" },
	{ FINISH_DOWN, 'i', "", "finish, want down" },
	{ FINISH_DOWN, 'q', "", "finish, want down" },
	{ FINISH_DOWN, '1', "", "finish, want down" },
	{ FINISH_DOWN, '2', "", "finish, want down" },
	{ FINISH_DOWN, 'e', "", "finish, want down" },
	{ FINISH_DOWN, 's', "", "finish, want down" },
};

static const struct row log_rows[] = {
	/* down, want up (backoff) */
	{ DOWN_UP, 'u', "status", "down, want up, waiting" },
	{ DOWN_UP, 'd', "status", "down, want down" },
	{ DOWN_UP, 'o', "status", "down, want down, once, waiting" },
	{ DOWN_UP, 'x', "", "down, want up, waiting" },
	{ DOWN_UP, 't', "", "down, want up, waiting" },
	{ DOWN_UP, 'p', "status", "down, want up, paused, waiting" },
	{ DOWN_UP, 'c', "status", "down, want up, waiting" },
	{ DOWN_UP, 'k', "", "down, want up, waiting" },
	{ DOWN_UP, 'h', "", "down, want up, waiting" },
	{ DOWN_UP, 'a', "", "down, want up, waiting" },
	{ DOWN_UP, 'i', "", "down, want up, waiting" },
	{ DOWN_UP, 'q', "", "down, want up, waiting" },
	{ DOWN_UP, '1', "", "down, want up, waiting" },
	{ DOWN_UP, '2', "", "down, want up, waiting" },
	{ DOWN_UP, 'e', "", "down, want up, waiting" },
	{ DOWN_UP, 's', "", "down, want up, waiting" },
	/* down, want down */
	{ DOWN_DOWN, 'u', "status start", "down, want up" },
	{ DOWN_DOWN, 'd', "status", "down, want down" },
	{ DOWN_DOWN, 'o', "status start", "down, want down, once" },
	{ DOWN_DOWN, 'x', "", "down, want down" },
	{ DOWN_DOWN, 't', "", "down, want down" },
	{ DOWN_DOWN, 'p', "status", "down, want down, paused" },
	{ DOWN_DOWN, 'c', "status", "down, want down" },
	{ DOWN_DOWN, 'k', "", "down, want down" },
	{ DOWN_DOWN, 'h', "", "down, want down" },
	{ DOWN_DOWN, 'a', "", "down, want down" },
	{ DOWN_DOWN, 'i', "", "down, want down" },
	{ DOWN_DOWN, 'q', "", "down, want down" },
	{ DOWN_DOWN, '1', "", "down, want down" },
	{ DOWN_DOWN, '2', "", "down, want down" },
	{ DOWN_DOWN, 'e', "", "down, want down" },
	{ DOWN_DOWN, 's', "", "down, want down" },
	/* run, want up */
	{ RUN_UP, 'u', "status", "run, want up" },
	{ RUN_UP, 'd', "status TERM status CONT read-kill", "run, want down, got TERM, stop asked" },
	{ RUN_UP, 'o', "status", "run, want down" },
	{ RUN_UP, 'x', "", "run, want up" },
	{ RUN_UP, 't', "TERM status", "run, want up, got TERM, stop asked" },
	{ RUN_UP, 'p', "STOP status", "run, want up, paused" },
	{ RUN_UP, 'c', "CONT status", "run, want up" },
	{ RUN_UP, 'k', "KILL", "run, want up, stop asked" },
	{ RUN_UP, 'h', "HUP", "run, want up" },
	{ RUN_UP, 'a', "ALRM", "run, want up" },
	{ RUN_UP, 'i', "INT", "run, want up" },
	{ RUN_UP, 'q', "QUIT", "run, want up" },
	{ RUN_UP, '1', "USR1", "run, want up" },
	{ RUN_UP, '2', "USR2", "run, want up" },
	{ RUN_UP, 'e', "", "run, want up" },
	{ RUN_UP, 's', "", "run, want up" },
	/* run, paused */
	{ RUN_PAUSED, 'u', "status", "run, want up, paused" },
	{ RUN_PAUSED, 'd', "status TERM status CONT read-kill", "run, want down, paused, got TERM, stop asked" },
	{ RUN_PAUSED, 'o', "status", "run, want down, paused" },
	{ RUN_PAUSED, 'x', "", "run, want up, paused" },
	{ RUN_PAUSED, 't', "TERM status", "run, want up, paused, got TERM, stop asked" },
	{ RUN_PAUSED, 'p', "STOP status", "run, want up, paused" },
	{ RUN_PAUSED, 'c', "CONT status", "run, want up" },
	{ RUN_PAUSED, 'k', "KILL", "run, want up, paused, stop asked" },
	{ RUN_PAUSED, 'h', "HUP", "run, want up, paused" },
	{ RUN_PAUSED, 'a', "ALRM", "run, want up, paused" },
	{ RUN_PAUSED, 'i', "INT", "run, want up, paused" },
	{ RUN_PAUSED, 'q', "QUIT", "run, want up, paused" },
	{ RUN_PAUSED, '1', "USR1", "run, want up, paused" },
	{ RUN_PAUSED, '2', "USR2", "run, want up, paused" },
	{ RUN_PAUSED, 'e', "", "run, want up, paused" },
	{ RUN_PAUSED, 's', "", "run, want up, paused" },
	/* run, want down */
	{ RUN_DOWN, 'u', "status", "run, want up" },
	{ RUN_DOWN, 'd', "status TERM status CONT read-kill", "run, want down, got TERM, stop asked" },
	{ RUN_DOWN, 'o', "status", "run, want down" },
	{ RUN_DOWN, 'x', "", "run, want down" },
	{ RUN_DOWN, 't', "TERM status CONT read-kill", "run, want down, got TERM, stop asked" },
	{ RUN_DOWN, 'p', "STOP status", "run, want down, paused" },
	{ RUN_DOWN, 'c', "CONT status", "run, want down" },
	{ RUN_DOWN, 'k', "KILL", "run, want down, stop asked" },
	{ RUN_DOWN, 'h', "HUP", "run, want down" },
	{ RUN_DOWN, 'a', "ALRM", "run, want down" },
	{ RUN_DOWN, 'i', "INT", "run, want down" },
	{ RUN_DOWN, 'q', "QUIT", "run, want down" },
	{ RUN_DOWN, '1', "USR1", "run, want down" },
	{ RUN_DOWN, '2', "USR2", "run, want down" },
	{ RUN_DOWN, 'e', "", "run, want down" },
	{ RUN_DOWN, 's', "", "run, want down" },
};

static void main_service_table(void **state)
{
	(void)state;
	check_table(main_rows, sizeof main_rows / sizeof main_rows[0], false, FINISH_DOWN + 1);
}

static void log_service_table(void **state)
{
	(void)state;
	/* the log service has no ./finish: the finish setups are left out */
	check_table(log_rows, sizeof log_rows / sizeof log_rows[0], true, RUN_DOWN + 1);
}

/* ---- the other events ---- */

static void expect(const struct sv_action *a, const char *want)
{
	char acts[200] = "";

	describe_actions(acts, sizeof acts, a);
	assert_string_equal(acts, want);
}

static void expect_state(const struct svstate *s, int64_t now, const char *want)
{
	char after[200];

	describe_state(after, sizeof after, s, now);
	assert_string_equal(after, want);
}

/* a control/ script that exits 0 keeps the signal from being sent */
static void handled_script_sends_nothing(void **state)
{
	struct svstate s;
	struct sv_action a;
	int64_t now = setup(&s, RUN_UP, false);

	(void)state;
	expect((a = letter(&s, 'd', now), &a), "status ask:t");
	expect((a = verdict(&s, true, now), &a), "CONT script:d read-kill");
	expect_state(&s, now, "run, want down");
	expect((a = letter(&s, 'p', now), &a), "ask:p");
	expect((a = verdict(&s, true, now), &a), "status");
	expect_state(&s, now, "run, want down, paused");
	expect((a = letter(&s, 'k', now), &a), "ask:k");
	expect((a = verdict(&s, true, now), &a), "");
	expect_state(&s, now, "run, want down, paused");
	/* a verdict nobody waits for does nothing */
	expect((a = verdict(&s, false, now), &a), "");
}

/* ./run exits, ./finish runs, then ./run again: the status shows each */
static void exit_runs_finish_then_run(void **state)
{
	struct svstate s;
	struct sv_action a;
	int64_t now = setup(&s, RUN_UP, false);

	(void)state;
	expect((a = exited(&s, true, now), &a), "start");
	expect_state(&s, now, "finish, want up");
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_STARTED }, now), &a), "status");
	/* a stable run: only the floor of a second, long over */
	expect((a = exited(&s, true, now + 5), &a), "stamp start");
	expect_state(&s, now + 5, "down, want up");
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_STARTED }, now + 5), &a),
	       "stamp status");
	expect_state(&s, now + 5, "run, want up");
	assert_int_equal(s.starts, 2);
}

/* the log service has no ./finish, even if the caller says there is one */
static void log_has_no_finish(void **state)
{
	struct svstate s;
	struct sv_action a;
	int64_t now = setup(&s, RUN_UP, true);

	(void)state;
	expect((a = exited(&s, true, now), &a), "stamp start");
	expect_state(&s, now, "down, want up");
}

/* a fresh service whose ./run was started at T0 */
static void running(struct svstate *s, bool is_log)
{
	svstate_init(s, is_log, false);
	step(s, (struct sv_event){ .kind = SV_EV_DEADLINE }, T0);
	started(s, T0);
}

/* a quick death waits for the backoff, then the deadline starts ./run */
static void quick_death_backs_off(void **state)
{
	struct svstate s;
	struct sv_action a;

	(void)state;
	running(&s, false);
	expect((a = exited(&s, false, T0 + 100), &a), "stamp status");
	assert_int_equal(svstate_deadline(&s), T0 + 100 + 1000);
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_DEADLINE }, T0 + 1099), &a), "");
	expect_state(&s, T0 + 1099, "down, want up, waiting");
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_DEADLINE }, T0 + 1100), &a),
	       "start");
}

/* an exit runsv asked for (t, d, x, k) is no crash: no backoff */
static void asked_exit_does_not_back_off(void **state)
{
	const char letters[] = "tk";
	struct svstate s;
	struct sv_action a;
	int64_t now;
	size_t i;

	(void)state;
	for (i = 0; letters[i]; i++) {
		now = setup(&s, DOWN_UP, false);  /* one quick death already */
		step(&s, (struct sv_event){ .kind = SV_EV_DEADLINE }, now + 1000);
		started(&s, now + 1000);
		letter(&s, letters[i], now + 1100);
		verdict(&s, false, now + 1100);
		expect((a = exited(&s, false, now + 1200), &a), "stamp status");
		assert_int_equal(s.rs.fails, 0);
		/* the floor: a second after the last start */
		assert_int_equal(svstate_deadline(&s), now + 2000);
	}
}

/* a start held for dependencies: no deadline, released by release, a
 * failed start (depends-timeout) or u */
static void hold_and_release(void **state)
{
	struct svstate s;
	struct sv_action a;

	(void)state;
	svstate_init(&s, false, false);
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_DEADLINE }, T0), &a), "start");
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_HOLD }, T0), &a), "status");
	assert_int_equal(svstate_deadline(&s), INT64_MAX);
	assert_false(svstate_waiting(&s, T0));
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_DEADLINE }, T0 + 5000), &a), "");
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_RELEASE }, T0 + 5000), &a), "start");
	step(&s, (struct sv_event){ .kind = SV_EV_HOLD }, T0 + 5000);
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_START_FAILED }, T0 + 6000), &a),
	       "status");
	assert_false(s.held);
	assert_int_equal(svstate_deadline(&s), T0 + 7000);  /* a quick death's backoff */
	step(&s, (struct sv_event){ .kind = SV_EV_HOLD }, T0 + 7000);
	expect((a = letter(&s, 'u', T0 + 8000), &a), "status start");
}

/* runsv's own restart: TERM as a crash's (backoff) or asked (none) */
static void stop_run(void **state)
{
	struct svstate s;
	struct sv_action a;

	(void)state;
	running(&s, false);
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_STOP_RUN }, T0 + 100), &a),
	       "TERM CONT status read-kill");
	expect_state(&s, T0 + 100, "run, want up, got TERM");
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_STOP_RUN }, T0 + 100), &a), "");
	expect((a = exited(&s, false, T0 + 200), &a), "stamp status");
	assert_int_equal(s.rs.fails, 1);  /* unhealthy: counted as a crash */
	running(&s, false);
	step(&s, (struct sv_event){ .kind = SV_EV_STOP_RUN, .asked = true }, T0 + 100);
	expect((a = exited(&s, false, T0 + 200), &a), "stamp status");
	assert_int_equal(s.rs.fails, 0);  /* a dependency's restart: no backoff */
	assert_int_equal(svstate_deadline(&s), T0 + 1000);
}

static void backoff_max_caps_the_wait(void **state)
{
	struct svstate s;
	int64_t now = T0;
	int i;

	(void)state;
	running(&s, false);
	for (i = 0; i < 5; i++) {
		step(&s, (struct sv_event){ .kind = SV_EV_EXIT, .backoff_max_ms = 3000 }, now + 10);
		now = svstate_deadline(&s);
		step(&s, (struct sv_event){ .kind = SV_EV_DEADLINE }, now);
		started(&s, now);
	}
	step(&s, (struct sv_event){ .kind = SV_EV_EXIT, .backoff_max_ms = 3000 }, now + 10);
	assert_int_equal(s.rs.fails, 6);
	assert_int_equal(s.rs.delay_ms, 3000);  /* not 32 s */
}

/* d on a running service, with a timeout-kill: KILL at the deadline */
static void timeout_kill(void **state)
{
	struct svstate s;
	struct sv_action a;
	int64_t now = setup(&s, RUN_UP, false);

	(void)state;
	letter(&s, 'd', now);
	expect((a = verdict(&s, false, now), &a), "TERM status CONT script:d read-kill");
	step(&s, (struct sv_event){ .kind = SV_EV_KILL_AFTER, .kill_after_ms = 3000 }, now);
	assert_int_equal(svstate_deadline(&s), now + 3000);
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_DEADLINE }, now + 2999), &a), "");
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_DEADLINE }, now + 3000), &a), "KILL");
	assert_int_equal(svstate_deadline(&s), INT64_MAX);
	/* no timeout-kill file: no deadline */
	now = setup(&s, RUN_UP, false);
	letter(&s, 'd', now);
	verdict(&s, false, now);
	step(&s, (struct sv_event){ .kind = SV_EV_KILL_AFTER }, now);
	assert_int_equal(svstate_deadline(&s), INT64_MAX);
}

/* a start that could not happen (no fork, no sockets) is retried with backoff */
static void failed_start_backs_off(void **state)
{
	struct svstate s;
	struct sv_action a;

	(void)state;
	svstate_init(&s, false, false);
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_DEADLINE }, T0), &a), "start");
	expect((a = step(&s, (struct sv_event){ .kind = SV_EV_START_FAILED }, T0), &a), "status");
	expect_state(&s, T0, "down, want up, waiting");
	assert_int_equal(svstate_deadline(&s), T0 + 1000);
	assert_int_equal(s.starts, 0);
}

/* o: one start, no restart after it */
static void once_is_not_restarted(void **state)
{
	struct svstate s;
	struct sv_action a;
	int64_t now = setup(&s, RUN_DOWN, false);

	(void)state;
	expect((a = exited(&s, false, now), &a), "stamp status");
	expect_state(&s, now, "down, want down");
	assert_int_equal(svstate_deadline(&s), INT64_MAX);
}

/* two quick deaths, the second with ./finish running: 2 s of backoff */
static void finishing_after_two_crashes(struct svstate *s)
{
	running(s, false);
	exited(s, false, T0 + 10);
	step(s, (struct sv_event){ .kind = SV_EV_DEADLINE }, T0 + 1010);
	started(s, T0 + 1010);
	exited(s, true, T0 + 1020);
	started(s, T0 + 1020);
	assert_int_equal(svstate_deadline(s), INT64_MAX);  /* ./finish runs */
}

/* u while ./finish runs: ./run follows it without the backoff */
static void up_during_finish_skips_backoff(void **state)
{
	struct svstate s;
	struct sv_action a;

	(void)state;
	finishing_after_two_crashes(&s);
	expect((a = letter(&s, 'u', T0 + 2100), &a), "status");
	expect((a = exited(&s, false, T0 + 2200), &a), "stamp start");
	/* without u, ./run waits until T0 + 1020 + 2000 */
	finishing_after_two_crashes(&s);
	expect((a = exited(&s, false, T0 + 2200), &a), "stamp status");
	expect_state(&s, T0 + 2200, "down, want up, waiting");
	assert_int_equal(svstate_deadline(&s), T0 + 3020);
}

/* x: the service goes down, then runsv may go; the log is drained */
static void exit_and_drain(void **state)
{
	struct svstate s, log;
	struct sv_action a;
	int64_t now = setup(&s, RUN_UP, false);

	(void)state;
	letter(&s, 'x', now);
	verdict(&s, false, now);
	assert_false(svstate_gone(&s));
	expect((a = exited(&s, false, now), &a), "stamp status");
	assert_true(svstate_gone(&s));
	setup(&log, RUN_UP, true);
	expect((a = step(&log, (struct sv_event){ .kind = SV_EV_DRAIN }, now), &a), "status");
	expect((a = exited(&log, false, now), &a), "stamp status");
	expect_state(&log, now, "down, want exit");
	assert_int_equal(svstate_deadline(&log), INT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(main_service_table),
		cmocka_unit_test(log_service_table),
		cmocka_unit_test(handled_script_sends_nothing),
		cmocka_unit_test(exit_runs_finish_then_run),
		cmocka_unit_test(log_has_no_finish),
		cmocka_unit_test(quick_death_backs_off),
		cmocka_unit_test(asked_exit_does_not_back_off),
		cmocka_unit_test(hold_and_release),
		cmocka_unit_test(stop_run),
		cmocka_unit_test(backoff_max_caps_the_wait),
		cmocka_unit_test(timeout_kill),
		cmocka_unit_test(failed_start_backs_off),
		cmocka_unit_test(once_is_not_restarted),
		cmocka_unit_test(up_during_finish_skips_backoff),
		cmocka_unit_test(exit_and_drain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
