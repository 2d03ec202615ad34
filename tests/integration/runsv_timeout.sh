#!/bin/bash
# timeout-kill: KILL after the TERM of d or x when the service ignores it.
. "$(dirname "$0")/../lib.sh"
lib_use runsv

stubborn='trap "echo TERM >>sig.log" TERM; echo $$ >>starts; while :; do sleep 0.05; done'

s=$T/svc
mksvc "$s" "$stubborn"
mkscript "$s/finish" 'echo "$1 $2" >>finish.args'
echo 300 >"$s/timeout-kill"
start_runsv "$s"
check "running" wait_until 10 stat_is "$s" run
p=$(svc_pid "$s")
ctl "$s" d
check "d: TERM delivered and ignored" wait_until 10 has_line "$s/sig.log" TERM
check "d: KILLed after timeout-kill" wait_until 10 stat_is "$s" down
expect_eq "d: finish saw the KILL" "-1 9" "$(tail -1 "$s/finish.args")"
check "d: gone" wait_until 5 gone "$p"

# t (want up) does not arm it: TERM only, the service goes on
ctl "$s" u
check "u: running" wait_until 10 stat_is "$s" run
p=$(svc_pid "$s")
: >"$s/sig.log"
ctl "$s" t
check "t: TERM delivered" wait_until 10 has_line "$s/sig.log" TERM
sleep 1
check "t: no KILL after the timeout" alive "$p"
expect_eq "t: stat" "run, got TERM" "$(stat_of "$s")"

# without the file: no KILL
rm "$s/timeout-kill"
ctl "$s" d
check "no file: TERM ignored" wait_until 10 stat_is "$s" "run, got TERM, want down"
sleep 1
check "no file: still running" alive "$p"
ctl "$s" k
check "k kills it" wait_until 10 stat_is "$s" down

# x with timeout-kill: runsv exits
echo 200 >"$s/timeout-kill"
ctl "$s" u
check "running again" wait_until 10 stat_is "$s" run
ctl "$s" x
check "x: runsv exits after the KILL" wait_until 10 gone "$RUNSV_PID"
expect_eq "x: exit code 0" 0 "$(exit_code "$RUNSV_PID")"

# a malformed file is reported, and TERM still works
g=$T/bad
mksvc "$g" 'exec sleep 1000'
echo "1s" >"$g/timeout-kill"
start_runsv "$g"
check "bad: running" wait_until 10 stat_is "$g" run
ctl "$g" d
check "bad: down by TERM" wait_until 10 stat_is "$g" down
check "bad: reported with the file name" grep -q \
	"runsv $g: warning: timeout-kill: expected a number from 1 to" "$g.err"

done_testing
