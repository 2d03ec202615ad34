/* reaper: see reaper.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "fs.h"
#include "proc.h"
#include "reaper.h"

#define ROUND_MAX 512         /* children killed per round */
#define CHILDREN_TEXT 8192

int reaper_become(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int reaper_parse(const char *text, size_t len, pid_t *out, int max)
{
	long v = 0;
	int n = 0, in = 0;
	size_t i;

	for (i = 0; i <= len && n < max; i++) {
		if (i < len && text[i] >= '0' && text[i] <= '9') {
			v = v * 10 + (text[i] - '0');
			in = v <= INT32_MAX;
			if (!in)
				v = INT32_MAX + 1L;
			continue;
		}
		if (in && v > 0)
			out[n++] = (pid_t)v;
		v = in = 0;
	}
	return n;
}

/* our children now (runsv has one thread: its task's list is all) */
static int children(pid_t *out, int max)
{
	char path[64], text[CHILDREN_TEXT];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
	n = fs_read_file(AT_FDCWD, path, text, sizeof text);
	return n < 0 ? -1 : reaper_parse(text, (size_t)n, out, max);
}

static int kept(pid_t pid, const pid_t *keep, int nkeep)
{
	int i;

	for (i = 0; i < nkeep; i++)
		if (keep[i] == pid)
			return 1;
	return 0;
}

/* KILL and reap one child of ours; 0, or -1 if it outlived the deadline */
static int kill_child(pid_t pid, int64_t end)
{
	int fd = proc_pidfd_open(pid), r = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t left;

	if (fd < 0) {  /* no pidfds (before 5.3): our child all the same */
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return 0;
	}
	proc_pidfd_kill(fd, SIGKILL);
	while ((r = poll(&p, 1, (left = end - clock_ms()) > 0 ? (int)left : 0)) < 0 &&
	       errno == EINTR)
		;
	close(fd);
	if (r <= 0)
		return -1;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}

int reaper_kill(const pid_t *keep, int nkeep, int wait_ms)
{
	int64_t end = clock_ms() + wait_ms;
	pid_t pids[ROUND_MAX];
	int n, i, killed = 0, round;

	for (;;) {
		n = children(pids, ROUND_MAX);
		if (n < 0)
			return -1;
		for (i = round = 0; i < n; i++) {
			if (kept(pids[i], keep, nkeep))
				continue;
			if (kill_child(pids[i], end) < 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			round++;
		}
		if (round == 0)
			return killed;
		killed += round;
	}
}
