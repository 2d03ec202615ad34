#!/bin/bash
# Faults under the service tree: a full disk (a small tmpfs mounted for the
# test) under supervise/ and the logs, and a supervise/ or log directory
# the user cannot write.  runsv and svlogd (the real ones, run as a test
# user) say clearly what failed, do not crash, and the service keeps
# running; once space is back, logging and the status files resume.
. "$(dirname "$0")/../lib.sh"
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"

u=wx$(( $$ % 100000 ))d
make_user $u || exit 1
D=$T/disk
mkdir -p "$D"
mount -t tmpfs -o size=256k,mode=0755 "wardtest-$u" "$D" || skip_all "cannot mount a tmpfs"
trap 'for p in $_pids; do kill -KILL -- -$p $p 2>/dev/null; done; sleep 0.2; umount -l "$D"; _cleanup' EXIT

# logging_svc DIR: a service that prints a numbered line every 10 ms, with svlogd
logging_svc() {
	mkdir -p "$1/log/main"
	printf '#!/bin/sh\nexec 2>&1\ni=0\nwhile :; do i=$((i + 1)); echo "line $i"; sleep 0.01; done\n' >"$1/run"
	printf '#!/bin/sh\nexec %s -tt ./main\n' "$B/svlogd" >"$1/log/run"
	chmod 755 "$1/run" "$1/log/run"
}
# start_user_runsv DIR: the real runsv as the user, stderr to $T/NAME.err
start_user_runsv() {
	cd "$(dirname "$1")" || return 1
	spawn setpriv --reuid=$u --regid=$u --init-groups "$B/runsv" "$(basename "$1")" \
		2>>"$T/$(basename "$1").err"
	cd "$TOP" || return 1
}
runsv_of() { local p; for p in $(pgrep -x runsv); do [ "$(readlink /proc/$p/cwd)" = "$1" ] && echo $p; done; }
# logged_lines DIR: the numbered lines DIR's svlogd kept
logged_lines() { cat "$1"/log/main/current "$1"/log/main/@* 2>/dev/null | grep -c 'line '; }

# ---- a full disk ----
logging_svc "$D/s"
chown -R $u: "$D"
start_user_runsv "$D/s"
check "service and logger run" wait_until 10 eval '[ -s "$D/s/supervise/pid" ] && [ -s "$D/s/log/supervise/pid" ]'
check "lines are logged" wait_until 10 eval '[ "$(logged_lines "$D/s")" -gt 10 ]'
rp=$(runsv_of "$D/s") sp=$(svc_pid "$D/s") lp=$(svc_pid "$D/s/log")
dd if=/dev/zero of="$D/filler" bs=4k 2>/dev/null
check "the disk is full" eval '! echo x >"$D/probe" 2>/dev/null'
sleep 2
check "full disk: runsv still runs" alive "$rp"
check "full disk: the service still runs" alive "$sp"
check "full disk: the logger still runs" alive "$lp"
# a command during the full disk: the status files cannot be written
printf d >"$D/s/supervise/control"
check "full disk: the service is stopped on command" wait_until 10 eval '! alive $sp'
check "full disk: runsv says it cannot write its status" \
	wait_until 10 grep -q "unable to write supervise/.*No space left on device" "$T/s.err"
check "full disk: svlogd says it cannot write" \
	wait_until 10 grep -qi "svlogd.*\(unable to\|no space\)" "$T/s.err"
check "full disk: runsv still runs after the command" alive "$rp"
n=$(logged_lines "$D/s")
rm -f "$D/filler" "$D/probe"
printf u >"$D/s/supervise/control"
check "space back: the service runs again" wait_until 10 eval 'alive "$(svc_pid "$D/s")" && [ "$(svc_pid "$D/s")" != "$sp" ]'
check "space back: logging resumes" wait_until 10 eval '[ "$(logged_lines "$D/s")" -gt $((n + 10)) ]'
expect_match "space back: the status file is current" "^run: " "$("$B/sv" status "$D/s")"
expect_eq "space back: the same runsv throughout" "$rp" "$(runsv_of "$D/s")"
expect_eq "space back: the same logger throughout" "$lp" "$(svc_pid "$D/s/log")"
printf x >"$D/s/supervise/control"
printf x >"$D/s/log/supervise/control"

# ---- supervise/ the user cannot write ----
W=$T/w
mkdir -p "$W"
logging_svc "$W/ro"
mkdir -p "$W/ro/supervise"
chown -R $u: "$W"
chown root: "$W/ro/supervise"; chmod 555 "$W/ro/supervise"
start_user_runsv "$W/ro"
r=$SPAWNED
check "unwritable supervise/: runsv exits" wait_until 10 eval '! kill -0 $r 2>/dev/null'
wait $r; rc=$?
expect_eq "unwritable supervise/: exit 111 (temporary failure)" 111 "$rc"
check "unwritable supervise/: clear error" grep -q "runsv ro: fatal: unable to .*supervise/.*Permission denied" "$T/ro.err"

# ---- a log directory the user cannot write ----
logging_svc "$W/nolog"
chown -R $u: "$W/nolog"
chown root: "$W/nolog/log/main"; chmod 555 "$W/nolog/log/main"
start_user_runsv "$W/nolog"
check "unwritable log dir: the service runs" wait_until 10 eval 'alive "$(svc_pid "$W/nolog")"'
sp=$(svc_pid "$W/nolog")
check "unwritable log dir: svlogd says why" wait_until 10 grep -q "svlogd: .*unable to .*main.*Permission denied" "$T/nolog.err"
sleep 2
check "unwritable log dir: the service keeps running" alive "$sp"
expect_eq "unwritable log dir: never restarted" "$sp" "$(svc_pid "$W/nolog")"
echo "# errors seen:"; cat "$T"/*.err | sort | uniq -c | sort -rn | head -12 | sed 's/^/#   /'
done_testing
