#!/bin/bash
# The cost of a cgroup per service (runsv(8) CONTAINMENT), in the same run:
#   - restart after kill -9 of a service up 10 s (restarted at once, no
#     backoff): ward with the service in its own cgroup (WARD_CGROUP), ward
#     without one (runsv a subreaper, as a runsv started by hand), and
#     Debian's runit; the cgroup's cost as the ratio cgroup / without
#     (target: 1.2 at most)
#   - the memory a service's cgroup adds: runsv's PSS with and without, and
#     the kernel's (Slab + KernelStack + PageTables of /proc/meminfo) for
#     empty cgroups made in a row, per cgroup
# Needs root (it makes a cgroup under the cgroup v2 mount); without it, or
# without cgroup v2, it says so and measures nothing.
# usage: cgroup.sh   Figures are reported, never asserted.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "# cgroup.sh: needs root (it makes a cgroup): skipped"; exit 0; }
MNT=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -1)
[ -n "$MNT" ] || { echo "# cgroup.sh: no cgroup v2 mount: skipped"; exit 0; }
CG=$MNT/${BT##*/}
mkdir "$CG" "$CG/userd" || { echo "# cgroup.sh: unable to make $CG: skipped"; exit 0; }
[ -x /usr/bin/runsv ] || { echo "Debian's runit missing: make deps"; exit 1; }
STAMP=$B/tests/benchstamp
[ -x "$STAMP" ] || { echo "build/tests/benchstamp missing: make bench builds it"; exit 1; }
KTRIES=${KILL10_TRIES:-9}
TREES="cg plain runit"

lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
wait_lines() { local i; for i in $(seq 1 5000); do [ "$(lines "$1")" -ge "$2" ] && return 0; sleep 0.002; done; return 1; }
ms_since() { awk -v a="$1" -v b="$(tail -1 "$2")" 'BEGIN { printf "%.2f\n", (b - a) / 1e6 }'; }
# start TREE I: one runsv on TREE/uI, its pid into TREE.pids
start() {
	local d=$BT/$1/u$2
	mkdir -p "$d"
	ln -sf "$STAMP" "$d/run"
	case $1 in
	cg) setsid sh -c 'echo $$ >"$1/userd/cgroup.procs" && WARD_CGROUP=$1 exec "$2" "$3"' - \
		"$CG" "$B/runsv" "$d" </dev/null >/dev/null 2>&1 & ;;
	plain) setsid env -u WARD_CGROUP "$B/runsv" "$d" </dev/null >/dev/null 2>&1 & ;;
	runit) setsid /usr/bin/runsv "$d" </dev/null >/dev/null 2>&1 & ;;
	esac
	echo $! >>"$BT/$1.pids"
	btrack $!
}
# kill_up TREE I: ms from kill -9 of uI's ./run to its next start
kill_up() {
	local d=$BT/$1/u$2 n t0
	n=$(lines "$d/started")
	t0=$("$STAMP" kill "$(cat "$d/supervise/pid")")
	wait_lines "$d/started" $((n + 1)) || { echo nan; return; }
	ms_since "$t0" "$d/started"
}
cleanup_cg() {
	local p
	for p in $_bpids; do kill -KILL "$p" 2>/dev/null; done
	echo 1 >"$CG/cgroup.kill"
	for p in $(seq 1 100); do grep -q '^populated 0' "$CG/cgroup.events" && break; sleep 0.05; done
	find "$CG" -depth -type d -exec rmdir {} \; 2>/dev/null
	_bcleanup
}
trap cleanup_cg EXIT

for i in $(seq 1 "$KTRIES"); do for t in $TREES; do start $t "$i"; done; done
for i in $(seq 1 "$KTRIES"); do
	for t in $TREES; do wait_lines "$BT/$t/u$i/started" 1 || echo "# $t: u$i did not start"; done
done
sleep 2
pcg=$(pss_kb $(cat "$BT/cg.pids")); ppl=$(pss_kb $(cat "$BT/plain.pids"))
pru=$(pss_kb $(cat "$BT/runit.pids"))
sleep 8.5   # every service up 10 s: ward restarts it at once
for i in $(seq 1 "$KTRIES"); do
	for t in $TREES; do kill_up $t "$i" >>"$BT/kill.$t"; sleep 0.2; done
done
kcg=$(median <"$BT/kill.cg"); kpl=$(median <"$BT/kill.plain"); kru=$(median <"$BT/kill.runit")

# kernel memory of empty cgroups: 200 made in a row
kmem() { awk '/^(Slab|KernelStack|PageTables):/ { s += $2 } END { print s }' /proc/meminfo; }
mkdir "$CG/empty"
k0=$(kmem)
for i in $(seq 1 200); do mkdir "$CG/empty/c$i"; done
k1=$(kmem)
kcgroup=$(awk -v a="$k0" -v b="$k1" 'BEGIN { printf "%.1f\n", (b - a) / 200 }')

header
row "restart after kill -9, up 10 s, own cgroup, median" "$kcg" "$kru" ms
row "restart after kill -9, up 10 s, no cgroup, median" "$kpl" "$kru" ms
row "runsv PSS per service, own cgroup" \
	"$(awk -v s="$pcg" -v n="$KTRIES" 'BEGIN { printf "%.1f\n", s / n }')" \
	"$(awk -v s="$pru" -v n="$KTRIES" 'BEGIN { printf "%.1f\n", s / n }')" kB
row "runsv PSS per service, no cgroup" \
	"$(awk -v s="$ppl" -v n="$KTRIES" 'BEGIN { printf "%.1f\n", s / n }')" \
	"$(awk -v s="$pru" -v n="$KTRIES" 'BEGIN { printf "%.1f\n", s / n }')" kB
echo "# cgroup / no cgroup, restart after kill -9: $(ratio "$kcg" "$kpl") (target 1.2 at most)"
echo "# kernel memory per empty cgroup (Slab+KernelStack+PageTables, 200 made): $kcgroup kB"
echo "# a service has two cgroups with a log service (NAME and NAME.log)"
echo "# cgroup: $CG (controllers: $(cat "$CG/cgroup.controllers"))"
for t in $TREES; do echo "# kill -9 after 10 s up, $t (ms): $(sort -g "$BT/kill.$t" | tr '\n' ' ')"; done
