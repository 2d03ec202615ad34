#!/bin/bash
# svlogd side by side with Debian's runit svlogd (/usr/bin/svlogd): same
# input and config, no timestamps -> the same files with the same bytes.
. "$(dirname "$0")/../lib.sh"
lib_use svlogd
RUNIT_SVLOGD=/usr/bin/svlogd
[ -x "$RUNIT_SVLOGD" ] || skip_all "Debian's runit svlogd not installed"

# summary DIR: the files of a log directory, rotated ones by size and content
summary() {
	local f
	for f in $(old_files "$1"); do echo "old $(wc -c <"$1/$f") $(md5sum <"$1/$f")"; done
	echo "current $(wc -c <"$1/current") $(md5sum <"$1/current") $(stat -c %a "$1/current")"
}
# same WHAT CONFIG OPTS: feeds $T/input to both and compares
same() {
	local a=$T/runit b=$T/ward
	rm -rf "$a" "$b"; mkdir "$a" "$b"
	printf -- "$2" >"$a/config"; cp "$a/config" "$b/config"
	# shellcheck disable=SC2086
	"$RUNIT_SVLOGD" $3 "$a" <"$T/input" 2>/dev/null
	# shellcheck disable=SC2086
	"$SVLOGD" $3 "$b" <"$T/input" 2>/dev/null
	expect_eq "$1" "$(summary "$a")" "$(summary "$b")"
}

seq -f 'line %05g abcdefghij' 1 300 >"$T/input"
same "s1000 n3 (rotate after every line: s - len <= 0)" 's1000\nn3\n' ""
same "s100: files cut at 100 bytes" 's100\nn0\n' ""
same "s2000 -l 500: rotate past s - len" 's2000\nn100\n' "-l 500"
same "s2000 -l 100" 's2000\nn100\n' "-l 100"
same "s0: never" 's0\n' ""
same "n2 retention" 's500\nn2\n' "-l 100"
same "s1k: k is 1024 bytes" 's1k\nn100\n' "-l 100"
same "s2k n3" 's2k\nn3\n' "-l 500"
same "patterns" '-*5*\n+line 0001*\n-line 00015*\n' ""
same "prefix" 'pPFX: \n' ""
seq -f 'line %07g abcdefghijklmnopqrstuvwxyz' 1 40000 >"$T/input"
same "s1m: m is 1024 * 1024 bytes" 's1m\nn5\n' ""
{ printf '%s\n' "$(head -c 2500 /dev/zero | tr '\0' a)"; printf 'short\n'; } >"$T/input"
same "a line longer than s, cut" 's300\nn0\n' ""
same "a line longer than -l" 's3000\nn0\n' ""
same "pattern on a long line" 's3000\nn0\n-a+\n' "-l 3000 -b 4000"
# -l LEN: a line on standard error (e patterns) or in a datagram (u) is its
# first LEN characters, and "..." once it has LEN of them
# same_err WHAT CONFIG OPTS: feeds $T/input to both, compares standard error
same_err() {
	local a=$T/runit b=$T/ward
	rm -rf "$a" "$b"; mkdir "$a" "$b"
	printf -- "$2" >"$a/config"; cp "$a/config" "$b/config"
	# shellcheck disable=SC2086
	"$RUNIT_SVLOGD" $3 "$a" <"$T/input" 2>"$T/runit.err"
	# shellcheck disable=SC2086
	"$SVLOGD" $3 "$b" <"$T/input" 2>"$T/ward.err"
	expect_eq "$1" "$(cat -A "$T/runit.err")" "$(cat -A "$T/ward.err")"
}
# same_udp WHAT OPTS: the same, for the datagrams of "u127.0.0.1:PORT"
same_udp() {
	local a=$T/runit b=$T/ward port=$((22200 + $$ % 100)) n
	n=$(wc -l <"$T/input")
	rm -rf "$a" "$b"; mkdir "$a" "$b"
	printf 'u127.0.0.1:%s\n' "$port" >"$a/config"; cp "$a/config" "$b/config"
	udp_got "$port" "$n" "$RUNIT_SVLOGD" $2 "$a" >"$T/runit.udp"
	udp_got "$port" "$n" "$SVLOGD" $2 "$b" >"$T/ward.udp"
	expect_eq "$1" "$(cat -A "$T/runit.udp")" "$(cat -A "$T/ward.udp")"
}
# udp_got PORT N SVLOGD ARGS...: the N datagrams SVLOGD ARGS sends for $T/input
udp_got() {
	local port=$1 n=$2 r
	shift 2
	"$B/tests/udp_recv" "$port" "$n" 5 >"$T/udp.out" 2>"$T/udp.err" &
	r=$!; track "$r"
	wait_until 5 grep -q ready "$T/udp.err"
	"$@" <"$T/input" 2>/dev/null
	wait "$r"
	cat "$T/udp.out"
}
printf 'short\n0123456789\n012345678\n0123456789abcdef\n%s\n' "$(seq -s - 1 40)" >"$T/input"
same_err "e, -l 10: stderr lines cut at 10 characters, ... from 10 on" 'e*\n' "-l 10 -b 20"
same_err "e, -l 10, with a prefix" 'pP: \ne*\n' "-l 10 -b 20"
same "e, -l 10: the log gets whole lines" 'e*\n' "-l 10 -b 20"
same_udp "u, -l 10: datagrams cut at 10 characters, ... from 10 on" "-l 10 -b 20"
printf 'a\tb\001c\351d~x yz\n' >"$T/input"
same "-r" '' "-r ?"
same "-R" '' "-R xz"
same "no replacement" '' ""
done_testing
