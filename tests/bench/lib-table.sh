# The benchmarks' timing and table helpers, for tests/bench/lib.sh and for
# a benchmark built on tests/lib.sh (lib_use "$TOP/tests/bench/lib-table.sh").
now_ns() { date +%s%N; }
# median of numbers given one per line on stdin
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
	if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# ratio A B: A/B with 2 decimals (2 digits below 0.1); "-" unless both are
# numbers and B is not 0
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { n = "^[0-9]+([.][0-9]+)?$"
	if (a !~ n || b !~ n || b == 0) print "-"; else if (a / b < 0.1) printf "%.2g\n", a / b
	else printf "%.2f\n", a / b }'; }
# row NAME WARD RUNIT UNIT [S6]: one table line with the ratio ward/runit,
# and s6's figure with the ratio ward/s6 where a benchmark measures s6 too
# ("-" where not).  tests/bench/run.sh gathers every such line (they start
# with "| ") into the summary table at the end.
ROWFMT='| %-54s | %10s | %10s | %6s | %10s | %6s | %-7s |\n'
row() { printf "$ROWFMT" "$1" "$2" "$3" "$(ratio "$2" "$3")" "${5:--}" "$(ratio "$2" "${5:--}")" "$4"; }
header() { printf "$ROWFMT" "measure" "ward" "runit" "ratio" "s6" "vs s6" "unit"
	local w
	printf '|'; for w in 56 12 12 8 12 8 9; do printf '%.0s-' $(seq 1 $w); printf '|'; done; echo; }
# pss_kb PID...: sum of PSS in kB from smaps_rollup
pss_kb() { local p s=0 v; for p in "$@"; do
	v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null); s=$((s + ${v:-0})); done; echo $s; }
