#!/bin/bash
# The bind trap's held socket across restarts (runsv(8), BINDS): a static
# program that binds its granted port itself is killed (-9, sv kill) over
# and over while a client connects in a loop.  runsv holds the socket the
# first run bound and hands it to each next run's bind(), so a client that
# connects between two runs waits in the backlog: zero refused.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"
command -v gcc >/dev/null || skip_all "no gcc"
KILLS=${KILLS:-20}

tr=wtr$WQTAG
trap_setup $tr || { notok "users and trapserve made"; done_testing; }
printf 'supervise %s\nbind %s tcp 80 on %s\n' $tr $tr $LO >"$T/policy"
ports_privd "$T/policy" $tr || exit 1
trap_svc $tr web "exec $T/trapserve $T/rep-web tcp4:$LO:80"
# running: the report says bound, and the pid in it is runsv's child
bound() { grep -q "^tcp4:$LO:80 ok" "$T/rep-web" 2>/dev/null && [ -n "$(user_svc_pid $tr web)" ]; }
check "trapserve bound tcp $LO:80 itself" wait_until 15 bound
expect_match "and serves it" "name=trapserve$" "$(fetch 80 $LO)"

spawn sh -c 'exec "$1" "$4" 80 "$2" >"$3"' _ "$B/tests/connect_loop" "$T/stop" "$T/counts" "$LO"
killed=0
for i in $(seq "$KILLS"); do
	p=$(user_svc_pid $tr web)
	rm -f "$T/rep-web"
	"$B/sv" kill "$(svdir $tr web)" >/dev/null
	wait_until 15 eval '[ "$(user_svc_pid $tr web)" != "$p" ] && bound' || break
	killed=$((killed + 1))
done
expect_eq "killed (-9) and restarted $KILLS times, each run's bind() granted" "$KILLS" "$killed"
touch "$T/stop"
check "the client loop ended" wait_until 40 test -s "$T/counts"
counts=$(cat "$T/counts")
echo "# client connections during $killed restarts: $counts"
# "other": a connection the killed program had accepted but not answered
expect_match "zero refused connections" "refused 0 other [0-9]+$" "$counts"
expect_match "clients were served throughout" "^served [1-9]" "$counts"
check "one grant by the binder, the rest from runsv's held socket" \
	eval '[ "$(grep -c "grant uid $(id -u $tr) tcp $LO:80 (its own socket)" "$T/privd.log")" = 1 ]'
done_testing
