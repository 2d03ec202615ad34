#!/bin/bash
# One version for the whole kit, set in the Makefile: every program says
# "NAME (ward) VERSION".  runit's programs that have -V (sv, chpst, svlogd)
# print it first on stderr, then their usage, with Debian's runit's exit
# code; ward's own programs (privd, userd, runsv, privbind) answer
# --version on stdout and exit 0, privd -V too.  Each man page says how.
. "$(dirname "$0")/../lib.sh"
v=$(make -s -C "$TOP" version)
expect_match "the Makefile has a version" '^[0-9]+\.[0-9]+\.[0-9]+$' "$v"

for p in sv chpst svlogd; do
	out=$("$B/$p" -V 2>&1 >/dev/null </dev/null); rc=$?
	expect_eq "$p -V: the version first" "$p (ward) $v" "$(echo "$out" | head -1)"
	expect_match "$p -V: then the usage" "usage: " "$out"
	if [ -x "/usr/bin/$p" ]; then
		(cd "$T" && "/usr/bin/$p" -V >/dev/null 2>&1 </dev/null); want=$?
		expect_eq "$p -V: exit code as Debian's $p" "$want" "$rc"
	fi
done
for p in privd privd-binder userd runsvdir runsv privbind; do
	out=$("$B/$p" --version 2>&1); rc=$?
	expect_eq "$p --version" "$p (ward) $v" "$out"
	expect_eq "$p --version exits 0" 0 "$rc"
done
expect_eq "privd -V" "privd (ward) $v" "$("$B/privd" -V 2>&1)"
for m in sv chpst svlogd privd userd runsv privbind; do
	page=$(ls "$TOP"/docs/man/"$m".[1-8])
	check "$m's man page says how to get the version" grep -q '(ward) " version' "$page"
done
done_testing
