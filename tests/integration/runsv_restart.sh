#!/bin/bash
# runsv's restart path: a service that stops after a second or more is
# started again at once, and supervise/ then describes the new ./run in every
# file (runsv skips the down state's files then, and files whose content did
# not change); a control/u still sees the down state; ./run gets the default
# for every signal whoever started runsv ignored, and nothing blocked.
. "$(dirname "$0")/../lib.sh"
lib_use runsv

# ./run keeps its own SigIgn and SigBlk lines in masks.  Under `make check`
# runsv inherits signals 32 and 33 ignored (GNU make 4.3 leaves them so),
# which glibc's sigaction cannot undo: runsv must, with the system call.
s=$T/svc
mksvc "$s" 'exec 3>>masks; grep -E "^Sig(Ign|Blk):" /proc/self/status >&3
echo $$ >>starts
exec sleep 1000'
mkscript "$s/control/u" 'echo "$(cat supervise/stat) pid=[$(cat supervise/pid)]" >>u.seen'
# started with INT, QUIT and HUP ignored, as a shell's `&` and nohup leave them
(trap '' INT QUIT HUP; exec setsid "$B/runsv" "$s" </dev/null 2>"$s.err") & RUNSV_PID=$!
track "$RUNSV_PID"
check "running" wait_until 10 stat_is "$s" run
check "first start recorded" wait_until 10 lines_ge "$s/starts" 1
expect_eq "./run: no signal ignored" "SigIgn:	0000000000000000" "$(grep SigIgn "$s/masks" | head -1)"
expect_eq "./run: no signal blocked" "SigBlk:	0000000000000000" "$(grep SigBlk "$s/masks" | head -1)"
ign=$(awk '/^SigIgn:/ { print $2 }' "/proc/$RUNSV_PID/status")
expect_eq "runsv itself still ignores INT" 2 "$(( 0x$ign & 2 ))"
kill -INT "$RUNSV_PID"
sleep 0.2
check "runsv survives INT (inherited ignore kept for itself)" alive "$RUNSV_PID"

# t after more than a second: the exit was asked for, the floor is over,
# so runsv starts ./run again at once
p1=$(svc_pid "$s")
st1=$(od -An -tx1 -N12 "$s/supervise/status")
sleep 1.2
ctl "$s" t
check "t: restarted" wait_until 10 new_pid "$s" "$p1"
check "t: second start recorded" wait_until 10 lines_ge "$s/starts" 2
p2=$(svc_pid "$s")
expect_eq "pid file names the new ./run" "$(tail -1 "$s/starts")" "$p2"
expect_eq "status names the new ./run" "$p2" "$(svstat_field "$s" pid)"
expect_eq "status: state run" run "$(svstat_field "$s" state)"
expect_eq "stat: run" run "$(stat_of "$s")"
expect_eq "ward: two starts" 2 "$(svstat_field "$s" starts)"
check "status: a new since" test "$(od -An -tx1 -N12 "$s/supervise/status")" != "$st1"
expect_eq "control/u ran twice, seeing the down state each time" \
	"down pid=[]
down pid=[]" "$(cat "$s/u.seen")"
expect_eq "second ./run: no signal ignored" "SigIgn:	0000000000000000" "$(grep SigIgn "$s/masks" | tail -1)"

# a kill -9 restarts too, and no file is left from the old ./run
p2=$(svc_pid "$s")
sleep 1.2
kill -KILL "$p2"
check "kill -9: restarted" wait_until 10 new_pid "$s" "$p2"
check "kill -9: third start recorded" wait_until 10 lines_ge "$s/starts" 3
expect_eq "kill -9: status names the new ./run" "$(svc_pid "$s")" "$(svstat_field "$s" pid)"
expect_eq "kill -9: ward: three starts" 3 "$(svstat_field "$s" starts)"
check "no .new file left in supervise/" test -z "$(ls "$s/supervise" | grep '\.new$')"

# d: down is written (the restart path is only for a start that follows)
ctl "$s" d
check "d: down" wait_until 10 stat_is "$s" down
expect_eq "d: pid file empty" "" "$(svc_pid "$s")"
expect_eq "d: status down" down "$(svstat_field "$s" state)"
ctl "$s" u
check "u: up again" wait_until 10 stat_is "$s" run
# supervise/ward is written after supervise/stat: wait for it too
starts_are() { [ "$(svstat_field "$s" starts)" = "$1" ]; }
check "u: four starts" wait_until 5 starts_are 4
done_testing
