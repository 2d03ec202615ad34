#!/bin/bash
# Replays every fuzz corpus input (and every saved crash) through its target,
# built with the normal compiler and, under SANITIZE=1, with ASan+UBSan.
. "$(dirname "$0")/../lib.sh"
for r in "$B"/tests/replay_fuzz_*; do
	[ -x "$r" ] || continue
	n=${r##*/replay_}
	set -- "$TOP/tests/fuzz/corpus/$n"/*
	[ -e "$1" ] || { notok "$n has a corpus"; continue; }
	check "$n replays its $# corpus inputs" "$r" "$@"
done
done_testing
