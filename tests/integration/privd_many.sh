#!/bin/bash
# privd with more users than the old bound of 512 (N, default 600), one
# service each, the real userd and runsv: every user's userd and service
# run.  Then privd whose hard limit of open files is too small for them
# (two fds a user: its channel and its output): it says so once, names each user it cannot start,
# starts as many as fit, and the binder still serves them.
# privd raises its own soft limit of open files to the hard one; userds get
# the limit privd was given.  Users are made in one batch (newusers) and
# removed at the end.
. "$(dirname "$0")/../lib.sh"
lib_use privd users
need_root
N=${N:-600}
STAMP=$B/tests/benchstamp
[ -x "$STAMP" ] || { notok "$STAMP is there (make tests builds it)"; exit 1; }
privd_bin real

NAMES=$T/names
for i in $(seq 1 "$N"); do printf 'wsc%03du%03d\n' $((WPTAG % 1000)) "$i"; done >"$NAMES"
_many_cleanup() {
	[ -n "$PRIVD" ] && kill -KILL -- "-$PRIVD" 2>/dev/null
	users_remove "$NAMES"
	_cleanup
}
trap _many_cleanup EXIT
check "$N users made in one batch" users_make "$NAMES" "$T/home" "ward test privd_many" || exit 1
uids=$NAMES.uids

# each user: ~/service/s1, whose ./run (benchstamp) appends a line to one
# shared file and sleeps
UP=$T/up
: >"$UP"; chmod 666 "$UP"
while read -r n; do
	mkdir -p "$T/home/$n/service/s1"
	ln -s "$STAMP" "$T/home/$n/service/s1/run"
	ln -s "$UP" "$T/home/$n/service/s1/started"
	chown -hR "$n:" "$T/home/$n"
done <"$NAMES"
sed 's/^/supervise /' "$NAMES" >"$T/policy"
check "privd -t accepts a policy of $N users" "$PRIVD_EXE" -t -f "$T/policy"

# userds_running: how many of the batch's users privd runs a userd for
userds_running() {
	privd_children | awk -v f="$uids" 'BEGIN { while ((getline u <f) > 0) own[u] = 1 }
		own[$2] && $4 == "-b" { n++ } END { print n + 0 }'
}
# running_is N: exactly N userds, and N services started
running_is() { [ "$(userds_running)" = "$1" ] && [ "$(wc -l <"$UP")" = "$1" ]; }
# stop_all: privd stopped, everything the users run killed, trees reset
stop_all() {
	kill -TERM "$PRIVD"
	wait_until 20 eval '! kill -0 "$PRIVD" 2>/dev/null'
	users_kill "$NAMES"
	rm -rf "$T"/home/*/service/*/supervise "$T"/home/*/service/.userd
	: >"$UP"
}

# ---- too few fds: privd with a hard limit of 300 open files ----
# (16 are kept free, two a user: room for 142 users)
spawn prlimit --nofile=300:300 "$PRIVD_EXE" -f "$T/policy" 2>>"$T/privd.log"
PRIVD=$SPAWNED
check "privd limited to 300 fds starts the 142 users that fit" wait_until 120 running_is 142
check "and says at once that the rest will not be started" \
	logged "the policy supervises $N users, but privd's limit of 300 open files leaves room for 142"
first=$(grep -o "userd wsc[0-9u]*: not started: privd is out of file descriptors" "$T/privd.log" | head -1)
expect_match "each user not started is named, with the reason" \
	"^userd wsc[0-9]{3}u[0-9]{3}: not started: privd is out of file descriptors" "$first"
u=${first#userd }; u=${u%%:*}
check "the user named has no userd" eval '! userd_pid "$u" >/dev/null'
check "privd is alive" kill -0 "$PRIVD"
check "the binder is alive" eval "binder_pid >/dev/null"
stop_all

# ---- every user: soft limit 512 (too few for $N users), hard as ours ----
hard=$(ulimit -Hn)
: >"$T/privd.log"
spawn prlimit --nofile=512:"$hard" "$PRIVD_EXE" -f "$T/policy" 2>>"$T/privd.log"
PRIVD=$SPAWNED
check "privd runs a userd for each of the $N users, and each service started" \
	wait_until 300 running_is "$N"
expect_match "privd raised its soft limit of open files to the hard one" \
	"Max open files +$hard +$hard " "$(cat "/proc/$PRIVD/limits")"
bp=$(binder_pid)
expect_match "so did the binder (it inherits it)" \
	"Max open files +$hard +$hard " "$(cat "/proc/$bp/limits")"
check "the binder holds a channel for each user" [ "$(ls "/proc/$bp/fd" | wc -l)" -gt "$N" ]
# userd raises its own soft limit too, and gives runsv what it was given
p=$(cat "$T/home/$(tail -1 "$NAMES")/service/s1/supervise/pid")
expect_match "a service gets the limit privd was given" \
	"Max open files +512 +$hard " "$(cat "/proc/$p/limits")"
check "no user left out" eval '! logged "not started"'
check "privd is alive" kill -0 "$PRIVD"
stop_all
done_testing
