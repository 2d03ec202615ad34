#!/bin/bash
# Every control letter (u d o p c h a i q 1 2 t k x), control/X overrides,
# TERM to runsv, and x with a log service.
. "$(dirname "$0")/../lib.sh"
lib_use runsv

# a service that writes every signal it gets into sig.log
s=$T/svc
mksvc "$s" 'for g in HUP ALRM INT QUIT USR1 USR2 CONT; do trap "echo $g >>sig.log" $g; done
trap "echo TERM >>sig.log; exit 0" TERM
echo $$ >>starts
while :; do sleep 0.05; done'
mkscript "$s/finish" 'echo "$1 $2" >>finish.args'
start_runsv "$s"
check "running" wait_until 10 stat_is "$s" run
p=$(svc_pid "$s")

# the plain signal letters
for l in h:HUP a:ALRM i:INT q:QUIT 1:USR1 2:USR2 c:CONT; do
	ctl "$s" "${l%%:*}"
	check "letter ${l%%:*} sends ${l#*:}" wait_until 10 has_line "$s/sig.log" "${l#*:}"
done
expect_eq "the signals went to the same ./run" "$p" "$(svc_pid "$s")"

# p: STOP and ", paused"; c: CONT
ctl "$s" p
proc_state() { awk '{print $3}' "/proc/$1/stat"; }
# proc_state_is PID STATE: read afresh at every try of wait_until
proc_state_is() { [ "$(proc_state "$1")" = "$2" ]; }
proc_state_is_not() { [ "$(proc_state "$1")" != "$2" ]; }
check "p stops the service" wait_until 10 proc_state_is "$p" T
check "p: stat says paused" wait_until 10 stat_is "$s" "run, paused"
expect_eq "p: status byte paused" 1 "$(svstat_field "$s" paused)"
ctl "$s" c
check "c continues it" wait_until 10 stat_is "$s" run
check "c: running again" wait_until 10 proc_state_is_not "$p" T

# t: TERM, restarted (want up)
: >"$s/sig.log"
ctl "$s" t
check "t sends TERM" wait_until 10 has_line "$s/sig.log" TERM
check "t: restarted" wait_until 10 new_pid "$s" "$p"
p=$(svc_pid "$s")

# d: TERM then CONT, ./finish, stays down
: >"$s/sig.log"
ctl "$s" d
check "d: down" wait_until 10 stat_is "$s" down
expect_eq "d: TERM was sent" TERM "$(head -1 "$s/sig.log")"
expect_eq "d: want d" d "$(svstat_field "$s" want)"
check "d: the old ./run is gone" wait_until 5 gone "$p"
n=$(lines "$s/starts")
sleep 1.5
expect_eq "d: not restarted" "$n" "$(lines "$s/starts")"

# o: once -- runs, not restarted after it exits
ctl "$s" o
check "o: runs" wait_until 10 stat_is "$s" "run, want down"
p=$(svc_pid "$s")
kill -9 "$p"
check "o: down after it exits" wait_until 10 stat_is "$s" down
expect_eq "o: ./finish ran after it" "-1 9" "$(tail -1 "$s/finish.args")"
sleep 1.5
expect_eq "o: not restarted" "" "$(svc_pid "$s")"

# u: up again
ctl "$s" u
check "u: runs" wait_until 10 stat_is "$s" run
p=$(svc_pid "$s")

# k: KILL, restarted
ctl "$s" k
# a new pid may be ./finish's: restarted is a new pid with the state run
restarted() { new_pid "$s" "$p" && stat_is "$s" run; }
check "k: restarted" wait_until 10 restarted
expect_eq "k: killed by KILL" "-1 9" "$(tail -1 "$s/finish.args")"
p=$(svc_pid "$s")
# the new ./run has set its traps once it wrote its pid to ./starts: a
# signal before that would end it, not be logged
trapped() { [ "$(tail -1 "$s/starts")" = "$p" ]; }
check "k: the new ./run is ready for signals" wait_until 10 trapped

# --- control/X overrides
mkdir "$s/control"
mkscript "$s/control/h" 'echo "h $#" >>ctl.log; exit 0'      # handled: no HUP
mkscript "$s/control/a" 'echo "a" >>ctl.log; exit 1'         # not handled: ALRM sent
mkscript "$s/control/t" 'echo "t" >>ctl.log; exit 1'
mkscript "$s/control/d" 'echo "d" >>ctl.log'
mkscript "$s/control/u" 'echo "u" >>ctl.log'
mkscript "$s/control/x" 'echo "x" >>ctl.log'
printf '#!/bin/sh\necho q >>ctl.log\n' >"$s/control/q"; chmod 644 "$s/control/q"  # not executable
: >"$s/sig.log"
ctl "$s" hqa
check "control/a ran and ALRM was still sent" wait_until 10 has_line "$s/sig.log" ALRM
check "control/h ran, without arguments" has_line "$s/ctl.log" "h 0"
check "control/h exit 0: no HUP" lacks_line "$s/sig.log" HUP
check "a non-executable control/q is ignored: QUIT sent" has_line "$s/sig.log" QUIT
[ "$_failed" = 0 ] || for f in stat pid; do echo "# supervise/$f: $(cat "$s/supervise/$f")"; done
[ "$_failed" = 0 ] || sed 's/^/# /' "$s/ctl.log" "$s/sig.log" "$s.err" 2>/dev/null
check "... and not run" lacks_line "$s/ctl.log" q
: >"$s/ctl.log"
ctl "$s" d
check "d: down" wait_until 10 stat_is "$s" down
expect_eq "d runs control/t, then control/d" "t d" "$(tr '\n' ' ' <"$s/ctl.log" | sed 's/ $//')"
: >"$s/ctl.log"
ctl "$s" u
check "u: runs" wait_until 10 stat_is "$s" run
expect_eq "control/u runs before ./run starts" "u" "$(cat "$s/ctl.log")"
mkscript "$s/control/t" 'echo "t" >>ctl.log; kill -USR1 $(cat supervise/pid); exit 0'
: >"$s/ctl.log"; : >"$s/sig.log"
ctl "$s" t
check "control/t exit 0: it acts instead of TERM" wait_until 10 has_line "$s/sig.log" USR1
sleep 0.3
check "... and no TERM" lacks_line "$s/sig.log" TERM
expect_eq "... stat has no got TERM" run "$(stat_of "$s")"
rm "$s/control/t"

# --- x: exits once the service is down; with a log, once the log has exited
mkdir "$s/log"
ctl "$s" x
check "x: runsv exits" wait_until 10 gone "$RUNSV_PID"
expect_eq "x: exit code 0" 0 "$(exit_code "$RUNSV_PID")"
expect_eq "x ran control/x" "x" "$(tail -1 "$s/ctl.log")"
rm -rf "$s/control"

l=$T/withlog
mksvc "$l" 'echo hello; exec sleep 1000'
mkscript "$l/log/run" 'while read -r line; do echo "$line" >>got; done; echo eof >>got'
start_runsv "$l"
check "log: running" wait_until 10 stat_is "$l/log" run
check "log: got the service's output" wait_until 10 has_line "$l/log/got" hello
lp=$(svc_pid "$l/log")
ctl "$l/log" x
sleep 0.3
check "x to log/supervise/control is ignored" alive "$RUNSV_PID"
expect_eq "... log still runs" "$lp" "$(svc_pid "$l/log")"
kill -TERM "$RUNSV_PID"
check "TERM to runsv acts as x: it exits" wait_until 10 gone "$RUNSV_PID"
expect_eq "TERM: exit code 0" 0 "$(exit_code "$RUNSV_PID")"
check "the log saw EOF and exited first" has_line "$l/log/got" eof
expect_eq "service stat: down" down "$(stat_of "$l")"
expect_eq "log stat: down" down "$(stat_of "$l/log")"

# x while ./finish runs: exits after it
f=$T/fin
mksvc "$f" 'exec sleep 1000'
mkscript "$f/finish" 'sleep 0.5; echo done >finished'
start_runsv "$f"
check "fin: running" wait_until 10 stat_is "$f" run
ctl "$f" x
check "x: stat finish, want exit" wait_until 10 stat_is "$f" "finish, want exit"
check "x: runsv exits after ./finish" wait_until 10 gone "$RUNSV_PID"
check "./finish completed" test -f "$f/finished"

done_testing
