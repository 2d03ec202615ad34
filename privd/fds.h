/* fds: the open files privd's two processes may have.  Every supervised
 * user costs a channel in each (the master's copy of the binder's end and
 * the user's output; the binder's end), so each raises its soft limit to
 * the hard one, and keeps a reserve free for its own needs. */
#ifndef PRIVD_FDS_H
#define PRIVD_FDS_H

#include <sys/resource.h>

/* The master's: stdio, signalfd, the binder's program, channel and output,
 * the log, a new channel's pair and pipe. */
#define MASTER_FD_RESERVE 16
/* The binder's, besides the channels and the sockets in flight: stdio, the
 * internal channel, a socket it binds, what the master sends at once. */
#define BINDER_FD_RESERVE 32

/* The soft limit of open files raised to the hard one (kept if that
 * fails); *was: the limits before.  Returns the soft limit in force, or
 * 0 with errno set if the limit cannot be read. */
rlim_t fd_limit_raise(struct rlimit *was);

#endif
