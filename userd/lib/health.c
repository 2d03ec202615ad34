#include "health.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "notify.h"
#include "status.h"
#include "svdir.h"

int health_read_cfg(int dirfd, struct health_cfg *cfg, char *err, size_t errlen)
{
	unsigned long interval, timeout = HEALTH_TIMEOUT_S, failures = HEALTH_FAILURES;
	int r;

	r = svdir_read_uint(dirfd, "check-interval", 1, HEALTH_INTERVAL_MAX, &interval, err, errlen);
	if (r <= 0)
		return r;
	if (faccessat(dirfd, "check", X_OK, 0) < 0) {
		snprintf(err, errlen, "check-interval: there is no executable ./check");
		return -1;
	}
	if (svdir_read_uint(dirfd, "check-timeout", 1, 3600, &timeout, err, errlen) < 0 ||
	    svdir_read_uint(dirfd, "check-failures", 1, 1000, &failures, err, errlen) < 0)
		return -1;
	cfg->interval_ms = (uint32_t)interval * 1000;
	cfg->timeout_ms = (uint32_t)timeout * 1000;
	cfg->failures = (uint32_t)failures;
	return 1;
}

void health_run(struct health *h, const struct health_cfg *cfg, int64_t now)
{
	h->cfg = *cfg;
	h->armed = true;
	h->fails = 0;
	h->next_at = now + cfg->interval_ms;
	if (h->state == SVHEALTH_NONE)
		h->state = SVHEALTH_UNKNOWN;
}

/* a check still running finishes (or is killed) and is counted for nothing */
void health_halt(struct health *h)
{
	h->armed = false;
	h->fails = 0;
}

bool health_due(const struct health *h, int64_t now)
{
	return h->armed && !h->running && h->next_at <= now;
}

void health_began(struct health *h, int64_t now)
{
	h->running = true;
	h->kill_at = now + h->cfg.timeout_ms;
}

bool health_overdue(struct health *h, int64_t now)
{
	if (!h->running || !h->kill_at || h->kill_at > now)
		return false;
	h->kill_at = 0;  /* killed once; its exit is awaited without a timer */
	return true;
}

void health_later(struct health *h, int64_t now)
{
	h->next_at = now + h->cfg.interval_ms;
}

int health_result(struct health *h, bool ok, int64_t now)
{
	int was = h->state;

	h->running = false;
	h->kill_at = 0;
	if (!h->armed)
		return HEALTH_SAME;
	/* the interval runs from the end of a check: a slow check does not
	 * make checks follow each other without a pause */
	h->next_at = now + h->cfg.interval_ms;
	if (ok) {
		h->fails = 0;
		h->state = SVHEALTH_OK;
		return was == SVHEALTH_OK ? HEALTH_SAME : HEALTH_CHANGED;
	}
	h->state = SVHEALTH_FAIL;
	if (++h->fails < h->cfg.failures)
		return HEALTH_CHANGED;
	h->restarts++;
	health_halt(h);
	return HEALTH_RESTART;
}

int health_verdict(struct health *h, bool ok, const char *line, struct timespec wall,
		   int64_t now)
{
	int was = h->state, r = health_result(h, ok, now);

	if (h->state != was)
		h->since = wall;
	if (!ok && r != HEALTH_SAME)
		snprintf(h->text, sizeof h->text, "%s", line);
	return r;
}

void health_fill(const struct health *h, struct svextra *x)
{
	x->health = h->state;
	x->health_fails = h->fails;
	x->health_max = h->cfg.failures;
	x->health_restarts = h->restarts;
	x->health_since = h->since;
	memcpy(x->health_text, h->text, sizeof x->health_text);
}

int64_t health_deadline(const struct health *h)
{
	if (h->running)
		return h->kill_at ? h->kill_at : INT64_MAX;
	return h->armed ? h->next_at : INT64_MAX;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

size_t health_line(const char *buf, size_t len, char *out, size_t size)
{
	const char *nl = memchr(buf, '\n', len);
	size_t n = nl ? (size_t)(nl - buf) : len;

	while (n > 0 && blank(buf[0])) {
		buf++;
		n--;
	}
	while (n > 0 && blank(buf[n - 1]))
		n--;
	notify_printable(out, size, buf, n);
	return strlen(out);
}

/* ---- the running check ---- */

int checker_start(struct checker *c, void (*setup)(void))
{
	char *argv[] = { "./check", NULL };
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		setup();
		setpgid(0, 0);
		if (dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(111);
		execv(argv[0], argv);
		dprintf(2, "unable to run ./check: %s\n", strerror(errno));
		_exit(111);
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	*c = (struct checker){ .pid = pid, .outfd = p[0], .timeout_ms = c->timeout_ms };
	return 0;
}

void checker_read(struct checker *c)
{
	char drop[512];
	ssize_t n;

	while (c->outfd >= 0) {
		if (c->len < sizeof c->out)
			n = read(c->outfd, c->out + c->len, sizeof c->out - c->len);
		else
			n = read(c->outfd, drop, sizeof drop);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			close(c->outfd);
			c->outfd = -1;
			return;
		}
		if (c->len < sizeof c->out)
			c->len += (size_t)n;
	}
}

void checker_kill(struct checker *c)
{
	if (c->pid > 0 && !c->killed) {
		kill(-c->pid, SIGKILL);
		kill(c->pid, SIGKILL);  /* in case setpgid had not run yet */
		c->killed = true;
	}
}

int checker_done(struct checker *c, int wstat, char *line, size_t size)
{
	int ok = !c->killed && WIFEXITED(wstat) && WEXITSTATUS(wstat) == 0;

	if (c->outfd >= 0) {
		checker_read(c);  /* what it wrote before it exited */
		if (c->outfd >= 0)
			close(c->outfd);  /* a child of it may hold it: not waited for */
		c->outfd = -1;
	}
	c->pid = 0;
	line[0] = '\0';
	if (ok)
		return 1;
	if (c->killed)
		snprintf(line, size, "timed out after %us", c->timeout_ms / 1000);
	else if (health_line(c->out, c->len, line, size) == 0 && WIFEXITED(wstat))
		snprintf(line, size, "exit %d", WEXITSTATUS(wstat));
	else if (line[0] == '\0')
		snprintf(line, size, "killed by signal %d", WTERMSIG(wstat));
	return 0;
}
