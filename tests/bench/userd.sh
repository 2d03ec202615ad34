#!/bin/bash
# userd vs Debian's runsvdir (and s6's s6-svscan where it applies), in the
# same run, on the same machine:
#   - pickup latency: a service directory appears -> its ./run runs (s6 is
#     told by `s6-svscanctl -a`, as s6 expects: it does not watch)
#   - idle context switches of the supervisors (scanner + 50 runsvs),
#     both trees idle side by side for IDLE seconds (default 60), per minute
#   - restart latency after kill -9 of a service, and of a runsv; and of a
#     service up for 10 s, the least for which ward's restart policy
#     (common/restart.h) restarts at once, against runit's and s6's
# usage: userd.sh [IDLE_SECONDS]        Figures are reported, never asserted.
. "$(dirname "$0")/lib.sh"
IDLE=${1:-60}
N=50
[ -x "$B/userd" ] && [ -x "$B/runsv" ] || { echo "build/userd or build/runsv missing: run make"; exit 1; }
# s6 (Debian package s6, tests/deps.sh installs it): its column is "-" without it
S6=/usr/bin
[ -x $S6/s6-svscan ] && [ -x $S6/s6-svscanctl ] && [ -x $S6/s6-svstat ] || S6=

# svc DIR: a service whose ./run is benchstamp: it appends the time it
# started (ns) to ./started, with no shell or date(1) in between
STAMP=$B/tests/benchstamp
[ -x "$STAMP" ] || make -C "$TOP" -s "build/tests/benchstamp" >/dev/null || exit 1
svc() {
	mkdir -p "$1"
	ln -sf "$STAMP" "$1/run"
}
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
# wait_lines FILE N: until FILE has N lines (10 s at most)
wait_lines() { local i; for i in $(seq 1 5000); do [ "$(lines "$1")" -ge "$2" ] && return 0; sleep 0.002; done; return 1; }
# runsvs TREE [COMM]: pids of the runsvs (or COMMs) working inside TREE
runsvs() {
	local p c
	for p in /proc/[0-9]*; do
		{ read -r c <"$p/comm"; } 2>/dev/null || continue
		[ "$c" = "${2:-runsv}" ] || continue
		c=$(readlink "$p/cwd" 2>/dev/null) && [[ $c == "$1"/* ]] && echo "${p#/proc/}"
	done
}
ctxt_sum() { local p s=0; for p in "$@"; do s=$((s + $(awk '/ctxt_switches/ { s += $2 } END { print s + 0 }' "/proc/$p/status"))); done; echo $s; }

# one tree per supervisor, with N idle services
for t in ward runit; do
	mkdir -p "$BT/$t/sv" "$BT/$t/new"
	for i in $(seq 1 $N); do svc "$BT/$t/sv/idle$i"; done
	for i in $(seq 1 5); do svc "$BT/$t/sv/r$i"; done
done
setsid "$B/userd" "$BT/ward/sv" </dev/null >/dev/null 2>&1 & W=$!; btrack $W
(cd "$BT/runit" && exec setsid /usr/bin/runsvdir -P "$BT/runit/sv" </dev/null >/dev/null 2>&1) & R=$!; btrack $R
# s6: a scan directory of its own, for the pickup and the restart rows
TREES="ward runit"
if [ -n "$S6" ]; then
	TREES="ward runit s6"
	mkdir -p "$BT/s6/sv" "$BT/s6/new"
	(cd "$BT/s6" && exec setsid $S6/s6-svscan "$BT/s6/sv" </dev/null >/dev/null 2>&1) & btrack $!
fi
for t in ward runit; do
	for d in "$BT/$t/sv"/*/; do wait_lines "$d/started" 1 || echo "# $t: ${d} did not start"; done
done
# the trees' runsvs are in sessions of their own: end them by pid at exit
trap 'for p in $(runsvs "$BT") $(runsvs "$BT" s6-supervise); do kill -KILL $p; done 2>/dev/null; _bcleanup' EXIT

# ---- idle context switches ----
sleep 2
wr=$(runsvs "$BT/ward"); rr=$(runsvs "$BT/runit")
w0=$(ctxt_sum $W); r0=$(ctxt_sum $R); wa0=$(ctxt_sum $wr); ra0=$(ctxt_sum $rr)
sleep "$IDLE"
w1=$(ctxt_sum $W); r1=$(ctxt_sum $R); wa1=$(ctxt_sum $wr); ra1=$(ctxt_sum $rr)
permin() { awk -v d="$1" -v s="$IDLE" 'BEGIN { printf "%.1f\n", d * 60 / s }'; }

# ---- pickup latency ----
# moved_in TREE NAME: renames the ready service directory new/NAME into the
# scan directory, printing the time (ns) of the rename; s6-svscan is then
# told to look (s6-svscanctl -a): s6's way, so its run is in s6's figure
moved_in() {
	"$STAMP" mv "$BT/$1/new/$2" "$BT/$1/sv/$2"
	[ "$1" != s6 ] || $S6/s6-svscanctl -a "$BT/s6/sv"
}
# ms_since T0 FILE: ms from T0 (ns) to the last stamp in FILE
ms_since() { awk -v a="$1" -v b="$(tail -1 "$2")" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 }'; }
# pickup TREE NAME: moves a ready service directory in; ms until its ./run ran
pickup() {
	local t0
	svc "$BT/$1/new/$2"
	t0=$(moved_in "$1" "$2")
	wait_lines "$BT/$1/sv/$2/started" 1 || { echo nan; return; }
	ms_since "$t0" "$BT/$1/sv/$2/started"
}
# Each round comes after 1.5 to 6.5 s of quiet (runsvdir looks every 5 s,
# and every second for a while after a change), at a random phase: a user
# adding a service to an idle tree.  In each round one try for each
# supervisor, in turn, so that a noisy spell weighs on all of them.
quiet() { sleep "$((1 + RANDOM % 6)).$((5 + RANDOM % 5))"; }
TRIES=${PICKUP_TRIES:-11}
for i in $(seq 1 "$TRIES"); do
	quiet
	for t in $TREES; do pickup $t "p$i" >>"$BT/pickup.$t"; sleep 0.2; done
done
pw=$(median <"$BT/pickup.ward"); pr=$(median <"$BT/pickup.runit")
ps=$([ -n "$S6" ] && median <"$BT/pickup.s6" || echo -)

# ---- pickup by the scanner alone: "runsv" is a stamp, for both ----
# (userd runs runsv from beside itself, runsvdir from its PATH)
mkdir -p "$BT/stampbin" "$BT/wardx/sv" "$BT/wardx/new" "$BT/runitx/sv" "$BT/runitx/new"
cp "$B/userd" "$BT/stampbin/userd"
ln -s "$STAMP" "$BT/stampbin/runsv"
setsid "$BT/stampbin/userd" "$BT/wardx/sv" </dev/null >/dev/null 2>&1 & btrack $!
(cd "$BT/runitx" && PATH=$BT/stampbin:$PATH exec setsid /usr/bin/runsvdir -P "$BT/runitx/sv" \
	</dev/null >/dev/null 2>&1) & btrack $!
# scan_pickup TREE NAME: ms from the rename to the exec of "runsv NAME"
scan_pickup() {
	local f="$BT/$1/sv/started" n t0
	n=$(lines "$f")
	mkdir -p "$BT/$1/new/$2"
	t0=$("$STAMP" mv "$BT/$1/new/$2" "$BT/$1/sv/$2")
	wait_lines "$f" $((n + 1)) || { echo nan; return; }
	ms_since "$t0" "$f"
}
sleep 1
STRIES=${SCAN_TRIES:-5}
sw=$(for i in $(seq 1 "$STRIES"); do quiet; scan_pickup wardx "q$i"; done | median)
sr=$(for i in $(seq 1 "$STRIES"); do quiet; scan_pickup runitx "q$i"; done | median)

# ---- restart latency after kill -9 of a service (runsv restarts it) ----
# kill_svc TREE I: ms from kill -9 of r$I's ./run to its next start
kill_svc() {
	local d="$BT/$1/sv/r$2" n t0
	n=$(lines "$d/started")
	t0=$("$STAMP" kill "$(cat "$d/supervise/pid")")
	wait_lines "$d/started" $((n + 1)) || { echo nan; return; }
	ms_since "$t0" "$d/started"
}
ksw=$(for i in 1 2 3 4 5; do kill_svc ward $i; done | median)
ksr=$(for i in 1 2 3 4 5; do kill_svc runit $i; done | median)

# ---- restart after kill -9 of a service that has been up for 10 s ----
# KTRIES services u1.. per tree start together; once the last has been up
# 10 s, each is killed once, in turns (ward u1, runit u1, s6 u1, ward u2
# ...): the tries share their 10 s of uptime.
KTRIES=${KILL10_TRIES:-9}
for i in $(seq 1 "$KTRIES"); do
	for t in $TREES; do svc "$BT/$t/new/u$i"; moved_in $t "u$i" >/dev/null; done
done
last=0
for i in $(seq 1 "$KTRIES"); do
	for t in $TREES; do
		wait_lines "$BT/$t/sv/u$i/started" 1 || { echo "# $t: u$i did not start"; continue; }
		s=$(head -1 "$BT/$t/sv/u$i/started"); [ "$s" -gt "$last" ] && last=$s
	done
done
# the pid of ./run: supervise/pid for runsv; s6-svstat for s6-supervise
run_pid() { if [ "$1" = s6 ]; then $S6/s6-svstat -o pid "$2"; else cat "$2/supervise/pid"; fi; }
# kill_up TREE I: ms from kill -9 of u$I's ./run to its next start
kill_up() {
	local d="$BT/$1/sv/u$2" n t0
	n=$(lines "$d/started")
	t0=$("$STAMP" kill "$(run_pid "$1" "$d")")
	wait_lines "$d/started" $((n + 1)) || { echo nan; return; }
	ms_since "$t0" "$d/started"
}
wait_s=$(awk -v l="$last" -v n="$(now_ns)" 'BEGIN { w = 10.2 - (n - l) / 1e9; print (w > 0 ? w : 0) }')
sleep "$wait_s"
for i in $(seq 1 "$KTRIES"); do
	for t in $TREES; do kill_up $t "$i" >>"$BT/kill10.$t"; sleep 0.2; done
done
k10w=$(median <"$BT/kill10.ward"); k10r=$(median <"$BT/kill10.runit")
k10s=$([ -n "$S6" ] && median <"$BT/kill10.s6" || echo -)

# ---- restart latency after kill -9 of a runsv (the scanner restarts it) ----
# kill_runsv TREE I: ms from kill -9 of idle$I's runsv to its ./run's next start
kill_runsv() {
	local d="$BT/$1/sv/idle$2" n t0 p
	n=$(lines "$d/started")
	p=$(for x in $(runsvs "$BT/$1/sv"); do [ "$(readlink /proc/$x/cwd)" = "$d" ] && echo $x; done)
	t0=$("$STAMP" kill "$p")
	wait_lines "$d/started" $((n + 1)) || { echo nan; return; }
	ms_since "$t0" "$d/started"
}
krw=$(for i in 1 2 3 4 5; do kill_runsv ward $i; done | median)
krr=$(for i in 1 2 3 4 5; do kill_runsv runit $i; done | median)

header
row "pickup of a new service, median" "$pw" "$pr" ms "$ps"
row "pickup by the scanner alone, median" "$sw" "$sr" ms
row "idle ctx switches/min, scanner alone" "$(permin $((w1 - w0)))" "$(permin $((r1 - r0)))" "per min"
row "idle ctx switches/min, $N runsvs" "$(permin $((wa1 - wa0)))" "$(permin $((ra1 - ra0)))" "per min"
row "restart after kill -9 of a service, median" "$ksw" "$ksr" ms
row "restart after kill -9 of a service up 10 s, median" "$k10w" "$k10r" ms "$k10s"
row "restart after kill -9 of a runsv, median" "$krw" "$krr" ms
echo "# idle window ${IDLE}s with $N services per tree; pickup: $TRIES tries each after quiet"
echo "# (scanner alone: $STRIES tries, its runsv replaced by a stamp: the scanner's own share);"
echo "# kill -9: 5 tries each, up 10 s: $KTRIES tries each; ward: build/userd + build/runsv,"
echo "# runit: /usr/bin/runsvdir -P + /usr/bin/runsv; s6: s6-svscan + s6-supervise ${S6:+($(dpkg-query -W -f='${Version}' s6 2>/dev/null)) }after s6-svscanctl -a"
for t in $TREES; do echo "# pickup, $t (ms): $(sort -g "$BT/pickup.$t" | tr '\n' ' ')"; done
for t in $TREES; do echo "# kill -9 after 10 s up, $t (ms): $(sort -g "$BT/kill10.$t" | tr '\n' ' ')"; done
