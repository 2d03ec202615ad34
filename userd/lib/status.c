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
 *   40..55 the last exit (restart accounting, issue 18): 40 exit_kind,
 *     41 exit_code, 42 exit_oom, 43 zero, 44..55 exit_at (TAI64N),
 *   56..255 text (NUL-padded), 256..271 zero.
 * The brief form is bytes 0..55 alone (version 1 had no exit block and
 * its text at 40). */
#define EXIT_AT 40
#define TEXT_AT 56
#define TAIL_AT (TEXT_AT + SVEXTRA_TEXT)
int svextra_quiet(const struct svextra *x)
{
	return x->ready == SVREADY_NONE && x->backoff_ms == 0 && x->text[0] == '\0';
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
	return SVEXTRA_SIZE;
}

static int all_zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* the whole form's text and reserved tail; the brief form has no text */
static int decode_text(const unsigned char *in, size_t len, struct svextra *x)
{
	if (len == SVEXTRA_BRIEF) {
		x->text[0] = '\0';
		return svextra_quiet(x) ? 0 : -1;
	}
	if (!all_zero(in + TAIL_AT, SVEXTRA_SIZE - TAIL_AT) ||
	    memchr(in + TEXT_AT, 0, SVEXTRA_TEXT) == NULL)
		return -1;
	memcpy(x->text, in + TEXT_AT, SVEXTRA_TEXT);
	return 0;
}

int svextra_decode(const unsigned char *in, size_t len, struct svextra *x)
{
	uint32_t pid;

	if ((len != SVEXTRA_SIZE && len != SVEXTRA_BRIEF) || in[0] != SVEXTRA_VERSION ||
	    in[1] > SVREADY_YES)
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
	if (decode_exit(in + EXIT_AT, x) < 0)
		return -1;
	return decode_text(in, len, x);
}
