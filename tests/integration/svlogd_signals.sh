#!/bin/bash
# svlogd while running: HUP rereads config and reopens, ALRM rotates, TERM
# flushes and exits, t rotates by age, current is 0644 while open.
. "$(dirname "$0")/../lib.sh"
lib_use svlogd

d=$T/log; mkdir "$d"
start_fifo_svlogd "$d"
echo one >&7
check "a line is written at once" wait_until 5 grep -qsx one "$d/current"
expect_eq "current is 0644 while open" 644 "$(stat -c %a "$d/current")"

# HUP: new config applies to later lines
echo 'pnew: ' >"$d/config"
kill -HUP "$SVPID"
sleep 0.2
echo two >&7
check "HUP rereads config" wait_until 5 grep -qsx "new: two" "$d/current"

# ALRM rotates a non-empty current
kill -ALRM "$SVPID"
check "ALRM rotates" wait_until 5 has_old "$d" 1
check "current is new and empty" wait_until 5 test ! -s "$d/current"
kill -ALRM "$SVPID"
sleep 0.3
expect_eq "ALRM leaves an empty current alone" 1 "$(old_files "$d" | wc -l)"
echo three >&7
check "writing goes on after rotation" wait_until 5 grep -qsx "new: three" "$d/current"

# TERM: everything read is written, even the start of a line, then exit 0
rchar() { awk '/^rchar:/ { print $2 }' "/proc/$SVPID/io"; }
has_read() { [ "$(rchar)" -ge "$1" ]; }
burst=$(for i in $(seq 1 1000); do echo "burst $i"; done)
before=$(rchar)
printf '%s\nhalf a line' "$burst" >&7
check "svlogd read it all" wait_until 10 has_read $((before + ${#burst} + 12))
kill -TERM "$SVPID"
wait "$SVPID"; rc=$?
exec 7>&-
expect_eq "TERM: exit 0" 0 "$rc"
expect_eq "TERM: every line read is written" "$(echo "$burst" | sed 's/^/new: /')" "$(grep '^new: burst' "$d/current")"
expect_eq "TERM: a line read in part is written, with a newline" "new: half a line" "$(tail -1 "$d/current")"
expect_eq "current 0744 after TERM" 744 "$(stat -c %a "$d/current")"

# t: rotate a current older than t seconds, only if it is not empty
d=$T/age; mkdir "$d"; echo t1 >"$d/config"
start_fifo_svlogd "$d"
echo aged >&7
check "t1 rotates by age" wait_until 10 has_old "$d" 1
sleep 2.2
expect_eq "t does not rotate an empty current" 1 "$(old_files "$d" | wc -l)"
stop_fifo_svlogd
expect_eq "exit 0 at EOF" 0 "$?"

# -v reports what it does
d=$T/verbose; mkdir "$d"; echo s100 >"$d/config"
seq -f 'line %05g abcdefghij' 1 6 | "$SVLOGD" -v "$d" 2>"$T/v.err"
expect_match "-v: reads config" "svlogd: info: read: $d/config" "$(cat "$T/v.err")"
expect_match "-v: rotation" "svlogd: info: rotate: $d/@" "$(cat "$T/v.err")"
done_testing
