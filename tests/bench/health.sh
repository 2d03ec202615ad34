#!/bin/bash
# The idle cost of health checks: three trees of N services side by side
# for IDLE seconds, one runsv a service, every ./run a sleep:
#   checks  ward's runsv, each service with ./check (a sh script that exits
#           0) and check-interval CHECK seconds
#   plain   ward's runsv, no checks
#   runit   Debian's runsv (which has no periodic checks), no checks
# Context switches (voluntary and not) of the runsvs from /proc/PID/status;
# those of the checks themselves are reported by each check, which reads
# its own /proc/self/status (with builtins only) just before it exits.
# usage: health.sh [N] [IDLE] [CHECK]   (default 50 60 10)
# Figures are reported, never asserted.
. "$(dirname "$0")/lib.sh"
N=${1:-50}
IDLE=${2:-60}
CHECK=${3:-10}
[ -x "$B/runsv" ] || { echo "build/runsv missing: run make"; exit 1; }
[ -x /usr/bin/runsv ] || { echo "Debian's runit missing: make deps"; exit 1; }

# tree NAME [CHECK]: N services under $BT/NAME, with a ./check if CHECK
tree() {
	local d=$BT/$1 i
	mkdir -p "$d"
	printf '#!/bin/sh\nexec sleep 100000\n' >"$d/run"
	printf '%s\n' '#!/bin/sh' 's=0' \
		'while read -r k v; do case $k in *ctxt_switches:) s=$((s + ${v%% *}));; esac; done </proc/self/status' \
		'echo "$s" >>../checks.ctxt' 'exit 0' >"$d/check"
	chmod 755 "$d/run" "$d/check"
	for i in $(seq 1 "$N"); do
		mkdir "$d/s$i"
		ln "$d/run" "$d/s$i/run"
		[ -z "${2:-}" ] && continue
		ln "$d/check" "$d/s$i/check"
		echo "$2" >"$d/s$i/check-interval"
	done
}
# launch RUNSV NAME: one runsv a service, their pids in $BT/NAME.pids, and
# waits until every service runs
launch() {
	local i
	for i in $(seq 1 "$N"); do
		setsid "$1" "$BT/$2/s$i" </dev/null >/dev/null 2>&1 &
		echo $! >>"$BT/$2.pids"
		disown $!
	done
	for i in $(seq 1 "$N"); do
		until [ -s "$BT/$2/s$i/supervise/pid" ]; do sleep 0.01; done
	done
}
# halt NAME: KILL its runsvs and services, by pid
halt() {
	# shellcheck disable=SC2046
	[ -f "$BT/$1.pids" ] && kill -KILL $(cat "$BT/$1.pids" "$BT/$1"/s*/supervise/pid 2>/dev/null) 2>/dev/null
	rm -f "$BT/$1.pids"
}
trap 'halt checks; halt plain; halt runit; _bcleanup' EXIT
# switches NAME: the context switches of its runsvs so far
switches() {
	# shellcheck disable=SC2046
	awk '/ctxt_switches/ { s += $2 } END { print s + 0 }' $(sed 's|.*|/proc/&/status|' "$BT/$1.pids") 2>/dev/null
}
# checks_ctxt: the checks' own switches and how many ran: "SUM COUNT"
checks_ctxt() { awk '{ s += $1 } END { print s + 0, NR }' "$BT/checks/checks.ctxt" 2>/dev/null || echo "0 0"; }
permin() { awk -v d="$1" -v s="$IDLE" 'BEGIN { printf "%.1f\n", d * 60 / s }'; }

tree checks "$CHECK"
tree plain
tree runit
launch "$B/runsv" checks
launch "$B/runsv" plain
launch /usr/bin/runsv runit
sleep 2
a0=$(switches checks); p0=$(switches plain); r0=$(switches runit); read -r k0 n0 < <(checks_ctxt)
sleep "$IDLE"
a1=$(switches checks); p1=$(switches plain); r1=$(switches runit); read -r k1 n1 < <(checks_ctxt)
ck=$((k1 - k0)); cn=$((n1 - n0))
header
row "idle ctx switches/min, $N runsvs, checks every ${CHECK}s" "$(permin $((a1 - a0)))" "$(permin $((r1 - r0)))" "per min"
row "... and the checks' own" "$(permin "$ck")" "-" "per min"
row "... runsvs and checks together" "$(permin $((a1 - a0 + ck)))" "$(permin $((r1 - r0)))" "per min"
row "idle ctx switches/min, $N runsvs, no checks" "$(permin $((p1 - p0)))" "$(permin $((r1 - r0)))" "per min"
row "checks run per minute ($N services)" "$(permin "$cn")" "-" "per min"
echo "# ward: build/runsv (with checks, and without in a second tree); runit: /usr/bin/runsv"
echo "# (no periodic checks there), all three trees side by side for ${IDLE}s, idle;"
echo "# a check's own switches are those its shell counted before its exit"
