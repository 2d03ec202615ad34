#!/bin/bash
# svlogd: current, rotation by size (runit's rule), @TAI64N.s names and
# modes, n retention, timestamps, an unclean current kept as .u, processor.
. "$(dirname "$0")/../lib.sh"
lib_use svlogd

d=$T/log; mkdir "$d"
numbered 3 | "$SVLOGD" "$d"
expect_eq "writes current" "$(numbered 3)" "$(cat "$d/current")"
expect_eq "current is 0744 after a clean exit" 744 "$(stat -c %a "$d/current")"
expect_eq "lock file 0600" 600 "$(stat -c %a "$d/lock")"
numbered 2 4 | "$SVLOGD" "$d"
expect_eq "appends to a cleanly closed current" "$(numbered 5)" "$(cat "$d/current")"

# rotation by size: lines of 22 bytes, s1000 with -l 100 -> rotate at >= 900
d=$T/rot; mkdir "$d"; printf 's1000\nn0\n' >"$d/config"
seq -f 'line %05g abcdefghij' 1 200 | "$SVLOGD" -l 100 "$d"
n=$(old_files "$d" | wc -l)
expect_eq "rotated 4 times for 4400 bytes" 4 "$n"
sizes=$(for f in $(old_files "$d"); do stat -c %s "$d/$f"; done | sort -u)
expect_eq "rotated at the first line end past s - len (41 lines = 902 bytes)" 902 "$sizes"
check "rotated names are @ + 24 hex + .s" test -z "$(cd "$d" && ls | grep '^@' | grep -vE '^@4[0-9a-f]{23}\.s$')"
modes=$(cd "$d" && stat -c %a @* | sort -u)
expect_eq "rotated files are 0744" 744 "$modes"
expect_eq "nothing lost or reordered" "$(seq -f 'line %05g abcdefghij' 1 200)" "$(all_lines "$d")"

# s smaller than -l: files cut at exactly s bytes, lines continue in the next
d=$T/cut; mkdir "$d"; printf 's100\nn0\n' >"$d/config"
seq -f 'line %05g abcdefghij' 1 30 | "$SVLOGD" "$d"
sizes=$(for f in $(old_files "$d"); do stat -c %s "$d/$f"; done | sort -u)
expect_eq "s below -l: every old file exactly s bytes (Debian)" 100 "$sizes"
expect_eq "cut lines join up again" "$(seq -f 'line %05g abcdefghij' 1 30)" "$(all_lines "$d" | tr -d '\n' | sed 's/\(j\)l/\1\nl/g')"

# s0: never rotate
d=$T/s0; mkdir "$d"; echo s0 >"$d/config"
seq 1 5000 | "$SVLOGD" -l 10 -b 20 "$d"
expect_eq "s0 never rotates" 0 "$(old_files "$d" | wc -l)"

# n: keep that many old files
d=$T/keep; mkdir "$d"; printf 's100\nn3\n' >"$d/config"
seq -f 'line %05g abcdefghij' 1 100 | "$SVLOGD" "$d"
expect_eq "n3 keeps 3 old files" 3 "$(old_files "$d" | wc -l)"
expect_match "the newest are kept" "line 00100" "$(all_lines "$d" | tail -1)"
first=$(all_lines "$d" | head -1)
check "the oldest were removed" test "$first" != "line 00001 abcdefghij"
d=$T/keep0; mkdir "$d"; printf 's100\nn0\n' >"$d/config"
seq -f 'line %05g abcdefghij' 1 100 | "$SVLOGD" "$d"
expect_eq "n0 keeps all (the last full file is still current)" 21 "$(old_files "$d" | wc -l)"

# timestamps
d=$T/ts; mkdir "$d"
echo one | "$SVLOGD" -t "$d"
echo two | "$SVLOGD" -tt "$d"
echo three | "$SVLOGD" -ttt "$d"
mapfile -t got <"$d/current"
expect_match "-t: TAI64N label" '^@4[0-9a-f]{23} one$' "${got[0]}"
expect_match "-tt: YYYY-MM-DD_HH:MM:SS.xxxxx" '^[0-9]{4}-[01][0-9]-[0-3][0-9]_[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{5} two$' "${got[1]}"
expect_match "-ttt: with a T" '^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{5} three$' "${got[2]}"
now=$(date -u +%Y-%m-%d_%H)
expect_match "-tt is UTC now" "^${now}" "${got[1]}"
lab=${got[0]%% *}
secs=$(( 16#${lab:1:16} - 16#4000000000000000 - 10 ))
check "-t label is now (within 60 s)" test $(( $(date +%s) - secs )) -lt 60 -a $(( $(date +%s) - secs )) -gt -60

# a last line without newline gets one (Debian's drops it)
d=$T/nonl; mkdir "$d"
printf 'a\nno newline' | "$SVLOGD" "$d"
expect_eq "last line without newline kept" $'a\nno newline' "$(cat "$d/current")"
check "and ends with a newline" test "$(tail -c 1 "$d/current" | od -An -c | tr -d ' ')" = '\n'

# long lines: one timestamp, written whole
d=$T/long; mkdir "$d"
long=$(head -c 5000 /dev/zero | tr '\0' a)
printf '%s\nshort\n' "$long" | "$SVLOGD" -tt "$d"
expect_eq "a line longer than -l stays one line" 2 "$(lines "$d/current")"
expect_eq "written whole" 5027 "$(head -1 "$d/current" | wc -c)"

# an unclean current (no x bit) is set aside as .u
d=$T/unclean; mkdir "$d"
echo old >"$d/current"; chmod 644 "$d/current"
echo new | "$SVLOGD" "$d"
u=$(cd "$d" && ls | grep -E '^@[0-9a-f]{24}\.u$')
check "unclean current renamed @....u" test -n "$u"
expect_eq ".u holds the old content" old "$(cat "$d/$u" 2>/dev/null)"
expect_eq "new current" new "$(cat "$d/current")"

# processor: output replaces the rotated file; fd 4/5 carry state
d=$T/proc; mkdir "$d"
printf 's100\nn0\n!tr a-z A-Z; n=$(cat <&4); echo $((${n:-0} + 1)) >&5\n' >"$d/config"
seq -f 'line %05g abcdefghij' 1 12 | "$SVLOGD" "$d"
olds=$(old_files "$d")
expect_eq "two rotations processed to .s" 2 "$(echo "$olds" | grep -c '\.s$')"
expect_eq "no .u or .t left" "" "$(cd "$d" && ls | grep -E '\.(u|t)$')"
expect_eq "processor output kept" "LINE 00001 ABCDEFGHIJ" "$(head -1 "$d/$(echo "$olds" | head -1)")"
expect_eq "state passed from run to run" 2 "$(cat "$d/state")"
d=$T/procfail; mkdir "$d"
printf 's100\nn0\n!if [ -e ok ]; then cat; else touch ok; exit 1; fi\n' >"$d/config"
seq -f 'line %05g abcdefghij' 1 6 | "$SVLOGD" "$d" 2>"$T/procfail.err"
expect_eq "a failed processor is run again" "line 00001 abcdefghij" "$(head -1 "$d/$(old_files "$d" | head -1)")"
expect_match "and the failure is reported" "processor failed" "$(cat "$T/procfail.err")"
done_testing
