#!/bin/bash
# Runs every cmocka unit test (build/tests/test_*) and every integration test
# (tests/integration/*.sh), then prints one summary line:
#   N passed, N failed, N skipped
# Integration scripts print TAP-style "ok - ..." / "not ok - ..." lines (see
# tests/lib.sh), "ok - ... # SKIP WHY" for a check that could not run here
# (counted as skipped, never passed); exit 77 means the whole script was skipped.
# Usage: tests/run.sh [PATTERN]   runs only tests whose name contains PATTERN.
set -u
cd "$(dirname "$0")/.." || exit 1
pat=${1:-}
pass=0 fail=0 skip=0 failed_names=""
logdir=build/test-logs
mkdir -p "$logdir"

count() { # file -> adds its ok / not ok lines ("ok - ... # SKIP why": skipped)
	local p f s
	p=$(grep -c '^ok ' "$1")
	s=$(grep -c '^ok .*# SKIP' "$1")
	f=$(grep -c '^not ok ' "$1")
	pass=$((pass + p - s)); fail=$((fail + f)); skip=$((skip + s))
	[ "$f" -gt 0 ] && failed_names="$failed_names $2"
	return 0
}

for t in build/tests/test_*; do
	[ -x "$t" ] || continue
	n=${t##*/}
	[ -n "$pat" ] && [[ $n != *$pat* ]] && continue
	log=$logdir/$n.log
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
	rc=$?
	# cmocka's TAP output: "ok N - name" / "not ok N - name"
	count "$log" "$n"
	if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
		fail=$((fail + 1)); failed_names="$failed_names $n"
	fi
	echo "unit $n: rc=$rc ($(grep -c '^ok ' "$log") ok)"
done

# One staged copy of build/ for every integration test (tests/lib-stage.sh):
# test users cannot execute anything inside a checkout in a 0700 home.
. tests/lib-stage.sh
TOP=$(pwd)
WARD_STAGE=$(mktemp -d /tmp/ward-stage.XXXXXX) && stage_build "$WARD_STAGE" ||
	{ echo "run.sh: cannot stage build/ in ${WARD_STAGE:-/tmp}"; exit 1; }
export WARD_STAGE
trap 'rm -rf "$WARD_STAGE"' EXIT

for t in tests/integration/*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	[ -n "$pat" ] && [[ $n != *$pat* ]] && continue
	log=$logdir/$n.log
	start=$(date +%s)
	timeout -k 10 600 bash "$t" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 77 ]; then
		skip=$((skip + 1)); echo "integration $n: skipped ($(tail -1 "$log"))"
		continue
	fi
	# a helper renamed under a test runs nothing and may fail no check
	if grep -q ': command not found$' "$log"; then
		echo "not ok - $n: a command was not found: $(grep -m1 ': command not found$' "$log")" >>"$log"
	fi
	count "$log" "$n"
	if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
		fail=$((fail + 1)); failed_names="$failed_names $n"
		echo "not ok - $n exited $rc" >>"$log"
	fi
	echo "integration $n: rc=$rc $(grep -c '^ok ' "$log") ok, $(grep -c '^not ok ' "$log") not ok, $(( $(date +%s) - start ))s"
done

if [ -n "$failed_names" ]; then
	for n in $failed_names; do
		echo "---- $n (build/test-logs/$n.log) ----"
		grep -B3 -A12 '^not ok ' "$logdir/$n.log" | head -80
	done
fi
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
