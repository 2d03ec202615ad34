#!/bin/bash
# A runsv killed with -9 leaves its ./run and its logger running with nobody
# to supervise them. The next runsv on the directory stops them (TERM, then
# KILL after 5 s) before it starts its own, so the service never runs twice;
# a pid in supervise/status that now names another process is left alone.
. "$(dirname "$0")/../lib.sh"
lib_use runsv

lacks_line_matching() { ! grep -q -- "$2" "$1"; }

# an unrelated process, started long before the pid in the forged status below
spawn sleep 1000
innocent=$SPAWNED

# procs_in DIR COMM: how many processes named COMM have DIR as their cwd
procs_in() {
	local p n=0
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/cwd" 2>/dev/null)" = "$1" ] &&
			[ "$(cat "$p/comm" 2>/dev/null)" = "$2" ] && n=$((n + 1))
	done
	echo $n
}

s=$T/svc
mksvc "$s" 'exec sleep 1000'
mkscript "$s/log/run" 'exec cat >>../logged'
start_runsv "$s"
check "service up" wait_until 10 stat_is "$s" run
check "logger up" wait_until 10 stat_is "$s/log" run
p=$(svc_pid "$s"); lp=$(svc_pid "$s/log")
kill -9 "$RUNSV_PID"
check "the killed runsv is gone" wait_until 10 gone "$RUNSV_PID"
check "its ./run runs on, unsupervised" alive "$p"
check "its logger runs on" alive "$lp"

start_runsv "$s"
check "the new runsv starts ./run again" wait_until 20 new_pid "$s" "$p"
check "the orphaned ./run is gone" wait_until 10 dead "$p"
check "the orphaned logger is gone" wait_until 10 dead "$lp"
check "a new logger runs" wait_until 10 new_pid "$s/log" "$lp"
expect_eq "one sleep runs in the service directory" 1 "$(procs_in "$s" sleep)"
expect_eq "one logger runs in the log directory" 1 "$(procs_in "$s/log" cat)"
expect_match "the new runsv says what it stopped" \
	"supervise/status: pid $p was left running by a runsv that died: stopping it" \
	"$(cat "$s.err")"
check "the new runsv runs on" alive "$RUNSV_PID"

# an orphan that ignores TERM gets KILL after the grace time
t=$T/stubborn
mksvc "$t" 'trap "" TERM; exec sleep 1000'
start_runsv "$t"
check "stubborn service up" wait_until 10 stat_is "$t" run
p=$(svc_pid "$t")
kill -9 "$RUNSV_PID"
wait_until 10 gone "$RUNSV_PID"
start_runsv "$t"
check "stubborn orphan: a new ./run after the KILL" wait_until 20 new_pid "$t" "$p"
check "stubborn orphan is gone" wait_until 10 gone "$p"
expect_eq "one sleep runs in the stubborn directory" 1 "$(procs_in "$t" sleep)"

# a pid in supervise/status that is now another process: left alone
u=$T/reused
mksvc "$u" 'exec sleep 1000'
start_runsv "$u"
check "third service up" wait_until 10 stat_is "$u" run
p=$(svc_pid "$u")
kill -9 "$RUNSV_PID"; wait_until 10 gone "$RUNSV_PID"
kill -9 "$p"; wait_until 10 dead "$p"
# bytes 12..15 of the status: the pid, little-endian
le=$(printf '\\%03o\\%03o\\%03o\\%03o' $((innocent & 255)) $((innocent >> 8 & 255)) \
	$((innocent >> 16 & 255)) $((innocent >> 24 & 255)))
printf "$le" | dd of="$u/supervise/status" bs=1 seek=12 conv=notrunc status=none
expect_eq "forged status names the unrelated process" "$innocent" "$(svstat_field "$u" pid)"
start_runsv "$u"
check "the new runsv starts ./run" wait_until 10 new_pid "$u" "$innocent"
check "the unrelated process was not touched" alive "$innocent"
check "no message about it" lacks_line_matching "$u.err" "left running"

done_testing
