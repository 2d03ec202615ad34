#!/bin/bash
# ward status and --json over a tree with a service in each state: up,
# down, ready (notification-fd), backoff (crash loop), finishing (./finish
# running after ./run exited 3), and one without a runsv; the restart
# accounting (starts, last exit) in ward status and sv -j.
. "$(dirname "$0")/../lib.sh"
lib_use runsv
W=$B/ward
d=$T/tree; mkdir -p "$d"

mksvc "$d/up"
mksvc "$d/down"; touch "$d/down/down"
mksvc "$d/ready" 'echo >&5; exec sleep 100000'; echo 5 >"$d/ready/notification-fd"
mksvc "$d/crash" 'exit 7'
mksvc "$d/fin" 'exit 3'; mkscript "$d/fin/finish" 'exec sleep 100000'
mksvc "$d/idle"          # no runsv
# TODO(issue 17): an unhealthy service once health checks land
for s in up down ready crash fin; do start_runsv "$d/$s"; done

# row NAME: NAME's line of the table, blanks squeezed
row() { "$W" status "$d" | awk -v n="$1" '$1 == n' | tr -s ' '; }
state_of() { [ "$(row "$1" | cut -d' ' -f2)" = "$2" ]; }
check "up: up" wait_until 10 state_of up up
check "ready: up" wait_until 10 state_of ready up
check "crash: backoff" wait_until 20 state_of crash backoff
check "fin: finishing" wait_until 10 state_of fin finishing
expect_match "the header" '^SERVICE +STATE +PID +UPTIME +READY +HEALTH +RESTARTS +BACKOFF +TASKS +CPU +MEMORY +LAST-EXIT$' \
	"$("$W" status "$d" | head -1)"
expect_match "up: pid, uptime, not declared ready" '^up up [0-9]+ [0-9]+ - - 0 - ' "$(row up)"
expect_match "down: no pid, never started" '^down down - [0-9]+ - - 0 - ' "$(row down)"
expect_match "ready: ready yes" '^ready up [0-9]+ [0-9]+ yes ' "$(row ready)"
# crash starts again now and then: look while it waits
row_is() { [[ $(row "$1") =~ $2 ]]; }
check "crash: restarts counted, the backoff, the last exit" wait_until 20 row_is crash \
	'^crash backoff - [0-9]+ - - [0-9]+ [1-9][0-9]* .* exit7,[0-9]+s$'
expect_match "fin: last exit 3" ' exit3,[0-9]+s$' "$(row fin)"
expect_match "idle: no runsv" '^idle unsupervised - - - - - - ' "$(row idle)"
expect_eq "services by name" "crash down fin idle ready up" \
	"$("$W" status "$d" | awk 'NR > 1 { print $1 }' | tr '\n' ' ' | sed 's/ $//')"

# --json: one document, each state
crash_waits() { j=$("$W" status --json "$d") && [[ $j == *'"service":"crash","state":"backoff"'* ]]; }
check "--json while crash waits" wait_until 20 crash_waits
check "--json parses" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$j"
jq_() { python3 -c 'import json,sys
d = {s["service"]: s for s in json.loads(sys.argv[1])["services"]}
print(eval(sys.argv[2]))' "$j" "$1"; }
expect_eq "json: states" "backoff down finishing unsupervised up up" \
	"$(jq_ '" ".join(d[n]["state"] for n in sorted(d))')"
expect_eq "json: ready" "True None" "$(jq_ 'd["ready"]["ready"], d["up"]["ready"]' | tr -d '(),')"
expect_eq "json: crash's last exit" "7 False" \
	"$(jq_ 'd["crash"]["last_exit"]["code"], d["crash"]["last_exit"]["oom"]' | tr -d '(),')"
expect_eq "json: crash backs off" True "$(jq_ 'd["crash"]["backoff_ms"] > 0')"
expect_eq "json: no cgroup, no tasks" None "$(jq_ 'd["up"]["tasks"]')"

# a signal: the last exit says which
p=$(svc_pid "$d/up")
kill -KILL "$p"
check "up: restarted after KILL" wait_until 10 new_pid "$d/up" "$p"
expect_match "up: last exit signal 9, one restart" '^up up [0-9]+ [0-9]+ - - 1 - .* sig9,[0-9]+s$' "$(row up)"
expect_match "sv -j shows the last exit" '"last_exit":\{"signal":9,"oom":false,"ago":[0-9]+\}' \
	"$("$B/sv" -j status "$d/up")"

# A cgroup as the kernel shows one, planted as supervise/cgroup names it
# (a stand-in directory: the OOM killer and cgroup v2 are not the test's
# to drive): tasks, CPU and memory read, and a KILL while memory.events'
# oom_kill goes up is an OOM kill.
cg=$T/cg; mkdir -p "$cg"
printf '101\n102\n' >"$cg/cgroup.procs"
printf 'usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n' >"$cg/cpu.stat"
echo 4096 >"$cg/memory.current"
printf 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n' >"$cg/memory.events"
mksvc "$d/oom"
start_runsv "$d/oom"
check "oom: up" wait_until 10 state_of oom up
echo "$cg" >"$d/oom/supervise/cgroup.new"; mv "$d/oom/supervise/cgroup.new" "$d/oom/supervise/cgroup"
p=$(svc_pid "$d/oom")
ctl "$d/oom" d; wait_until 10 eval '[ -z "$(svc_pid "$d/oom")" ]'
ctl "$d/oom" u; check "oom: up again (oom_kill counted at its start)" wait_until 10 new_pid "$d/oom" "$p"
expect_match "oom: tasks, CPU, memory from the cgroup" '^oom up [0-9]+ [0-9]+ - - 1 - 2 1.50s 4.0K ' "$(row oom)"
printf 'low 0\nhigh 0\nmax 9\noom 2\noom_kill 1\n' >"$cg/memory.events"
p=$(svc_pid "$d/oom")
kill -KILL "$p"
check "oom: restarted after the kill" wait_until 10 new_pid "$d/oom" "$p"
expect_match "oom: the last exit is an OOM kill" ' sig9\(oom\),[0-9]+s$' "$(row oom)"
expect_match "sv -j: oom true" '"last_exit":\{"signal":9,"oom":true,' "$("$B/sv" -j status "$d/oom")"

# the default tree is $SVDIR, else ~/service
# (names and states: the seconds may tick between the two)
names_states() { awk '{ print $1, $2 }'; }
expect_eq "SVDIR is the default" "$("$W" status "$d" | names_states)" \
	"$(SVDIR=$d "$W" status | names_states)"
"$W" status "$T/none" >/dev/null 2>"$T/err"
expect_eq "a missing tree: exit 1" 1 "$?"
expect_match "... and says which" "unable to open $T/none" "$(cat "$T/err")"
done_testing
