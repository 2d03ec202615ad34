/* The binder: a program of its own, privd-binder (privd-binder.c), that
 * the master starts from the file it opened at start, as
 * `privd-binder [-s]`, with the internal channel on fd 3 (see
 * docs/protocol.md).  Never returns. */
#ifndef PRIVD_BINDER_H
#define PRIVD_BINDER_H

#define BINDER_PROG "privd-binder"   /* its file, beside privd; argv[0]; comm */
#define BINDER_CTL_FD 3

/* log_syslog: fd 2 is a datagram socket connected to the syslog daemon */
void binder_main(int log_syslog) __attribute__((noreturn));

#endif
