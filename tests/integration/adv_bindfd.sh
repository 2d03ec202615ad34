#!/bin/bash
# A hostile user against the binder's BINDFD_REQ (protocol version 4, the
# bind trap's request): every user's "userd" is tests/helpers/hostile on
# the real channel, sending the binder fds of its own choosing.  The
# binder binds only an unbound socket of the grant's family, type and
# protocol at an address of that user's grants: another user's port,
# another address, the other protocol, an IPv6 socket for IPv4, a socket
# already bound, a unix socket, a pipe, an IPv6 socket that could carry
# IPv4 without the IPv4 grant, a request without an fd: each is refused,
# the binder stays the same process with no fd more, and the other user is
# still served.
. "$(dirname "$0")/../lib.sh"
lib_use privd hostile
need_root
hostile_bin

tag=wy$WPTAG
ha=${tag}a hb=${tag}b hn=${tag}n
for u in $ha $hb $hn; do make_user "$u" || exit 1; service_fifo "$u"; done
p6=$(( 700 + WPTAG % 50 ))
cat >"$T/policy" <<P
supervise $ha
supervise $hb
supervise $hn
bind $ha tcp 80-81 on $LO
bind $ha udp 80 on $LO
bind $ha tcp $p6 on ::
bind $hb tcp 82 on $LO
bind $hn tcp 83 on $LO
P
start_privd "$T/policy"
all_started() { local u; for u in $ha $hb $hn; do userd_pid "$u" >/dev/null || return 1; done; }
check "privd started a hostile stand-in for each user" wait_until 20 all_started
bp=$(binder_pid)
fds_before=$(ls "/proc/$bp/fd" | wc -l)

expect_eq "its own unbound socket at its grant: bound there" "ok 80" \
	"$(hostile_ask $ha "bindfd own tcp $LO 80")"
expect_eq "udp too" "ok 80" "$(hostile_ask $ha "bindfd own udp $LO 80")"
expect_eq "another user's port" "answer EACCES" "$(hostile_ask $ha "bindfd own tcp $LO 82")"
expect_eq "another user's port, other way" "answer EACCES" "$(hostile_ask $hb "bindfd own tcp $LO 80")"
expect_eq "another address than the grant's" "answer EACCES" \
	"$(hostile_ask $ha "bindfd own tcp 127.0.0.1 80")"
expect_eq "any address, the grant being on one" "answer EACCES" \
	"$(hostile_ask $ha "bindfd own tcp 0.0.0.0 80")"
expect_eq "v4-mapped IPv6 form of the granted address" "answer EACCES" \
	"$(hostile_ask $ha "bindfd v6 tcp ::ffff:$LO 80")"
expect_eq "a udp socket for a tcp request" "answer EPROTOTYPE" \
	"$(hostile_ask $ha "bindfd udp tcp $LO 81")"
expect_eq "a tcp socket for a udp request" "answer EPROTOTYPE" \
	"$(hostile_ask $ha "bindfd tcp udp $LO 80")"
expect_eq "an IPv6 socket for an IPv4 request" "answer EPROTOTYPE" \
	"$(hostile_ask $ha "bindfd v6 tcp $LO 81")"
expect_eq "a socket bound already" "answer EINVAL" "$(hostile_ask $ha "bindfd bound tcp $LO 81")"
expect_eq "a unix socket" "answer EPROTOTYPE" "$(hostile_ask $ha "bindfd unix tcp $LO 81")"
expect_eq "a pipe" "answer ENOTSOCK" "$(hostile_ask $ha "bindfd pipe tcp $LO 81")"
expect_eq "IPv6 :: with IPV6_V6ONLY off, no IPv4 grant: it could take IPv4" "answer EACCES" \
	"$(hostile_ask $ha "bindfd dualstack tcp :: $p6")"
expect_eq "IPv6 :: granted, IPv6 only is not enough either (can be flipped)" "answer EACCES" \
	"$(hostile_ask $ha "bindfd own tcp :: $p6")"
check "the binder logged the denials" logged "deny uid $(id -u $ha) tcp $LO:82 \(its own socket\): Permission denied"
expect_eq "binder: the same process" "$bp" "$(binder_pid)"
expect_eq "binder: no fd more" "$fds_before" "$(ls "/proc/$bp/fd" | wc -l)"
expect_eq "the other user still served" "ok 82" "$(hostile_ask $hb "bindfd own tcp $LO 82")"
# malformed: a BINDFD_REQ without its fd ends that user's channel only
expect_eq "no fd: malformed, the channel is closed" "eof" "$(hostile_ask $hn "bindfd none tcp $LO 83")"
check "logged as malformed" logged "deny uid $(id -u $hn) \(channel [0-9]+\): malformed request \(own socket\); channel closed"
expect_eq "the other user still served after that" "ok 80" "$(hostile_ask $ha "bindfd own tcp $LO 80")"
expect_eq "binder: still the same process" "$bp" "$(binder_pid)"
done_testing
