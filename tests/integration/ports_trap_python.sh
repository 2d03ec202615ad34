#!/bin/bash
# Debian's python3 -m http.server 80, unchanged, as a plain user: its own
# bind() of port 80 granted through the bind trap (runsv(8), BINDS) under a
# real privd, binder, userd and runsv; fetched with curl.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"
[ -x /usr/bin/python3 ] || skip_all "python3 not installed (tests/deps.sh)"

ty=wty$WQTAG
make_user $ty || exit 1
h=$(home $ty)
as $ty mkdir -p "$h/service" "$h/www"
echo "hello from python as $ty" >"$h/www/index.html"
printf 'supervise %s\nbind %s tcp 80 on %s\n' $ty $ty $LO >"$T/policy"
ports_privd "$T/policy" $ty || exit 1
trap_svc $ty py "exec /usr/bin/python3 -m http.server 80 --bind $LO --directory $h/www 2>&1"

check "curl gets the page from port 80" wait_secs 20 eval \
	'[ "$(curl -s --max-time 5 http://$LO/index.html)" = "hello from python as $ty" ]'
pid=$(user_svc_pid $ty py)
expect_match "port 80 is python's own socket" "\"python3\",pid=$pid," "$(ss -Hltnp "src $LO:80")"
expect_eq "python runs as $ty, no capability" "$(id -u $ty) 0000000000000000" \
	"$(ps -o uid= -p "$pid" | tr -d ' ') $(awk '/^CapEff:/ { print $2 }' "/proc/$pid/status")"
done_testing
