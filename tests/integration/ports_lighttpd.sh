#!/bin/bash
# A real socket-activation server from Debian: lighttpd serves port 80 as an
# unprivileged user, its socket from runsv (LISTEN_FDS) through userd and
# privd; fetched with curl, killed, and serving again on the same socket.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"
[ -x /usr/sbin/lighttpd ] || skip_all "lighttpd not installed"
[ -z "$(ss -Hltn "src 0.0.0.0:80 or src $LO:80")" ] || skip_all "port 80 is in use"

qf=wqf$WQTAG
make_user $qf || exit 1
h=$(home $qf)
as $qf mkdir -p "$h/service" "$h/www"
echo "hello from $qf" >"$h/www/index.html"
printf 'supervise %s\nbind %s tcp 80 on %s\n' $qf $qf $LO >"$T/policy"
ports_privd "$T/policy" $qf || exit 1
cat >"$h/www/lighttpd.conf" <<C
server.document-root = "$h/www"
server.port = 80
server.systemd-socket-activation = "enable"
index-file.names = ( "index.html" )
C
svc $qf www "tcp $LO:80" "exec /usr/sbin/lighttpd -D -f $h/www/lighttpd.conf"

check "curl gets the page from port 80" wait_secs 20 eval \
	'[ "$(curl -s --max-time 5 http://$LO/)" = "hello from $qf" ]'
pid=$(user_svc_pid $qf www)
expect_eq "lighttpd runs as $qf" "$(id -u $qf)" "$(ps -o uid= -p "$pid" | tr -d ' ')"
expect_match "port 80 is held by lighttpd" "\"lighttpd\",pid=$pid," "$(ss -Hltnp "src $LO:80")"
expect_eq "lighttpd got no capability" "0000000000000000" \
	"$(awk '/^CapEff:/ { print $2 }' "/proc/$pid/status")"
ino=$(sock_inode "$pid" 3)
"$B/sv" kill "$(svdir $qf www)" >/dev/null
check "lighttpd restarted" wait_until 15 eval 'p=$(user_svc_pid $qf www); [ -n "$p" ] && [ "$p" != '"$pid"' ]'
check "curl gets the page again" wait_secs 20 eval \
	'[ "$(curl -s --max-time 5 http://$LO/)" = "hello from $qf" ]'
expect_eq "on the same socket" "$ino" "$(sock_inode "$(user_svc_pid $qf www)" 3)"
done_testing
