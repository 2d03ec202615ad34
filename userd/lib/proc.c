#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs.h"

#define STAT_STARTTIME_FIELD 22   /* proc(5), counting from 1 */

int proc_stat_starttime(const char *text, size_t len, unsigned long long *ticks)
{
	/* the name, "(comm)", is field 2 and may hold anything: start after it */
	const char *p = memrchr(text, ')', len), *end = text + len;
	int field;

	if (!p)
		return -1;
	for (p++, field = 3; field <= STAT_STARTTIME_FIELD; field++) {
		if (p >= end || *p != ' ')
			return -1;
		p++;
		if (field == STAT_STARTTIME_FIELD)
			break;
		while (p < end && *p != ' ')
			p++;
	}
	if (p >= end || *p < '0' || *p > '9')
		return -1;
	/* by hand: the text need not end in a NUL */
	for (*ticks = 0; p < end && *p >= '0' && *p <= '9'; p++) {
		if (*ticks > (ULLONG_MAX - 9) / 10)
			return -1;
		*ticks = *ticks * 10 + (unsigned long long)(*p - '0');
	}
	if (p < end && *p != ' ' && *p != '\n')
		return -1;
	return 0;
}

static int64_t ts_ns(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int proc_started(pid_t pid, struct timespec *at)
{
	char path[64], text[1024];
	unsigned long long ticks;
	struct timespec real, boot;
	ssize_t n;
	long hz = sysconf(_SC_CLK_TCK);
	int64_t age_ns, start_ns;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	n = fs_read_file(AT_FDCWD, path, text, sizeof text - 1);
	if (n < 0)
		return -1;
	if (hz <= 0 || proc_stat_starttime(text, (size_t)n, &ticks) < 0) {
		errno = EINVAL;
		return -1;
	}
	/* age on the boot clock, which counts what the starttime counts */
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	age_ns = ts_ns(boot) - (int64_t)(ticks / (unsigned long long)hz) * 1000000000 -
		 (int64_t)(ticks % (unsigned long long)hz) * (1000000000 / hz);
	start_ns = ts_ns(real) - age_ns;
	at->tv_sec = start_ns / 1000000000;
	at->tv_nsec = start_ns % 1000000000;
	return 0;
}

int proc_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int proc_pidfd_kill(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* 1 once the process behind pidfd has exited, within ms */
static int gone_within(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, ms);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

int proc_stop(pid_t pid, int grace_ms)
{
	int pidfd = proc_pidfd_open(pid), e;

	if (pidfd < 0)
		return errno == ESRCH ? 0 : -1;
	/* a pidfd signals the process it was opened for, never a reused pid */
	if (proc_pidfd_kill(pidfd, SIGTERM) < 0 && errno != ESRCH)
		goto fail;
	proc_pidfd_kill(pidfd, SIGCONT);
	if (!gone_within(pidfd, grace_ms)) {
		if (proc_pidfd_kill(pidfd, SIGKILL) < 0 && errno != ESRCH)
			goto fail;
		gone_within(pidfd, grace_ms);
	}
	close(pidfd);
	return 0;
fail:
	e = errno;
	close(pidfd);
	errno = e;
	return -1;
}
