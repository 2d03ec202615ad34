#!/bin/bash
# Containment by cgroup, on this machine's real cgroup v2 hierarchy: the
# test delegates a cgroup to a test user as privd would, and starts the
# user's userd in it with WARD_CGROUP.  userd moves itself into U/userd;
# each service's ./run runs in U/svc/NAME, its logger in U/svc/NAME.log.
# A service whose ./run leaves a daemon behind (forked twice, setsid) is
# stopped whole: by sv down, by timeout-kill, by its directory's removal;
# a service restarted after a crash never runs beside what its last run
# left.  kill-mode "process" keeps runit's way, and Debian's runit, side by
# side, shows what happens without containment.
. "$(dirname "$0")/../lib.sh"
lib_use runsv svcg
svcg_need

U=wcgs$(( $$ % 100000 ))
make_user "$U" || exit 1
H=$T/home-$U
SV=$H/service
svcg_delegate "$U" u
CG=$SVCG

sv_as() { as_user "$U" "$B/sv" "$@"; }

mkdir -p "$SV"
# one service per case; all but "daemon" start down, started when needed
mksvc "$SV/daemon" "$(daemon_run)"
mkscript "$SV/daemon/log/run" 'exec cat >/dev/null'
mksvc "$SV/stubborn" "$(daemon_run 'trap "" TERM')"
echo 300 >"$SV/stubborn/timeout-kill"
# a crash every 0.2 s; each run first notes whether the last one's daemon
# is still there
mksvc "$SV/crashy" "$(crash_run)"
mksvc "$SV/oldway" "$(daemon_run)"
echo process >"$SV/oldway/kill-mode"
mksvc "$SV/removed" "$(daemon_run)"
mksvc "$SV/limits" 'echo "[${WARD_CGROUP-unset}]" >env.seen; exec sleep 100000'
echo 64M >"$SV/limits/memory-max"
echo 50% >"$SV/limits/cpu-max"
echo 32 >"$SV/limits/tasks-max"
for s in stubborn crashy oldway removed limits; do touch "$SV/$s/down"; done
chown -R "$U:" "$H"

spawn sh -c 'echo $$ >"$1/cgroup.procs" && exec setpriv --reuid="$2" --regid="$2" --init-groups \
	env WARD_CGROUP="$1" "$3" "$4"' - "$CG" "$U" "$B/userd" "$SV" 2>"$T/userd.err"
USERD=$SPAWNED

# ---- the tree ----
check "the service runs" wait_until 10 has_daemon "$SV/daemon"
expect_eq "userd moved itself into U/userd" "$CG/userd" "$(svcg_of "$USERD")"
expect_eq "./run runs in U/svc/daemon" "$CG/svc/daemon" "$(svcg_of "$(svc_pid "$SV/daemon")")"
expect_eq "the daemon it left too" "$CG/svc/daemon" "$(svcg_of "$(daemon_of "$SV/daemon")")"
check "the logger runs" wait_until 10 stat_is "$SV/daemon/log" run
expect_eq "the logger runs in U/svc/daemon.log" "$CG/svc/daemon.log" \
	"$(svcg_of "$(svc_pid "$SV/daemon/log")")"
expect_eq "supervise/cgroup names the service's cgroup" "$CG/svc/daemon" \
	"$(cat "$SV/daemon/supervise/cgroup")"
expect_eq "log/supervise/cgroup names the logger's" "$CG/svc/daemon.log" \
	"$(cat "$SV/daemon/log/supervise/cgroup")"
runsv=$(awk '{ print $4 }' "/proc/$(svc_pid "$SV/daemon")/stat")
expect_eq "runsv stays in U/userd" "$CG/userd" "$(svcg_of "$runsv")"
expect_eq "U itself holds no process" "" "$(cat "$CG/cgroup.procs")"

# ---- sv status -j ----
j=$(sv_as -j status "$SV/daemon")
expect_match "sv status -j: containment cgroup, and the cgroup" \
	"\"containment\":\"cgroup\",\"cgroup\":\"$CG/svc/daemon\"" "$j"
expect_match "sv status -j: two tasks, ./run and its daemon" '"tasks":2,' "$j"
expect_match "sv status -j: CPU seconds" '"cpu_seconds":[0-9]+\.[0-9]{6}' "$j"
if svcg_has memory "$CG/svc"; then
	expect_match "sv status -j: memory and OOM kills" '"memory_bytes":[0-9]+,"oom_kills":0' "$j"
else
	svcg_skip "sv status -j shows memory and OOM kills" memory "$CG/svc"
	expect_match "sv status -j: no memory figures without the controller" '^[^m]*$' \
		"$(grep -o '"memory_bytes"' <<<"$j")"
fi
expect_match "the log's object says the same" \
	"\"log\":\\{.*\"containment\":\"cgroup\",\"cgroup\":\"$CG/svc/daemon.log\",\"tasks\":1," "$j"
expect_match "the plain status line is runit's" \
	"^run: $SV/daemon: \\(pid [0-9]+\\) [0-9]+s; run: log: \\(pid [0-9]+\\) [0-9]+s\$" \
	"$(sv_as status "$SV/daemon")"

# ---- sv down ----
down_case "sv down" "$SV/daemon" sv_as
check "sv down: the daemon it left is gone by then" eval '! running "$DAEMON"'
check "sv down: its cgroup is empty" svcg_empty "$CG/svc/daemon"
check "sv down: the logger runs on" stat_is "$SV/daemon/log" run
# a cgroup that was killed takes new processes again
rm "$SV/daemon/daemon.pid"
sv_as up "$SV/daemon" >/dev/null
check "sv up after it: the service runs again, with its daemon" wait_until 10 has_daemon "$SV/daemon"
check "sv up after it: ./run stays up" eval 'sleep 0.3; running "$(svc_pid "$SV/daemon")"'
expect_eq "sv up after it: in U/svc/daemon" "$CG/svc/daemon" "$(svcg_of "$(svc_pid "$SV/daemon")")"

# ---- a runsv killed with -9: the next one empties the cgroup first ----
d=$(daemon_of "$SV/daemon"); r=$(svc_pid "$SV/daemon")
runsv=$(awk '{ print $4 }' "/proc/$r/stat")
kill -KILL "$runsv"
check "runsv -9: userd starts another, which starts ./run again" \
	wait_until 20 eval '[ -n "$(svc_pid "$SV/daemon")" ] && [ "$(svc_pid "$SV/daemon")" != "$r" ] && stat_is "$SV/daemon" run'
check "runsv -9: the daemon the last run left is gone" eval '! running "$d"'
check "runsv -9: the new runsv said what it found" \
	grep -q "runsv daemon: warning: $CG/svc/daemon: processes of an earlier run are left in it: killing them" "$T/userd.err"

# ---- timeout-kill ----
sv_as up "$SV/stubborn" >/dev/null
down_case "timeout-kill" "$SV/stubborn" sv_as
check "timeout-kill: the daemon it left is gone by then" eval '! running "$DAEMON"'
check "timeout-kill: its cgroup is empty" svcg_empty "$CG/svc/stubborn"

# ---- crash and restart ----
sv_as up "$SV/crashy" >/dev/null
check "a crashing service ran four times" wait_until 20 lines_ge "$SV/crashy/daemons" 4
sv_as down "$SV/crashy" >/dev/null
wait_until 10 stat_is "$SV/crashy" down
expect_eq "no run ever found the last run's daemon" "" "$(cat "$SV/crashy/overlaps" 2>/dev/null)"
n=0
for d in $(cat "$SV/crashy/daemons"); do running "$d" && n=$((n + 1)); done
expect_eq "no daemon of any run is left" 0 "$n"

# ---- kill-mode process: runit's way ----
sv_as up "$SV/oldway" >/dev/null
down_case "kill-mode process" "$SV/oldway" sv_as
check "kill-mode process: its daemon runs on, as under runit" running "$DAEMON"
kill -KILL "$DAEMON"

# ---- the directory goes away ----
sv_as up "$SV/removed" >/dev/null
check "a service about to be removed runs" wait_until 10 has_daemon "$SV/removed"
d=$(daemon_of "$SV/removed")
mv "$SV/removed" "$H/removed.away"
check "removed: its runsv is gone" wait_until 10 eval '! [ -d "$CG/svc/removed" ]'
check "removed: the daemon it left is gone" eval '! running "$d"'

# ---- limits ----
sv_as up "$SV/limits" >/dev/null
check "a service with limits runs" wait_until 10 stat_is "$SV/limits" run
check "WARD_CGROUP is not passed on to the service" \
	wait_until 10 eval '[ "$(cat "$SV/limits/env.seen" 2>/dev/null)" = "[unset]" ]'
for l in "memory memory.max 67108864" "cpu cpu.max 50000 100000" "pids pids.max 32"; do
	set -- $l
	c=$1 f=$2; shift 2
	if svcg_has "$c" "$CG/svc"; then
		expect_eq "$f of the service's cgroup" "$*" "$(cat "$CG/svc/limits/$f")"
	else
		svcg_skip "$f set from the service's file" "$c" "$CG/svc"
		check "runsv says once that the $c controller is missing" \
			wait_until 5 eval '[ "$(grep -c "not applied: the $c controller is not available in $CG/svc/limits" "$T/userd.err")" = 1 ]'
	fi
done

# ---- userd started by hand, in a cgroup the user owns ----
svcg_delegate "$U" hand
mksvc "$H/hand/one" "$(daemon_run)"
chown -R "$U:" "$H/hand"
spawn sh -c 'echo $$ >"$1/cgroup.procs" && exec setpriv --reuid="$2" --regid="$2" --init-groups \
	env -u WARD_CGROUP "$3" "$4"' - "$SVCG" "$U" "$B/userd" "$H/hand" 2>>"$T/userd.err"
hand=$SPAWNED
check "by hand: the service runs" wait_until 10 has_daemon "$H/hand/one"
expect_eq "by hand: userd took the user's own cgroup" "$SVCG/userd" "$(svcg_of "$hand")"
expect_eq "by hand: the service runs in U/svc/one" "$SVCG/svc/one" \
	"$(svcg_of "$(svc_pid "$H/hand/one")")"
kill -TERM "$hand"

# ---- Debian's runit, side by side: no containment ----
R=$T/runit/daemon
mksvc "$R" "$(daemon_run)"
chown -R "$U:" "$T/runit"
spawn setpriv --reuid="$U" --regid="$U" --init-groups "$RUNIT_RUNSV" "$R"
down_case "runit" "$R" as_user "$U" "$RUNIT_SV"
check "runit: the daemon it left runs on" running "$DAEMON"
kill -KILL "$DAEMON"

kill -TERM "$USERD"
check "userd exits" wait_until 10 gone "$USERD"
done_testing
