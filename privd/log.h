/* log: privd's lines, the master's and the binder's alike.
 *
 * Each is "privd: [PREFIX]MSG\n" on standard error, or with -s a frame
 * "<PRI>privd[PID]: [PREFIX]MSG" for the syslog daemon (facility daemon).
 * A write never waits on a stalled reader: a line that cannot be written
 * is dropped and counted, and the count logged before the next line that
 * can be ("N lines not logged: the log was not writable").
 *
 *   log_open(to_syslog, wait)  the master: fd 2, or a socket to /dev/log
 *                              it connects itself (again after an error);
 *                              wait: writes to fd 2 may wait (privd -t)
 *   log_use(fd, to_syslog, prefix)
 *                              the binder: the fd the master gave it, which
 *                              it may only write(2) to (its sandbox allows
 *                              nothing else); prefix "binder: "
 *   log_msg(pri, fmt, ...)     one line
 *   log_text(s, len)           a line made by another (the binder's pipe)
 *   log_syslog_socket()        a socket connected to /dev/log, non-blocking
 *   log_fd(), log_move(min)    where the lines go; in a child, out of the
 *                              way of the fds it sets up */
#ifndef PRIVD_LOG_H
#define PRIVD_LOG_H

#include <stddef.h>
#include <syslog.h>   /* LOG_ERR ... for log_msg */

void log_open(int to_syslog, int wait);
void log_use(int fd, int to_syslog, const char *prefix);
void log_msg(int pri, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_text(const char *s, size_t len);
int log_syslog_socket(void);
int log_fd(void);
void log_move(int min);

#endif
