#!/bin/bash
# runit's own sv (/usr/bin/sv) reads our supervise/ files: the same output,
# up to pids and seconds, as for Debian's runsv in the same states.
. "$(dirname "$0")/../lib.sh"
lib_use runsv
[ -x "$RUNIT_SV" ] && [ -x "$RUNIT_RUNSV" ] || skip_all "runit's sv/runsv not installed"

# norm: pids and seconds out; the directory name too
norm() { sed -E "s#$T/(deb|our)#DIR#g; s/\(pid [0-9]+\)/(pid P)/g; s/[0-9]+s/Ns/g"; }  # DIR first: $T may hold a digit and an s

# stat is written before status (by both): wait until sv sees the state too
sv_says() { "$RUNIT_SV" status "$1" | grep -q "^$2"; }

tree() {  # tree DIR: a service with a log, and a service with ./down
	mksvc "$1/a" 'exec sleep 1000'
	mkscript "$1/a/finish" 'sleep 1'
	mkscript "$1/a/log/run" 'exec cat >/dev/null'
	mksvc "$1/b" 'exec sleep 1000'
	touch "$1/b/down"
}
# run_all RUNSV DIR: the same steps; prints what sv says at each
run_all() {
	local d=$2 p
	start_runsv "$d/a" "$1"; p=$RUNSV_PID
	start_runsv "$d/b" "$1"
	wait_until 10 stat_is "$d/a" run; wait_until 10 stat_is "$d/a/log" run
	wait_until 10 sv_says "$d/a" "run: .*; run: log:"
	echo "== up"; "$RUNIT_SV" status "$d/a" "$d/b"
	"$RUNIT_SV" pause "$d/a"; wait_until 10 stat_is "$d/a" "run, paused"
	wait_until 10 sv_says "$d/a" "run: .*paused"
	echo "== paused"; "$RUNIT_SV" status "$d/a"
	"$RUNIT_SV" cont "$d/a"; wait_until 10 stat_is "$d/a" run
	wait_until 10 sv_says "$d/a" "run: [^,]*;"
	"$RUNIT_SV" down "$d/a"; wait_until 10 stat_is "$d/a" "finish, want down"
	wait_until 10 sv_says "$d/a" finish:
	echo "== finish"; "$RUNIT_SV" status "$d/a"
	wait_until 10 stat_is "$d/a" down; wait_until 10 sv_says "$d/a" down:
	echo "== down"; "$RUNIT_SV" status "$d/a"
	echo "== check down"; "$RUNIT_SV" -w 5 check "$d/a"; echo "rc=$?"
	"$RUNIT_SV" once "$d/b"; wait_until 10 stat_is "$d/b" "run, want down"
	wait_until 10 sv_says "$d/b" run:
	echo "== once"; "$RUNIT_SV" status "$d/b"
	echo "== up -w"; "$RUNIT_SV" -w 5 up "$d/a"; echo "rc=$?"
	echo "== down -w"; "$RUNIT_SV" -w 5 down "$d/b"; echo "rc=$?"
	echo "== exit"; "$RUNIT_SV" exit "$d/a"; echo "rc=$?"
	wait_until 10 gone "$p"
	echo "== gone"; "$RUNIT_SV" status "$d/a"; echo "rc=$?"
	"$RUNIT_SV" exit "$d/b" >/dev/null
}
tree "$T/deb"; tree "$T/our"
deb=$(run_all "$RUNIT_RUNSV" "$T/deb" 2>&1 | norm)
our=$(run_all "$B/runsv" "$T/our" 2>&1 | norm)
expect_eq "runit's sv: same output for our runsv as for Debian's" "$deb" "$our"
expect_match "the comparison saw real states" "run: DIR/a: \(pid P\) Ns; run: log: \(pid P\) Ns" "$our"
expect_match "... and a paused one" "paused" "$our"
echo "$our" | sed 's/^/# /'

done_testing
