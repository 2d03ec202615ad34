# Helpers for the user side's cgroup tests (runsv_cgroup*.sh): lib_use svcg
# (tests/lib.sh).  The test, as root, makes a cgroup of its own under the
# cgroup v2 mount (from /proc/self/mountinfo: /sys/fs/cgroup/unified on
# this project's CI machines, with no controllers) and delegates it to a
# test user as privd would: the directory, cgroup.procs, cgroup.threads and
# cgroup.subtree_control are the user's.  Every cgroup made is emptied
# (cgroup.kill) and removed at exit.
SVCG_MNT=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -1)
_svcg_dirs=""

# svcg_need: skips the test without root, a cgroup v2 mount or cgroup.kill
svcg_need() {
	need_root
	[ -n "$SVCG_MNT" ] || skip_all "no cgroup v2 mount in /proc/self/mountinfo"
}
# svcg_delegate USER NAME: makes SVCG_MNT/<test>-NAME, delegated to USER;
# SVCG is its path
svcg_delegate() {
	SVCG=$SVCG_MNT/${T##*/}-$2
	mkdir "$SVCG" || skip_all "unable to make a cgroup under $SVCG_MNT"
	_svcg_dirs="$_svcg_dirs $SVCG"
	[ -e "$SVCG/cgroup.kill" ] || skip_all "no cgroup.kill in $SVCG (a kernel before 5.14)"
	chown "$1:" "$SVCG" "$SVCG/cgroup.procs" "$SVCG/cgroup.threads" "$SVCG/cgroup.subtree_control"
}
# svcg_empty DIR: no process in the cgroup DIR or below
svcg_empty() { grep -q '^populated 0' "$1/cgroup.events"; }
# svcg_of PID: the cgroup of PID, as an absolute directory
svcg_of() { local c; c=$(sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null) && echo "$SVCG_MNT$c"; }
# svcg_has CONTROLLER DIR: DIR's cgroup.controllers lists it
svcg_has() { grep -qw "$1" "$2/cgroup.controllers" 2>/dev/null; }
# svcg_skip WHAT CONTROLLER DIR: WHAT reported as skipped, naming the
# controller DIR lacks (counted as a skip by tests/run.sh, never a pass)
svcg_skip() { echo "ok - $1 # SKIP no $2 controller in $3/cgroup.controllers"; }
# as_user USER CMD...: CMD as USER, with USER's groups
as_user() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups "$@"; }
# running PID: a process that has not exited (a zombie has)
running() { [ -e "/proc/$1" ] && ! awk '{ exit $3 != "Z" }' "/proc/$1/stat" 2>/dev/null; }

# daemon_run [PRE] [LAST]: a ./run that leaves a daemon behind (forked
# twice, in a session of its own; its pid in daemon.pid, and a line per run
# in daemons), then execs sleep (or does LAST); PRE comes first
daemon_run() {
	printf '%s\n' "${1:-}" \
		'( setsid sleep 100000 </dev/null >/dev/null 2>&1 & echo $! >daemon.pid; echo $! >>daemons )' \
		"${2:-exec sleep 100000}"
}
# crash_run: a daemon_run that crashes after 0.2 s; each run first notes in
# overlaps the last run's daemon if it still runs
crash_run() {
	daemon_run 'p=$(cat daemon.pid 2>/dev/null); [ -n "$p" ] && [ -e /proc/$p ] &&
! grep -q "^[0-9]* ([^)]*) Z" /proc/$p/stat && echo "$p" >>overlaps' 'sleep 0.2; exit 1'
}
# daemon_of DIR: the daemon the last run of DIR left
daemon_of() { cat "$1/daemon.pid" 2>/dev/null; }
has_daemon() { [ -s "$1/daemon.pid" ]; }
# down_case WHAT DIR SV...: once DIR's ./run left its daemon (DAEMON, its
# pid), "SV... down DIR", and checks that DIR goes down
down_case() {
	local what=$1 dir=$2
	shift 2
	check "$what: the service runs" wait_until 10 has_daemon "$dir"
	DAEMON=$(daemon_of "$dir")
	"$@" down "$dir" >/dev/null
	check "$what: the service is down" wait_until 10 stat_is "$dir" down
}

# every cgroup the test made: emptied, then removed, deepest first
svcg_cleanup() {
	local d
	for d in $_svcg_dirs; do
		[ -d "$d" ] || continue
		echo 1 >"$d/cgroup.kill" 2>/dev/null
		wait_until 5 svcg_empty "$d"
		find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
		[ -d "$d" ] && echo "# unable to remove $d"
	done
	return 0
}
trap 'svcg_cleanup; _cleanup' EXIT
