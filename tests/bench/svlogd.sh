#!/bin/bash
# svlogd throughput, side by side: 1,000,000 lines of 100 bytes piped
# through Debian's runit svlogd (/usr/bin/svlogd) and ours (build/svlogd),
# both with -tt and a `s1000000` config (rotation every ~1 MB), REPS runs
# each, alternating; prints the median lines/s of each and ward/runit.
# Also checks each run: the kept files (n10 by default keeps the last 10 old
# ones) hold consecutive line numbers ending with the last line.
# Standalone: bash tests/bench/svlogd.sh   (REPS=N and LINES=N to change)
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OURS=$TOP/build/svlogd RUNIT=/usr/bin/svlogd
LINES=${LINES:-1000000} REPS=${REPS:-5}
[ -x "$OURS" ] || { echo "svlogd bench: build/svlogd missing (run make)"; exit 1; }
[ -x "$RUNIT" ] || { echo "svlogd bench: $RUNIT missing, skipped"; exit 0; }
W=$(mktemp -d /tmp/ward-bench-svlogd.XXXXXX)
trap 'rm -rf "$W"' EXIT

# 99 characters and a newline, numbered so lost lines would show
awk -v n="$LINES" 'BEGIN { pad = sprintf("%88s", ""); gsub(/ /, "x", pad);
	for (i = 1; i <= n; i++) printf "%10d %s\n", i, pad }' >"$W/input"

# run PROG: prints elapsed ns; fails if a line is missing
run() {
	local d=$W/log t0 t1 got
	rm -rf "$d"; mkdir "$d"; echo s1000000 >"$d/config"
	t0=$(date +%s%N)
	cat "$W/input" | "$1" -tt "$d" || return 1
	t1=$(date +%s%N)
	got=$(cat "$d"/@* "$d"/current 2>/dev/null | awk -v n="$LINES" '
		$2 != prev + 1 && NR > 1 { bad = 1 } { prev = $2 }
		END { print (bad || prev != n) ? "gap" : "ok" }')
	[ "$got" = ok ] || { echo "svlogd bench: $1 lost lines" >&2; return 1; }
	echo $((t1 - t0))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

: >"$W/runit.ns"; : >"$W/ward.ns"
for i in $(seq 1 "$REPS"); do
	run "$RUNIT" >>"$W/runit.ns" || exit 1
	run "$OURS" >>"$W/ward.ns" || exit 1
done
r=$(median <"$W/runit.ns") w=$(median <"$W/ward.ns")
awk -v n="$LINES" -v r="$r" -v w="$w" -v reps="$REPS" 'BEGIN {
	printf "svlogd bench: %d lines of 100 bytes, -tt, s1000000, median of %d runs\n", n, reps
	printf "  runit svlogd: %.2f million lines/s\n", n / (r / 1e9) / 1e6
	printf "  ward svlogd:  %.2f million lines/s\n", n / (w / 1e9) / 1e6
	printf "  ratio ward/runit: %.2f\n", r / w }'
# the same as one row of make bench's summary table (tests/bench/lib.sh's form)
awk -v n="$LINES" -v r="$r" -v w="$w" 'BEGIN {
	printf "| %-54s | %10.2f | %10.2f | %6.2f | %-7s |\n", "svlogd throughput, -tt, rotation every 1 MB, median",
		n / (w / 1e9) / 1e6, n / (r / 1e9) / 1e6, r / w, "Mline/s" }'
