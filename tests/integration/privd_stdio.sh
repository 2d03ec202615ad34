#!/bin/bash
# privd started with fds 0, 1 and 2 closed (as some init scripts or a
# careless `cmd <&- >&- 2>&-` do): privd opens /dev/null on them before
# anything else, so its signalfd, channels and the binder's and userds' fds
# keep their numbers.  The binder stays up (it measures an answer by
# sending fd 2) and a granted bind works; the userd stand-in gets its
# channel on fd 3 (a dup2 onto the same number keeps close-on-exec).
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
privd_bin bindreq

make_user ${ua} || exit 1
service_fifo ${ua}
cat >"$T/policy" <<P
supervise ${ua}
bind ${ua} tcp 652 on $LO
P
setsid "$PRIVD_EXE" -f "$T/policy" 0<&- 1>&- 2>&- &
PRIVD=$!
track "$PRIVD"
check "the binder runs" wait_until 10 eval 'binder_pid >/dev/null'
check "the userd stand-in started" wait_until 10 eval 'userd_pid ${ua} >/dev/null'
bp=$(binder_pid)
expect_eq "a granted bind works" "tcp $LO 652: ok listening 652" "$(req ${ua} "tcp $LO 652")"
expect_eq "the binder was not restarted" "$bp" "$(binder_pid)"
expect_match "and it still runs" "^[0-9]+$" "$(binder_pid)"
for n in 0 1 2; do
	expect_eq "privd's fd $n is /dev/null" /dev/null "$(readlink "/proc/$PRIVD/fd/$n")"
done
done_testing
