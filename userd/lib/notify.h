/* notify: readiness reports from a service, the systemd way (sd_notify
 * datagrams on NOTIFY_SOCKET); runsv checks who sent them with /proc.
 *
 *   notify_parse(msg, len, text, size)  one datagram of KEY=VALUE lines:
 *       returns NOTIFY_READY if a line is READY=1, | NOTIFY_STATUS if a
 *       line is STATUS=...; the last STATUS value is copied to text,
 *       truncated to size-1, control characters replaced by '?', so it is
 *       safe to print.  Other keys are ignored.
 *   notify_printable(out, size, in, len)  in copied to out, truncated to
 *       size-1, control characters replaced by '?', NUL-terminated
 *   notify_stat_ppid(buf, len)  the parent pid from the contents of
 *       /proc/PID/stat, or -1 if malformed (the command name may hold
 *       spaces and parentheses: the field after its last ')' is used) */
#ifndef WARD_NOTIFY_H
#define WARD_NOTIFY_H

#include <stddef.h>
#include <sys/types.h>

#define NOTIFY_READY  1
#define NOTIFY_STATUS 2
#define NOTIFY_MSG_MAX 4096   /* longer datagrams are cut here */

int notify_parse(const char *msg, size_t len, char *text, size_t size);
void notify_printable(char *out, size_t size, const char *in, size_t len);
pid_t notify_stat_ppid(const char *buf, size_t len);

#endif
