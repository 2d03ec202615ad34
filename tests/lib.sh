# Shared helpers for integration tests.  Source it:  . "$(dirname "$0")/../lib.sh"
# and then the area libraries the test needs:  lib_use privd ports
# (tests/lib-privd.sh, tests/lib-ports.sh), never by `.` (see lib_use).
# Every check prints "ok - WHAT" or "not ok - WHAT" (counted by tests/run.sh).
# Everything a test starts or creates is registered here and undone on exit:
# processes by pid (never by name), users, directories.
set -u

# ---- one contract per name ----
# Every helper name has one definition: lib.sh's own (with lib-kill.sh and
# lib-stage.sh), or that of the one area library that adds it.  Tests load
# area libraries with lib_use, which notes where each function was defined
# (file and line) and the value of each variable a library set; a library
# that defines a function again, or sets another's variable to something
# else, fails the test at once: two contracts under one name would only
# show later, as a helper that does not do what its caller reads.
declare -A _lib_def=()     # function -> "LINE FILE" of its one definition
declare -A _lib_owner=()   # variable -> the library that set it
declare -A _lib_value=()   # variable -> its value before the library now sourced
declare -A _lib_used=()    # library -> 1 once sourced
_lib_before=""             # every variable before the library now sourced

# _lib_defs: "NAME LINE FILE" of every function
_lib_defs() {
	local -a _lib_fns
	mapfile -t _lib_fns < <(compgen -A function)
	shopt -s extdebug
	declare -F "${_lib_fns[@]}"
	shopt -u extdebug
}
# _lib_vars: every variable but bash's own and the guard's
_lib_vars() { compgen -v | grep -Ev '^(BASH|_lib_|FUNCNAME$|PIPESTATUS$|_$)'; }
_lib_rel() { echo "${1#"$TOP"/}"; }

# _lib_begin: before a library is sourced
_lib_begin() {
	local _lib_n _lib_line _lib_file
	while read -r _lib_n _lib_line _lib_file; do
		[ -n "${_lib_def[$_lib_n]+x}" ] || _lib_def[$_lib_n]="$_lib_line $_lib_file"
	done < <(_lib_defs)
	for _lib_n in "${!_lib_owner[@]}"; do _lib_value[$_lib_n]=${!_lib_n-}; done
	_lib_before=" $(_lib_vars | tr '\n' ' ') "
}
# _lib_end LIB: after LIB was sourced: fails the test for each name it
# defined again; the names it added are LIB's from now on
_lib_end() {
	local _lib_n _lib_line _lib_file _lib_from=()
	for _lib_n in "${!_lib_owner[@]}"; do
		[ "${!_lib_n-}" == "${_lib_value[$_lib_n]}" ] ||
			_lib_from+=("$_lib_n from $(_lib_rel "${_lib_owner[$_lib_n]}")")
	done
	while read -r _lib_n _lib_line _lib_file; do
		if [ -z "${_lib_def[$_lib_n]+x}" ]; then
			_lib_def[$_lib_n]="$_lib_line $_lib_file"
		elif [ "${_lib_def[$_lib_n]}" != "$_lib_line $_lib_file" ]; then
			_lib_from+=("$_lib_n from $(_lib_rel "${_lib_def[$_lib_n]#* }")")
		fi
	done < <(_lib_defs)
	for _lib_n in $(_lib_vars); do
		[[ $_lib_before == *" $_lib_n "* ]] || _lib_owner[$_lib_n]=$1
	done
	[ ${#_lib_from[@]} = 0 ] && return 0
	for _lib_n in "${_lib_from[@]}"; do notok "$(_lib_rel "$1") redefines $_lib_n"; done
	exit 1
}
# lib_use LIB...: sources each area library once: NAME for tests/lib-NAME.sh,
# or a path
lib_use() {
	local _lib_f
	for _lib_f; do
		[[ $_lib_f == */* ]] || _lib_f=$TOP/tests/lib-$_lib_f.sh
		[ -z "${_lib_used[$_lib_f]+x}" ] || continue
		_lib_used[$_lib_f]=1
		_lib_begin
		set --   # the library sees no arguments of ours
		. "$_lib_f" || { notok "$(_lib_rel "$_lib_f") could not be sourced"; exit 1; }
		_lib_end "$_lib_f"
	done
}
_lib_begin

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNIT_SV=/usr/bin/sv           # Debian's runit, for interop tests only
RUNIT_RUNSV=/usr/bin/runsv
T=$(mktemp -d /tmp/ward-test.XXXXXX)
chmod 755 "$T"
_pids="" _users="" _groups="" _failed=0

ok()   { echo "ok - $*"; }
notok() { echo "not ok - $*"; _failed=1; }
# check WHAT CMD...: passes when CMD exits 0
check() { local what=$1; shift; if "$@"; then ok "$what"; else notok "$what"; fi; }
# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else
		notok "$1"; printf '#   expected: %q\n#   actual:   %q\n' "$2" "$3"; fi
}
# expect_match WHAT REGEX ACTUAL
expect_match() {
	if [[ $3 =~ $2 ]]; then ok "$1"; else
		notok "$1"; printf '#   expected to match: %s\n#   actual: %q\n' "$2" "$3"; fi
}
skip_all() { echo "$*"; exit 77; }
need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }

# wait_until SECONDS CMD...: polls CMD every 10 ms; returns its last status
wait_until() {
	local limit=$1 i=0; shift
	local n=$((limit * 100))
	while [ $i -lt $n ]; do "$@" && return 0; sleep 0.01; i=$((i + 1)); done
	"$@"
}

# track PID: kill it (and its process group if it leads one) at exit
track() { _pids="$_pids $1"; }
# spawn CMD...: start in background in its own session, track it, set $!-like SPAWNED
spawn() { setsid "$@" </dev/null & SPAWNED=$!; track "$SPAWNED"; }

# make_user NAME: creates a system test user with a home under $T; removed at exit
make_user() {
	local name=$1
	userdel -r "$name" >/dev/null 2>&1
	useradd -m -d "$T/home-$name" -s /bin/sh "$name" || { notok "useradd $name"; return 1; }
	_users="$_users $name"
}
make_group() {
	groupdel "$1" >/dev/null 2>&1
	groupadd "$1" && _groups="$_groups $1"
}

. "$TOP/tests/lib-kill.sh"
_cleanup() {
	local p
	for p in $_pids; do kill -TERM -- "-$p" 2>/dev/null; kill -TERM "$p" 2>/dev/null; done
	sleep 0.1
	for p in $_pids; do kill -KILL -- "-$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
	kill_under "$T"
	for u in $_users; do
		# kill what the user still runs, by uid (not by name)
		pkill_uid "$u"
		userdel -r "$u" >/dev/null 2>&1
	done
	for g in $_groups; do groupdel "$g" >/dev/null 2>&1; done
	_lib_cgroup_leave
	[ -n "${KEEP_TEST_DIR:-}" ] || rm -rf "$T"
}

# ---- a cgroup of the test's own ----
# As root, with a writable cgroup v2, a test moves itself at start into
# TESTCG/sh, TESTCG=<its cgroup>/wardtest-PID: whatever it starts stays
# under TESTCG (a privd makes its P/privd and P/ward there, not in the
# host's cgroups, and meets no other test's), and at exit everything left
# in TESTCG is killed (cgroup.kill) and every cgroup in it removed.
# TESTCG is "" where that cannot be done.
TESTCG="" _lib_cghome=""
_lib_cgroup_enter() {
	local m c
	[ "$(id -u)" = 0 ] || return 0
	m=$(awk '$0 ~ / - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
	c=$(sed -n 's/^0:://p' "/proc/$$/cgroup")
	[ -n "$m" ] && [ -n "$c" ] || return 0
	c=$m${c%/}
	mkdir "$c/wardtest-$$" 2>/dev/null || return 0
	if ! mkdir "$c/wardtest-$$/sh" || ! echo $$ >"$c/wardtest-$$/sh/cgroup.procs"; then
		rmdir "$c/wardtest-$$/sh" "$c/wardtest-$$" 2>/dev/null
		return 0
	fi
	_lib_cghome=$c TESTCG=$c/wardtest-$$
}
_lib_cgroup_leave() {
	local i
	[ -n "$TESTCG" ] && [ -d "$TESTCG" ] || return 0
	echo $$ >"$_lib_cghome/cgroup.procs" 2>/dev/null
	echo 1 >"$TESTCG/cgroup.kill" 2>/dev/null
	for i in $(seq 1000); do grep -q '^populated 0' "$TESTCG/cgroup.events" && break; sleep 0.01; done
	find "$TESTCG" -depth -type d -exec rmdir {} + 2>/dev/null
	[ ! -d "$TESTCG" ] || echo "# cgroup $TESTCG left behind" >&2
}
_lib_cgroup_enter
# pkill_uid USER: KILL every process whose real uid is USER's (by /proc, not by name)
pkill_uid() {
	local uid s p
	uid=$(id -u "$1" 2>/dev/null) || return 0
	for s in /proc/[0-9]*/status; do
		p=${s#/proc/}; p=${p%/status}
		awk -v u="$uid" '/^Uid:/ { exit !($2 == u) }' "$s" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	done
	return 0
}
trap _cleanup EXIT
trap 'exit 130' INT TERM
# our programs, always run by path, from a copy every test user can execute
. "$TOP/tests/lib-stage.sh"
B=$(stage_dir) || { B=$T/build; stage_build "$B" || { echo "not ok - stage build/ in $B"; exit 1; }; }

# done_testing: exit status reflects failures
done_testing() { exit $_failed; }

# ---- helpers every area uses ----
# alive PID: the process exists (a zombie counts as alive)
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
# dead PID: no such process, not even a zombie
dead() { ! alive "$1"; }
# gone PID: exited (a zombie counts as gone: `wait` collects a child of ours)
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
# mksvc DIR [BODY]: a service directory whose run is "#!/bin/sh" + BODY
# (default: a long sleep, as the service's own process); run is replaced
# whole, never seen half written
mksvc() {
	mkdir -p "$1"
	printf '#!/bin/sh\n%s\n' "${2:-exec sleep 100000}" >"$1/run.new"
	chmod 755 "$1/run.new"
	mv "$1/run.new" "$1/run"
}
# svc_pid DIR: the pid in DIR/supervise/pid (nothing if none)
svc_pid() { cat "$1/supervise/pid" 2>/dev/null; }
# lines FILE: number of lines (0 if missing)
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

_lib_end "$TOP/tests/lib.sh"
