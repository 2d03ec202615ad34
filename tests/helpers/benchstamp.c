/* benchstamp: wall-clock stamps for tests/bench/userd.sh, without the fork
 * and exec of date(1) on either side of what is measured.
 *   benchstamp mv SRC DST   prints the time (ns), then renames SRC to DST
 *   benchstamp kill PID     prints the time (ns), then sends KILL to PID
 *   as ./run (any other argv): appends the time to ./started, then sleeps
 *                           until killed, as a service would */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	FILE *f;

	if (argc == 4 && !strcmp(argv[1], "mv")) {
		printf("%lld\n", now_ns());
		fflush(stdout);
		return rename(argv[2], argv[3]) == 0 ? 0 : 111;
	}
	if (argc == 3 && !strcmp(argv[1], "kill")) {
		printf("%lld\n", now_ns());
		fflush(stdout);
		return kill((pid_t)atoi(argv[2]), SIGKILL) == 0 ? 0 : 111;
	}
	f = fopen("started", "a");
	if (!f)
		return 111;
	fprintf(f, "%lld\n", now_ns());
	fclose(f);
	for (;;)
		pause();
}
