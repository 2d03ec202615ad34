#!/bin/bash
# Sockets held across restarts: a client connects in a loop while the
# service is killed 50 times (sv kill, so each restart waits only runit's
# one-second floor).  runsv holds the listening socket, so a client that
# connects between two ./run waits in the backlog: zero refused.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"
KILLS=${KILLS:-50}

qe=wqe$WQTAG
make_user $qe || exit 1
as $qe mkdir "$(home $qe)/service"
chmod 1777 "$T"   # sticky, like /tmp: privd -f allows it above the policy
printf 'supervise %s\nbind %s tcp 730 on %s\n' $qe $qe $LO >"$T/policy"
ports_privd "$T/policy" $qe || exit 1
svc $qe web "tcp $LO:730"
check "web serves port 730" wait_until 15 serving $qe web

spawn sh -c 'exec "$1" "$4" 730 "$2" >"$3"' _ "$B/tests/connect_loop" "$T/stop" "$T/counts" "$LO"
killed=0
for i in $(seq "$KILLS"); do
	p=$(user_svc_pid $qe web)
	"$B/sv" kill "$(svdir $qe web)" >/dev/null
	wait_until 15 eval '[ "$(report_pid web)" != "$p" ] && serving $qe web' || break
	killed=$((killed + 1))
done
expect_eq "killed and restarted $KILLS times" "$KILLS" "$killed"
touch "$T/stop"
check "the client loop ended" wait_until 40 test -s "$T/counts"
counts=$(cat "$T/counts")
echo "# client connections during $killed restarts: $counts"
# "other": a connection the killed server had accepted but not yet answered
# (SIGKILL can land between accept and write); refused is what must be 0
expect_match "zero refused connections" "refused 0 other [0-9]+$" "$counts"
expect_match "clients were served throughout" "^served [1-9]" "$counts"
done_testing
