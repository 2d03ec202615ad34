#!/bin/bash
# runsv memory per service and `sv status` time over N services, ward vs
# Debian's runit, in the same run.   usage: runsv.sh [N]   (default 200)
. "$(dirname "$0")/lib.sh"
N=${1:-200}
[ -x "$B/runsv" ] && [ -x "$B/sv" ] || { echo "build/runsv or build/sv missing: run make"; exit 1; }

# make_tree DIR: N services that just sleep
make_tree() {
	local i
	mkdir -p "$1"
	for i in $(seq 1 "$N"); do
		mkdir -p "$1/s$i"
		printf '#!/bin/sh\nexec sleep 100000\n' >"$1/s$i/run"
		chmod 755 "$1/s$i/run"
	done
}
# start_all RUNSV DIR: one runsv per service, pids into $DIR.pids
start_all() {
	local i
	: >"$2.pids"
	for i in $(seq 1 "$N"); do
		setsid "$1" "$2/s$i" </dev/null >/dev/null 2>&1 &
		btrack $!
		echo $! >>"$2.pids"
	done
	for i in $(seq 1 "$N"); do   # wait until every service runs
		until [ -s "$2/s$i/supervise/pid" ]; do sleep 0.01; done
	done
}
# sv_status_ms SV DIR: median wall time of one `sv status` over all services
sv_status_ms() {
	local r t0
	for r in $(seq 1 15); do
		t0=$(now_ns)
		"$1" status "$2"/s* >/dev/null
		echo $(( ($(now_ns) - t0) / 1000 ))
	done | median | awk '{ printf "%.2f\n", $1 / 1000 }'
}

make_tree "$BT/ward"
make_tree "$BT/runit"
start_all "$B/runsv" "$BT/ward"
start_all /usr/bin/runsv "$BT/runit"
sleep 1
pw=$(pss_kb $(cat "$BT/ward.pids"))
pr=$(pss_kb $(cat "$BT/runit.pids"))
header
row "runsv PSS per service ($N services)" "$((pw / N))" "$((pr / N))" kB
row "sv status over $N services" "$(sv_status_ms "$B/sv" "$BT/ward")" \
	"$(sv_status_ms /usr/bin/sv "$BT/runit")" ms
