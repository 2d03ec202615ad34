#!/bin/bash
# Readiness: notification-fd (s6) and NOTIFY_SOCKET (sd_notify, with the real
# systemd-notify), run by a real user so that the kernel's credentials are
# those of an unprivileged sender.  Only ./run and its descendants count.
. "$(dirname "$0")/../lib.sh"
lib_use runsv
need_root
NOTIFY=/usr/bin/systemd-notify
[ -x "$NOTIFY" ] || skip_all "no $NOTIFY"
make_user wr1 || exit 1
H=$T/home-wr1
AS_WR1=(setpriv --reuid=wr1 --regid=wr1 --init-groups)
as_wr1() { "${AS_WR1[@]}" "$@"; }
ward_is() { [ "$(svstat_field "$1" "$2")" = "$3" ]; }

# --- notification-fd
n=$H/nfd
mksvc "$n" 'while [ ! -e go ]; do sleep 0.05; done; echo >&5; exec sleep 1000'
echo 5 >"$n/notification-fd"
mkdir -p "$H/broken"
chown -R wr1: "$H"
spawn "${AS_WR1[@]}" "$B/runsv" "$n" 2>"$n.err"
check "nfd: running" wait_until 10 stat_is "$n" run
expect_eq "nfd: waiting before the newline" wait "$(svstat_field "$n" ready)"
touch "$n/go"
check "nfd: ready after the newline" wait_until 10 ward_is "$n" ready yes
p=$(svc_pid "$n")
rm "$n/go"
kill "$p"
check "nfd: restarted" wait_until 10 new_pid "$n" "$p"
expect_eq "nfd: waiting again after a restart" wait "$(svstat_field "$n" ready)"
touch "$n/go"
check "nfd: ready again" wait_until 10 ward_is "$n" ready yes

# closed without a newline: stays waiting; a bad number: reported, none
c=$H/closed
mksvc "$c" 'exec 5>&-; exec sleep 1000'
echo 5 >"$c/notification-fd"
b=$H/bad
mksvc "$b" 'exec sleep 1000'
echo 2 >"$b/notification-fd"
chown -R wr1: "$H"
spawn "${AS_WR1[@]}" "$B/runsv" "$c" 2>"$c.err"
spawn "${AS_WR1[@]}" "$B/runsv" "$b" 2>"$b.err"
check "closed: running" wait_until 10 stat_is "$c" run
sleep 0.5
expect_eq "closed without a newline: still waiting" wait "$(svstat_field "$c" ready)"
check "bad: running" wait_until 10 stat_is "$b" run
expect_eq "bad notification-fd: no readiness" none "$(svstat_field "$b" ready)"
check "bad notification-fd: reported" grep -q \
	"runsv $b: warning: notification-fd: expected a number from 3 to 1023" "$b.err"

# --- NOTIFY_SOCKET with systemd-notify, a child of the ./run shell
s=$H/sd
mksvc "$s" 'echo "$NOTIFY_SOCKET" >sock.env
while [ ! -e go ]; do sleep 0.05; done
'"$NOTIFY"' --ready --status="serving $(printf "\033[31m")red"; echo "rc=$?" >notify.rc
exec sleep 1000'
touch "$s/notify-socket"
chown -R wr1: "$H"
spawn "${AS_WR1[@]}" "$B/runsv" "$s" 2>"$s.err"
check "sd: running" wait_until 10 stat_is "$s" run
check "sd: NOTIFY_SOCKET given" wait_until 10 test -s "$s/sock.env"
expect_eq "sd: NOTIFY_SOCKET is supervise/notify, absolute" "$s/supervise/notify" "$(cat "$s/sock.env")"
expect_eq "sd: declared, so waiting" wait "$(svstat_field "$s" ready)"

# a sender that is not ./run or its descendant is dropped
as_wr1 env NOTIFY_SOCKET="$s/supervise/notify" "$NOTIFY" --ready --status=forged
sleep 0.5
expect_eq "sd: a stranger's READY=1 is dropped" wait "$(svstat_field "$s" ready)"
expect_eq "sd: ... and its STATUS=" "" "$(svstat_field "$s" text)"

touch "$s/go"
check "sd: ready after systemd-notify --ready" wait_until 10 ward_is "$s" ready yes
check "sd: systemd-notify returned" wait_until 10 test -s "$s/notify.rc"
expect_eq "sd: systemd-notify succeeded (its barrier fd was closed)" "rc=0" "$(cat "$s/notify.rc")"
expect_eq "sd: STATUS text, made printable" "serving ?[31mred" "$("$B/tests/svstat" "$s" | sed -n 's/.* text=//p')"

# without notify-socket: no NOTIFY_SOCKET (and no socket), readiness none
u=$H/undeclared
mksvc "$u" 'echo "[${NOTIFY_SOCKET-unset}]" >sock.env; exec sleep 1000'
chown -R wr1: "$H"
spawn env NOTIFY_SOCKET=/run/inherited "${AS_WR1[@]}" "$B/runsv" "$u" 2>"$u.err"
check "undeclared: running" wait_until 10 stat_is "$u" run
check "undeclared: env written" wait_until 10 test -s "$u/sock.env"
expect_eq "undeclared: no NOTIFY_SOCKET (runsv's own is not passed on)" "[unset]" "$(cat "$u/sock.env")"
# supervise/ward is written after supervise/stat: wait for it too
ready_is() { [ "$(svstat_field "$1" ready)" = "$2" ]; }
check "undeclared: none" wait_until 5 ready_is "$u" none
check "undeclared: no socket" test ! -e "$u/supervise/notify"

# as root too: root's systemd-notify sends in its parent's name (./run)
r=$T/root
mksvc "$r" "$NOTIFY --ready; exec sleep 1000"
touch "$r/notify-socket"
start_runsv "$r"
check "root: ready" wait_until 10 ward_is "$r" ready yes

done_testing
