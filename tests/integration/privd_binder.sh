#!/bin/bash
# The binder end to end, through real channels from privd: a userd stand-in
# (tests/helpers/bindreq, started by privd as its userd) asks for sockets.
# Grants by port and address, denials, a port held, a group grant shared
# first come, a malformed request closing only that user's channel.
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
privd_bin bindreq

make_group ${ug} || exit 1
for u in ${ua} ${ub}; do make_user $u || exit 1; usermod -a -G ${ug} $u; service_fifo $u; done
cat >"$T/policy" <<P
supervise ${ua}
supervise ${ub}
bind ${ua} tcp 650 on $LO
bind ${ua} udp 651
bind ${ub} tcp 23500-23510
bind ${ub} tcp $P6 on ::1
bind :${ug} tcp 23600 on $LO
P
start_privd "$T/policy"
check "both stand-ins started" wait_until 10 eval 'userd_pid ${ua} >/dev/null && userd_pid ${ub} >/dev/null'
pa=$(userd_pid ${ua})

expect_eq "privileged port granted, listening" "tcp $LO 650: ok listening 650" "$(req ${ua} "tcp $LO 650")"
ss=$(ss -Hltnp "src $LO:650")
expect_match "port 650 held by ${ua}'s process, not by root" "pid=$pa," "$ss"
expect_eq "wrong address denied" "tcp 0.0.0.0 650: EACCES" "$(req ${ua} "tcp 0.0.0.0 650")"
expect_eq "another user's port denied" "tcp $LO 23500: EACCES" "$(req ${ua} "tcp $LO 23500")"
expect_eq "udp grant without address: bound" "udp $LO 651: ok bound 651" "$(req ${ua} "udp $LO 651")"
expect_eq "udp grant is not a tcp grant" "tcp $LO 651: EACCES" "$(req ${ua} "tcp $LO 651")"
expect_eq "range grant" "tcp $LO 23505: ok listening 23505" "$(req ${ub} "tcp $LO 23505")"
expect_eq "outside the range denied" "tcp $LO 23511: EACCES" "$(req ${ub} "tcp $LO 23511")"
expect_eq "a port already held: EADDRINUSE" "tcp $LO 23505: EADDRINUSE" "$(req ${ub} "tcp $LO 23505")"
expect_eq "IPv6 grant" "tcp ::1 $P6: ok listening $P6" "$(req ${ub} "tcp ::1 $P6")"
expect_eq "IPv6 grant is not IPv4" "tcp $LO $P6: EACCES" "$(req ${ub} "tcp $LO $P6")"

# a group grant is shared, first come
expect_eq "group grant: first member" "tcp $LO 23600: ok listening 23600" \
	"$(req ${ua} "tcp $LO 23600")"
expect_eq "group grant: another member refused while the first holds it" \
	"tcp $LO 23600: EADDRINUSE" "$(req ${ub} "tcp $LO 23600")"

check "grants logged" logged "binder: grant uid $(id -u ${ua}) tcp $LO:650$"
check "denials logged" logged "binder: deny uid $(id -u ${ua}) tcp 0.0.0.0:650: Permission denied$"

# a user who floods their channel and never reads the answers: the binder
# neither waits for them nor starves the others; it stops reading that
# channel until the user reads, and then answers every request
bp=$(binder_pid)
fl=$(req ${ua} "flood 5000")
expect_match "${ua} floods without reading" "flood 5000: flooded [0-9]+" "$fl"
expect_eq "${ub} served while its requests are still queued (one per channel per round)" "tcp $LO 23507: ok listening 23507" "$(req ${ub} "tcp $LO 23507")"
check "the user who does not read is logged, not waited for" \
	wait_until 10 logged "uid $(id -u ${ua}) \(channel [0-9]+\) leaves [0-9]+ answers unread"
expect_eq "binder still the same process after the flood" "$bp" "$(binder_pid)"
expect_eq "${ub} served after the flood" "tcp $LO 23508: ok listening 23508" "$(req ${ub} "tcp $LO 23508")"
n=${fl##* }
expect_eq "${ua} reads again: every flood request answered" "drain $n: drained $n" "$(req ${ua} "drain $n")"

# A stale readiness: the binder polled ${ua}'s channel as ready (its userd
# died), then, in the same round, the master's messages replaced that
# channel twice (two restarts of the userd), the second new channel taking
# the old one's fd number.  Reading it must not wait for a request: the new
# userd sends none, and every user would wait with it.  The binder is
# stopped so that all of it happens within one round.
bp=$(binder_pid)
p0=$(userd_pid ${ua})
restarted() { local p; p=$(userd_pid ${ua}) && [ "$p" != "$1" ]; }
kill -STOP "$bp"
kill -KILL "$p0"
check "${ua}'s userd restarted while the binder is stopped" wait_until 20 restarted "$p0"
p1=$(userd_pid ${ua})
kill -KILL "$p1"
check "and restarted again" wait_until 20 restarted "$p1"
kill -CONT "$bp"
expect_eq "${ub} served after the binder read both new channels at once" \
	"tcp $LO 23509: ok listening 23509" "$(req ${ub} "tcp $LO 23509")"
expect_eq "${ua}'s new userd served on its new channel" "tcp $LO 650: ok listening 650" \
	"$(req ${ua} "tcp $LO 650")"
expect_eq "binder still the same process after the race" "$bp" "$(binder_pid)"

# a malformed record: that channel is closed, the binder and others go on
bp=$(binder_pid)
req ${ua} garbage >/dev/null
check "malformed request logged" wait_until 10 logged "deny uid $(id -u ${ua}) \(channel [0-9]+\): malformed request; channel closed"
expect_eq "${ua}'s channel is closed" "tcp $LO 650: EPIPE" "$(req ${ua} "tcp $LO 650")"
expect_eq "binder still the same process" "$bp" "$(binder_pid)"
expect_eq "${ub} still served" "tcp $LO 23506: ok listening 23506" "$(req ${ub} "tcp $LO 23506")"
done_testing
