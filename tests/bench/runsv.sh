#!/bin/bash
# runsv memory per service and `sv status` time over N services, ward vs
# Debian's runit, in the same run: N services each, one runsv a service
# (started directly, without a scanner), every ./run a shell that execs sleep.
# Also: context switches of all the runsvs while both trees sit idle side by
# side for IDLE seconds (default 60).
# usage: runsv.sh [N] [IDLE]   (default 1000 60)   Figures are reported, never asserted.
. "$(dirname "$0")/lib.sh"
N=${1:-1000}
IDLE=${2:-60}
[ -x "$B/runsv" ] && [ -x "$B/sv" ] || { echo "build/runsv or build/sv missing: run make"; exit 1; }
[ -x /usr/bin/runsv ] && [ -x /usr/bin/sv ] || { echo "Debian's runit missing: make deps"; exit 1; }

# make_tree DIR: N services that just sleep
make_tree() {
	local i
	mkdir -p "$1"
	printf '#!/bin/sh\nexec sleep 100000\n' >"$1/run"
	chmod 755 "$1/run"
	for i in $(seq 1 "$N"); do
		mkdir "$1/s$i"
		ln "$1/run" "$1/s$i/run"
	done
}
# start_all RUNSV DIR: one runsv per service, pids into DIR.pids
start_all() {
	local i
	: >"$2.pids"
	for i in $(seq 1 "$N"); do
		setsid "$1" "$2/s$i" </dev/null >/dev/null 2>&1 &
		echo $! >>"$2.pids"
		disown $!   # killed by stop_all; no job report
	done
	for i in $(seq 1 "$N"); do   # wait until every service runs
		until [ -s "$2/s$i/supervise/pid" ]; do sleep 0.01; done
	done
}
# stop_all DIR: KILL every runsv and service of DIR, by pid, and wait for them
stop_all() {
	local p i
	[ -f "$1.pids" ] || return 0
	p=$(cat "$1.pids" "$1"/s*/supervise/pid 2>/dev/null)
	# shellcheck disable=SC2086
	kill -KILL $p 2>/dev/null
	for i in $(seq 1 100); do
		# shellcheck disable=SC2086
		ps -o pid= -p "$(echo $p | tr ' ' ,)" >/dev/null || break
		sleep 0.05
	done
	rm -f "$1.pids"
}
trap 'stop_all "$BT/ward"; stop_all "$BT/runit"; _bcleanup' EXIT
# sv_status_ms: median wall times of `sv status` over all services, ours
# on ward's tree and runit's on runit's, taken in turns (a noisy spell
# then weighs on both alike): "WARD_MS RUNIT_MS"
sv_status_ms() {
	local r t0 t1
	for r in $(seq 1 15); do
		t0=$(now_ns)
		"$B/sv" status "$BT/ward"/s* >/dev/null
		t1=$(now_ns)
		/usr/bin/sv status "$BT/runit"/s* >/dev/null
		echo $(( (t1 - t0) / 1000 )) $(( ($(now_ns) - t1) / 1000 ))
	done >"$BT/svst"
	echo "$(cut -d' ' -f1 "$BT/svst" | median | awk '{ printf "%.2f", $1 / 1000 }')" \
		"$(cut -d' ' -f2 "$BT/svst" | median | awk '{ printf "%.2f", $1 / 1000 }')"
}

# ctxt PIDFILE: context switches (voluntary and not) of those processes so far
ctxt() {
	# shellcheck disable=SC2046
	awk '/ctxt_switches/ { s += $2 } END { print s + 0 }' \
		$(sed 's|.*|/proc/&/status|' "$1") 2>/dev/null
}
permin() { awk -v d="$1" -v s="$IDLE" 'BEGIN { printf "%.1f\n", d * 60 / s }'; }

make_tree "$BT/ward"
make_tree "$BT/runit"
start_all "$B/runsv" "$BT/ward"
start_all /usr/bin/runsv "$BT/runit"
sleep 2
pw=$(pss_kb $(cat "$BT/ward.pids"))
pr=$(pss_kb $(cat "$BT/runit.pids"))
cw0=$(ctxt "$BT/ward.pids"); cr0=$(ctxt "$BT/runit.pids")
sleep "$IDLE"
cw1=$(ctxt "$BT/ward.pids"); cr1=$(ctxt "$BT/runit.pids")
header
row "runsv PSS per service ($N services)" \
	"$(awk -v s="$pw" -v n="$N" 'BEGIN { printf "%.1f\n", s / n }')" \
	"$(awk -v s="$pr" -v n="$N" 'BEGIN { printf "%.1f\n", s / n }')" kB
row "idle ctx switches/min, all $N runsvs" "$(permin $((cw1 - cw0)))" "$(permin $((cr1 - cr0)))" "per min"
read -r sw sr < <(sv_status_ms)
row "sv status over $N services, median of 15" "$sw" "$sr" ms
echo "# ward: build/runsv and build/sv; runit: /usr/bin/runsv and /usr/bin/sv;"
echo "# PSS from /proc/PID/smaps_rollup of the runsvs alone (not the services);"
echo "# idle: both trees side by side for ${IDLE}s, nothing happening"
