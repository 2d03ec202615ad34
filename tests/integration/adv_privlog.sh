#!/bin/bash
# A user cannot reach privd's own log.  Real privd, userd, runsv, real users:
# a service without a log/ writes to its runsv's, so userd's, standard
# output and error.  Those are a pipe of the user's own that privd reads:
# every line shows in privd's log only as "privd: user NAME: LINE", with
# control characters escaped and long lines cut, and a flood is cut to a
# few lines per 10 s with a count of the rest.  A forged
# "privd: binder: grant ..." line never starts a line of privd's log.
# Then privd's own standard error stalls (a full pipe nobody reads): privd
# drops lines instead of waiting, and still restarts a userd.
. "$(dirname "$0")/../lib.sh"
lib_use userd privd
need_root
privd_bin real

for u in ${ua} ${ub}; do make_user $u || exit 1; done
A=$T/home-${ua}/service
long=$(head -c 3000 /dev/zero | tr '\0' x)
mksvc "$A/forge" "echo 'privd: binder: grant uid 1003 tcp 0.0.0.0:22' >&2
printf 'esc \\033[2J bell \\007 end\\n' >&2
echo 'long: $long'
i=0; while [ \$i -lt 3000 ]; do echo \"flood line \$i\" >&2; i=\$((i+1)); done
exec sleep 100000"
mksvc "$T/home-${ub}/service/quiet"
for u in ${ua} ${ub}; do chown -R $u: "$T/home-$u/service"; done
cat >"$T/policy" <<P
supervise ${ua}
supervise ${ub}
P
start_privd "$T/policy"
check "both userds started" wait_until 10 eval 'userd_pid ${ua} >/dev/null && userd_pid ${ub} >/dev/null'
pa=$(userd_pid ${ua})
for n in 1 2; do
	expect_match "${ua}'s userd: fd $n is a pipe, not privd's log" "^pipe:" "$(readlink "/proc/$pa/fd/$n")"
done
check "the forged line shows, prefixed with the user's name" \
	wait_until 20 logged "^privd: user ${ua}: privd: binder: grant uid 1003 tcp 0.0.0.0:22$"
check "no line of privd's log starts with the forged text" \
	eval '! grep -q "^privd: binder: grant uid 1003 " "$T/privd.log"'
check "control characters escaped" logged "^privd: user ${ua}: esc \\\\x1b\[2J bell \\\\x07 end$"
check "no escape byte in privd's log" eval '! grep -q $'"'"'\033'"'"' "$T/privd.log"'
ll=$(grep "^privd: user ${ua}: long: " "$T/privd.log")
expect_match "a long line is cut" "^privd: user ${ua}: long: x+\.\.\. \(cut\)$" "$ll"
check "and is shorter than it was" [ "${#ll}" -lt 1000 ]
check "the flood is counted when its 10 s are over" \
	wait_until 20 logged "^privd: user ${ua}: [0-9]+ more lines not logged \(at most [0-9]+ lines a user per 10 s\)$"
n=$(grep -c "^privd: user ${ua}: flood line" "$T/privd.log")
check "and only a few of its 3000 lines are logged ($n)" [ "$n" -lt 100 ]

# ---- privd's standard error stalls: a full pipe nobody reads ----
kill -TERM "$PRIVD"
check "privd stopped" wait_until 20 eval '! kill -0 "$PRIVD" 2>/dev/null'
mkfifo "$T/stall"
exec 7<>"$T/stall"
timeout 3 cat /dev/zero >"$T/stall"
spawn "$PRIVD_EXE" -f "$T/policy" 2>"$T/stall"
PRIVD=$SPAWNED
check "privd starts its binder all the same" wait_until 10 eval 'binder_pid >/dev/null'
check "and both userds" wait_until 10 eval 'userd_pid ${ua} >/dev/null && userd_pid ${ub} >/dev/null'
pb=$(userd_pid ${ub})
kill -KILL "$pb"
check "a userd killed is started again" \
	wait_until 10 eval '[ -n "$(userd_pid ${ub})" ] && [ "$(userd_pid ${ub})" != '"$pb"' ]'
exec 7<&-
done_testing
