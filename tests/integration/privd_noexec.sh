#!/bin/bash
# privd installed where the users cannot reach it (a checkout in root's
# 0700 home, the usual case for a new admin): privd says which userd it
# could not run, as whom, and which directory on the way the user cannot
# search, not only "Permission denied".
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
make_user ${ua} || exit 1
mkdir -p "$T/locked/bin"
chmod 700 "$T/locked"
privd_copy "$T/locked/bin"
cp "$B/userd" "$B/runsv" "$T/locked/bin/"
printf 'supervise %s\n' ${ua} >"$T/policy"
PRIVD_EXE=$T/locked/bin/privd
start_privd "$T/policy"
check "privd logs the userd it could not run" \
	wait_until 10 logged "userd ${ua}: unable to run $T/locked/bin/userd as uid $(id -u ${ua})"
expect_match "and which directory the user cannot search" \
	"Permission denied; it cannot search $T/locked \\(mode 0700, owner uid 0\\): install ward where every user can run it" \
	"$(grep "unable to run $T/locked/bin/userd" "$T/privd.log" | head -1)"
# a program file the user may not execute
chmod 755 "$T/locked"
chmod 700 "$T/locked/bin/userd"
check "a userd the user may not execute is named as such" \
	wait_until 15 logged "it cannot execute $T/locked/bin/userd \\(mode 0700, owner uid 0\\)"
done_testing
