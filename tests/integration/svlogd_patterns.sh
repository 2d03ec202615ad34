#!/bin/bash
# svlogd: + - e E patterns, p prefix, -r -R replacement, -l, u/U udp
# forwarding, several log directories at once, usage errors.
. "$(dirname "$0")/../lib.sh"
lib_use svlogd
PORT=22101

input=$'keep this\ndebug: noise\ndebug: keep me\nerror: disk\nerror: quiet one\nlast'
d=$T/pat; mkdir "$d"
printf -- '-debug:*\n+debug: keep*\ne*error*\nE*quiet*\n' >"$d/config"
echo "$input" | "$SVLOGD" "$d" 2>"$T/err"
expect_eq "- deselects, + selects again, last match wins" \
	$'keep this\ndebug: keep me\nerror: disk\nerror: quiet one\nlast' "$(cat "$d/current")"
# "*error*": the star stops at the first e, so only lines starting with error match
expect_eq "e selects for stderr, E deselects" "error: disk" "$(cat "$T/err")"

d=$T/star; mkdir "$d"
printf -- '-*: *: pid *\n' >"$d/config"
printf '2005 tcpsvd: info: pid 1977 from 10.4.1.14\ntcpsvd: info: other\n' | "$SVLOGD" "$d"
expect_eq "the man page's example pattern" "tcpsvd: info: other" "$(cat "$d/current")"

d=$T/pfx; mkdir "$d"
printf 'pweb: \ne*\n' >"$d/config"
echo hello | "$SVLOGD" -tt "$d" 2>"$T/err"
expect_match "prefix after the timestamp" '^[0-9-]{10}_[0-9:.]{14} web: hello$' "$(cat "$d/current")"
expect_match "stderr gets timestamp and prefix too" '^[0-9-]{10}_[0-9:.]{14} web: hello$' "$(cat "$T/err")"

# -l: patterns see only the first len characters
d=$T/len; mkdir "$d"
printf -- '-abc\n' >"$d/config"
printf 'abcdef\nabc\nab\n' | "$SVLOGD" -l 3 "$d"
expect_eq "-l 3: abcdef matches 'abc' on its first 3 characters" "ab" "$(cat "$d/current")"

# -r and -R
d=$T/repl; mkdir "$d"
printf 'a\tb\001c\351d~x yz\n' | "$SVLOGD" -r '?' "$d"
expect_eq "-r replaces non-printable characters" 'a?b?c?d~x yz' "$(cat "$d/current")"
d=$T/repl2; mkdir "$d"
printf 'a\tb\001c~x yz\n' | "$SVLOGD" -R 'xz' "$d"
expect_eq "-R adds characters, _ by default" 'a_b_c~_ y_' "$(cat "$d/current")"
d=$T/repl3; mkdir "$d"
printf 'a\tb\n' | "$SVLOGD" "$d"
expect_eq "no -r: bytes kept" $'a\tb' "$(cat "$d/current")"
d=$T/repl4; mkdir "$d"; printf -- '-a?b\n' >"$d/config"
printf 'a\tb\nc\n' | "$SVLOGD" -r '?' "$d"
expect_eq "replacement happens before matching" 'c' "$(cat "$d/current")"

# udp
d=$T/udp; mkdir "$d"
printf 'u127.0.0.1:%s\npP \n' "$PORT" >"$d/config"
"$B/tests/udp_recv" "$PORT" 2 5 >"$T/udp.out" 2>"$T/udp.err" &
rpid=$!; track "$rpid"
wait_until 5 grep -q ready "$T/udp.err"
printf 'hello udp\nsecond\n' | "$SVLOGD" -tt -l 7 "$d"
wait "$rpid"
mapfile -t pk <"$T/udp.out"
expect_match "u: sent with timestamp and prefix, cut to -l with ..." '^[0-9-]{10}_[0-9:.]{14} P hello u\.\.\.$' "${pk[0]:-}"
expect_match "u: a short line whole" '^[0-9-]{10}_[0-9:.]{14} P second$' "${pk[2]:-}"
expect_eq "u: also written to the log" 2 "$(lines "$d/current")"
d=$T/udponly; mkdir "$d"
printf 'U127.0.0.1:%s\n' "$PORT" >"$d/config"
"$B/tests/udp_recv" "$PORT" 1 5 >"$T/udp.out" 2>"$T/udp.err" &
rpid=$!; track "$rpid"
wait_until 5 grep -q ready "$T/udp.err"
echo only-udp | "$SVLOGD" "$d"
wait "$rpid"
expect_eq "U: sent" $'only-udp\n--' "$(cat "$T/udp.out")"
expect_eq "U: not written to the log" 0 "$(lines "$d/current")"

d=$T/udpfail; mkdir "$d"
printf 'u255.255.255.255:9\n' >"$d/config"
echo hello | "$SVLOGD" "$d"
expect_match "u: trouble sending is written to the log" $'svlogd: warning: unable to send udp message: Permission denied\nhello' "$(cat "$d/current")"

# several directories, each with its own config
a=$T/multi-a b=$T/multi-b; mkdir "$a" "$b"
printf -- '-*odd\n' >"$a/config"; printf -- '-*even\n' >"$b/config"
printf '1 odd\n2 even\n3 odd\n' | "$SVLOGD" "$a" "$b"
expect_eq "dir a" "2 even" "$(cat "$a/current")"
expect_eq "dir b" $'1 odd\n3 odd' "$(cat "$b/current")"
err=$(echo x | "$SVLOGD" "$T/missing" "$a" 2>&1); rc=$?
expect_eq "a missing directory among others: warning, exit 0" 0 "$rc"
expect_match "warning names it" "svlogd: warning: unable to open log directory: $T/missing" "$err"
expect_eq "the others still get the lines" "x" "$(tail -1 "$a/current")"
err=$(echo x | "$SVLOGD" "$T/missing" 2>&1); rc=$?
expect_eq "no functional directory: 111" 111 "$rc"
expect_match "fatal message" "svlogd: fatal: no functional log directories" "$err"

# a second svlogd on the same directory
exec 8> >("$SVLOGD" "$a" 2>/dev/null)
wait_until 5 grep -q "FLOCK.*:$(stat -c %i "$a/lock") " /proc/locks
err=$(echo x | "$SVLOGD" "$a" 2>&1)
expect_match "a locked directory is refused" "unable to lock directory: $a" "$err"
exec 8>&-

# config errors are reported with file and line, the rest applies
d=$T/badcfg; mkdir "$d"; printf 's12x\nn3\n' >"$d/config"
err=$(echo x | "$SVLOGD" "$d" 2>&1)
expect_match "bad config line named" "$d/config:1: s: expected a size in bytes" "$err"

# usage (Debian's svlogd exits 111 on usage errors)
"$SVLOGD" 2>/dev/null; expect_eq "no directory: 111" 111 "$?"
"$SVLOGD" -b 10 "$a" </dev/null 2>/dev/null; expect_eq "-b not above -l: 111" 111 "$?"
"$SVLOGD" -r ab "$a" </dev/null 2>/dev/null; expect_eq "-r needs one character" 111 "$?"
err=$("$SVLOGD" -x "$a" 2>&1 </dev/null)
expect_match "usage line" "usage: .*svlogd \[-ttv\] \[-r c\] \[-R abc\] \[-l len\] \[-b buflen\] dir" "$err"
done_testing
