#include "status.h"

#include <string.h>
#include <sys/wait.h>

#include "tai64n.h"

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void svstatus_encode(unsigned char out[SVSTATUS_SIZE], const struct svstatus *st)
{
	uint32_t pid = (uint32_t)st->pid;

	tai64n_pack(out, &st->since);
	out[12] = (unsigned char)pid;
	out[13] = (unsigned char)(pid >> 8);
	out[14] = (unsigned char)(pid >> 16);
	out[15] = (unsigned char)(pid >> 24);
	out[16] = st->paused ? 1 : 0;
	out[17] = (unsigned char)(st->want == 'u' ? 'u' : 'd');
	out[18] = st->got_term ? 1 : 0;
	out[19] = (unsigned char)st->state;
}

void svstatus_mark(struct svstatus *st, int whole)
{
	st->since.tv_nsec = (st->since.tv_nsec & ~1L) | (whole ? 1 : 0);
}

int svstatus_marked(const struct svstatus *st)
{
	return (st->since.tv_nsec & 1) != 0;
}

int svstatus_decode(const unsigned char *in, size_t len, struct svstatus *st)
{
	uint32_t pid;

	if (len != SVSTATUS_SIZE)
		return -1;
	if (in[19] > SV_FINISH || in[16] > 1 || in[18] > 1)
		return -1;
	if (in[17] != 'u' && in[17] != 'd')
		return -1;
	tai64n_unpack(in, &st->since);
	if (st->since.tv_nsec >= 1000000000L)
		return -1;
	pid = (uint32_t)in[12] | (uint32_t)in[13] << 8 | (uint32_t)in[14] << 16 |
	      (uint32_t)in[15] << 24;
	if (pid > 0x7fffffffU)
		return -1;
	st->pid = (pid_t)pid;
	st->paused = in[16];
	st->want = (char)in[17];
	st->got_term = in[18];
	st->state = in[19];
	return 0;
}

/* layout of supervise/ward, version 2:
 *   0 version, 1 ready, 2..3 zero, 4..7 backoff_ms (BE),
 *   8..19 ready_at (TAI64N), 20..31 next_start (TAI64N),
 *   32..35 starts (BE), 36..39 runsv_pid (BE),
 *   40..55 the last exit (restart accounting): 40 exit_kind, 41 exit_code,
 *     42 exit_oom, 43 zero, 44..55 exit_at (TAI64N),
 *   56..255 text (NUL-padded),
 *   health checks and dependencies: 256 health, 257 depwait, 258..259 zero,
 *   260..263 health_fails, 264..267 health_max, 268..271 health_restarts
 *   (BE), 272..283 health_since (TAI64N), 284..363 health_text,
 *   364..491 depends_text (NUL-padded), 492..511 zero.
 * The brief form is bytes 0..55 alone.  Version 1, which a runsv started
 * before an upgrade still writes, has no exit block and no health: its
 * brief form is bytes 0..39, its whole form 256 bytes with the text at 40
 * and 240..255 zero. */
#define EXIT_AT   40
#define TEXT_AT   56
#define TEXT_AT_V1 40
#define HEALTH_AT 256
#define HTEXT_AT  284
#define DTEXT_AT  (HTEXT_AT + SVEXTRA_HTEXT)
#define TAIL_AT   (DTEXT_AT + SVEXTRA_DTEXT)

int svextra_quiet(const struct svextra *x)
{
	return x->ready == SVREADY_NONE && x->backoff_ms == 0 && x->text[0] == '\0' &&
	       x->health == SVHEALTH_NONE && x->depwait == SVDEP_NONE;
}

static void encode_health(unsigned char *out, const struct svextra *x)
{
	out[HEALTH_AT] = (unsigned char)x->health;
	out[HEALTH_AT + 1] = (unsigned char)x->depwait;
	put_be32(out + HEALTH_AT + 4, x->health_fails);
	put_be32(out + HEALTH_AT + 8, x->health_max);
	put_be32(out + HEALTH_AT + 12, x->health_restarts);
	tai64n_pack(out + HEALTH_AT + 16, &x->health_since);
	memcpy(out + HTEXT_AT, x->health_text, strnlen(x->health_text, SVEXTRA_HTEXT - 1));
	memcpy(out + DTEXT_AT, x->depends_text, strnlen(x->depends_text, SVEXTRA_DTEXT - 1));
}

void svextra_exit(struct svextra *x, const struct svextra *from)
{
	x->exit_kind = from->exit_kind;
	x->exit_code = from->exit_code;
	x->exit_oom = from->exit_oom;
	x->exit_at = from->exit_at;
}

void svextra_note_exit(struct svextra *x, int wstat, int oom, const struct timespec *ts)
{
	x->exit_kind = WIFSIGNALED(wstat) ? SVEXIT_SIGNAL : SVEXIT_CODE;
	x->exit_code = WIFSIGNALED(wstat) ? WTERMSIG(wstat) : WEXITSTATUS(wstat);
	x->exit_oom = oom ? 1 : 0;
	x->exit_at = *ts;
}

static void encode_exit(unsigned char *out, const struct svextra *x)
{
	out[0] = (unsigned char)x->exit_kind;
	out[1] = (unsigned char)x->exit_code;
	out[2] = (unsigned char)x->exit_oom;
	tai64n_pack(out + 4, &x->exit_at);
}

static int decode_exit(const unsigned char *in, struct svextra *x)
{
	if (in[0] > SVEXIT_SIGNAL || in[2] > 1 || in[3] != 0)
		return -1;
	if (in[0] == SVEXIT_NONE && (in[1] || in[2]))
		return -1;
	if (in[0] == SVEXIT_SIGNAL && (in[1] == 0 || in[1] > 64))
		return -1;
	x->exit_kind = in[0];
	x->exit_code = in[1];
	x->exit_oom = in[2];
	tai64n_unpack(in + 4, &x->exit_at);
	return x->exit_at.tv_nsec >= 1000000000L ? -1 : 0;
}

size_t svextra_encode(unsigned char out[SVEXTRA_SIZE], const struct svextra *x)
{
	memset(out, 0, SVEXTRA_SIZE);
	out[0] = SVEXTRA_VERSION;
	out[1] = (unsigned char)x->ready;
	put_be32(out + 4, x->backoff_ms);
	tai64n_pack(out + 8, &x->ready_at);
	tai64n_pack(out + 20, &x->next_start);
	put_be32(out + 32, x->starts);
	put_be32(out + 36, (uint32_t)x->runsv_pid);
	encode_exit(out + EXIT_AT, x);
	if (svextra_quiet(x))
		return SVEXTRA_BRIEF;
	memcpy(out + TEXT_AT, x->text, strnlen(x->text, SVEXTRA_TEXT - 1));
	encode_health(out, x);
	return SVEXTRA_SIZE;
}

static int all_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static void later_fields_clear(struct svextra *x)
{
	x->exit_kind = SVEXIT_NONE;
	x->exit_code = x->exit_oom = 0;
	x->exit_at = (struct timespec){ 0, 0 };
	x->health = SVHEALTH_NONE;
	x->depwait = SVDEP_NONE;
	x->health_fails = x->health_max = x->health_restarts = 0;
	x->health_since = (struct timespec){ 0, 0 };
	x->health_text[0] = x->depends_text[0] = '\0';
}

/* version 2's health and dependency block; -1 if a field is malformed */
static int decode_health(const unsigned char *in, struct svextra *x)
{
	if (in[HEALTH_AT] > SVHEALTH_FAIL || in[HEALTH_AT + 1] > SVDEP_CYCLE ||
	    !all_zero(in + HEALTH_AT + 2, 2) || !all_zero(in + TAIL_AT, SVEXTRA_SIZE - TAIL_AT) ||
	    !memchr(in + HTEXT_AT, 0, SVEXTRA_HTEXT) || !memchr(in + DTEXT_AT, 0, SVEXTRA_DTEXT))
		return -1;
	x->health = in[HEALTH_AT];
	x->depwait = in[HEALTH_AT + 1];
	x->health_fails = get_be32(in + HEALTH_AT + 4);
	x->health_max = get_be32(in + HEALTH_AT + 8);
	x->health_restarts = get_be32(in + HEALTH_AT + 12);
	tai64n_unpack(in + HEALTH_AT + 16, &x->health_since);
	if (x->health_since.tv_nsec >= 1000000000L)
		return -1;
	memcpy(x->health_text, in + HTEXT_AT, SVEXTRA_HTEXT);
	memcpy(x->depends_text, in + DTEXT_AT, SVEXTRA_DTEXT);
	return 0;
}

/* what follows runsv_pid, by version: the exit block, the text, health */
static int decode_rest(const unsigned char *in, size_t len, struct svextra *x)
{
	later_fields_clear(x);
	x->text[0] = '\0';
	if (in[0] == 1) {
		if (len == SVEXTRA_BRIEF_V1)
			return svextra_quiet(x) ? 0 : -1;
		if (!all_zero(in + TEXT_AT_V1 + SVEXTRA_TEXT, SVEXTRA_SIZE_V1 - TEXT_AT_V1 - SVEXTRA_TEXT) ||
		    memchr(in + TEXT_AT_V1, 0, SVEXTRA_TEXT) == NULL)
			return -1;
		memcpy(x->text, in + TEXT_AT_V1, SVEXTRA_TEXT);
		return 0;
	}
	if (decode_exit(in + EXIT_AT, x) < 0)
		return -1;
	if (len == SVEXTRA_BRIEF)
		return svextra_quiet(x) ? 0 : -1;
	if (memchr(in + TEXT_AT, 0, SVEXTRA_TEXT) == NULL)
		return -1;
	memcpy(x->text, in + TEXT_AT, SVEXTRA_TEXT);
	return decode_health(in, x);
}

/* the sizes a version's forms have */
static int size_known(unsigned version, size_t len)
{
	if (version == 1)
		return len == SVEXTRA_BRIEF_V1 || len == SVEXTRA_SIZE_V1;
	return version == SVEXTRA_VERSION && (len == SVEXTRA_BRIEF || len == SVEXTRA_SIZE);
}

int svextra_decode(const unsigned char *in, size_t len, struct svextra *x)
{
	uint32_t pid;

	if (len < SVEXTRA_BRIEF_V1 || !size_known(in[0], len) || in[1] > SVREADY_YES)
		return -1;
	/* reserved bytes must be zero: a later version says what they mean */
	if (!all_zero(in + 2, 2))
		return -1;
	x->ready = in[1];
	x->backoff_ms = get_be32(in + 4);
	tai64n_unpack(in + 8, &x->ready_at);
	tai64n_unpack(in + 20, &x->next_start);
	if (x->ready_at.tv_nsec >= 1000000000L || x->next_start.tv_nsec >= 1000000000L)
		return -1;
	x->starts = get_be32(in + 32);
	pid = get_be32(in + 36);
	if (pid > 0x7fffffffU)
		return -1;
	x->runsv_pid = (pid_t)pid;
	return decode_rest(in, len, x);
}
