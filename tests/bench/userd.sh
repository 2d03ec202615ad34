#!/bin/bash
# userd vs Debian's runsvdir, in the same run, on the same machine:
#   - pickup latency: a service directory appears -> its ./run runs
#   - idle context switches of the supervisors (scanner + 50 runsvs),
#     both trees idle side by side for IDLE seconds (default 60), per minute
#   - restart latency after kill -9 of a service, and of a runsv
# usage: userd.sh [IDLE_SECONDS]        Figures are reported, never asserted.
. "$(dirname "$0")/lib.sh"
IDLE=${1:-60}
N=50
[ -x "$B/userd" ] && [ -x "$B/runsv" ] || { echo "build/userd or build/runsv missing: run make"; exit 1; }

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
# runsvs TREE: pids of the runsvs working inside TREE
runsvs() {
	local p c
	for p in /proc/[0-9]*; do
		{ read -r c <"$p/comm"; } 2>/dev/null || continue
		[ "$c" = runsv ] || continue
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
for t in ward runit; do
	for d in "$BT/$t/sv"/*/; do wait_lines "$d/started" 1 || echo "# $t: ${d} did not start"; done
done
# the trees' runsvs are in sessions of their own: end them by pid at exit
trap 'for p in $(runsvs "$BT"); do kill -KILL $p; done 2>/dev/null; _bcleanup' EXIT

# ---- idle context switches ----
sleep 2
wr=$(runsvs "$BT/ward"); rr=$(runsvs "$BT/runit")
w0=$(ctxt_sum $W); r0=$(ctxt_sum $R); wa0=$(ctxt_sum $wr); ra0=$(ctxt_sum $rr)
sleep "$IDLE"
w1=$(ctxt_sum $W); r1=$(ctxt_sum $R); wa1=$(ctxt_sum $wr); ra1=$(ctxt_sum $rr)
permin() { awk -v d="$1" -v s="$IDLE" 'BEGIN { printf "%.1f\n", d * 60 / s }'; }

# ---- pickup latency ----
# pickup TREE NAME: moves a ready service directory in; ms until its ./run ran
pickup() {
	local t0 t1
	svc "$BT/$1/new/$2"
	t0=$("$STAMP" mv "$BT/$1/new/$2" "$BT/$1/sv/$2")
	wait_lines "$BT/$1/sv/$2/started" 1 || { echo nan; return; }
	t1=$(head -1 "$BT/$1/sv/$2/started")
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 }'
}
# Each try comes after 1.5 to 6.5 s of quiet (runsvdir looks every 5 s, and
# every second for a while after a change), at a random phase: a user adding
# a service to an idle tree.  Both get the same pattern.
quiet() { sleep "$((1 + RANDOM % 6)).$((5 + RANDOM % 5))"; }
TRIES=${PICKUP_TRIES:-7}
pw=$(for i in $(seq 1 "$TRIES"); do quiet; pickup ward "p$i"; done | median)
pr=$(for i in $(seq 1 "$TRIES"); do quiet; pickup runit "p$i"; done | median)

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
	awk -v a="$t0" -v b="$(tail -1 "$f")" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 }'
}
sleep 1
STRIES=${SCAN_TRIES:-5}
sw=$(for i in $(seq 1 "$STRIES"); do quiet; scan_pickup wardx "q$i"; done | median)
sr=$(for i in $(seq 1 "$STRIES"); do quiet; scan_pickup runitx "q$i"; done | median)

# ---- restart latency after kill -9 of a service (runsv restarts it) ----
# kill_svc TREE I: ms from kill -9 of r$I's ./run to its next start
kill_svc() {
	local d="$BT/$1/sv/r$2" n t0 t1
	n=$(lines "$d/started")
	t0=$("$STAMP" kill "$(cat "$d/supervise/pid")")
	wait_lines "$d/started" $((n + 1)) || { echo nan; return; }
	t1=$(tail -1 "$d/started")
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 }'
}
ksw=$(for i in 1 2 3 4 5; do kill_svc ward $i; done | median)
ksr=$(for i in 1 2 3 4 5; do kill_svc runit $i; done | median)

# ---- restart latency after kill -9 of a runsv (the scanner restarts it) ----
# kill_runsv TREE I: ms from kill -9 of idle$I's runsv to its ./run's next start
kill_runsv() {
	local d="$BT/$1/sv/idle$2" n t0 t1 p
	n=$(lines "$d/started")
	p=$(for x in $(runsvs "$BT/$1/sv"); do [ "$(readlink /proc/$x/cwd)" = "$d" ] && echo $x; done)
	t0=$("$STAMP" kill "$p")
	wait_lines "$d/started" $((n + 1)) || { echo nan; return; }
	t1=$(tail -1 "$d/started")
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 }'
}
krw=$(for i in 1 2 3 4 5; do kill_runsv ward $i; done | median)
krr=$(for i in 1 2 3 4 5; do kill_runsv runit $i; done | median)

header
row "pickup of a new service, median" "$pw" "$pr" ms
row "pickup by the scanner alone, median" "$sw" "$sr" ms
row "idle ctx switches/min, scanner alone" "$(permin $((w1 - w0)))" "$(permin $((r1 - r0)))" "per min"
row "idle ctx switches/min, $N runsvs" "$(permin $((wa1 - wa0)))" "$(permin $((ra1 - ra0)))" "per min"
row "restart after kill -9 of a service, median" "$ksw" "$ksr" ms
row "restart after kill -9 of a runsv, median" "$krw" "$krr" ms
echo "# idle window ${IDLE}s with $N services per tree; pickup: $TRIES tries each after quiet"
echo "# (scanner alone: $STRIES tries, its runsv replaced by a stamp: the scanner's own share);"
echo "# kill -9: 5 tries each; ward: build/userd + build/runsv, runit: /usr/bin/runsvdir -P + /usr/bin/runsv"
