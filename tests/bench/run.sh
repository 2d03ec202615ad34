#!/bin/bash
# make bench: runs every tests/bench/*.sh (each measures ward and Debian's
# runit side by side in the same run and prints its own table), after a
# header naming the machine.  The whole output is also kept in build/bench.txt.
# Timing figures are reported, never asserted: machines are noisy.
set -u
cd "$(dirname "$0")/../.." || exit 1
out=build/bench.txt
{
	echo "# ward benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "# machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
		"$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
	echo "# runit: Debian package $(dpkg-query -W -f='${Version}' runit 2>/dev/null)"
	for b in tests/bench/*.sh; do
		[ "$b" = tests/bench/run.sh ] && continue
		echo
		echo "## ${b##*/}"
		bash "$b" || echo "(${b##*/} failed: exit $?)"
	done
} 2>&1 | tee "$out"
