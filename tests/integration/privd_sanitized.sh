#!/bin/bash
# A sanitizer build (make SANITIZE=1), whose binder has a wider seccomp
# allowlist, refuses to run as root unless WARD_ALLOW_SANITIZED=1 is in
# its environment (tests/lib-privd.sh sets it for every test then); a
# normal build runs without it.
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
privd_bin bindreq
make_user ${ua} || exit 1
service_fifo ${ua}
printf 'supervise %s\n' ${ua} >"$T/policy"
if privd_sanitized; then
	echo "# a sanitizer build"
	env -u WARD_ALLOW_SANITIZED "$PRIVD_EXE" -f "$T/policy" </dev/null 2>"$T/refused" &
	p=$!
	track $p
	# one that does not refuse runs on: stopped, its status is then TERM's
	wait_until 10 eval '! kill -0 $p 2>/dev/null' || kill -TERM $p
	wait $p
	expect_eq "without WARD_ALLOW_SANITIZED it refuses, exit 100" 100 "$?"
	check "and says why" grep -q "sanitizer build.*WARD_ALLOW_SANITIZED=1" "$T/refused"
	check "it started nothing" eval '! grep -q spawn "$T/refused"'
	expect_eq "WARD_ALLOW_SANITIZED=1 for the tests" 1 "${WARD_ALLOW_SANITIZED:-}"
else
	echo "# a normal build"
	expect_eq "no WARD_ALLOW_SANITIZED for the tests" "" "${WARD_ALLOW_SANITIZED:-}"
fi
start_privd "$T/policy"
check "privd runs as root (asked to, if sanitized)" wait_until 10 eval 'userd_pid ${ua} >/dev/null'
done_testing
