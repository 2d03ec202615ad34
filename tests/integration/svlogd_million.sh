#!/bin/bash
# svlogd: 1,000,000 lines across ~100 rotations, none lost, none doubled,
# in order; and the same with rotation points that cut lines (s below -l).
. "$(dirname "$0")/../lib.sh"
lib_use svlogd

awk 'BEGIN { pad = sprintf("%88s", ""); gsub(/ /, "x", pad);
	for (i = 1; i <= 1000000; i++) printf "%10d %s\n", i, pad }' >"$T/input"
want=$(md5sum <"$T/input")

d=$T/log; mkdir "$d"; printf 's1000000\nn0\n' >"$d/config"
cat "$T/input" | "$SVLOGD" -tt "$d"
expect_eq "exit 0" 0 "$?"
n=$(old_files "$d" | wc -l)
check "rotated about 100 times ($n)" test "$n" -ge 100 -a "$n" -le 130
expect_eq "1,000,000 lines, none lost or doubled, in order" "$want" "$(all_lines "$d" | cut -c27- | md5sum)"
big=$(cd "$d" && stat -c %s @* | sort -n | tail -1)
check "no file over s ($big)" test "$big" -le 1000000

d=$T/cut; mkdir "$d"; printf 's700\nn0\n' >"$d/config"
head -n 20000 "$T/input" | "$SVLOGD" "$d"
expect_eq "s700 (lines cut across files): joined back, all there" \
	"$(head -n 20000 "$T/input" | md5sum)" "$(all_lines "$d" | md5sum)"

# two directories at once, fed through a slow pipe in odd-sized pieces
a=$T/a b=$T/b; mkdir "$a" "$b"; printf 's50000\nn0\n' | tee "$a/config" >"$b/config"
head -n 30000 "$T/input" | dd bs=777 2>/dev/null | "$SVLOGD" "$a" "$b"
expect_eq "two dirs, dir 1 complete" "$(head -n 30000 "$T/input" | md5sum)" "$(all_lines "$a" | md5sum)"
expect_eq "two dirs, dir 2 complete" "$(head -n 30000 "$T/input" | md5sum)" "$(all_lines "$b" | md5sum)"
done_testing
