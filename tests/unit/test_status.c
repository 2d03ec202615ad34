/* Unit tests: runit's 20-byte status file and TAI64N labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "status.h"
#include "tai64n.h"

static void tai64n_known_label(void **state)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 0 }, back;
	char text[TAI64N_TEXT + 1] = { 0 };

	(void)state;
	tai64n_fmt(text, &ts);
	/* the unix epoch is TAI64 2^62 + 10 */
	assert_string_equal(text, "@400000000000000a00000000");
	ts.tv_sec = 1700000000;
	ts.tv_nsec = 123456789;
	tai64n_fmt(text, &ts);
	assert_string_equal(text, "@400000006553f10a075bcd15");
	assert_int_equal(tai64n_scan(text, &back), 0);
	assert_int_equal(back.tv_sec, ts.tv_sec);
	assert_int_equal(back.tv_nsec, ts.tv_nsec);
}

static void tai64n_scan_rejects(void **state)
{
	struct timespec ts;

	(void)state;
	assert_int_equal(tai64n_scan("400000006553f10a075bcd15x", &ts), -1);
	assert_int_equal(tai64n_scan("@400000006553f10a075bcd1g", &ts), -1);
	assert_int_equal(tai64n_scan("@400000006553f10a", &ts), -1);
	/* nanoseconds past 999999999 */
	assert_int_equal(tai64n_scan("@400000006553f10a3b9aca00", &ts), -1);
}

static void status_runit_layout(void **state)
{
	struct svstatus st = { .since = { 1700000000, 5 }, .pid = 0x01020304,
			       .paused = 1, .want = 'd', .got_term = 1, .state = SV_RUN };
	unsigned char b[SVSTATUS_SIZE];
	const unsigned char want[SVSTATUS_SIZE] = {
		0x40, 0, 0, 0, 0x65, 0x53, 0xf1, 0x0a, 0, 0, 0, 5, /* TAI64N */
		4, 3, 2, 1,                                       /* pid LE */
		1, 'd', 1, 1 };

	(void)state;
	svstatus_encode(b, &st);
	assert_memory_equal(b, want, SVSTATUS_SIZE);
}

static void status_roundtrip_and_rejects(void **state)
{
	struct svstatus st = { .since = { 1234567890, 999999999 }, .pid = 4242,
			       .paused = 0, .want = 'u', .got_term = 0, .state = SV_FINISH };
	struct svstatus back;
	unsigned char b[SVSTATUS_SIZE];

	(void)state;
	svstatus_encode(b, &st);
	assert_int_equal(svstatus_decode(b, sizeof b, &back), 0);
	assert_int_equal(back.since.tv_sec, st.since.tv_sec);
	assert_int_equal(back.since.tv_nsec, st.since.tv_nsec);
	assert_int_equal(back.pid, 4242);
	assert_int_equal(back.want, 'u');
	assert_int_equal(back.state, SV_FINISH);
	assert_int_equal(svstatus_decode(b, 19, &back), -1);
	b[19] = 3;
	assert_int_equal(svstatus_decode(b, sizeof b, &back), -1);
	b[19] = 1;
	b[17] = 'x';
	assert_int_equal(svstatus_decode(b, sizeof b, &back), -1);
}

static void extra_roundtrip_and_rejects(void **state)
{
	struct svextra x = { .ready = SVREADY_YES, .backoff_ms = 4000,
			     .ready_at = { 1700000000, 1 }, .next_start = { 1700000004, 2 },
			     .starts = 7, .runsv_pid = 99 };
	struct svextra back;
	unsigned char b[SVEXTRA_SIZE];

	(void)state;
	strcpy(x.text, "serving 3 clients");
	assert_int_equal(svextra_encode(b, &x), SVEXTRA_SIZE);
	assert_int_equal(svextra_decode(b, sizeof b, &back), 0);
	assert_int_equal(back.ready, SVREADY_YES);
	assert_int_equal(back.backoff_ms, 4000);
	assert_int_equal(back.next_start.tv_sec, 1700000004);
	assert_int_equal(back.starts, 7);
	assert_int_equal(back.runsv_pid, 99);
	assert_string_equal(back.text, "serving 3 clients");
	b[0] = 1;  /* version 1 had its text where the exit block is now */
	assert_int_equal(svextra_decode(b, sizeof b, &back), -1);
	b[0] = SVEXTRA_VERSION;
	memset(b + 56, 'A', SVEXTRA_TEXT); /* text without a NUL */
	assert_int_equal(svextra_decode(b, sizeof b, &back), -1);
}

/* restart accounting: the last exit rides in the brief form too */
static void extra_last_exit(void **state)
{
	struct svextra x = { .starts = 2, .runsv_pid = 7 }, back;
	struct timespec at = { 1700000100, 5 };
	unsigned char b[SVEXTRA_SIZE];

	(void)state;
	svextra_note_exit(&x, 9, 1, &at);   /* killed by KILL */
	assert_int_equal(svextra_encode(b, &x), SVEXTRA_BRIEF);
	assert_int_equal(svextra_decode(b, SVEXTRA_BRIEF, &back), 0);
	assert_int_equal(back.exit_kind, SVEXIT_SIGNAL);
	assert_int_equal(back.exit_code, 9);
	assert_int_equal(back.exit_oom, 1);
	assert_int_equal(back.exit_at.tv_sec, 1700000100);
	svextra_note_exit(&x, 3 << 8, 0, &at);  /* exit 3 */
	svextra_encode(b, &x);
	assert_int_equal(svextra_decode(b, SVEXTRA_BRIEF, &back), 0);
	assert_int_equal(back.exit_kind, SVEXIT_CODE);
	assert_int_equal(back.exit_code, 3);
	b[40] = 3;      /* no such kind */
	assert_int_equal(svextra_decode(b, SVEXTRA_BRIEF, &back), -1);
	b[40] = SVEXIT_SIGNAL;
	b[41] = 0;      /* no signal 0 */
	assert_int_equal(svextra_decode(b, SVEXTRA_BRIEF, &back), -1);
	b[41] = 9;
	b[42] = 2;      /* oom is 0 or 1 */
	assert_int_equal(svextra_decode(b, SVEXTRA_BRIEF, &back), -1);
}

/* nothing for a status line: the brief form, 56 bytes, which sv need not
 * read; any of readiness, backoff or text makes it whole */
static void extra_brief_form(void **state)
{
	struct svextra x = { .starts = 3, .runsv_pid = 42 }, back;
	unsigned char b[SVEXTRA_SIZE];

	(void)state;
	assert_int_equal(svextra_encode(b, &x), SVEXTRA_BRIEF);
	memset(&back, 0x55, sizeof back);
	assert_int_equal(svextra_decode(b, SVEXTRA_BRIEF, &back), 0);
	assert_int_equal(back.starts, 3);
	assert_int_equal(back.runsv_pid, 42);
	assert_string_equal(back.text, "");
	assert_int_equal(svextra_quiet(&back), 1);
	/* the whole form of the same is still read (an older runsv wrote it) */
	assert_int_equal(svextra_decode(b, SVEXTRA_SIZE, &back), 0);
	assert_int_equal(svextra_decode(b, SVEXTRA_BRIEF + 1, &back), -1);
	assert_int_equal(svextra_decode(b, SVEXTRA_BRIEF - 1, &back), -1);
	x.ready = SVREADY_WAIT;
	assert_int_equal(svextra_encode(b, &x), SVEXTRA_SIZE);
	/* a brief form that is not quiet would hide what sv must show */
	assert_int_equal(svextra_decode(b, SVEXTRA_BRIEF, &back), -1);
	x.ready = SVREADY_NONE;
	x.backoff_ms = 1000;
	assert_int_equal(svextra_encode(b, &x), SVEXTRA_SIZE);
	x.backoff_ms = 0;
	strcpy(x.text, "t");
	assert_int_equal(svextra_encode(b, &x), SVEXTRA_SIZE);
}

/* ward's runsv marks a whole ward in the status' nanoseconds (odd);
 * runit's runsv writes 1000 * usec + 500, never odd */
static void status_mark(void **state)
{
	struct svstatus st = { .since = { 1700000000, 123456500 }, .want = 'u' }, back;
	unsigned char b[SVSTATUS_SIZE];

	(void)state;
	assert_int_equal(svstatus_marked(&st), 0);
	svstatus_mark(&st, 1);
	assert_int_equal(st.since.tv_nsec, 123456501);
	svstatus_encode(b, &st);
	assert_int_equal(svstatus_decode(b, sizeof b, &back), 0);
	assert_int_equal(svstatus_marked(&back), 1);
	assert_int_equal(back.since.tv_sec, 1700000000);
	svstatus_mark(&back, 0);
	assert_int_equal(back.since.tv_nsec, 123456500);
	assert_int_equal(svstatus_marked(&back), 0);
	st.since.tv_nsec = 999999999;  /* still a valid TAI64N either way */
	svstatus_mark(&st, 0);
	assert_int_equal(st.since.tv_nsec, 999999998);
	svstatus_mark(&st, 1);
	assert_int_equal(st.since.tv_nsec, 999999999);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tai64n_known_label),
		cmocka_unit_test(tai64n_scan_rejects),
		cmocka_unit_test(status_runit_layout),
		cmocka_unit_test(extra_brief_form),
		cmocka_unit_test(extra_last_exit),
		cmocka_unit_test(status_mark),
		cmocka_unit_test(status_roundtrip_and_rejects),
		cmocka_unit_test(extra_roundtrip_and_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
