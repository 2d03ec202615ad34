#!/bin/bash
# Chaos: for CHAOS_SECONDS (default 30) the test kills -9, at random, a
# service, a runsv, a userd, the binder or the privd master (which is then
# started again, as init would).  The whole tree is real: privd, its
# binder, userd and runsv as two users, three services each; one of them,
# web, serves a granted privileged port from its listen file, and a client
# connects to it in a loop all along.  web's own runsv, which holds the
# socket, is never killed: so no connection may be refused.  At the end,
# once it settled: every service has exactly one runsv and runs; one
# privd, one binder, one userd per user; no zombie; no service holds an fd
# but 0, 1, 2 and its declared socket.  Kill counts and client counts are
# reported. No service process may be left running unsupervised by a runsv
# killed -9: the next runsv stops it before starting ./run again.
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"
SECS=${CHAOS_SECONDS:-30}

tag=wx$(( $$ % 100000 ))
users="${tag}x ${tag}y"
svcs="s1 s2 s3"
for u in $users; do
	make_user $u || exit 1
	for s in $svcs; do
		d=$T/home-$u/service/$s
		mkdir -p "$d"
		printf '#!/bin/sh\nexec sleep 100000\n' >"$d/run"
		chmod 755 "$d/run"
	done
	chown -R $u: "$T/home-$u"
done
# web: user x's service on a granted port below 1024 (through userd's relay
# and the binder), on this run's own loopback address
port=$(( 850 + $$ % 50 ))
w=$T/home-${tag}x/service/web
mkdir -p "$w"
printf 'tcp %s:%s\n' "$LO" "$port" >"$w/listen"
printf '#!/bin/sh\nexec %s\n' "$B/tests/lfd_serve" >"$w/run"
chmod 755 "$w/run"
chown -R ${tag}x: "$w"
chmod 755 "$T"
{ for u in $users; do echo "supervise $u"; done; echo "bind ${tag}x tcp $port on $LO"; } >"$T/policy"
privd_bin real
start_privd "$T/policy"

# the kernel's view: NAME PID for each process of the tree
procs_in() { # DIR: pids whose cwd is DIR
	find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$1" 2>/dev/null | cut -d/ -f3
}
comm() { cat "/proc/$1/comm" 2>/dev/null; }
runsvs_of() { local p; for p in $(procs_in "$1"); do [ "$(comm $p)" = runsv ] && echo $p; done; }
svc_procs() { local p; for p in $(procs_in "$1"); do [ "$(comm $p)" = sleep ] && echo $p; done; }
svdirs() { local u s; echo "$w"; for u in $users; do for s in $svcs; do echo "$T/home-$u/service/$s"; done; done; }
settled() {
	local d p
	[ -n "$(binder_pid)" ] || return 1
	for u in $users; do
		userd_pid $u >/dev/null || return 1
		# a userd started while the killed master's one is still exiting
		# fails on the directory lock and goes: wait for that too
		[ "$(pgrep -x -u $u userd | wc -l)" = 1 ] || return 1
	done
	for d in $(svdirs); do
		[ "$(runsvs_of "$d" | wc -l)" = 1 ] || return 1
		p=$(cat "$d/supervise/pid" 2>/dev/null)
		[ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 1
	done
}
check "the tree is up" wait_until 30 settled

spawn sh -c 'exec "$1" "$2" "$3" "$4" >"$5"' _ "$B/tests/connect_loop" "$LO" "$port" "$T/stop" "$T/counts"
declare -A kills=()
end=$((SECONDS + SECS))
while [ $SECONDS -lt $end ]; do
	d=$(svdirs | shuf -n 1)
	case $((RANDOM % 5)) in
	0) what=service p=$(cat "$d/supervise/pid" 2>/dev/null) ;;
	1) what=runsv p=$([ "$d" = "$w" ] || runsvs_of "$d" | head -1) ;;
	2) what=userd p=$(userd_pid $(echo $users | tr ' ' '\n' | shuf -n 1)) ;;
	3) what=binder p=$(binder_pid) ;;
	4) what=privd p=$PRIVD ;;
	esac
	if [ -n "$p" ] && kill -KILL "$p" 2>/dev/null; then
		kills[$what]=$(( ${kills[$what]:-0} + 1 ))
		if [ $what = privd ]; then
			wait "$p" 2>/dev/null
			start_privd "$T/policy"   # as init would
		fi
	fi
	sleep 0.$((RANDOM % 5 + 1))
done
echo "# kill -9 in ${SECS}s: service ${kills[service]:-0}, runsv ${kills[runsv]:-0}," \
	"userd ${kills[userd]:-0}, binder ${kills[binder]:-0}, privd ${kills[privd]:-0}"
check "something of each kind was killed" \
	eval '[ ${kills[service]:-0} -gt 0 ] && [ ${kills[runsv]:-0} -gt 0 ] && [ ${kills[userd]:-0} -gt 0 ] && [ ${kills[binder]:-0} -gt 0 ] && [ ${kills[privd]:-0} -gt 0 ]'

# settles (backoff after quick deaths can reach some seconds)
t0=$SECONDS
check "settled: every service has one runsv and runs" wait_until 90 settled
echo "# settled $((SECONDS - t0)) s after the last kill"
for d in $(svdirs); do
	n=$(runsvs_of "$d" | wc -l)
	[ "$n" = 1 ] || notok "$d has $n runsvs"
done
privds=$(for p in $(pgrep -x privd); do [ "$(readlink /proc/$p/exe)" = "$PRIVD_EXE" ] && echo $p; done)
binders=$(for p in $(pgrep -x privd-binder); do
	[ "$(readlink /proc/$p/exe)" = "${PRIVD_EXE%/*}/privd-binder" ] && echo $p; done | wc -l)
expect_eq "one privd master" 1 "$(echo "$privds" | grep -c .)"
expect_eq "one binder" 1 "$binders"
for u in $users; do
	expect_eq "one userd for $u" 1 "$(pgrep -x -u $u userd | wc -l)"
done
# zombies: children of privd, userd or runsv left unreaped
zombies() {
	ps -eo pid=,ppid=,stat=,comm= | awk '{ c[$1] = $4; st[$1] = $3; pp[$1] = $2 }
		END { for (p in st) if (st[p] ~ /^Z/ && c[pp[p]] ~ /^(runsv|userd|privd)$/) n++; exit n > 0 }'
}
check "no zombie under privd, userd or runsv" wait_until 5 zombies
touch "$T/stop"
check "the client loop ended" wait_until 40 test -s "$T/counts"
counts=$(cat "$T/counts")
echo "# client connections to web during the chaos: $counts"
expect_match "no connection refused while runsv held web's socket" "refused 0 " "$counts"
expect_match "clients were served" "^served [1-9]" "$counts"
leaks=0
for d in $(svdirs); do
	p=$(cat "$d/supervise/pid")
	fds=$(ls "/proc/$p/fd" | sort -n | tr '\n' ' ')
	want="0 1 2 "
	[ "$d" = "$w" ] && want="0 1 2 3 " && [[ $(readlink "/proc/$p/fd/3") != socket:* ]] && want=socket
	[ "$fds" = "$want" ] || { leaks=$((leaks + 1)); echo "# $d: service pid $p has fds $fds"; ls -l "/proc/$p/fd" | sed 's/^/#   /'; }
done
expect_eq "no service holds an fd but 0, 1, 2 (web: and its socket, 3)" 0 "$leaks"
orphans=0
for d in $(svdirs); do
	[ "$d" = "$w" ] && continue
	n=$(svc_procs "$d" | wc -l)
	orphans=$((orphans + n - 1))
done
expect_eq "no service process left running unsupervised by a runsv killed -9" 0 "$orphans"
done_testing
