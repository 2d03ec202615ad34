#!/bin/bash
# Supervisors that can die: kill -9 of userd leaves every runsv and service
# running; the next userd adopts them (found by the lock each runsv holds on
# supervise/lock) without restarting any service or starting a second runsv,
# and from then on removal of a directory still stops its service.  One
# userd per directory, with a clear message for the second.
. "$(dirname "$0")/../lib.sh"
lib_use userd

N=30
for i in $(seq 1 $N); do add_svc "s$i"; done
start_userd "$SVROOT"
check "$N services up" wait_until 60 all_up $N

# one userd per directory
"$B/userd" "$SVROOT" 2>"$T/second.err"
expect_eq "a second userd on the same directory exits 111" 111 "$?"
expect_match "and says which userd holds it" \
	"^userd $SVROOT: fatal: unable to lock $SVROOT: another userd \\(pid $USERD\\) supervises it" \
	"$(cat "$T/second.err")"

# snapshot: the runsv and the service of every directory
snap() {
	local d map
	map=$(runsv_map)
	for d in "$SVROOT"/*/; do
		d=${d%/}
		echo "${d##*/} $(echo "$map" | awk -v d="$d" '$1 == d { print $2 }') $(svc_pid "$d")"
	done
}
before=$(snap)

# kill -9 of userd's whole process group, under load: services are being
# added while it dies
kill -KILL -- "-$USERD"
for i in $(seq 1 10); do add_svc "new$i"; done
wait_until 10 gone "$USERD"
expect_eq "kill -9 of userd: every runsv still runs" $N "$(runsv_map | wc -l)"
start_userd "$SVROOT"
check "new userd: the new services start" wait_until 60 all_up $((N + 10))
after=$(snap | grep -v '^new')
expect_eq "no runsv and no service pid changed" "$before" "$after"
expect_eq "adopted runsvs are watched by pidfd, one each" $((N + 10)) \
	"$(ls -l "/proc/$USERD/fd" | grep -c pidfd)"

# again, in the middle of a burst of new directories being started
for i in $(seq 1 10); do add_svc "burst$i"; done
kill -KILL "$USERD"
wait_until 10 gone "$USERD"
start_userd "$SVROOT"
check "kill -9 during a burst: every directory ends with one runsv" wait_until 60 all_up $((N + 20))
after=$(snap | grep -v '^new\|^burst')
expect_eq "kill -9 during a burst: no old service restarted" "$before" "$after"

# an adopted runsv still stops when its directory goes away
r=$(runsvs_in "$SVROOT/s1"); s=$(svc_pid "$SVROOT/s1")
rm -rf "$SVROOT/s1"
check "after takeover, removal TERMs the adopted runsv" wait_until 10 gone "$r"
check "and its service stops" wait_until 10 gone "$s"

# an adopted runsv that dies is replaced, once
r=$(runsvs_in "$SVROOT/s2")
kill -KILL "$r"
check "a dead adopted runsv is replaced" wait_until 10 eval '[ -n "$(runsvs_in "$SVROOT/s2")" ] && [ "$(runsvs_in "$SVROOT/s2")" != "$r" ]'
expect_eq "by exactly one" 1 "$(runsv_count "$SVROOT/s2")"

# a runsv started by hand is adopted, not doubled
mkdir "$T/hand"
add_svc "$T/hand/byhand"
(cd "$T/hand" && exec setsid "$B/runsv" byhand </dev/null >/dev/null 2>&1) &
wait_until 10 has_runsv "$T/hand/byhand"
r=$(runsvs_in "$T/hand/byhand")
mv "$T/hand/byhand" "$SVROOT/byhand"
add_svc marker
wait_until 10 has_runsv "$SVROOT/marker"
expect_eq "a runsv started by hand is adopted: still one" "$r" "$(runsvs_in "$SVROOT/byhand")"

# a lock held by something that is not a runsv of this directory: no runsv
# is started (it could not run), userd tries again with backoff
mkdir -p "$T/locked/supervise"
f=$T/locked/supervise/lock
# one process holds it (flock(1) locks the shell's fd 8 and exits; the lock
# stays with the open file, which sleep inherits)
(exec 8>"$f"; flock 8; exec sleep 100000) &
holder=$!
track "$holder"
wait_until 10 eval '! flock -n "$f" true'
add_svc "$T/locked"
mv "$T/locked" "$SVROOT/locked"
sleep 2
expect_eq "lock held by a stranger: no runsv started" 0 "$(runsv_count "$SVROOT/locked")"
kill "$holder"; wait "$holder" 2>/dev/null
check "lock released: started" wait_until 30 has_runsv "$SVROOT/locked"

# SIGHUP reaches adopted runsvs too
kill -HUP "$USERD"
check "SIGHUP: every runsv, adopted or not, exits" wait_until 30 no_runsvs
done_testing
