#!/bin/bash
# make demo, as the README shows it: the page is served on port 80 by the
# demo user's lighttpd, and make demo-clean leaves nothing behind (no user,
# no process, no file).  From this checkout, wherever it is: .ci/run runs
# it from a 0700 directory, as a clone in root's home is.
. "$(dirname "$0")/../lib.sh"
need_root
[ -z "$(ss -Hltn 'sport = :80')" ] || skip_all "port 80 is in use on this machine"
[ ! -e /var/tmp/ward-demo ] || skip_all "a demo is running (/var/tmp/ward-demo)"
! id warddemo >/dev/null 2>&1 || skip_all "user warddemo exists"
# the demo's own cleanup, whatever happens below
trap 'bash "$TOP/tests/demo.sh" clean >/dev/null 2>&1; _cleanup' EXIT

out=$(cd "$TOP" && timeout 300 make --no-print-directory demo 2>&1)
rc=$?
expect_eq "make demo exits 0" 0 "$rc"
expect_match "the page is served on port 80" "Hello from warddemo: port 80, served without root" "$out"
expect_match "and again after the server was killed" \
	"the same socket.*Hello from warddemo: port 80, served without root" "$(echo "$out" | tr '\n' ' ')"
[ "$rc" = 0 ] || echo "$out" | tail -30 | sed 's/^/# /'
uid=$(id -u warddemo 2>/dev/null)
privd=$(cat /var/tmp/ward-demo/privd.pid 2>/dev/null)

out=$(cd "$TOP" && make --no-print-directory demo-clean 2>&1)
expect_eq "make demo-clean exits 0" 0 "$?"
check "no user warddemo" eval '! id warddemo >/dev/null 2>&1'
check "no /var/tmp/ward-demo" test ! -e /var/tmp/ward-demo
if [ -n "$uid" ]; then
	left=$(ps -e -o uid=,pid=,args= | awk -v u="$uid" '$1 == u')
	expect_eq "no process of the demo user's uid" "" "$left"
fi
[ -n "$privd" ] && check "the demo's privd is gone" eval '! kill -0 '"$privd"' 2>/dev/null'
check "nothing on port 80" eval '[ -z "$(ss -Hltn "sport = :80")" ]'
done_testing
