/* status: the supervise/ state files that runsv writes and sv reads.
 *
 * supervise/status is runit's 20-byte binary layout, byte for byte, so that
 * runit's sv and existing monitors read ours:
 *   0..11  TAI64N of the last state change (8 bytes seconds, 4 bytes nanos, BE)
 *   12..15 pid of ./run, little-endian, 0 when not running
 *   16     1 if paused (sv pause), else 0
 *   17     want: 'u' (up) or 'd' (down)
 *   18     1 if TERM was sent and the process has not exited yet, else 0
 *   19     state: 0 down, 1 run, 2 finish
 *
 * supervise/ward is ward's own addition (readiness, backoff, runsv's pid),
 * versioned; runit's tools never look at it.  It has two sizes: the whole
 * SVEXTRA_SIZE bytes, or the first SVEXTRA_BRIEF of them when nothing in it
 * would show on a status line (no readiness declared, no backoff, no text).
 * Both are written as NAME.new and renamed (fs_write_atomic), so a reader
 * never sees half a file.
 *
 * The mark.  So that `sv status` need not open supervise/ward for every
 * service, supervise/status says whether the ward is whole, in the lowest
 * bit of its nanoseconds (bytes 8..11): odd, whole; even, brief or none.
 *  - Writer: ward's runsv, alone.  Each time it writes the status it writes
 *    the ward first, then sets or clears the mark by what it just wrote
 *    (svstatus_mark); when the ward turns whole or brief it writes the
 *    status again, even if nothing else in it changed.  The time moves by
 *    1 ns at most, which no reader shows (sv prints seconds).
 *  - Reader: ward's sv (svstatus_marked), wherever it reads a status: for
 *    a status line, and for the readiness that -w waits for.  Not marked:
 *    sv does not open the ward, and prints and waits as runit's sv does.
 *    Marked: it reads the ward, and uses it only if it decodes (else a
 *    warning) and the runsv_pid in it is a live process.  `sv -j` reads the
 *    ward whatever the mark (it shows the starts, which a brief ward holds
 *    too).  Nothing else reads the mark: runit's sv and monitors see
 *    runit's layout, the time 1 ns off at most.
 *  - Races are harmless: the ward is written before the status, so a marked
 *    status never comes with an older ward; a ward that turned brief since is
 *    quiet and shows nothing; a ward that turned whole before the status was
 *    rewritten waits for that rewrite, as if sv had looked a moment sooner.
 *  - runit's runsv never carries it: its times are gettimeofday's
 *    microseconds as 1000 * usec + 500 nanoseconds (taia_now), always even.
 *  - Under runit's runsv: it writes supervise/status as it starts (also with
 *    ./down) and at each change, never supervise/ward.  Its status is never
 *    marked, so a status line never opens a ward an earlier ward runsv left
 *    in the directory, and sv prints what runit's sv would.  (Another
 *    supervisor's time may be odd by chance: that costs sv one open, and a
 *    ward left behind counts only while its runsv_pid is a live process.)
 */
#ifndef WARD_STATUS_H
#define WARD_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

enum sv_state { SV_DOWN = 0, SV_RUN = 1, SV_FINISH = 2 };

#define SVSTATUS_SIZE 20

struct svstatus {
	struct timespec since; /* when the state last changed */
	pid_t pid;             /* 0 when not running */
	int paused;
	char want;             /* 'u' or 'd' */
	int got_term;
	int state;             /* enum sv_state */
};

void svstatus_encode(unsigned char out[SVSTATUS_SIZE], const struct svstatus *st);
/* the mark (above): set it in st->since if whole, else clear it; test it */
void svstatus_mark(struct svstatus *st, int whole);
int svstatus_marked(const struct svstatus *st);
/* returns 0, or -1 if len is not 20 or a field is out of range */
int svstatus_decode(const unsigned char *in, size_t len, struct svstatus *st);

enum sv_ready { SVREADY_NONE = 0, SVREADY_WAIT = 1, SVREADY_YES = 2 };

#define SVEXTRA_VERSION 2
#define SVEXTRA_SIZE 272
#define SVEXTRA_BRIEF 56       /* the size without the text (see above) */
#define SVEXTRA_TEXT 200       /* STATUS= text, including its NUL */

/* how ./run last ended (restart accounting) */
enum sv_exit_kind { SVEXIT_NONE = 0, SVEXIT_CODE = 1, SVEXIT_SIGNAL = 2 };

struct svextra {
	int ready;                 /* enum sv_ready: NONE = not declared */
	uint32_t backoff_ms;       /* delay before the next start, 0 if none */
	struct timespec ready_at;  /* when it became ready */
	struct timespec next_start;/* when the next start is due (with backoff) */
	uint32_t starts;           /* starts of ./run since runsv began */
	pid_t runsv_pid;           /* the runsv that owns this directory */
	char text[SVEXTRA_TEXT];   /* last STATUS= (sd_notify), NUL-terminated */
	/* ---- restart accounting (issue 18): ./run's last exit ---- */
	int exit_kind;             /* enum sv_exit_kind: NONE until ./run first ended */
	int exit_code;             /* the exit code, or the signal that ended it */
	int exit_oom;              /* 1: the kernel's OOM killer ended it (memory.events) */
	struct timespec exit_at;   /* when */
	/* ---- end of restart accounting ---- */
};

/* fills the exit block of x from a wait status, at ts */
void svextra_note_exit(struct svextra *x, int wstat, int oom, const struct timespec *ts);
/* copies the exit block of from into x */
void svextra_exit(struct svextra *x, const struct svextra *from);

/* 1 if nothing in x shows on a status line: its brief form */
int svextra_quiet(const struct svextra *x);
/* returns the length of the encoding: SVEXTRA_BRIEF if x is quiet, else
 * SVEXTRA_SIZE */
size_t svextra_encode(unsigned char out[SVEXTRA_SIZE], const struct svextra *x);
/* returns 0, or -1 on a wrong size, an unknown version, a malformed field,
 * or a brief form that is not quiet */
int svextra_decode(const unsigned char *in, size_t len, struct svextra *x);

#endif
