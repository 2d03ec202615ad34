#!/bin/bash
# svlogd on a full disk (a small tmpfs) and in a directory it may not write:
# it warns, retries, and loses no line; N lets it delete old files instead.
. "$(dirname "$0")/../lib.sh"
lib_use svlogd
need_root
mkdir "$T/fs"
mount -t tmpfs -o size=256k tmpfs "$T/fs" || skip_all "cannot mount a tmpfs"
trap 'umount -l "$T/fs" 2>/dev/null; _cleanup' EXIT

# full: the writer is held back while the disk is full, nothing is lost
d=$T/fs/log; mkdir "$d"; echo s0 >"$d/config"
head -c 200k /dev/zero >"$T/fs/filler"
start_fifo_svlogd "$d"
seq -f 'line %06g 0123456789012345678901234567890123456789' 1 3000 >&7 &
feeder=$!
check "warns that it pauses" wait_until 10 grep -qs "svlogd: pausing: unable to write to current: $d: No space left on device" "$T/svlogd.err"
check "svlogd still running" kill -0 "$SVPID"
rm "$T/fs/filler"
wait "$feeder"
stop_fifo_svlogd
expect_eq "exit 0 once the disk had room" 0 "$?"
expect_eq "no line lost or doubled while the disk was full" \
	"$(seq -f 'line %06g 0123456789012345678901234567890123456789' 1 3000 | md5sum)" "$(md5sum <"$d/current")"
rm -rf "$d"

# N: on a full disk, delete old files down to N instead of waiting
d=$T/fs/min; mkdir "$d"; printf 's20000\nn0\nN2\n' >"$d/config"
seq -f 'line %06g 0123456789012345678901234567890123456789' 1 10000 | "$SVLOGD" "$d" 2>"$T/min.err"
rc=$?
expect_eq "N: exit 0" 0 "$rc"
n=$(old_files "$d" | wc -l)
check "N: kept at least 2 old files ($n)" test "$n" -ge 2
check "N: some were deleted to make room" test "$n" -lt 24
expect_match "N: the newest lines are there" "line 010000 " "$(tail -1 "$d/current")"
check "N: no pausing needed" test -z "$(grep pausing "$T/min.err")"
umount -l "$T/fs"

# a directory the user cannot write
make_user wcu5 || exit 1
mkdir "$T/ro"; chmod 755 "$T/ro"
err=$(echo x | "$B/chpst" -u wcu5 "$SVLOGD" "$T/ro" 2>&1); rc=$?
expect_eq "unwritable directory: 111" 111 "$rc"
expect_match "warning names it" "svlogd: warning: unable to lock directory: $T/ro: Permission denied" "$err"

# writable at first, read-only later: retries until it may write again
d=$T/later; mkdir "$d"; chown wcu5 "$d"
rm -f "$T/fifo"; mkfifo "$T/fifo"; chmod 666 "$T/fifo"
setsid "$B/chpst" -u wcu5 "$SVLOGD" "$d" <"$T/fifo" 2>"$T/later.err" &
SVPID=$!; track "$SVPID"
exec 7>"$T/fifo"
echo first >&7
check "first line written" wait_until 5 grep -qsx first "$d/current"
chmod 444 "$d/current"; chown root "$d"; chmod 755 "$d"
kill -ALRM "$SVPID"
check "rotation in a read-only directory: pausing warning" wait_until 10 grep -qs "pausing: unable to rename current: $d" "$T/later.err"
echo second >&7
chown wcu5 "$d"
exec 7>&-
wait "$SVPID"
expect_eq "exit 0 after the directory became writable" 0 "$?"
expect_eq "nothing lost" $'first\nsecond' "$(all_lines "$d")"
done_testing
