#!/bin/bash
# A real socket-activation server from Debian: lighttpd serves port 80 as an
# unprivileged user, its socket from runsv (LISTEN_FDS) through userd and
# privd; fetched with curl, killed, and serving again on the same socket.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-privd.sh"
. "$(dirname "$0")/../lib-ports.sh"
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"
[ -x /usr/sbin/lighttpd ] || skip_all "lighttpd not installed"
[ -z "$(ss -Hltn 'sport = :80')" ] || skip_all "port 80 is in use"

make_user wqf || exit 1
h=$(home wqf)
as wqf mkdir -p "$h/service" "$h/www"
echo "hello from wqf" >"$h/www/index.html"
printf 'supervise wqf\nbind wqf tcp 80\n' >"$T/policy"
ports_privd "$T/policy" wqf || exit 1
cat >"$h/www/lighttpd.conf" <<C
server.document-root = "$h/www"
server.port = 80
server.systemd-socket-activation = "enable"
index-file.names = ( "index.html" )
C
svc wqf www "tcp 80" "exec /usr/sbin/lighttpd -D -f $h/www/lighttpd.conf"

check "curl gets the page from port 80" wait_secs 20 eval \
	'[ "$(curl -s --max-time 5 http://127.0.0.1/)" = "hello from wqf" ]'
pid=$(svpid wqf www)
expect_eq "lighttpd runs as wqf" "$(id -u wqf)" "$(ps -o uid= -p "$pid" | tr -d ' ')"
expect_match "port 80 is held by lighttpd" "\"lighttpd\",pid=$pid," "$(ss -Hltnp 'sport = :80')"
expect_eq "lighttpd got no capability" "0000000000000000" \
	"$(awk '/^CapEff:/ { print $2 }' "/proc/$pid/status")"
ino=$(sock_inode "$pid" 3)
"$B/sv" kill "$(svdir wqf www)" >/dev/null
check "lighttpd restarted" wait_until 15 eval 'p=$(svpid wqf www); [ -n "$p" ] && [ "$p" != '"$pid"' ]'
check "curl gets the page again" wait_secs 20 eval \
	'[ "$(curl -s --max-time 5 http://127.0.0.1/)" = "hello from wqf" ]'
expect_eq "on the same socket" "$ino" "$(sock_inode "$(svpid wqf www)" 3)"
done_testing
