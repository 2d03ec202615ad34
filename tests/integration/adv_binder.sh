#!/bin/bash
# A hostile user against the binder: every user's "userd" is
# tests/helpers/hostile, started by the real privd, talking on the real
# channel exactly as a compromised userd could.  Wrong sizes, versions,
# types, a master's message, fds and credentials, a port 0, half-open
# channels, other users' ports, addresses not granted, port edges,
# SO_REUSEPORT (every socket the binder binds is root's, so the kernel
# would let any of them share a port: another user's, or a root daemon's),
# and floods of 100,000 requests, some of sockets never read.  Each is refused
# or ignored; privd and its binder stay the same processes with no fd more;
# another user is still answered, every time, and how long that takes under
# a flood is reported (no threshold: the machine is noisy).
. "$(dirname "$0")/../lib.sh"
lib_use privd hostile
need_root
hostile_bin

tag=wx$WPTAG
va=${tag}a vb=${tag}b vc=${tag}c vf=${tag}f vg=${tag}g vh=${tag}h
kinds="short empty truncated long huge version v2 type ctl reserved port0 fd"
# SO_REUSEPORT: ra and rb share a group grant on any address; ro and rs
# one on $LO, re evicts; rc is granted the port of a root daemon's listener
ra=${tag}ra rb=${tag}rb ro=${tag}ro rs=${tag}rs re=${tag}re rc=${tag}rc
reusers="$ra $rb $ro $rs $re $rc"
users="$va $vb $vc $vf $vg $vh ${tag}r ${tag}w $reusers"
i=0
for k in $kinds; do i=$((i + 1)); users="$users ${tag}k$i"; done
for u in $users; do make_user "$u" || exit 1; service_fifo "$u"; done
make_group ${tag}g1 && make_group ${tag}g2 || exit 1
usermod -a -G ${tag}g1 $ra && usermod -a -G ${tag}g1 $rb &&
	usermod -a -G ${tag}g2 $ro && usermod -a -G ${tag}g2 $rs || exit 1
# any address: a port below the ephemeral range, picked by our pid
pa=$((28000 + WPTAG % 1000))

{
	for u in $users; do echo "supervise $u"; done
	echo "bind $va tcp 800-899 on $LO"
	echo "bind $vb tcp 1023-1024 on $LO"
	echo "bind $vb tcp 65535 on $LO"
	echo "bind $vf tcp 26000-26199 on $LO"
	echo "bind $vg tcp 26200-26399 on $LO"
	echo "bind $vh tcp 26400-26599 on $LO"
	echo "bind :${tag}g1 tcp $pa"
	echo "bind :${tag}g2 tcp 27000 on $LO"
	echo "bind $re tcp 27100-27227 on $LO"
	echo "bind $rc tcp 27300 on $LO"
} >"$T/policy"
# Sockets sent but not yet read count against the sender's fd limit
# (ETOOMANYREFS past it, for every user).  privd gets a low soft limit, which
# its binder raises to the hard one, and a hard limit low enough that only
# the binder's bound on each channel's unread answers keeps users apart.
spawn prlimit --nofile=64:256 "$PRIVD_EXE" -f "$T/policy" 2>>"$T/privd.log"
PRIVD=$SPAWNED
wait_until 10 binder_pid >/dev/null
all_started() { local u; for u in $users; do userd_pid "$u" >/dev/null || return 1; done; }
check "privd started a hostile stand-in for each of the $(echo $users | wc -w) users" wait_until 20 all_started
bp=$(binder_pid)
fds_before=$(ls "/proc/$bp/fd" | wc -l)
expect_eq "the binder raised its soft fd limit to the hard one" "256 256" \
	"$(awk '/^Max open files/ { print $4, $5 }' "/proc/$bp/limits")"
check "the binder logged each channel's bound" \
	logged "binder: fd limit 256; at most [0-9]+ answers unread per channel"

# ---- grants: other users' ports, addresses not granted, port edges ----
expect_eq "granted: bottom of a range" "ok 800" "$(hostile_ask $va "bind tcp $LO 800")"
expect_eq "granted: top of a range" "ok 899" "$(hostile_ask $va "bind tcp $LO 899")"
expect_eq "below the range" "EACCES" "$(hostile_ask $va "bind tcp $LO 799")"
expect_eq "above the range" "EACCES" "$(hostile_ask $va "bind tcp $LO 900")"
expect_eq "another user's port" "EACCES" "$(hostile_ask $va "bind tcp $LO 1023")"
expect_eq "another user's port, other way" "EACCES" "$(hostile_ask $vb "bind tcp $LO 800")"
expect_eq "address not granted: any" "EACCES" "$(hostile_ask $va "bind tcp 0.0.0.0 800")"
expect_eq "address not granted: IPv6 any" "EACCES" "$(hostile_ask $va "bind tcp :: 800")"
expect_eq "address not granted: v4-mapped" "EACCES" "$(hostile_ask $va "bind tcp ::ffff:$LO 800")"
expect_eq "protocol not granted" "EACCES" "$(hostile_ask $va "bind udp $LO 800")"
expect_eq "edge 1023 granted" "ok 1023" "$(hostile_ask $vb "bind tcp $LO 1023")"
expect_eq "edge 1024 granted" "ok 1024" "$(hostile_ask $vb "bind tcp $LO 1024")"
expect_eq "edge 1022 not granted" "EACCES" "$(hostile_ask $vb "bind tcp $LO 1022")"
expect_eq "edge 1025 not granted" "EACCES" "$(hostile_ask $vb "bind tcp $LO 1025")"
expect_eq "edge 65535 granted" "ok 65535" "$(hostile_ask $vb "bind tcp $LO 65535")"
expect_eq "edge 65534 not granted" "EACCES" "$(hostile_ask $vb "bind tcp $LO 65534")"
expect_eq "port 0 refused by the stub itself" "EINVAL" "$(hostile_ask $vb "bind tcp $LO 0")"
expect_eq "a user sees their own grants only" "total 1 tcp 800-899" "$(hostile_ask $va grants)"
expect_eq "another user sees theirs" "total 2 tcp 1023-1024 tcp 65535-65535" "$(hostile_ask $vb grants)"

# ---- SO_REUSEPORT: no protocol version since 2 has it ----
# Every socket the binder binds is owned by root, so the kernel's rule that
# only sockets of one owner share a port with SO_REUSEPORT keeps nobody
# apart.  Each request below asks for it as version 2 did (bit 0 of bytes
# 10-11), and each would take another's traffic.
listeners() { ss -Hltn "src $1" | wc -l; }
# (a) a more specific address beside another user's 0.0.0.0 group
expect_eq "(a) SO_REUSEPORT on 0.0.0.0:$pa refused (channel closed)" "after 0: eof" \
	"$(hostile_ask $ra "reuse tcp 0.0.0.0 $pa")"
expect_eq "(a) SO_REUSEPORT on $LO:$pa, the same port more specific, refused" "after 0: eof" \
	"$(hostile_ask $rb "reuse tcp $LO $pa")"
expect_eq "(a) nobody listens on $LO:$pa" 0 "$(listeners "$LO:$pa")"
# (b) 128 throw-away binds evicted what the binder remembered
expect_eq "(b) SO_REUSEPORT on $LO:27000 refused" "after 0: eof" "$(hostile_ask $ro "reuse tcp $LO 27000")"
expect_eq "(b) 128 throw-away SO_REUSEPORT binds refused" "after 0: eof" \
	"$(hostile_ask $re "reuse tcp $LO 27100-27227")"
expect_eq "(b) SO_REUSEPORT on $LO:27000 by another member of the group refused" "after 0: eof" \
	"$(hostile_ask $rs "reuse tcp $LO 27000")"
expect_eq "(b) nobody listens on $LO:27000" 0 "$(listeners "$LO:27000")"
# (c) a root daemon's own SO_REUSEPORT listener (nginx reuseport, HAProxy)
spawn /usr/bin/python3 -c 'import signal, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
s.bind((sys.argv[1], 27300))
s.listen()
signal.pause()' "$LO"
check "a root listener with SO_REUSEPORT on $LO:27300" wait_until 10 eval '[ "$(listeners "$LO:27300")" = 1 ]'
expect_eq "(c) SO_REUSEPORT on the root listener's port refused" "after 0: eof" \
	"$(hostile_ask $rc "reuse tcp $LO 27300")"
expect_eq "(c) the root listener is still alone on $LO:27300" 1 "$(listeners "$LO:27300")"
check "the refusal is logged, naming SO_REUSEPORT" \
	logged "deny uid $(id -u $rc) \(channel [0-9]+\): malformed request \(flags: SO_REUSEPORT, not in protocol version [0-9]+\); channel closed"

# ---- hostile records: each closes that channel, and only that one ----
i=0 writers=""
for k in $kinds; do
	i=$((i + 1))
	timeout 10 sh -c 'echo "send $1" >"$2"' _ "$k" "$T/home-${tag}k$i/service/in" &
	writers="$writers $!"
done
wait $writers
i=0
for k in $kinds; do
	i=$((i + 1))
	wait_until 10 grep -q "^send $k: " "$T/home-${tag}k$i/service/out"
	expect_eq "record '$k': channel closed" "send $k: eof" \
		"$(grep "^send $k: " "$T/home-${tag}k$i/service/out")"
done
check "malformed records logged" logged "deny uid $(id -u ${tag}k1) \(channel [0-9]+\): malformed request; channel closed"
expect_eq "credentials sent with a request are ignored (served as usual)" "answer EACCES" \
	"$(hostile_ask $vb "send creds")"
expect_eq "same channel still served after that" "ok 1024" "$(hostile_ask $vb "bind tcp $LO 1024")"
expect_eq "half-open (our write side shut): channel closed" "eof" "$(hostile_ask ${tag}w "halfopen wr")"
expect_eq "half-open (our read side shut): requests sent" "sent 100" "$(hostile_ask ${tag}r "halfopen rd")"

# ---- floods, and another user's answers meanwhile ----
latency() { hostile_ask $va "latency 300 tcp $LO 801"; }

base=$(latency)
expect_match "another user's baseline: 300 of 300 sockets" "^n 300 ok 300 " "$base"

check "flood of 100000 denied requests (answers read) under way" flood $vc "100000 read tcp $LO 26999"
during=$(latency)
fl=$(flood_result $vc "100000 read tcp $LO 26999")
expect_match "another user served during the flood: 300 of 300 sockets" "^n 300 ok 300 " "$during"
expect_match "flood sent whole, channel kept" "^sent 100000 answers [0-9]+ eof 0 " "$fl"
# the binder logs at most 20 lines a user in 10 s, counts the rest and
# logs the counts once the 10 s are over
uc_id=$(id -u $vc)
summed() { # summed WORD: uc's counts of "N more WORD..." in the summaries
	grep "binder: uid $uc_id: [0-9]* more denials" "$T/privd.log" |
		awk -v w="$1" '{ for (i = 2; i < NF; i++) if ($i == "more" && index($(i + 1), w) == 1) s += $(i - 1) }
			END { print s + 0 }'
}
deny_lines() { grep -c "binder: deny uid $uc_id " "$T/privd.log"; }
all_denials() { [ $(( $(deny_lines) + $(summed denials) )) -eq 100000 ]; }
check "every denial of the flood logged or counted" wait_until 30 all_denials
check "the flood did not flood the log ($(deny_lines) lines for 100000 denials)" \
	[ "$(deny_lines)" -lt 1000 ]
# answers the flooder was too busy to take are dropped, never waited for
answered=$(echo "$fl" | awk '{ print $4 }')
dropped=$(( $(grep -c "binder: uid $uc_id: answer not delivered" "$T/privd.log") + $(summed answers) ))
expect_eq "every flood request answered or its answer dropped and logged" 100000 $((answered + dropped))

# three users ask for sockets and never read them: each channel holds
# what the binder sent, which the kernel counts against the binder; so the
# binder stops reading a channel whose answers are not read
# (each asks for the ports of a range of 200 in turn, each port granted)
check "floods of granted requests, answers never read, under way" \
	eval 'flood $vf "100000 noread tcp $LO 26000-26199" &&
	      flood $vg "100000 noread tcp $LO 26200-26399" &&
	      flood $vh "100000 noread tcp $LO 26400-26599"'
during2=$(latency)
fl2=$(flood_result $vf "100000 noread tcp $LO 26000-26199")
flood_result $vg "100000 noread tcp $LO 26200-26399" >/dev/null
flood_result $vh "100000 noread tcp $LO 26400-26599" >/dev/null
expect_match "another user served during them: 300 of 300 sockets" "^n 300 ok 300 " "$during2"
expect_match "the binder stopped reading the unread flood" "^sent [0-9]+ answers 0 eof 0 in [0-9]+ ms stalled$" "$fl2"
check "the binder took only part of it ($(echo "$fl2" | awk '{ print $2 }') of 100000 sent)" \
	[ "$(echo "$fl2" | awk '{ print $2 }')" -lt 100000 ]
check "the binder logged the user who does not read" \
	logged "binder: uid $(id -u $vf) \(channel [0-9]+\) leaves [0-9]+ answers unread"
expect_eq "another user served after them" "ok 803" "$(hostile_ask $va "bind tcp $LO 803")"

b=$(latency_median "$base") d=$(latency_median "$during") d2=$(latency_median "$during2")
x() { awk -v a="$1" -v b="$2" 'BEGIN { printf "x%.1f", a / (b ? b : 1) }'; }
echo "# binder fairness: another user's bind request, median of 300: ${b} us alone;" \
	"${d} us ($(x "$d" "$b")) during a flood of 100000 denied requests" \
	"($fl, $dropped answers dropped); ${d2} us ($(x "$d2" "$b")) during 100000 granted" \
	"requests never read, on each of three channels ($fl2)"
echo "# latency lines: alone: $base / flood: $during / unread flood: $during2"

# ---- nothing that matters changed ----
expect_eq "binder is the same process" "$bp" "$(binder_pid)"
check "privd is alive" kill -0 "$PRIVD"
fds_after=$(ls "/proc/$bp/fd" | wc -l)
check "binder holds no more fds than before ($fds_after <= $fds_before)" [ "$fds_after" -le "$fds_before" ]
expect_eq "first user still served" "ok 802" "$(hostile_ask $va "bind tcp $LO 802")"
expect_eq "edge user still served" "ok 65535" "$(hostile_ask $vb "bind tcp $LO 65535")"
still_run() { local u; for u in "$@"; do userd_pid "$u" >/dev/null || return 1; done; }
check "the stand-ins whose channel was closed still run (only the channel went)" \
	still_run ${tag}k1 ${tag}k12 ${tag}w $rc
done_testing
