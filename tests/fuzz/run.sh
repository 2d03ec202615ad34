#!/bin/bash
# make fuzz: runs each libFuzzer target (build/fuzz/fuzz_*) for FUZZ_SECONDS
# (default 30) under ASan+UBSan, starting from tests/fuzz/corpus/NAME.
# New inputs go to build/fuzz/corpus-NAME; a crash fails the run and leaves
# its input in build/fuzz/ -- copy it into tests/fuzz/corpus/NAME/ so that
# `make check` replays it from then on (tests/integration/fuzz_replay.sh).
# tests/fuzz/NAME.options, if present, holds more libFuzzer options for NAME.
set -u
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_SECONDS:-30}
rc=0
for f in build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	n=${f##*/}
	mkdir -p "build/fuzz/corpus-$n"
	opts=$(cat "tests/fuzz/$n.options" 2>/dev/null)
	echo "== $n ($secs s)"
	# shellcheck disable=SC2086
	"$f" $opts -max_total_time="$secs" -artifact_prefix="build/fuzz/$n-" -print_final_stats=1 \
		"build/fuzz/corpus-$n" "tests/fuzz/corpus/$n" 2>&1 | grep -E '^(#|==|SUMMARY|stat::number_of_executed_units|artifact)' | tail -4
	[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "$n: FAILED"; rc=1; }
done
exit $rc
