#!/bin/bash
# A reload that makes a user's settings stricter (no_new_privs back on, a
# limit lowered or added) reaches their running services: privd stops the
# user's whole tree (HUP, as a removal does) and starts it anew, and says
# so.  A reload that only loosens them restarts the userd alone, and the
# services keep running.  Real privd, userd, runsv, real users.
. "$(dirname "$0")/../lib.sh"
lib_use userd privd
need_root
privd_bin real

for u in ${ua} ${ub}; do make_user $u || exit 1; mksvc "$T/home-$u/service/s"; chown -R $u: "$T/home-$u/service"; done
SA=$T/home-${ua}/service/s SB=$T/home-${ub}/service/s
# pid_of DIR: its service's pid, read again while runsv rewrites the file
pid_of() { local d=$1 p; wait_until 5 eval 'p=$(svc_pid "$d"); [ -n "$p" ]'; echo "$p"; }
# started_anew DIR OLD: a service pid other than OLD, alive, in NEW
started_anew() { NEW=$(svc_pid "$1"); [ -n "$NEW" ] && [ "$NEW" != "$2" ] && kill -0 "$NEW"; }
cat >"$T/policy" <<P
supervise ${ua}
supervise ${ub}
no_new_privs ${ua} off
limit ${ua} nofile 500
P
start_privd "$T/policy"
check "${ua}'s service runs" wait_until 20 eval '[ -n "$(svc_pid "$SA")" ]'
check "${ub}'s service runs" wait_until 20 eval '[ -n "$(svc_pid "$SB")" ]'
sa=$(pid_of "$SA") sb=$(pid_of "$SB")
expect_eq "${ua}'s service: no_new_privs off" 0 "$(proc_field "$sa" NoNewPrivs)"
expect_match "${ua}'s service: nofile 500" "Max open files +500 +500 " "$(cat "/proc/$sa/limits")"

# stricter: no_new_privs on (the default), nofile lowered to 300
printf 'supervise %s\nsupervise %s\nlimit %s nofile 300\n' ${ua} ${ub} ${ua} >"$T/policy"
kill -HUP "$PRIVD"
check "the stricter settings are logged as such" \
	wait_until 10 logged "userd ${ua}: settings stricter .*: stopping the user's whole tree"
check "${ua}'s service is started anew" wait_until 20 started_anew "$SA" "$sa"
sa=$NEW
expect_eq "with no_new_privs on" 1 "$(proc_field "$sa" NoNewPrivs)"
expect_match "and nofile 300" "Max open files +300 +300 " "$(cat "/proc/$sa/limits")"
expect_eq "${ub}'s service untouched" "$sb" "$(pid_of "$SB")"

# looser: nofile raised to 400 (for the userd; its services keep running)
pa=$(userd_pid ${ua})
sed -i 's/nofile 300/nofile 400/' "$T/policy"
kill -HUP "$PRIVD"
check "a looser limit restarts the userd" \
	wait_until 10 eval '[ -n "$(userd_pid ${ua})" ] && [ "$(userd_pid ${ua})" != '"$pa"' ]'
check "logged as a change" logged "userd ${ua}: settings changed, restarting"
expect_eq "${ua}'s service keeps running" "$sa" "$(pid_of "$SA")"
done_testing
