#!/bin/bash
# userd as runsvdir: what runit's runsvdir(8) documents, on real directories
# with real runsv processes: one runsv per subdirectory or symlink to one,
# dot names skipped, TERM to the runsv of a removed directory, a runsv that
# dies is restarted, the `log` argument, SIGTERM and SIGHUP, usage.
. "$(dirname "$0")/../lib.sh"
lib_use userd

add_svc web
add_svc api
add_svc .off                       # dot: skipped
add_svc "$T/elsewhere"
ln -s "$T/elsewhere" "$SVROOT/linked"  # symlink to a directory: a service
ln -s "$T/nowhere" "$SVROOT/dangling"  # dangling symlink: not one
echo hi >"$SVROOT/README"              # a file: not one

start_userd "$SVROOT"
check "a runsv for a subdirectory, its service up" wait_until 10 has_runsv "$SVROOT/web"
check "a runsv for another" wait_until 10 has_runsv "$SVROOT/api"
check "a runsv for a symlink to a directory" wait_until 10 has_runsv "$T/elsewhere"
expect_eq "no runsv for a dot directory" 0 "$(runsv_count "$SVROOT/.off")"
expect_eq "exactly three runsvs, nothing for files or dangling links" 3 "$(runsv_map | wc -l)"

# runsv is started as "runsv NAME" in DIR, from beside userd, in its own session
r=$(runsvs_in "$SVROOT/web")
expect_eq "runsv's command line is 'runsv NAME'" "runsv web" "$(tr '\0' ' ' <"/proc/$r/cmdline" | sed 's/ $//')"
expect_eq "runsv is the one installed beside userd" "$(readlink -f "$B/runsv")" "$(readlink -f "/proc/$r/exe")"
expect_eq "runsv leads its own session" "$r" "$(awk '{print $6}' "/proc/$r/stat")"
# (runsv has a signalfd and sockets of its own; userd's inotify and pidfds
# are what it must not get)
expect_eq "runsv inherits none of userd's descriptors" 0 "$(ls -l "/proc/$r/fd" | grep -c 'inotify\|pidfd')"
expect_eq "runsv does not hold userd's lock, DIR/.userd/lock" 0 \
	"$(ls -l "/proc/$r/fd" | grep -c -- "-> $SVROOT\(/.userd/lock\)\?\$")"
expect_eq "userd does" 1 "$(ls -l "/proc/$USERD/fd" | grep -c -- "-> $SVROOT/.userd/lock\$")"
expect_eq "DIR/.userd/lock is 0600, in a 0700 DIR/.userd" "600 700" \
	"$(stat -c %a "$SVROOT/.userd/lock" "$SVROOT/.userd" | tr '\n' ' ' | sed 's/ $//')"

# removal: TERM to its runsv, which stops the service and exits
r=$(runsvs_in "$SVROOT/api"); s=$(svc_pid "$SVROOT/api")
rm -rf "$SVROOT/api"
check "removed directory: its runsv exits" wait_until 10 gone "$r"
check "removed directory: its service is stopped" wait_until 10 gone "$s"

# a runsv that dies is restarted
r=$(runsvs_in "$SVROOT/web")
kill -KILL "$r"
check "a killed runsv is replaced" wait_until 10 eval '[ -n "$(runsvs_in "$SVROOT/web")" ] && [ "$(runsvs_in "$SVROOT/web")" != "$r" ]'
expect_eq "by exactly one" 1 "$(runsv_count "$SVROOT/web")"

# SIGTERM: runsvdir exits 0 at once and leaves the runsvs running
r=$(runsvs_in "$SVROOT/web")
kill -TERM "$USERD"
reap "$USERD"
expect_eq "SIGTERM: exit code 0" 0 "$RC"
check "SIGTERM: runsvs keep running" kill -0 "$r"

# SIGHUP: TERM to every runsv, then exit 111
start_userd "$SVROOT"
check "a new userd adopts the runsvs" wait_until 10 eval '[ "$(ls /proc/$USERD/fd -l | grep -c pidfd)" = 2 ]'
kill -HUP "$USERD"
reap "$USERD"
expect_eq "SIGHUP: exit code 111" 111 "$RC"
check "SIGHUP: every runsv exits" wait_until 10 no_runsvs

# built as runsvdir too; messages name the program and the directory
"$B/runsvdir" 2>"$T/usage.err"
expect_eq "usage error exits 1, as runsvdir" 1 "$?"
expect_match "usage message" "^usage: runsvdir " "$(cat "$T/usage.err")"
"$B/userd" -x "$SVROOT" 2>/dev/null
expect_eq "unknown option: usage" 1 "$?"
"$B/userd" "$T/missing" 2>"$T/missing.err"
expect_eq "missing directory: exit 111" 111 "$?"
expect_match "missing directory: message" "^userd $T/missing: fatal: unable to open $T/missing" "$(cat "$T/missing.err")"

# the log argument: stderr (userd's and the runsvs') scrolls through it
mkdir "$SVROOT/norun"                 # runsv complains about the missing ./run
dots=$(printf '%0.s.' $(seq 1 300))
spawn "$B/runsvdir" "$SVROOT" "log: $dots" 2>"$T/log.err"
L=$SPAWNED
title() { local a; mapfile -d '' -t a <"/proc/$L/cmdline"; printf '%s' "${a[2]:-}"; }
title_len() { local a; mapfile -d '' -t a <"/proc/$L/cmdline"; echo "${#a[2]}"; }
check "log: a runsv's error shows in the process title" wait_until 10 eval '[[ $(title) == *norun* ]]'
expect_match "log: the title keeps its first five characters" '^log: ' "$(title)"
expect_eq "log: the argument keeps its length" $((5 + 300)) "$(title_len)"
expect_eq "log: nothing on stderr" "" "$(cat "$T/log.err")"
kill -HUP "$L"; reap "$L"
rm -rf "$SVROOT/norun"
check "runsvs gone" wait_until 10 no_runsvs

"$B/userd" "$SVROOT" short 2>"$T/short.err" & p=$!
wait_until 10 grep -q 'seven' "$T/short.err"
expect_match "log shorter than seven characters: warned" "warning: log must have at least seven characters" "$(cat "$T/short.err")"
kill -HUP "$p"; wait "$p"

# -b FD: privd's binder socket, checked and kept away from the runsvs
# (a runsv the last userd forked holds DIR's lock until it execs: under
# load, a moment after that userd is gone)
check "DIR's lock is free" wait_until 10 flock -n "$SVROOT/.userd/lock" true
"$B/tests/seqpair" "$B/userd" -b "{}" "$SVROOT" 2>"$T/b.err" & p=$!
check "-b with a SOCK_SEQPACKET socket: runs" wait_until 10 has_runsv "$SVROOT/web"
r=$(runsvs_in "$SVROOT/web")
mapfile -d '' -t args <"/proc/$p/cmdline"     # userd -b N DIR
sock=$(readlink "/proc/$p/fd/${args[2]}")
expect_match "-b: userd holds the socket" '^socket:' "$sock"
expect_eq "-b: the socket is not passed to runsv" 0 "$(ls -l "/proc/$r/fd" | grep -cF "$sock")"
kill -HUP "$p"; wait "$p"
"$B/userd" -b 0 "$SVROOT" 2>"$T/b0.err"
expect_eq "-b with a non-socket: exit 1" 1 "$?"
expect_match "-b with a non-socket: message" "not an open socket|number" "$(cat "$T/b0.err")"
"$B/userd" -b 5 "$SVROOT" 5<"$SVROOT/web/run" 2>"$T/b5.err"
expect_match "-b with a file: refused" "not an open socket" "$(cat "$T/b5.err")"

# runsv's session: runit's runsvdir keeps every runsv in its own session and
# process group, and gives each a new session only with -P; under that name,
# ward's does the same (as userd, every runsv leads a session: above)
# sessrel RUNSV DIRPID: runsvdir's (its session and group), own, or other
sessrel() {
	local r d
	r=$(awk '{print $5, $6}' "/proc/$1/stat")
	d=$(awk '{print $5, $6}' "/proc/$2/stat")
	if [ "$r" = "$d" ]; then echo "runsvdir's"
	elif [ "$r" = "$1 $1" ]; then echo own
	else echo "other ($r; runsvdir: $d)"; fi
}
# session_of RUNSVDIR [-P]: where RUNSVDIR [-P] puts the runsv of a service,
# in SESS (not through $(...): the runsvdir must be tracked by this shell)
session_of() {
	local prog=$1 d p
	shift
	d=$T/sess-$RANDOM
	mkdir -p "$d/a" && printf '#!/bin/sh\nexec sleep 100000\n' >"$d/a/run" && chmod 755 "$d/a/run"
	spawn "$prog" "$@" "$d" 2>>"$T/sess.err"
	p=$SPAWNED
	if wait_until 10 has_runsv "$d/a"; then
		SESS=$(sessrel "$(runsvs_in "$d/a")" "$p")
	else
		SESS="no runsv"
	fi
	kill -HUP "$p"; reap "$p"
	wait_until 10 no_runsv "$d/a"
}
session_of /usr/bin/runsvdir; deb=$SESS
expect_eq "Debian's runsvdir: runsv in runsvdir's session and group" "runsvdir's" "$deb"
session_of "$B/runsvdir"
expect_eq "runsvdir: runsv in runsvdir's session and group, as Debian's" "$deb" "$SESS"
session_of /usr/bin/runsvdir -P; deb=$SESS
expect_eq "Debian's runsvdir -P: runsv in a session of its own" own "$deb"
session_of "$B/runsvdir" -P
expect_eq "runsvdir -P: runsv in a session of its own, as Debian's" "$deb" "$SESS"
session_of "$B/userd"
expect_eq "userd without -P: runsv in a session of its own" own "$SESS"
done_testing
