#!/bin/bash
# Containment without a cgroup: a runsv started by hand by a user, with no
# WARD_CGROUP and a cgroup of its own that is not the user's, is a child
# subreaper.  What its service leaves behind (a daemon forked twice, in a
# session of its own) is re-parented to runsv, and runsv KILLs it when the
# service stops, by sv down or by timeout-kill, and before a restart after
# a crash.  sv status -j says "subreaper".  Debian's runit, side by side,
# leaves the daemon running.
. "$(dirname "$0")/../lib.sh"
lib_use runsv svcg
need_root

U=wcgf$(( $$ % 100000 ))
make_user "$U" || exit 1
H=$T/home-$U

# start_as DIR [RUNSV]: runsv as the user, without WARD_CGROUP
start_as() {
	spawn setpriv --reuid="$U" --regid="$U" --init-groups env -u WARD_CGROUP \
		"${2:-$B/runsv}" "$1" 2>>"$1.err"
	RUNSV_PID=$SPAWNED
}
ppid_of() { awk '{ print $4 }' "/proc/$1/stat" 2>/dev/null; }

mksvc "$H/plain" "$(daemon_run)"
mksvc "$H/stubborn" "$(daemon_run 'trap "" TERM')"
echo 300 >"$H/stubborn/timeout-kill"
mksvc "$H/crashy" "$(crash_run)"
mksvc "$H/oldway" "$(daemon_run)"
echo process >"$H/oldway/kill-mode"
mksvc "$H/runit" "$(daemon_run)"
chown -R "$U:" "$H"

# ---- sv down ----
start_as "$H/plain"
plain=$RUNSV_PID
check "the service runs" wait_until 10 has_daemon "$H/plain"
expect_eq "its daemon is runsv's child now" "$RUNSV_PID" "$(ppid_of "$(daemon_of "$H/plain")")"
check "no supervise/cgroup" eval '! [ -e "$H/plain/supervise/cgroup" ]'
expect_match "sv status -j: containment subreaper" '"containment":"subreaper","log":null' \
	"$(as_user "$U" "$B/sv" -j status "$H/plain")"
down_case "sv down" "$H/plain" as_user "$U" "$B/sv"
check "sv down: the daemon it left is gone by then" eval '! running "$DAEMON"'
check "sv down: and reaped" eval '! [ -e /proc/$DAEMON ]'

# ---- timeout-kill ----
start_as "$H/stubborn"
down_case "timeout-kill" "$H/stubborn" as_user "$U" "$B/sv"
check "timeout-kill: the daemon it left is gone by then" eval '! running "$DAEMON"'

# ---- crash and restart ----
start_as "$H/crashy"
check "a crashing service ran four times" wait_until 20 lines_ge "$H/crashy/daemons" 4
as_user "$U" "$B/sv" down "$H/crashy" >/dev/null
wait_until 10 stat_is "$H/crashy" down
expect_eq "no run ever found the last run's daemon" "" "$(cat "$H/crashy/overlaps" 2>/dev/null)"

# ---- sv exit: runsv goes, and nothing of its service stays ----
as_user "$U" "$B/sv" up "$H/plain" >/dev/null
check "the service runs again" wait_until 10 eval '[ "$(daemon_of "$H/plain")" != "$DAEMON" ]'
d=$(daemon_of "$H/plain")
as_user "$U" "$B/sv" exit "$H/plain" >/dev/null
check "sv exit: runsv exits" wait_until 10 gone "$plain"
check "sv exit: the daemon is gone" eval '! running "$d"'

# ---- kill-mode process ----
start_as "$H/oldway"
down_case "kill-mode process" "$H/oldway" as_user "$U" "$B/sv"
check "kill-mode process: its daemon runs on, as under runit" running "$DAEMON"
kill -KILL "$DAEMON"

# ---- root's userd by hand, without WARD_CGROUP: no cgroup taken ----
# (whatever root's cgroup is, even the hierarchy's root: one that root
# owns was not delegated to it for that)
mksvc "$T/rootsv/one" "$(daemon_run)"
mine=$(svcg_of $$)
spawn "$B/userd" "$T/rootsv" 2>>"$T/userd.err"
check "root's userd: the service runs" wait_until 10 has_daemon "$T/rootsv/one"
expect_eq "root's userd stays in its cgroup" "$mine" "$(svcg_of "$SPAWNED")"
expect_match "root's userd: its service is contained by a subreaper" '"containment":"subreaper"' \
	"$("$B/sv" -j status "$T/rootsv/one")"
check "no userd cgroup made beside root's" eval '! [ -e "$mine/userd" ]'
kill -TERM "$SPAWNED"

# ---- Debian's runit ----
start_as "$H/runit" "$RUNIT_RUNSV"
wait_until 10 has_daemon "$H/runit"
expect_match "runit: sv status -j says containment none" '"containment":"none"' \
	"$(as_user "$U" "$B/sv" -j status "$H/runit")"
down_case "runit" "$H/runit" as_user "$U" "$RUNIT_SV"
check "runit: the daemon it left runs on" running "$DAEMON"
kill -KILL "$DAEMON"
done_testing
