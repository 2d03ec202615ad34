#!/bin/bash
# userd beyond runsvdir: changes are picked up by inotify with no trigger,
# and nothing wakes userd while nothing changes (no polling).  Timing is
# never asserted here (see tests/bench/userd.sh); what is asserted is that
# userd does not wake up at all while idle, so it cannot be polling.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-userd.sh"

mksvc first
start_userd "$SV"
check "a service present at start" wait_until 10 has_runsv "$SV/first"

# idle: not a single context switch while nothing changes
wait_until 10 all_up 1
c0=$(ctxt "$USERD"); sleep 3; c1=$(ctxt "$USERD")
expect_eq "idle with 1 service: no wake-up in 3 s" 0 $((c1 - c0))

# a new directory is started with no trigger (sv, signal, ...)
mksvc second
check "new service directory: started" wait_until 10 has_runsv "$SV/second"

# created under a dot name and renamed into place, as careful tools do
mksvc .third
mv "$SV/.third" "$SV/third"
check "renamed from a dot name: started" wait_until 10 has_runsv "$SV/third"

# rename: the same directory, the same runsv and service
r=$(runsvs_in "$SV/second"); s=$(svc_pid "$SV/second")
mv "$SV/second" "$SV/renamed"
mksvc marker                 # an event after the rename, to know it was seen
wait_until 10 has_runsv "$SV/marker"
expect_eq "renamed service: the same runsv" "$r" "$(runsvs_in "$SV/renamed")"
expect_eq "renamed service: the same service pid" "$s" "$(svc_pid "$SV/renamed")"

# renamed to a dot name: that is how runit users switch a service off
r=$(runsvs_in "$SV/third")
mv "$SV/third" "$SV/.third"
check "renamed to a dot name: its runsv exits" wait_until 10 gone "$r"
mv "$SV/.third" "$SV/third"
check "renamed back: started again" wait_until 10 has_runsv "$SV/third"

# a symlink added and removed
mksvc "$T/other"
ln -s "$T/other" "$SV/other"
check "new symlink to a directory: started" wait_until 10 has_runsv "$T/other"
r=$(runsvs_in "$T/other")
rm "$SV/other"
check "symlink removed: its runsv exits" wait_until 10 gone "$r"

# 50 services created at once, then removed at once
rm -rf "$SV"/*
check "all removed: no runsv left" wait_until 20 no_runsvs
mkdir "$T/batch"
for i in $(seq 1 50); do mksvc "$T/batch/s$i"; done
mv "$T/batch"/* "$SV"/
check "50 services created at once: 50 runsvs, one each, all up" wait_until 60 all_up 50
c0=$(ctxt "$USERD"); sleep 3; c1=$(ctxt "$USERD")
expect_eq "idle with 50 services: no wake-up in 3 s" 0 $((c1 - c0))
rm -rf "$SV"/*
check "50 services removed at once: every runsv exits" wait_until 60 no_runsvs
expect_eq "and every service" "" "$(for p in /proc/[0-9]*; do
	c=$(readlink "$p/cwd" 2>/dev/null) && [[ $c == "$T"/* ]] && echo "${p#/proc/}"; done)"

# DIR itself removed, then made again
mksvc one
wait_until 10 has_runsv "$SV/one"
rm -rf "$SV"
check "DIR removed: its services stop" wait_until 10 no_runsvs
check "DIR removed: userd keeps running" kill -0 "$USERD"
mksvc again
check "DIR made again: its services start" wait_until 10 has_runsv "$SV/again"

# runsvchdir: DIR is a symlink that is switched to another directory
mkdir -p "$T/dirs/a" "$T/dirs/b"
mksvc "$T/dirs/a/only-a"
mksvc "$T/dirs/b/only-b"
ln -s "$T/dirs/a" "$T/current"
start_userd "$T/current"
check "DIR through a symlink: its services start" wait_until 10 has_runsv "$T/dirs/a/only-a"
ln -s "$T/dirs/b" "$T/current.new" && mv -T "$T/current.new" "$T/current"
check "DIR switched: the new directory's services start" wait_until 10 has_runsv "$T/dirs/b/only-b"
check "DIR switched: the old directory's services stop" wait_until 10 no_runsv "$T/dirs/a/only-a"
done_testing
