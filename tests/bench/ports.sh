#!/bin/bash
# Privileged binds through userd and privd: round-trip time of one bind
# (tcp, a port below 1024) from a user's process through userd's relay to
# privd's binder and back with the socket, and binds per second.  Target:
# median under 100 us.  Then one flooding user against another's binds:
# two users whose "userd" is the hostile stand-in (tests/lib-hostile.sh),
# the median round trip of one user's binds straight on its channel alone
# and while the other floods its own channel with denied requests, as a
# ratio (target: within 2x), median of REPS rounds.
# runit has no such path (a root process or a proxy binds), so its column
# is n/a.  Needs root (users, privd).
# tests/lib.sh, not tests/bench/lib.sh: users, spawn, wait_until, cleaned
# up at exit, and one definition of each name (lib_use)
. "$(dirname "$0")/../lib.sh"
lib_use privd hostile "$TOP/tests/bench/lib-table.sh"
[ "$(id -u)" = 0 ] || { echo "ports.sh: needs root, skipped"; exit 0; }
[ -x "$B/tests/bindbench" ] || { echo "build/tests/bindbench missing: make bench builds it"; exit 1; }
N=${N:-5000}
U=wqbench$(( $$ % 10000 ))
PORT=790
H=$T/home
_pcleanup() {
	ps -o pid= -u "$U" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
	userdel -r "$U" >/dev/null 2>&1
	_cleanup
}
trap _pcleanup EXIT
useradd -m -d "$H" -s /bin/sh "$U" || exit 1
su -s /bin/sh "$U" -c "mkdir $H/service"
printf 'supervise %s\nbind %s tcp %s on %s\n' "$U" "$U" "$PORT" "$LO" >"$T/policy-bench"
spawn "$B/privd" -f "$T/policy-bench" 2>"$T/privd-bench.log"
sock=$H/service/.userd/bind.sock
for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || { echo "ports.sh: userd's relay did not come up"; cat "$T/privd-bench.log"; exit 1; }
out=$(su -s /bin/sh "$U" -c "$B/tests/bindbench $sock $LO $PORT $N") || { echo "ports.sh: bindbench failed: $out"; exit 1; }
set -- $out
header
row "privileged bind round trip, median ($N)" "$2" n/a us
row "privileged bind round trip, 90th percentile" "$4" n/a us
row "privileged bind, new connection each, median" "$8" n/a us
row "privileged binds per second (one connection)" "$6" n/a "binds/s"

# ---- one flooding user, another's binds ----
REPS=${REPS:-5} FLOOD=${FLOOD:-100000} LAT=${LAT:-300}
[ -x "$B/tests/hostile" ] || { echo "build/tests/hostile missing: make bench builds it"; exit 1; }
ws=wsc$(( $$ % 10000 ))
vm=${ws}m vf=${ws}f
for u in $vm $vf; do make_user "$u" >/dev/null || exit 1; service_fifo "$u"; done
printf 'supervise %s\nsupervise %s\nbind %s tcp 941 on %s\n' "$vm" "$vf" "$vm" "$LO" >"$T/policy"
hostile_bin
start_privd "$T/policy"
wait_until 10 eval 'userd_pid $vm >/dev/null && userd_pid $vf >/dev/null' ||
	{ echo "ports.sh: the stand-ins did not start"; cat "$T/privd.log"; exit 1; }
alone="" during="" fl=""
for r in $(seq "$REPS"); do
	a=$(hostile_ask $vm "latency $LAT tcp $LO 941")
	flood $vf "$FLOOD read tcp $LO 942" || { echo "ports.sh: flood did not start"; exit 1; }
	d=$(hostile_ask $vm "latency $LAT tcp $LO 941")
	fl=$(flood_result $vf "$FLOOD read tcp $LO 942")
	case "$a $d" in *"ok $LAT "*"ok $LAT "*) ;; *) echo "ports.sh: binds failed: $a / $d"; exit 1 ;; esac
	alone="$alone $(latency_median "$a")" during="$during $(latency_median "$d")"
done
ma=$(echo $alone | tr ' ' '\n' | median) md=$(echo $during | tr ' ' '\n' | median)
row "another user's bind, median, alone" "$ma" n/a us
row "another user's bind, median, while one user floods" "$md" n/a us
row "  the same, flooded / alone (target: within 2x)" "$(ratio "$md" "$ma")" n/a x
echo "# $REPS rounds of $LAT binds straight on the channel (no relay), each"
echo "# alone then during a flood of $FLOOD denied requests (answers read) on"
echo "# the flooder's own channel; medians per round: alone$alone; flooded$during"
echo "# last flood: $fl"
