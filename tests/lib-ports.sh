# Helpers for the ports tests (privileged ports through userd and privd).
# lib_use privd ports (tests/lib.sh).  Users are made with
# make_user; their homes are under $T, so the cleanup of lib.sh removes them.
#
# Other checkouts may run these tests at the same time: user names get a
# per-run suffix (wqa$WQTAG ...), and sockets are bound on the per-run
# loopback address $LO (lib-privd.sh), never on 0.0.0.0 -- but for the
# wildcard case, on the per-run port $PW; the IPv6 case uses ::1 and the
# per-run privileged port $P6LOW (lib-privd.sh's $P6 is above 1024).  Port
# 80 (lighttpd) is bound on $LO too.
WQTAG=$(( $$ % 100000 ))
PW=$(( 750 + $$ % 10 ))
P6LOW=$(( 760 + $$ % 40 ))

# home USER
home() { getent passwd "$1" | cut -d: -f6; }
# as USER CMD...: runs CMD as USER (su keeps our environment but HOME & co)
as() { local u=$1; shift; su -s /bin/sh "$u" -c "$(printf '%q ' "$@")"; }
# bindsock USER: the relay socket of USER's userd
bindsock() { echo "$(home "$1")/service/.userd/bind.sock"; }
# relay_up USER: USER's userd runs and listens on its bind socket
relay_up() { [ -S "$(bindsock "$1")" ] && userd_pid "$1" >/dev/null; }
# fetch PORT [HOST]: one tcp exchange with lfd_serve; prints what it said
fetch() { timeout 10 bash -c 'exec 3<>"/dev/tcp/$1/$2" && cat <&3' _ "${2:-127.0.0.1}" "$1" 2>/dev/null; }
# udp_ask PORT [HOST]: one datagram to lfd_serve; prints the answer (by dd:
# bash's read would take one byte, and with it the whole datagram)
udp_ask() {
	timeout 5 bash -c 'exec 3<>"/dev/udp/$1/$2" && echo hi >&3 && dd bs=512 count=1 <&3 2>/dev/null' \
		_ "${2:-127.0.0.1}" "$1" 2>/dev/null
}
# report_field FILE NAME: NAME=VALUE from an lfd_serve report
report_field() { sed -n "s/^$2=//p" "$1" | head -1; }
# ports_privd POLICY: privd with the real userd, both users' relays up
ports_privd() {
	privd_bin real
	start_privd "$1"
	shift
	local u
	for u in "$@"; do
		wait_until 10 relay_up "$u" || { notok "relay of $u up"; return 1; }
	done
}
# svc USER NAME LISTEN [RUN]: USER's service NAME with that listen file and
# a run that execs lfd_serve reporting to $T/rep-NAME (or the given RUN)
svc() {
	local d n
	d=$(home "$1")/service/$2
	n=$(home "$1")/.new-$2   # made outside: userd would start a runsv on it
	mkdir -p "$n"
	printf '%s\n' "$3" >"$n/listen"
	printf '#!/bin/sh\n%s\n' "${4:-exec $B/tests/lfd_serve $T/rep-$2}" >"$n/run"
	chmod 755 "$n/run"
	chown -R "$1:" "$n"
	mv "$n" "$d"
}
# svdir USER NAME
svdir() { echo "$(home "$1")/service/$2"; }
# user_svc_pid USER NAME: the pid of USER's service NAME
user_svc_pid() { svc_pid "$(svdir "$1" "$2")"; }
# sv_status USER NAME: ward's sv status line
sv_status() { "$B/sv" status "$(svdir "$1" "$2")" 2>&1; }
# report_pid NAME: the pid in lfd_serve's report
report_pid() { sed -n 's/^pid=\([0-9]*\) .*/\1/p' "$T/rep-$1" 2>/dev/null; }
# serving NAME USER NAME: the report is there and from the pid runsv started
serving() { local p; p=$(user_svc_pid "$1" "$2"); [ -n "$p" ] && [ "$(report_pid "$2")" = "$p" ]; }
# sock_inode PID FD: the socket inode behind /proc/PID/fd/FD
sock_inode() { readlink "/proc/$1/fd/$2" 2>/dev/null; }
# wait_secs SECONDS CMD...: like wait_until, but by the clock, for a CMD that
# may itself take seconds (a curl waiting in a backlog)
wait_secs() {
	local end=$((SECONDS + $1)); shift
	until "$@"; do [ "$SECONDS" -ge "$end" ] && return 1; sleep 0.05; done
}
# trap_setup USER...: for the bind trap tests (ports_trap_*, adv_bindtrap):
# the users, each with ~/service, $T open to them like /tmp, and
# $T/trapserve built static from tests/trap/trapserve.c; 1 on failure
trap_setup() {
	local u
	for u in "$@"; do make_user "$u" || return 1; as "$u" mkdir "$(home "$u")/service"; done
	chmod 1777 "$T"
	gcc -static -O2 -o "$T/trapserve" "$TOP/tests/trap/trapserve.c" && chmod 755 "$T/trapserve"
}
# trap_svc USER NAME RUN: USER's service NAME with that run and no listen
# file (svc's empty one removed before runsv reads it)
trap_svc() {
	svc "$1" "$2" "" "$3"
	rm -f "$(svdir "$1" "$2")/listen"
}
