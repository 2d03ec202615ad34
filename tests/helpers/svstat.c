/* svstat DIR: decodes DIR/supervise/status (and supervise/ward if present)
 * into one line of key=value words for the integration tests:
 *   state=run pid=123 paused=0 want=u term=0 age_s=4 [ready=wait backoff_ms=2000
 *   next_in_ms=1500 starts=3 runsv=99 text=...]; before ready: health=healthy
 *   hfails=0 hrestarts=0 depwait=none
 * Exits 1 if a file is missing or does not decode. */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>

#include "fs.h"
#include "status.h"

static long ms_until(const struct timespec *t, const struct timespec *now)
{
	return (long)(t->tv_sec - now->tv_sec) * 1000 + (t->tv_nsec - now->tv_nsec) / 1000000;
}

int main(int argc, char **argv)
{
	static const char *const state[] = { "down", "run", "finish" };
	static const char *const ready[] = { "none", "wait", "yes" };
	static const char *const health[] = { "none", "unknown", "healthy", "unhealthy" };
	static const char *const depwait[] = { "none", "wait", "cycle" };
	unsigned char b[SVEXTRA_SIZE];
	struct svstatus st;
	struct svextra x;
	struct timespec now;
	ssize_t n;
	int dir;

	if (argc != 2 || (dir = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0)
		return 1;
	clock_gettime(CLOCK_REALTIME, &now);
	n = fs_read_file(dir, "supervise/status", b, sizeof b);
	if (n < 0 || svstatus_decode(b, (size_t)n, &st) < 0)
		return 1;
	printf("state=%s pid=%d paused=%d want=%c term=%d age_s=%ld", state[st.state],
	       (int)st.pid, st.paused, st.want, st.got_term, (long)(now.tv_sec - st.since.tv_sec));
	n = fs_read_file(dir, "supervise/ward", b, sizeof b);
	if (n >= 0 && svextra_decode(b, (size_t)n, &x) < 0)
		return 1;
	if (n >= 0)  /* the health check's and dependencies' fields (before text) */
		printf(" health=%s hfails=%u hrestarts=%u depwait=%s", health[x.health],
		       x.health_fails, x.health_restarts, depwait[x.depwait]);
	if (n >= 0)
		printf(" ready=%s backoff_ms=%u next_in_ms=%ld starts=%u runsv=%d text=%s",
		       ready[x.ready], x.backoff_ms,
		       x.next_start.tv_sec ? ms_until(&x.next_start, &now) : 0L, x.starts,
		       (int)x.runsv_pid, x.text);
	printf("\n");
	return 0;
}
