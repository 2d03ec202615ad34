#!/bin/bash
# Health checks: ./check run by runsv every check-interval seconds as the
# service's user, in the service directory, never two at once, killed after
# check-timeout; check-failures failures in a row restart the service as a
# crash does, and sv status / sv -j show healthy or unhealthy.
# The services are all set up and started first, so that their waits overlap.
. "$(dirname "$0")/../lib.sh"
lib_use runsv
need_root
command -v jq >/dev/null || skip_all "no jq"
U=wh$(( $$ % 100000 ))
make_user "$U" || exit 1
H=$T/home-$U
AS=(setpriv --reuid="$U" --regid="$U" --init-groups)
health_is() { [ "$(svstat_field "$1" health)" = "$2" ]; }
restarts_ge() { [ "$(svstat_field "$1" hrestarts)" -ge "$2" ] 2>/dev/null; }
sv_as() { SVDIR=$H "${AS[@]}" "$B/sv" "$@"; }
# run_as NAME: its runsv, as the user; RUNSV_PID is its pid
run_as() { spawn "${AS[@]}" "$B/runsv" "$H/$1" 2>"$H/$1.err"; RUNSV_PID=$SPAWNED; }

# web: healthy while ./ok exists; each failure noted with the pid it judged
w=$H/web
mksvc "$w"
mkscript "$w/check" 'id -u >uid; pwd >cwd
[ -e ok ] && exit 0
echo "fail $(cat supervise/pid)" >>fails
echo "  not serving: $(id -un)"; echo "second line" >&2; exit 1'
echo 1 >"$w/check-interval"
echo 3 >"$w/check-failures"
touch "$w/ok"
# slow: a check that runs past check-timeout is killed and is a failure
s=$H/slow
mksvc "$s"
mkscript "$s/check" 'echo $$ >>check.pids; exec sleep 100000'
echo 1 >"$s/check-interval"
echo 1 >"$s/check-timeout"
echo 1 >"$s/check-failures"
# leave: a check still running when runsv exits goes with it
e=$H/leave
mksvc "$e"
mkscript "$e/check" 'echo $$ >check.pid; exec sleep 100000'
echo 1 >"$e/check-interval"
echo 3600 >"$e/check-timeout"
# busy: checks that take longer than the interval never overlap
b=$H/busy
mksvc "$b"
mkscript "$b/check" 'mkdir in || echo two >>two.log
sleep 1.5; echo done >>done.log; rmdir in'
echo 1 >"$b/check-interval"
# plain: ./check without check-interval is runit's: not run by runsv
n=$H/plain
mksvc "$n"
mkscript "$n/check" 'echo ran >>ran.log; exit 0'
# bad: a malformed check-interval is reported, the service runs unchecked
m=$H/bad
mksvc "$m"
mkscript "$m/check" 'exit 1'
echo soon >"$m/check-interval"
# respawn: ./run killed while a check runs (runsv is a subreaper here: no
# cgroup): the check is runsv's own child, not a leftover of the service,
# and checks go on after the restart
r=$H/respawn
mksvc "$r"
mkscript "$r/check" 'touch in; sleep 1; echo x >>runs.log; rm -f in; exit 0'
echo 1 >"$r/check-interval"
chown -R "$U": "$H"
for x in web slow busy plain bad respawn; do run_as $x; done
run_as leave
er=$RUNSV_PID

# --- web
check "web: running" wait_until 10 stat_is "$w" run
check "web: healthy after its first check" wait_until 10 health_is "$w" healthy
expect_eq "the check runs as the service's user" "$(id -u "$U")" "$(cat "$w/uid")"
expect_eq "the check runs in the service directory" "$w" "$(cat "$w/cwd")"
expect_match "sv status: healthy" "^run: web: \(pid [0-9]+\) [0-9]+s, healthy [0-9]+s$" \
	"$(sv_as status web)"
expect_eq "sv -j: health" "healthy null 0" \
	"$(sv_as -j status web | jq -r '"\(.health) \(.health_text) \(.health_fails)"')"
p=$(svc_pid "$w")
rm "$w/ok"
check "web: restarted once its check fails" wait_until 20 new_pid "$w" "$p"
expect_eq "after exactly check-failures (3) failures of that run" 3 "$(grep -c "^fail $p\$" "$w/fails")"
check "reported on stderr, with the first line of the check's output" \
	grep -q "runsv $w: warning: ./check failed 3 times in a row: restarting: not serving: $U\$" "$w.err"
expect_eq "one restart for unhealthiness" 1 "$(svstat_field "$w" hrestarts)"
check "the old run got TERM (sleep's default: it died of it)" gone "$p"
out=$(sv_as status web)
expect_match "sv status: unhealthy, with the first line of the output" \
	"^run: web: \(pid [0-9]+\) [0-9]+s, unhealthy [0-9]+s( \([0-9] of 3\))?, \"not serving: $U\"$" "$out"
expect_eq "sv -j: unhealthy, the line, one restart" "unhealthy not serving: $U 1" \
	"$(sv_as -j status web | jq -r '"\(.health) \(.health_text) \(.health_restarts)"')"
touch "$w/ok"
check "web: healthy again" wait_until 10 health_is "$w" healthy
q=$(svc_pid "$w")
expect_eq "sv check keeps runit's meaning (runs ./check once, ok)" 0 \
	"$(sv_as check web >/dev/null; echo $?)"
expect_eq "... and restarts nothing" "$q" "$(svc_pid "$w")"

# --- slow
check "slow: restarted after its check timed out" wait_until 20 restarts_ge "$s" 1
check "... reported as timed out" grep -q "restarting: timed out after 1s\$" "$s.err"
c=$(head -n 1 "$s/check.pids")
check "the timed-out check was killed" wait_until 10 gone "$c"

# --- leave
check "leave: a check runs" wait_until 10 test -s "$e/check.pid"
c=$(cat "$e/check.pid")
sv_as exit leave >/dev/null 2>&1
check "leave: runsv exited" wait_until 10 gone "$er"
check "leave: its running check was killed" wait_until 10 gone "$c"

# --- busy
check "busy: three checks done" wait_until 20 lines_ge "$b/done.log" 3
check "busy: never two at once" test ! -e "$b/two.log"
expect_eq "busy: healthy" healthy "$(svstat_field "$b" health)"

# --- respawn
check "respawn: a check ran" wait_until 20 lines_ge "$r/runs.log" 1
check "respawn: a check is running" wait_until 20 test -e "$r/in"
p=$(cat "$r/supervise/pid")
kill -KILL "$p"
check "respawn: ./run restarted" wait_until 10 eval '[ "$(cat "$r/supervise/pid")" != "$p" ]'
n0=$(wc -l <"$r/runs.log")
check "respawn: checks go on after the restart" wait_until 20 lines_ge "$r/runs.log" $((n0 + 2))

# --- plain
check "plain: running" wait_until 10 stat_is "$n" run
expect_eq "plain: no health" none "$(svstat_field "$n" health)"
expect_match "plain: runit's status line" "^run: plain: \(pid [0-9]+\) [0-9]+s$" \
	"$(sv_as status plain)"
check "plain: its ./check never run by runsv (busy ran three meanwhile)" test ! -e "$n/ran.log"

# --- bad
check "bad: running" wait_until 10 stat_is "$m" run
check "bad: check-interval reported" wait_until 10 grep -q \
	"runsv $m: warning: check-interval: expected a number from 1 to 86400" "$m.err"
expect_eq "bad: no health" none "$(svstat_field "$m" health)"

done_testing
