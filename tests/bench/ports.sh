#!/bin/bash
# Privileged binds through userd and privd: round-trip time of one bind
# (tcp, a port below 1024) from a user's process through userd's relay to
# privd's binder and back with the socket, and binds per second.  Target:
# median under 100 us.  runit has no such path (a root process or a proxy
# binds), so its column is n/a.  Needs root (a user, privd).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "ports.sh: needs root, skipped"; exit 0; }
make -s -C "$TOP" build/tests/bindbench >/dev/null || exit 1
N=${N:-5000}
U=wqbench$(( $$ % 10000 ))
LO=127.$(( ($$ >> 8) & 255 )).$(( $$ & 255 )).9
PORT=790
H=$BT/home
_pcleanup() {
	ps -o pid= -u "$U" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	userdel -r "$U" >/dev/null 2>&1
	_bcleanup
}
trap _pcleanup EXIT
useradd -m -d "$H" -s /bin/sh "$U" || exit 1
su -s /bin/sh "$U" -c "mkdir $H/service"
printf 'supervise %s\nbind %s tcp %s on %s\n' "$U" "$U" "$PORT" "$LO" >"$BT/policy"
setsid "$B/privd" -f "$BT/policy" </dev/null 2>"$BT/privd.log" &
btrack $!
sock=$H/service/.userd/bind.sock
for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || { echo "ports.sh: userd's relay did not come up"; cat "$BT/privd.log"; exit 1; }
out=$(su -s /bin/sh "$U" -c "$B/tests/bindbench $sock $LO $PORT $N") || { echo "ports.sh: bindbench failed: $out"; exit 1; }
set -- $out
header
row "privileged bind round trip, median ($N)" "$2" n/a us
row "privileged bind round trip, 90th percentile" "$4" n/a us
row "privileged bind, new connection each, median" "$8" n/a us
row "privileged binds per second (one connection)" "$6" n/a "binds/s"
