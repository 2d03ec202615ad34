/* The binder role of privd: started by the master as `privd --binder` with
 * the internal channel on fd 3 (see docs/protocol.md).  Never returns. */
#ifndef PRIVD_BINDER_H
#define PRIVD_BINDER_H

#define BINDER_ROLE "--binder"
#define BINDER_CTL_FD 3

/* log_syslog: fd 2 is a datagram socket connected to the syslog daemon */
void binder_main(int log_syslog) __attribute__((noreturn));

#endif
