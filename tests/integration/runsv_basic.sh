#!/bin/bash
# runsv as runit's: start, restart, ./finish arguments, ./down, the lock,
# supervise/ files and their modes, kill -9 of the service.
. "$(dirname "$0")/../lib.sh"
lib_use runsv

out=$("$B/runsv" 2>&1); rc=$?
expect_eq "no argument: exit 1, as runit" 1 "$rc"
expect_match "usage message" "^usage: .*runsv dir" "$out"
out=$("$B/runsv" "$T/nope" 2>&1); rc=$?
expect_eq "missing directory: exit 111" 111 "$rc"
expect_match "runit's message" "^runsv $T/nope: fatal: unable to change to directory: " "$out"

# --- a service that records its finish arguments
s=$T/svc
mksvc "$s" 'echo $$ >>starts; exec sleep 1000'
mkscript "$s/finish" 'echo "$1 $2" >>finish.args'
echo 1 >"$s/backoff-max"   # quick exits below: no growing backoff
start_runsv "$s"
check "stat says run" wait_until 10 stat_is "$s" run
p=$(svc_pid "$s")
check "supervise/pid is the running ./run" alive "$p"
expect_eq "pid file is the pid and a newline" "$p" "$(cat "$s/supervise/pid")"
expect_eq "status: state" run "$(svstat_field "$s" state)"
expect_eq "status: pid" "$p" "$(svstat_field "$s" pid)"
expect_eq "status: want up" u "$(svstat_field "$s" want)"
expect_eq "status: not paused, no TERM" "0 0" "$(svstat_field "$s" paused) $(svstat_field "$s" term)"
expect_eq "./run in runsv's process group and session, as runit" \
	"$(ps -o pgid=,sid= -p "$RUNSV_PID")" "$(ps -o pgid=,sid= -p "$p")"
expect_eq "supervise/ is 0700" 700 "$(stat -c %a "$s/supervise")"
expect_eq "control and ok are FIFOs 0600, lock 0600" "fifo 600 fifo 600 file 600" \
	"$(for f in control ok lock; do stat -c '%F %a' "$s/supervise/$f"; done | sed 's/regular empty file/file/' | tr '\n' ' ' | sed 's/ $//;s/named pipe/fifo/g;s/  / /g')"
expect_eq "stat, pid and status are 0644 (umask 022)" "644 644 644" \
	"$(cd "$s/supervise" && stat -c %a stat pid status | tr '\n' ' ' | sed 's/ $//')"

# a second runsv is refused, with runit's message and code
out=$("$B/runsv" "$s" 2>&1); rc=$?
expect_eq "second runsv: exit 111" 111 "$rc"
expect_eq "second runsv: runit's message" \
	"runsv $s: fatal: unable to lock supervise/lock: temporary failure" "$out"
check "the first runsv is still there" alive "$RUNSV_PID"

# kill -9 of the service is a restart; ./finish gets -1 and the signal
kill -9 "$p"
check "kill -9: a new ./run" wait_until 10 new_pid "$s" "$p"
expect_eq "kill -9: finish args" "-1 9" "$(tail -1 "$s/finish.args")"
check "runsv survived" alive "$RUNSV_PID"
check "the killed one is gone (reaped)" wait_until 5 gone "$p"

# finish args after TERM, after exit 3, after exit 0
p=$(svc_pid "$s"); kill -TERM "$p"
wait_until 10 new_pid "$s" "$p"
expect_eq "TERM: finish args" "-1 15" "$(tail -1 "$s/finish.args")"
mksvc "$s" 'echo $$ >>starts; sleep 0.2; exit 3'
p=$(svc_pid "$s"); kill "$p"
check "exit 3: finish args" wait_until 10 has_line "$s/finish.args" "3 0"
mksvc "$s" 'echo $$ >>starts; sleep 0.2; exit 0'
check "exit 0: finish args" wait_until 10 has_line "$s/finish.args" "0 0"

# a run that cannot be executed: exit code 111, status 0 (runit's man page)
chmod 644 "$s/run"
check "exec failure: finish gets 111 0" wait_until 10 has_line "$s/finish.args" "111 0"
expect_match "exec failure is reported" "unable to start ./run" "$(cat "$s.err")"
ctl "$s" d
chmod 755 "$s/run"

# --- ./down: not started; u starts it
d=$T/down
mksvc "$d" 'exec sleep 1000'
touch "$d/down"
start_runsv "$d"
expect_eq "./down: stat down" down "$(stat_of "$d")"
expect_eq "./down: want d" d "$(svstat_field "$d" want)"
expect_eq "./down: empty pid file" "" "$(cat "$d/supervise/pid")"
ctl "$d" u
check "u starts it" wait_until 10 stat_is "$d" run

# --- restarted when it exits, never twice within a second
r=$T/quick
mksvc "$r" 'date +%s%N >>starts; exit 0'
echo 1 >"$r/backoff-max"   # runit's once a second, no growing backoff
start_runsv "$r"
check "exits at once: restarted" wait_until 20 lines_ge "$r/starts" 4
gaps=$(awk 'NR > 1 { d = ($1 - prev) / 1e6; if (d < 1000) print d } { prev = $1 }' "$r/starts")
expect_eq "no two starts less than 1 s apart" "" "$gaps"

# --- supervise as a dangling symlink: the target is created (as runit)
l=$T/link
mksvc "$l" 'exec sleep 1000'
ln -s "$T/link-supervise" "$l/supervise"
start_runsv "$l"
check "symlinked supervise/: target created" test -d "$T/link-supervise"
check "symlinked supervise/: runs" wait_until 10 stat_is "$l" run

# --- runsv's own fds do not leak into ./run: it has what runsv inherited
# (the test's environment may hold a few), plus ls's own directory fd
f=$T/fds
mksvc "$f" 'exec ls /proc/self/fd >fds'
mkdir "$f/log"; mkscript "$f/log/run" 'exec cat >/dev/null'
touch "$f/log/down"
base=$(ls /proc/self/fd </dev/null 2>/dev/null | sort -n | tr '\n' ' ')
start_runsv "$f"
check "fd list written" wait_until 10 test -s "$f/fds"
expect_eq "./run has only what runsv inherited" "$base" "$(sort -n "$f/fds" | tr '\n' ' ')"

done_testing
