#!/bin/bash
# The binder end to end, through real channels from privd: a userd stand-in
# (tests/helpers/bindreq, started by privd as its userd) asks for sockets.
# Grants by port and address, denials, a port held, SO_REUSEPORT only within
# one user, a malformed request closing only that user's channel.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-privd.sh"
need_root
privd_bin bindreq

make_group wpg || exit 1
for u in wpa wpb; do make_user $u || exit 1; usermod -a -G wpg $u; service_fifo $u; done
cat >"$T/policy" <<'P'
supervise wpa
supervise wpb
bind wpa tcp 650 on 127.0.0.1
bind wpa udp 651
bind wpb tcp 23500-23510
bind wpb tcp 652 on ::1
bind :wpg tcp 23600 on 127.0.0.1
P
start_privd "$T/policy"
check "both stand-ins started" wait_until 10 eval 'userd_pid wpa >/dev/null && userd_pid wpb >/dev/null'
pa=$(userd_pid wpa)

expect_eq "privileged port granted, listening" "tcp 127.0.0.1 650: ok listening 650" "$(req wpa 'tcp 127.0.0.1 650')"
ss=$(ss -Hltnp 'sport = :650')
expect_match "port 650 held by wpa's process, not by root" "pid=$pa," "$ss"
expect_eq "wrong address denied" "tcp 0.0.0.0 650: EACCES" "$(req wpa 'tcp 0.0.0.0 650')"
expect_eq "another user's port denied" "tcp 127.0.0.1 23500: EACCES" "$(req wpa 'tcp 127.0.0.1 23500')"
expect_eq "udp grant without address: bound" "udp 127.0.0.1 651: ok bound 651" "$(req wpa 'udp 127.0.0.1 651')"
expect_eq "udp grant is not a tcp grant" "tcp 127.0.0.1 651: EACCES" "$(req wpa 'tcp 127.0.0.1 651')"
expect_eq "range grant" "tcp 127.0.0.1 23505: ok listening 23505" "$(req wpb 'tcp 127.0.0.1 23505')"
expect_eq "outside the range denied" "tcp 127.0.0.1 23511: EACCES" "$(req wpb 'tcp 127.0.0.1 23511')"
expect_eq "a port already held: EADDRINUSE" "tcp 127.0.0.1 23505: EADDRINUSE" "$(req wpb 'tcp 127.0.0.1 23505')"
expect_eq "IPv6 grant" "tcp ::1 652: ok listening 652" "$(req wpb 'tcp ::1 652')"
expect_eq "IPv6 grant is not IPv4" "tcp 127.0.0.1 652: EACCES" "$(req wpb 'tcp 127.0.0.1 652')"

# a group grant is shared; SO_REUSEPORT never across users
expect_eq "reuseport: first user" "tcp 127.0.0.1 23600 reuseport: ok listening 23600" \
	"$(req wpa 'tcp 127.0.0.1 23600 reuseport')"
expect_eq "reuseport: same user again" "tcp 127.0.0.1 23600 reuseport: ok listening 23600" \
	"$(req wpa 'tcp 127.0.0.1 23600 reuseport')"
expect_eq "reuseport: another user refused" "tcp 127.0.0.1 23600 reuseport: EADDRINUSE" \
	"$(req wpb 'tcp 127.0.0.1 23600 reuseport')"
expect_eq "no reuseport: another user refused too" "tcp 127.0.0.1 23600: EADDRINUSE" \
	"$(req wpb 'tcp 127.0.0.1 23600')"

check "grants logged" logged "binder: grant uid $(id -u wpa) tcp 127.0.0.1:650$"
check "denials logged" logged "binder: deny uid $(id -u wpa) tcp 0.0.0.0:650: Permission denied$"

# a malformed record: that channel is closed, the binder and others go on
bp=$(binder_pid)
req wpa garbage >/dev/null
check "malformed request logged" wait_until 10 logged "deny uid $(id -u wpa) \(channel [0-9]+\): malformed request; channel closed"
expect_eq "wpa's channel is closed" "tcp 127.0.0.1 650: EPIPE" "$(req wpa 'tcp 127.0.0.1 650')"
expect_eq "binder still the same process" "$bp" "$(binder_pid)"
expect_eq "wpb still served" "tcp 127.0.0.1 23506: ok listening 23506" "$(req wpb 'tcp 127.0.0.1 23506')"
done_testing
