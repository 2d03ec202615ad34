#!/bin/bash
# The log pipe loses no line over 100 restarts of ./run and many restarts of
# log/run: runsv holds both ends.  Takes about 100 s (runit's one start a
# second; backoff-max 1 keeps it at that).
. "$(dirname "$0")/../lib.sh"
lib_use runsv
RUNS=100 PER=20

s=$T/svc
mksvc "$s" "n=\$(( \$(cat count 2>/dev/null || echo 0) + 1 )); echo \$n >count
[ \$n -gt $RUNS ] && exec sleep 1000
i=1; while [ \$i -le $PER ]; do echo \"r\$n-\$i\"; i=\$((i + 1)); done
exit 0"
echo 1 >"$s/backoff-max"
# the logger leaves after 37 lines (sh's read takes one byte at a time, so it
# never reads more than it keeps), so it restarts 50-odd times too
mkscript "$s/log/run" 'i=0; while read -r l; do echo "$l" >>out; i=$((i + 1)); [ $i -ge 37 ] && exit 0; done'
echo 1 >"$s/log/backoff-max"
echo 0 >"$s/log/starts"
start_runsv "$s"
total=$((RUNS * PER))
check "all $total lines arrive" wait_until 300 lines_ge "$s/log/out" "$total"
count_is() { [ "$(cat "$s/count")" = "$1" ]; }
check "./run was started $RUNS times (and once more to stay up)" wait_until 10 count_is $((RUNS + 1))
want=$(for n in $(seq 1 $RUNS); do for i in $(seq 1 $PER); do echo "r$n-$i"; done; done | md5sum)
expect_eq "every line once, in order" "$want" "$(md5sum <"$s/log/out")"
expect_match "the logger restarted many times" "^[0-9]+$" "$(svstat_field "$s/log" starts)"
check "... at least 50" test "$(svstat_field "$s/log" starts)" -ge 50

done_testing
