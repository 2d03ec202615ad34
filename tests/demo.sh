#!/bin/bash
# make demo: ward's idea in one minute, as root on Debian 12.  A demo user
# gets a policy granting tcp 80; their service runs lighttpd, which takes
# port 80 from LISTEN_FDS and never has root.  privd starts the user's
# userd, runsv gets the socket through userd and privd's binder.  Then the
# server is killed and comes back on the very same socket.
# `make demo-clean` (tests/demo.sh clean) stops it all and removes it.
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)
D=/var/tmp/ward-demo
# The demo user runs what privd starts from its own directory: a staged copy
# every user can execute (the checkout may sit in root's 0700 home), as an
# install would put it; make demo-clean removes it with $D.
B=$D/bin
U=warddemo
H=$D/home
SVC=$H/service/www

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
fail() { echo "demo: $*" >&2; exit 1; }
# wait_for SECONDS CMD...
wait_for() { local end=$((SECONDS + $1)); shift; until "$@"; do [ "$SECONDS" -ge "$end" ] && return 1; sleep 0.1; done; }
server_pid() { cat "$SVC/supervise/pid" 2>/dev/null; }
# new_server OLDPID: a server runs, and it is not OLDPID (one read of the file)
new_server() { local p; p=$(server_pid); [ -n "$p" ] && [ "$p" != "$1" ]; }

clean() {
	local p
	if [ -s "$D/privd.pid" ]; then
		p=$(cat "$D/privd.pid")
		# privd stops the userds; runsvs outlive userd by design, so exit them
		# too, as the user, as the admin would
		[ -d "$SVC/supervise" ] && [ -x "$B/sv" ] &&
			su -s /bin/sh "$U" -c "$B/sv exit $SVC" >/dev/null 2>&1
		kill -TERM "$p" 2>/dev/null
		wait_for 10 eval '! kill -0 '"$p"' 2>/dev/null'
	fi
	if id "$U" >/dev/null 2>&1; then
		# whatever the demo user still runs, by uid
		ps -o pid= -u "$U" | xargs -r kill -KILL 2>/dev/null
		sleep 0.2
		userdel -r "$U" >/dev/null 2>&1
	fi
	rm -rf "$D"
	echo "demo: cleaned up (user $U, $D, privd)"
}

[ "$(id -u)" = 0 ] || fail "must run as root (it creates a user and starts privd)"
if [ "${1:-}" = clean ]; then
	clean
	exit 0
fi
[ -e "$D" ] && fail "$D exists: a demo is running; run 'make demo-clean' first"
[ -z "$(ss -Hltn 'sport = :80')" ] || fail "port 80 is in use on this machine"

say "1. build (and install missing Debian packages: tests/deps.sh)"
sh tests/deps.sh || exit 1
make --no-print-directory all >/dev/null || fail "build failed"
mkdir -p "$D"
chmod 755 "$D"
. tests/lib-stage.sh
stage_build "$B" || fail "cannot copy build/ to $B"
echo "built, and staged in $B: $(cd "$B" && echo privd userd runsv sv privbind)"
# a sanitizer build (make SANITIZE=1 before) runs as root only when asked
if grep -q __asan_init "$B/privd"; then
	echo "(a sanitizer build: WARD_ALLOW_SANITIZED=1, see privd(8))"
	export WARD_ALLOW_SANITIZED=1
fi

say "2. a demo user and a policy granting it tcp port 80"
useradd -m -d "$H" -s /bin/sh "$U" || fail "useradd failed"
printf '# ward policy for the demo\nsupervise %s\nbind %s tcp 80\n' "$U" "$U" >"$D/policy"
run cat "$D/policy"
run "$B/privd" -t -f "$D/policy" && echo "(policy checked: privd -t)"

say "3. the user's service: lighttpd, socket-activated, with a listen file"
su -s /bin/sh "$U" -c "mkdir -p '$H/www' '$H/stage' && echo 'Hello from $U: port 80, served without root' >'$H/www/index.html'"
cat >"$H/www/lighttpd.conf" <<C
server.document-root = "$H/www"
server.port = 80
server.systemd-socket-activation = "enable"
index-file.names = ( "index.html" )
C
echo "tcp 80" >"$H/stage/listen"
printf '#!/bin/sh\nexec /usr/sbin/lighttpd -D -f %s/www/lighttpd.conf\n' "$H" >"$H/stage/run"
chmod 755 "$H/stage/run"
chown -R "$U:" "$H"
su -s /bin/sh "$U" -c "mkdir -p '$H/service' && mv '$H/stage' '$SVC'"
run cat "$SVC/listen"
run cat "$SVC/run"

say "4. start privd (root); it starts $U's userd, which starts runsv www"
setsid "$B/privd" -f "$D/policy" </dev/null >>"$D/privd.log" 2>&1 &
echo $! >"$D/privd.pid"
echo "privd pid $(cat "$D/privd.pid"), log in $D/privd.log"
wait_for 15 new_server "" || { cat "$D/privd.log"; fail "the service did not start"; }
wait_for 15 eval 'curl -s --max-time 2 -o /dev/null http://127.0.0.1/' || { cat "$D/privd.log"; fail "no answer on port 80"; }
run "$B/sv" status "$SVC"
pid=$(server_pid)
run ps -o user,pid,ppid,args -p "$pid"
run grep CapEff "/proc/$pid/status"
run ss -Hltnp 'sport = :80'
run grep binder "$D/privd.log"

say "5. fetch the page"
run curl -s http://127.0.0.1/

say "6. kill the server; runsv restarts it on the same socket"
ino=$(readlink "/proc/$pid/fd/3")
echo "server pid $pid holds $ino as fd 3 (LISTEN_FDS=1)"
run kill -9 "$pid"
wait_for 15 new_server "$pid" || fail "not restarted"
pid2=$(server_pid)
run "$B/sv" status "$SVC"
echo "new server pid $pid2 holds $(readlink "/proc/$pid2/fd/3") as fd 3: the same socket"
echo "(runsv kept it open while no server ran: clients waited in the backlog)"
run curl -s http://127.0.0.1/

say "done"
cat <<T
Try, as root:
  $B/sv status $SVC
  su $U -c '$B/sv restart $SVC'
  echo 'tcp 81' >> $SVC/listen; $B/sv restart $SVC; $B/sv status $SVC   # not granted: sv says why
Stop and remove everything (privd, the user $U, $D):
  make demo-clean
T
