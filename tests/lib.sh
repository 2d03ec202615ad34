# Shared helpers for integration tests.  Source it:  . "$(dirname "$0")/../lib.sh"
# Every check prints "ok - WHAT" or "not ok - WHAT" (counted by tests/run.sh).
# Everything a test starts or creates is registered here and undone on exit:
# processes by pid (never by name), users, directories.
set -u
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
	[ -n "${KEEP_TEST_DIR:-}" ] || rm -rf "$T"
}
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
