#!/bin/bash
# Control shared with a group (runsv(8), CONTROL SHARED WITH A GROUP; issue
# 17), with real users: an owner whose userd runs under umask 077, a member
# of the owner's group ops, and nobody else.
#  - control-group ops: supervise/ is ops' (02750, setgid), control and ok
#    0620, the status files 0640 -- also after runsv rewrote them by rename
#    -- and lock stays 0600;
#  - the member restarts the service with ward's sv and with runit's sv,
#    and cannot restart another of the owner's services;
#  - ward's sv, run by the member, does not run the owner's ./check (it
#    refuses and says why, before sending anything); runit's sv does run
#    it, as the member;
#  - a group the owner is not in is refused, in the log and in sv status,
#    and ./run does not start; the file removed, supervise/ is the owner's
#    alone again.
. "$(dirname "$0")/../lib.sh"
lib_use userd
need_root

tag=wc$(( $$ % 100000 ))
o=${tag}o m=${tag}m ops=${tag}g other=${tag}x
make_user $o || exit 1
make_user $m || exit 1
make_group $ops || exit 1
make_group $other || exit 1
usermod -a -G $ops $o && usermod -a -G $ops $m || { notok "usermod"; exit 1; }
H=$T/home-$o D=$H/service
oid=$(id -u $o) mid=$(id -u $m)

# as USER CMD...: with USER's groups; SVDIR is the owner's tree
as() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups env SVDIR="$D" "$@"; }
mkscript() { printf '#!/bin/sh\n%s\n' "$2" >"$1"; chmod 755 "$1"; }

mkdir -p "$D"
for s in shared private refused checked; do mkdir "$D/$s"; mkscript "$D/$s/run" 'exec sleep 100000'; done
echo $ops >"$D/shared/control-group"
echo $ops >"$D/checked/control-group"
echo $other >"$D/refused/control-group"
# a check that says who ran it, where anyone can write
mkdir -m 1777 "$T/ran"
mkscript "$D/checked/check" "id -un >>'$T/ran/check'; exit 0"
chown -R $o: "$H"
chmod 755 "$H" "$D"

spawn setpriv --reuid=$o --regid=$o --init-groups sh -c "umask 077; exec '$B/userd' '$D'" 2>>"$T/userd.err"
up() { [[ $(as $o "$B/sv" status "$D/$1" 2>&1) == "run: "* ]]; }
check "the owner's services run" wait_until 20 eval 'up shared && up private && up checked'
perms() { (cd "$D/$1/supervise" && stat -c '%n %a %G' . control ok lock status stat pid | tr '\n' ' '); }
expect_eq "supervise/ given to the group: setgid, FIFOs 0620, status 0640, lock 0600" \
	". 2750 $ops control 620 $ops ok 620 $ops lock 600 $ops status 640 $ops stat 640 $ops pid 640 $ops " \
	"$(perms shared)"
expect_eq "the service directory itself is left alone" "$o 755" "$(stat -c '%U %a' "$D/shared")"
expect_eq "another service's supervise/ is the owner's alone" ". 700 $o" \
	"$(stat -c '%n %a %G' "$D/private/supervise/." | sed 's|.*/\.|.|')"

# the member: status and restart with ward's sv
pid=$(svc_pid "$D/shared")
expect_match "member: sv status" "^run: shared: \(pid $pid\) [0-9]+s$" "$(as $m "$B/sv" status shared 2>&1)"
out=$(as $m "$B/sv" restart shared 2>&1); rc=$?
expect_eq "member: sv restart exits 0" 0 "$rc"
expect_match "member: sv restart says ok, a new pid" "^ok: run: shared: \(pid [0-9]+\) [0-9]+s$" "$out"
pid2=$(svc_pid "$D/shared")
check "the service was restarted" eval '[ -n "$pid2" ] && [ "$pid2" != "$pid" ] && gone "$pid"'
expect_eq "status files rewritten by rename keep the group and mode (umask 077)" \
	". 2750 $ops control 620 $ops ok 620 $ops lock 600 $ops status 640 $ops stat 640 $ops pid 640 $ops " \
	"$(perms shared)"
out=$(as $m "$RUNIT_SV" restart shared 2>&1); rc=$?
expect_match "member: runit's sv restart works on it too" "^ok: run: shared: " "$out"
# (runit's sv may say ok at once: it compares start times to the second)
check "... a new pid again" wait_until 10 eval '[ -n "$(svc_pid "$D/shared")" ] && [ "$(svc_pid "$D/shared")" != "$pid2" ]'

# ... and nothing else of the owner's
ppid=$(svc_pid "$D/private")
out=$(as $m "$B/sv" restart private 2>&1); rc=$?
expect_match "member: sv restart of another service is refused" \
	"^warning: private: unable to open supervise/ok: access denied$" "$out"
expect_eq "... exit code" 1 "$rc"
expect_eq "... and it was not restarted" "$ppid" "$(svc_pid "$D/private")"
out=$(as $m "$RUNIT_SV" restart private 2>&1)
expect_match "runit's sv cannot either" "unable to open supervise/ok: access denied" "$out"

# ./check: never the owner's script as the member
cpid=$(svc_pid "$D/checked")
out=$(as $m "$B/sv" check checked 2>&1); rc=$?
expect_eq "member: sv check refused, and why" \
	"fail: checked: not run: ./check is uid $oid's, and sv runs as uid $mid (only root or the owner runs a service's ./check)" \
	"$out"
expect_eq "... exit code 1" 1 "$rc"
out=$(as $m "$B/sv" restart checked 2>&1)
expect_match "member: sv restart, which would run ./check, refused too" "^fail: checked: not run: ./check is uid" "$out"
expect_eq "... before sending anything: not restarted" "$cpid" "$(svc_pid "$D/checked")"
check "... and the check never ran" test ! -e "$T/ran/check"
out=$(as $m "$B/sv" -w 10 down checked 2>&1); rc=$?
expect_match "member: sv -w down (no ./check needed) works" "^0 ok: down: checked: " "$rc $out"
as $o "$B/sv" -w 10 up checked >/dev/null
rm -f "$T/ran/check"
out=$(as $o "$B/sv" check checked 2>&1)
expect_match "the owner's sv check runs it" "^ok: run: checked: " "$out"
expect_eq "... as the owner" "$o" "$(cat "$T/ran/check")"
rm -f "$T/ran/check"
as $m "$RUNIT_SV" check checked >/dev/null 2>&1
expect_eq "runit's sv, run by the member, runs the owner's ./check as the member" "$m" \
	"$(cat "$T/ran/check")"

# a group the owner is not in
check "refused group: said in the log, naming the file and group" wait_until 10 grep -q \
	"runsv refused: warning: control-group: group $other: the owner (uid $oid) is not a member: not shared" \
	"$T/userd.err"
expect_match "refused group: said in sv status, and ./run not started" \
	"^down: refused: [0-9]+s, normally up, want up, backoff .*\"control-group: group $other: the owner \(uid $oid\) is not a member: not shared\"" \
	"$(as $o "$B/sv" status refused 2>&1)"
expect_eq "refused group: supervise/ the owner's alone" "700 $o" "$(stat -c '%a %G' "$D/refused/supervise")"

# the file removed: taken back at the next start
rm "$D/shared/control-group"
as $o "$B/sv" restart shared >/dev/null
expect_eq "control-group removed: supervise/ the owner's alone again (files as umask 077 makes them)" \
	". 700 $o control 600 $o ok 600 $o lock 600 $o status 600 $o stat 600 $o pid 600 $o " "$(perms shared)"
expect_match "... and the member is refused" "unable to open supervise/ok: access denied" \
	"$(as $m "$B/sv" status shared 2>&1)"
done_testing
