# Helpers for privd's cgroup tests: lib_use privd cgroup (tests/lib.sh).
#
# lib.sh gives each test a cgroup of its own, TESTCG (the test itself runs
# in TESTCG/sh).  The cgroup tests start privd in CGP=TESTCG/p, a cgroup
# with no other process, so that it may pass controllers down: privd
# makes CGP/privd, CGP/ward and CGP/ward/user-UID.  lib.sh kills and
# removes all of TESTCG at exit.  The mount comes from /proc/self/mountinfo,
# as privd finds it: on this project's CI machines /sys/fs/cgroup/unified,
# with no controllers.
CGM=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
CGP=""

# cg_need: skips the test without a writable cgroup v2 (and cgroup.kill)
cg_need() {
	[ -n "$TESTCG" ] || skip_all "no writable cgroup v2 mount"
	local c
	CGP=$TESTCG/p
	# TESTCG holds no process (the test is in TESTCG/sh): it may pass on
	# to CGP whatever controllers its parent gave it
	for c in memory cpu pids; do
		! cg_has $c "$TESTCG" || echo "+$c" >"$TESTCG/cgroup.subtree_control"
	done
	mkdir "$CGP" || skip_all "unable to make $CGP"
	[ -e "$CGP/cgroup.kill" ] || skip_all "no cgroup.kill (a kernel before 5.14)"
}
# cg_empty DIR: no process left in the cgroup DIR or below
cg_empty() { grep -q '^populated 0' "$1/cgroup.events"; }

# start_privd_cg POLICY: start_privd, with privd started inside CGP
start_privd_cg() {
	spawn sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -f "$3"' _ "$CGP" "$PRIVD_EXE" "$1" \
		2>>"$T/privd.log"
	PRIVD=$SPAWNED
	wait_until 10 binder_pid >/dev/null
}
# cg_of PID: the cgroup of PID, as an absolute directory
cg_of() { local c; c=$(sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null) && [ -n "$c" ] && echo "$CGM$c"; }
# cg_user USER: the cgroup privd makes for USER
cg_user() { echo "$CGP/ward/user-$(id -u "$1")"; }
# cg_has CONTROLLER DIR: the controller is in DIR's cgroup.controllers
cg_has() { grep -qw "$1" "$2/cgroup.controllers" 2>/dev/null; }
# cg_skip_unless CONTROLLER DIR WHAT: when DIR lacks the controller, WHAT
# reported as a TAP skip naming it, and returns 1; else returns 0
cg_skip_unless() {
	cg_has "$1" "$2" && return 0
	echo "ok - $3 # SKIP no $1 controller in $2/cgroup.controllers"
	return 1
}
# start_privd_nocg POLICY: start_privd, but privd sees the cgroup v2 mount
# read-only (in a mount namespace of its own), as on a host without a
# writable cgroup v2: it starts its userds as it did before cgroups
start_privd_nocg() {
	if [ -z "$CGM" ]; then start_privd "$1"; return; fi
	spawn unshare -m --propagation private sh -c 'mount -o remount,bind,ro "$1" && exec "$2" -f "$3"' \
		_ "$CGM" "$PRIVD_EXE" "$1" 2>>"$T/privd.log"
	PRIVD=$SPAWNED
	wait_until 10 binder_pid >/dev/null
}
