# Helpers for benchmarks: timing, medians, cleanup.  Source it.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BT=$(mktemp -d /tmp/ward-bench.XXXXXX)
chmod 755 "$BT"
# test users run a staged copy of build/ (tests/lib-stage.sh), not the checkout
. "$TOP/tests/lib-stage.sh"
B=$BT/build
stage_build "$B" || { echo "bench: cannot stage build/ in $B"; exit 1; }
_bpids=""
btrack() { _bpids="$_bpids $1"; }
. "$TOP/tests/lib-kill.sh"
_bcleanup() {
	local p
	for p in $_bpids; do kill -TERM -- "-$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; done
	sleep 0.2
	for p in $_bpids; do kill -KILL -- "-$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
	kill_under "$BT"
	rm -rf "$BT"
}
trap _bcleanup EXIT
# now_ns, median, ratio, row, header, pss_kb
. "$TOP/tests/bench/lib-table.sh"
