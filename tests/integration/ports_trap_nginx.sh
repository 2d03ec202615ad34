#!/bin/bash
# Debian's nginx, unchanged, binds port 80 itself as a plain user: the bind
# trap (runsv(8), BINDS) under a real privd, binder, userd and runsv.  Its
# config has a stock `listen` line for port 80 (on this run's loopback
# address), no listen file, no NGINX variable, no capability.  Fetched with
# curl; killed, and serving again on the socket runsv held.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"
[ -x /usr/sbin/nginx ] || skip_all "nginx not installed (tests/deps.sh)"

tn=wtn$WQTAG
make_user $tn || exit 1
h=$(home $tn)
as $tn mkdir -p "$h/service" "$h/www" "$h/nginx/tmp"
echo "hello from nginx as $tn" >"$h/www/index.html"
printf 'supervise %s\nbind %s tcp 80 on %s\n' $tn $tn $LO >"$T/policy"
ports_privd "$T/policy" $tn || exit 1
cat >"$h/nginx/nginx.conf" <<C
daemon off;
worker_processes 1;
pid $h/nginx/nginx.pid;
error_log stderr;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $h/nginx/tmp/body;
	proxy_temp_path $h/nginx/tmp/proxy;
	fastcgi_temp_path $h/nginx/tmp/fastcgi;
	uwsgi_temp_path $h/nginx/tmp/uwsgi;
	scgi_temp_path $h/nginx/tmp/scgi;
	server {
		listen $LO:80;
		root $h/www;
	}
}
C
chown -R $tn: "$h/nginx"
trap_svc $tn www "exec /usr/sbin/nginx -e stderr -p $h/nginx -c $h/nginx/nginx.conf 2>&1"

check "curl gets the page from port 80" wait_secs 20 eval \
	'[ "$(curl -s --max-time 5 http://$LO/)" = "hello from nginx as $tn" ]'
pid=$(user_svc_pid $tn www)
expect_eq "nginx runs as $tn" "$(id -u $tn)" "$(ps -o uid= -p "$pid" | tr -d ' ')"
expect_eq "with no capability" "0000000000000000" "$(awk '/^CapEff:/ { print $2 }' "/proc/$pid/status")"
expect_eq "and no NGINX variable, no LISTEN_FDS" "" \
	"$(tr '\0' '\n' <"/proc/$pid/environ" | grep -E '^(NGINX|LISTEN_FDS)=')"
expect_match "port 80 is nginx's own socket" "\"nginx\",pid=$pid," "$(ss -Hltnp "src $LO:80")"
expect_eq "owned by $tn" "$(id -u $tn)" \
	"$(ss -Hltne "src $LO:80" | grep -o 'uid:[0-9]*' | head -1 | cut -d: -f2)"
check "the binder bound it" logged "grant uid $(id -u $tn) tcp $LO:80 \(its own socket\)"
check "no bind() error from nginx" eval '! grep -q "bind() to $LO:80 failed" "$T/privd.log"'
ino=$(ss -Hltne "src $LO:80" | grep -o 'ino:[0-9]*' | head -1)
"$B/sv" kill "$(svdir $tn www)" >/dev/null
check "nginx restarted" wait_until 15 eval 'p=$(user_svc_pid $tn www); [ -n "$p" ] && [ "$p" != '"$pid"' ]'
check "curl gets the page again" wait_secs 20 eval \
	'[ "$(curl -s --max-time 5 http://$LO/)" = "hello from nginx as $tn" ]'
expect_match "on the socket runsv held ($ino)" "$ino " "$(ss -Hltne "src $LO:80")"
done_testing
