#!/bin/bash
# Dependencies: the depends file holds a start of ./run until each service
# it names (a sibling in the same tree) is up, and ready if it declares
# readiness; runsv watches with inotify, not a timer.  depends-timeout
# makes a wait a failed start; "NAME restart" restarts the dependent when
# NAME restarts; a cycle is reported and stops only the services in it.
. "$(dirname "$0")/../lib.sh"
lib_use runsv
need_root
U=wd$(( $$ % 100000 ))
make_user "$U" || exit 1
H=$T/home-$U
AS=(setpriv --reuid="$U" --regid="$U" --init-groups)
sv_as() { SVDIR=$H "${AS[@]}" "$B/sv" "$@"; }
run_as() { spawn "${AS[@]}" "$B/runsv" "$H/$1" 2>"$H/$1.err"; }
# has_status NAME REGEX: sv status NAME, as the user, matches
has_status() { [[ $(sv_as status "$1") =~ $2 ]]; }
# not_before A B: the time (ns) in file A is not before the one in file B
not_before() { [ "$(cat "$1")" -ge "$(cat "$2")" ]; }
inotify_fds() { ls -l "/proc/$1/fd" 2>/dev/null | grep -c inotify; }
runsv_of() { "$B/tests/svstat" "$H/$1" | tr ' ' '\n' | sed -n 's/^runsv=//p'; }

# db: ready (notification-fd) 2 s after the test says go (so that the
# test sees it up and not ready); web depends on it
mksvc "$H/db" 'until [ -e go ]; do sleep 0.05; done; sleep 2
date +%s%N >ready.at; echo >&5; exec sleep 100000'
echo 5 >"$H/db/notification-fd"
mksvc "$H/web" 'date +%s%N >started.at; exec sleep 100000'
echo db >"$H/web/depends"
chown -R "$U": "$H"
run_as web
check "web: held, waiting for db (not started yet)" wait_until 10 \
	has_status web '^down: web: [0-9]+s, normally up, want up, waiting for "db"$'
wr=$(runsv_of web)
expect_eq "web's runsv watches with inotify while it waits" 1 "$(inotify_fds "$wr")"
expect_eq "sv -j: waiting_for" db "$(sv_as -j status web | jq -r .waiting_for)"
check "web: not started" test ! -e "$H/web/started.at"
run_as db
check "db: running" wait_until 10 stat_is "$H/db" run
check "web: waits for db's readiness" wait_until 10 \
	has_status web '^down: web: [0-9]+s, normally up, want up, waiting for "db \(not ready\)"$'
touch "$H/db/go"
check "db: ready" wait_until 15 test -s "$H/db/ready.at"
check "web: started once db is ready" wait_until 10 stat_is "$H/web" run
check "web: ./run ran" wait_until 10 test -s "$H/web/started.at"
check "web: its start is after db's readiness" not_before "$H/web/started.at" "$H/db/ready.at"
expect_eq "web's runsv no longer watches (no restart line)" 0 "$(inotify_fds "$wr")"
check "web: runit's status line once it runs" has_status web '^run: web: \(pid [0-9]+\) [0-9]+s$'

# a cycle: a and b wait for each other; lone, in the same tree, runs
mksvc "$H/a"; echo b >"$H/a/depends"
mksvc "$H/b"; echo a >"$H/b/depends"
mksvc "$H/lone"; echo web >"$H/lone/depends"
chown -R "$U": "$H"
run_as a; run_as b; run_as lone
check "lone: runs" wait_until 10 stat_is "$H/lone" run
check "a: the cycle shown" wait_until 10 \
	has_status a '^down: a: [0-9]+s, normally up, want up, dependency cycle "a -> b -> a"$'
check "b: the cycle shown" wait_until 10 has_status b 'dependency cycle "b -> a -> b"$'
check "a: the cycle on stderr" grep -q "runsv $H/a: warning: dependency cycle: a -> b -> a: not started" "$H/a.err"
expect_eq "sv -j: depends_cycle" "a -> b -> a" "$(sv_as -j status a | jq -r .depends_cycle)"
expect_eq "a: never started" 0 "$(svstat_field "$H/a" starts)"

# depends-timeout: a dependency that never comes is a failed start
mksvc "$H/late" 'date +%s%N >started.at; exec sleep 100000'
echo ghost >"$H/late/depends"
echo 1 >"$H/late/depends-timeout"
chown -R "$U": "$H"
run_as late
check "late: depends-timeout reported" wait_until 10 \
	grep -q "runsv $H/late: warning: waiting for ghost: depends-timeout is over" "$H/late.err"
check "late: a failed start, backing off, with the reason" wait_until 10 has_status late \
	'^down: late: [0-9]+s, normally up, want up, (backoff [0-9.]+s, next start in [0-9]+s, "waiting for ghost: depends-timeout is over"|waiting for "ghost")$'
mksvc "$H/ghost"
chown -R "$U": "$H"
run_as ghost
check "late: starts once ghost is up" wait_until 20 stat_is "$H/late" run

# "db restart": app restarts when db does; plain (a plain line) does not
mksvc "$H/app" 'date +%s%N >started.at; exec sleep 100000'
printf 'db restart\n' >"$H/app/depends"
mksvc "$H/plain"
echo db >"$H/plain/depends"
chown -R "$U": "$H"
run_as app; run_as plain
check "app: running" wait_until 10 stat_is "$H/app" run
check "plain: running" wait_until 10 stat_is "$H/plain" run
a=$(svc_pid "$H/app"); p=$(svc_pid "$H/plain"); d=$(svc_pid "$H/db")
check "app's runsv watches db while it runs" test "$(inotify_fds "$(runsv_of app)")" = 1
rm -f "$H/db/ready.at" "$H/app/started.at"
kill "$d"
check "db: restarted" wait_until 10 new_pid "$H/db" "$d"
check "app: restarted" wait_until 20 new_pid "$H/app" "$a"
check "app: reported" grep -q "runsv $H/app: warning: dependency db restarted: restarting" "$H/app.err"
check "db: ready again" wait_until 15 test -s "$H/db/ready.at"
check "app: ./run ran again" wait_until 10 test -s "$H/app/started.at"
check "app: its new start waited for db's new readiness" not_before "$H/app/started.at" "$H/db/ready.at"
expect_eq "plain: not restarted" "$p" "$(svc_pid "$H/plain")"

# a dependency under Debian's runit runsv (no supervise/ward): up is enough
if [ -x /usr/bin/runsv ]; then
	mksvc "$H/rdb"
	mksvc "$H/rweb"
	echo rdb >"$H/rweb/depends"
	chown -R "$U": "$H"
	run_as rweb
	check "rweb: waits for rdb" wait_until 10 has_status rweb 'waiting for "rdb"$'
	spawn "${AS[@]}" /usr/bin/runsv "$H/rdb" 2>"$H/rdb.err"
	check "rweb: starts once runit's runsv runs rdb" wait_until 10 stat_is "$H/rweb" run
fi

# a malformed depends file: a failed start, named
mksvc "$H/bad"
printf 'db\n../etc\n' >"$H/bad/depends"
chown -R "$U": "$H"
run_as bad
check "bad: depends file reported" wait_until 10 \
	grep -q "runsv $H/bad: warning: depends: line 2: not a service name of this tree: ../etc" "$H/bad.err"
expect_eq "bad: not started" 0 "$(svstat_field "$H/bad" starts)"

done_testing
