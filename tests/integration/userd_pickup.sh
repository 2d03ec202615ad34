#!/bin/bash
# userd beyond runsvdir: changes are picked up by inotify with no trigger,
# and nothing wakes userd while nothing changes (no polling).  Timing is
# never asserted here (see tests/bench/userd.sh); what is asserted is that
# userd does not wake up at all while idle, so it cannot be polling.
. "$(dirname "$0")/../lib.sh"
lib_use userd

add_svc first
start_userd "$SVROOT"
check "a service present at start" wait_until 10 has_runsv "$SVROOT/first"

# idle: not a single context switch while nothing changes
wait_until 10 all_up 1
c0=$(ctxt "$USERD"); sleep 3; c1=$(ctxt "$USERD")
expect_eq "idle with 1 service: no wake-up in 3 s" 0 $((c1 - c0))

# a new directory is started with no trigger (sv, signal, ...)
add_svc second
check "new service directory: started" wait_until 10 has_runsv "$SVROOT/second"

# created under a dot name and renamed into place, as careful tools do
add_svc .third
mv "$SVROOT/.third" "$SVROOT/third"
check "renamed from a dot name: started" wait_until 10 has_runsv "$SVROOT/third"

# rename: the same directory, the same runsv and service
r=$(runsvs_in "$SVROOT/second"); s=$(svc_pid "$SVROOT/second")
mv "$SVROOT/second" "$SVROOT/renamed"
add_svc marker                 # an event after the rename, to know it was seen
wait_until 10 has_runsv "$SVROOT/marker"
expect_eq "renamed service: the same runsv" "$r" "$(runsvs_in "$SVROOT/renamed")"
expect_eq "renamed service: the same service pid" "$s" "$(svc_pid "$SVROOT/renamed")"

# renamed to a dot name: that is how runit users switch a service off
r=$(runsvs_in "$SVROOT/third")
mv "$SVROOT/third" "$SVROOT/.third"
check "renamed to a dot name: its runsv exits" wait_until 10 gone "$r"
mv "$SVROOT/.third" "$SVROOT/third"
check "renamed back: started again" wait_until 10 has_runsv "$SVROOT/third"

# a symlink added and removed
add_svc "$T/other"
ln -s "$T/other" "$SVROOT/other"
check "new symlink to a directory: started" wait_until 10 has_runsv "$T/other"
r=$(runsvs_in "$T/other")
rm "$SVROOT/other"
check "symlink removed: its runsv exits" wait_until 10 gone "$r"

# 50 services created at once, then removed at once
rm -rf "$SVROOT"/*
check "all removed: no runsv left" wait_until 20 no_runsvs
mkdir "$T/batch"
for i in $(seq 1 50); do add_svc "$T/batch/s$i"; done
mv "$T/batch"/* "$SVROOT"/
check "50 services created at once: 50 runsvs, one each, all up" wait_until 60 all_up 50
c0=$(ctxt "$USERD"); sleep 3; c1=$(ctxt "$USERD")
expect_eq "idle with 50 services: no wake-up in 3 s" 0 $((c1 - c0))
rm -rf "$SVROOT"/*
check "50 services removed at once: every runsv exits" wait_until 60 no_runsvs
expect_eq "and every service" "" "$(for p in /proc/[0-9]*; do
	c=$(readlink "$p/cwd" 2>/dev/null) && [[ $c == "$T"/* ]] && echo "${p#/proc/}"; done)"

# DIR itself removed, then made again
add_svc one
wait_until 10 has_runsv "$SVROOT/one"
# up, so that runsv no longer creates files in supervise/ while rm -rf runs
# (rm then fails "Directory not empty" and DIR stays)
wait_until 10 grep -qx run "$SVROOT/one/supervise/stat"
rm -rf "$SVROOT" || rm -rf "$SVROOT"
check "DIR removed: its services stop" wait_until 10 no_runsvs
check "DIR removed: userd keeps running" kill -0 "$USERD"
add_svc again
check "DIR made again: its services start" wait_until 10 has_runsv "$SVROOT/again"

# runsvchdir: DIR is a symlink to a symlink that is switched to another
# directory (/etc/service -> /etc/runit/runsvdir/current -> default)
mkdir -p "$T/runsvdir/a" "$T/runsvdir/b"
add_svc "$T/runsvdir/a/only-a"
add_svc "$T/runsvdir/a/both"
ln -s "$T/runsvdir/a/both" "$T/runsvdir/b/both"
add_svc "$T/runsvdir/b/only-b"
ln -s a "$T/runsvdir/current"
ln -s "$T/runsvdir/current" "$T/etc-service"
start_userd "$T/etc-service"
check "DIR through two symlinks: its services start" wait_until 10 has_runsv "$T/runsvdir/a/only-a"
wait_until 10 has_runsv "$T/runsvdir/a/both"
r=$(runsvs_in "$T/runsvdir/a/both")
ln -s b "$T/runsvdir/current.new" && mv -T "$T/runsvdir/current.new" "$T/runsvdir/current"
check "inner symlink switched: the new directory's services start" wait_until 10 has_runsv "$T/runsvdir/b/only-b"
check "inner symlink switched: the old directory's services stop" wait_until 10 no_runsv "$T/runsvdir/a/only-a"
expect_eq "a service in both keeps its runsv" "$r" "$(runsvs_in "$T/runsvdir/a/both")"
ln -s "$T/runsvdir/a" "$T/etc-service.new" && mv -T "$T/etc-service.new" "$T/etc-service"
check "outer symlink switched: back to the first directory" wait_until 10 has_runsv "$T/runsvdir/a/only-a"
check "outer symlink switched: the other's services stop" wait_until 10 no_runsv "$T/runsvdir/b/only-b"
done_testing
