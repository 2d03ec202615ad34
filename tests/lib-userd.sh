# Helpers for userd's integration tests: lib_use userd (tests/lib.sh).
# runsvs started by userd live in sessions of their own (they must outlive
# userd), so the cleanup here also ends every process whose working
# directory is inside $T: the runsvs and their services, by pid.
SVROOT=$T/service   # the tree userd watches
[ -x "$B/runsv" ] || skip_all "build/runsv not built"

# add_svc NAME [BODY]: mksvc in $SVROOT (NAME may be a path elsewhere,
# starting with /)
add_svc() { if [[ $1 == /* ]]; then mksvc "$@"; else mksvc "$SVROOT/$1" "${@:2}"; fi; }

# start_userd [ARGS...]: userd on $SVROOT (or the given args) in its own session,
# stderr in $T/userd.err; USERD is its pid
start_userd() {
	[ $# -gt 0 ] || set -- "$SVROOT"
	spawn "$B/userd" "$@" 2>>"$T/userd.err"
	USERD=$SPAWNED
}

# runsv_map: "CWD PID" for every runsv (ours or runit's) running in $T
runsv_map() {
	local p c
	for p in /proc/[0-9]*; do
		{ read -r c <"$p/comm"; } 2>/dev/null || continue
		[ "$c" = runsv ] || continue
		[ "$(awk '{print $3}' "$p/stat" 2>/dev/null)" = Z ] && continue
		c=$(readlink "$p/cwd" 2>/dev/null) || continue
		[[ $c == "$T"/* ]] && echo "$c ${p#/proc/}"
	done
}
# runsvs_in DIR: pids of the runsvs whose working directory is DIR
runsvs_in() { runsv_map | awk -v d="$1" '$1 == d { print $2 }'; }
runsv_count() { runsvs_in "$1" | wc -l; }
# has_runsv DIR: exactly one runsv runs in DIR, and its service runs
has_runsv() { [ "$(runsv_count "$1")" = 1 ] && [ -s "$1/supervise/pid" ]; }
no_runsv() { [ "$(runsv_count "$1")" = 0 ]; }
# all_up N: N services under $SVROOT each have exactly one runsv with its service up
all_up() {
	local n=0 d map
	map=$(runsv_map)
	[ "$(echo "$map" | grep -c .)" = "$1" ] || return 1
	for d in "$SVROOT"/*/; do
		d=${d%/}
		[ "$(echo "$map" | awk -v d="$d" '$1 == d' | wc -l)" = 1 ] && [ -s "$d/supervise/pid" ] &&
			n=$((n + 1))
	done
	[ "$n" = "$1" ]
}
no_runsvs() { [ "$(runsv_map | wc -l)" = 0 ]; }
# ctxt PID: voluntary + involuntary context switches so far
ctxt() { awk '/ctxt_switches/ { s += $2 } END { print s }' "/proc/$1/status"; }
# reap PID: waits (10 s at most) for our child PID to end; RC is its exit code
# (not in $(...): a subshell cannot wait for its parent's children)
reap() { RC=-1; wait_until 10 gone "$1" && { wait "$1"; RC=$?; }; }

# ends every process working inside $T (runsvs and services), by pid
userd_cleanup() {
	local p c sig
	for p in $_pids; do kill -KILL "$p" 2>/dev/null; done # userd first: no restarts
	for sig in TERM KILL; do
		for p in /proc/[0-9]*; do
			c=$(readlink "$p/cwd" 2>/dev/null) || continue
			[ "${p#/proc/}" = $$ ] && continue
			[[ $c == "$T"/* ]] && kill -$sig "${p#/proc/}" 2>/dev/null
		done
		[ $sig = TERM ] && sleep 0.3
	done
	return 0
}
trap 'userd_cleanup; _cleanup' EXIT
mkdir -p "$SVROOT"
