#include "restart.h"

void restart_init(struct restart *r, uint32_t max_ms)
{
	r->min_ms = RESTART_MIN_MS;
	r->max_ms = max_ms ? max_ms : RESTART_MAX_MS;
	if (r->max_ms < r->min_ms)
		r->max_ms = r->min_ms;
	r->stable_ms = RESTART_STABLE_MS;
	r->fails = 0;
	r->delay_ms = 0;
	r->started = INT64_MIN;
	r->due = INT64_MIN;
}

void restart_started(struct restart *r, int64_t now)
{
	r->started = now;
	r->delay_ms = 0;
}

static int64_t floor_after(const struct restart *r, int64_t now)
{
	int64_t floor;

	if (r->started == INT64_MIN)
		return now;
	floor = r->started + r->min_ms;
	return floor > now ? floor : now;
}

/* min_ms * 2^(fails-1), capped; the shift is bounded so it cannot overflow */
static uint32_t backoff(const struct restart *r)
{
	uint64_t d = r->min_ms;
	uint32_t i;

	for (i = 1; i < r->fails && d < r->max_ms; i++)
		d <<= 1;
	return d > r->max_ms ? r->max_ms : (uint32_t)d;
}

uint32_t restart_exited(struct restart *r, int64_t now, int asked)
{
	int quick = r->started == INT64_MIN || now - r->started < (int64_t)r->stable_ms;
	int64_t due;

	if (asked || !quick) {
		r->fails = 0;
		due = floor_after(r, now);
	} else {
		if (r->fails < UINT32_MAX)
			r->fails++;
		due = now + backoff(r);
	}
	r->due = due;
	r->delay_ms = (uint32_t)(due - now);
	return r->delay_ms;
}

void restart_skip(struct restart *r, int64_t now)
{
	r->due = floor_after(r, now);
	r->delay_ms = (uint32_t)(r->due - now);
}
