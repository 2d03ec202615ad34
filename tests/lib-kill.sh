# kill_under, shared by tests/lib.sh and tests/bench/lib.sh.  Source it.
# kill_under DIR: KILL every process whose working directory is under DIR.
# runsv is built to outlive userd (and userd privd), so killing what a test
# started is not enough: whatever still runs in the test's own tree goes too.
kill_under() {
	local d c n=0
	for d in /proc/[0-9]*; do
		[ "${d#/proc/}" = "$$" ] && continue   # not this script, if it cd'd there
		c=$(readlink "$d/cwd" 2>/dev/null) || continue
		case "$c" in "$1"|"$1"/*|"$1 (deleted)"|"$1"/*" (deleted)")
			kill -KILL "${d#/proc/}" 2>/dev/null ;; esac
	done
	return 0
}
