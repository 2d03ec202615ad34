/* log: see log.h.
 *
 * fd 2's file description is shared with whoever started privd, so it is
 * not made non-blocking: a pipe or terminal is opened afresh,
 * non-blocking; a socket is sent to with MSG_DONTWAIT; anything else is
 * written only when poll says it can be.  The binder writes its fd with
 * write(2) alone: the master gives it a syslog socket that is
 * non-blocking, or the pipe the master reads. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

static struct {
	int fd;                /* -1: none (yet) */
	int to_syslog;         /* frames, not lines */
	int reconnect;         /* a syslog socket of our own: connect again after an error */
	int sock;              /* sent to with MSG_DONTWAIT */
	int nonblock;          /* a file description of our own, O_NONBLOCK */
	int wait;              /* writes to a blocking fd may wait */
	int plain;             /* write(2) only, as it is */
	const char *prefix;
	unsigned lost;         /* lines that could not be written */
} L = { .fd = 2, .prefix = "" };

int log_syslog_socket(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

void log_open(int to_syslog, int wait)
{
	struct stat st;
	int fd;

	L.fd = 2;
	L.to_syslog = to_syslog;
	L.wait = wait;
	if (to_syslog) {
		L.fd = log_syslog_socket();
		L.sock = L.reconnect = 1;
		return;
	}
	if (wait || fstat(2, &st) < 0)
		return;
	if (S_ISSOCK(st.st_mode)) {
		L.sock = 1;
	} else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd >= 0) {
			L.fd = fd;
			L.nonblock = 1;
		}
	}
}

void log_use(int fd, int to_syslog, const char *prefix)
{
	L.fd = fd;
	L.to_syslog = to_syslog;
	L.plain = 1;
	L.prefix = prefix;
}

int log_fd(void)
{
	return L.fd;
}

void log_move(int min)
{
	if (L.fd >= 0)
		L.fd = fcntl(L.fd, F_DUPFD_CLOEXEC, min);
}

static int log_send(const char *s, size_t n)
{
	if (send(L.fd, s, n, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)n)
		return 0;
	if (L.reconnect && errno != EAGAIN) {
		close(L.fd);
		L.fd = -1;
	}
	return -1;
}

static int log_write(const char *s, size_t n)
{
	struct pollfd p = { .fd = L.fd, .events = POLLOUT };

	if (L.reconnect && L.fd < 0)
		L.fd = log_syslog_socket();   /* the syslog daemon may be back */
	if (L.fd < 0)
		return -1;
	if (L.sock && !L.plain)
		return log_send(s, n);
	if (!L.plain && !L.nonblock && !L.wait && (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT)))
		return -1;
	return write(L.fd, s, n) == (ssize_t)n ? 0 : -1;
}

/* One line as it is to be written: "privd: MSG\n", or for syslog
 * "<PRI>privd[PID]: MSG", cut to fit. */
static int log_line(int pri, const char *msg)
{
	char line[2200];
	int n;

	if (L.to_syslog)
		n = snprintf(line, sizeof line, "<%d>privd[%d]: %s%s", LOG_DAEMON | pri,
			     (int)getpid(), L.prefix, msg);
	else
		n = snprintf(line, sizeof line, "privd: %s%s\n", L.prefix, msg);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof line) {
		n = sizeof line - 1;
		if (!L.to_syslog)
			line[n - 1] = '\n';
	}
	return log_write(line, (size_t)n);
}

/* Before the next line: how many were lost while the log was stalled. */
static void log_lost_note(void)
{
	char note[96];

	if (!L.lost)
		return;
	snprintf(note, sizeof note, "%u lines not logged: the log was not writable", L.lost);
	if (log_line(LOG_WARNING, note) == 0)
		L.lost = 0;
}

void log_msg(int pri, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_lost_note();
	if (log_line(pri, msg) < 0)
		L.lost++;
}

void log_text(const char *s, size_t len)
{
	char line[600];
	int n;

	if (L.to_syslog) {
		log_msg(LOG_INFO, "%.*s", (int)len, s);
		return;
	}
	n = snprintf(line, sizeof line, "%.*s\n", (int)len, s);
	if (n >= (int)sizeof line) {
		n = sizeof line - 1;
		line[n - 1] = '\n';
	}
	log_lost_note();
	if (log_write(line, (size_t)n) < 0)
		L.lost++;
}
