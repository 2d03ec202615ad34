#!/bin/bash
# make bench: runs every tests/bench/*.sh (each measures ward and Debian's
# runit side by side in the same run, userd.sh also s6, and prints its own
# table), after a header naming the machine, then one summary table of every
# row, in the Markdown form that docs/performance.md quotes.  The whole
# output is also kept in build/bench.txt.  Timing figures are reported,
# never asserted: machines are noisy.
# usage: tests/bench/run.sh [NAME...]   only tests/bench/NAME.sh (e.g. cold userd)
set -u
cd "$(dirname "$0")/../.." || exit 1
out=build/bench.txt
mkdir -p build
if [ $# -gt 0 ]; then
	benches=$(for n in "$@"; do echo "tests/bench/${n%.sh}.sh"; done)
else
	benches=$(ls tests/bench/*.sh | grep -v -e '/run\.sh$' -e '/lib\.sh$')
fi
{
	echo "# ward benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null)"
	echo "# machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
		"$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)," \
		"load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "# runit: Debian package $(dpkg-query -W -f='${Version}' runit 2>/dev/null)," \
		"s6: $(dpkg-query -W -f='${Version}' s6 2>/dev/null || echo "not installed")"
	for b in $benches; do
		echo
		echo "## ${b##*/}"
		start=$(date +%s)
		bash "$b" || echo "(${b##*/} failed: exit $?)"
		echo "# (${b##*/} took $(( $(date +%s) - start )) s)"
	done
} 2>&1 | tee "$out.tmp"
# The summary: every table row of every benchmark ("| name | ward | runit |
# ratio | s6 | vs s6 | unit |"), under one header.
{
	echo
	echo "## summary (ratio = ward / runit, vs s6 = ward / s6)"
	echo
	grep -m1 '^| measure ' "$out.tmp"
	grep -m1 '^|---' "$out.tmp"
	grep '^| ' "$out.tmp" | grep -v '^| measure '
} | tee -a "$out.tmp"
mv "$out.tmp" "$out"
