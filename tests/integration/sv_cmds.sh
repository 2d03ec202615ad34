#!/bin/bash
# Every sv command on real service directories under each runsv (Debian's, and
# ours when built): what it makes runsv do (signals seen by the service, pids,
# runsv exiting), what sv prints, and its exit code; -v and -w, timeouts and
# the force-* kill, ./check scripts.
. "$(dirname "$0")/../lib.sh"
lib_use sv

# got SIG: the service of $d/sig logged SIG since the log was cleared
got() { grep -qx "$1" "$d/sig/sig.log" 2>/dev/null; }

signal_suite() {
	local runsv=$1 tag=$2 d=$T/$2 pid
	mkdir -p "$d"
	export SVDIR=$d
	mksvc "$d/sig" "$SIGLOG_RUN"
	supervise "$runsv" "$d/sig" || return
	wait_until 5 got start
	# plain commands print nothing and exit 0
	for c in hup:HUP alarm:ALRM interrupt:INT quit:QUIT 1:USR1 2:USR2 cont:CONT; do
		: >"$d/sig/sig.log"
		svrun "$tag: sv ${c%%:*}" 0 '^$' "${c%%:*}" sig
		wait_until 5 got "${c#*:}"
		check "$tag: sv ${c%%:*} sends ${c#*:}" got "${c#*:}"
	done
	pid=$(sv_pid sig)
	"$WARD_SV" pause sig
	wait_until 5 eval 'grep -q "^State:.*T" /proc/$pid/status'
	check "$tag: sv pause stops the process" grep -q '^State:.*T' "/proc/$pid/status"
	svrun "$tag: -v cont" 0 "^ok: run: sig: \(pid $pid\) [0-9]+s$" -v cont sig
	: >"$d/sig/sig.log"
	svrun "$tag: -v term restarts" 0 '^ok: run: sig: \(pid [0-9]+\) [0-9]+s$' -v term sig
	check "$tag: term sent TERM" got TERM
	check "$tag: term: new pid" test "$(sv_pid sig)" != "$pid"
	pid=$(sv_pid sig)
	svrun "$tag: -v kill restarts" 0 '^ok: run: sig: \(pid [0-9]+\) [0-9]+s$' -v kill sig
	check "$tag: kill: new pid" test "$(sv_pid sig)" != "$pid"
	svrun "$tag: -v down" 0 '^ok: down: sig: [0-9]+s, normally up$' -v down sig
	svrun "$tag: -v up" 0 '^ok: run: sig: \(pid [0-9]+\) [0-9]+s$' -v up sig
	svrun "$tag: up when up sends nothing" 0 '^$' up sig
	svrun "$tag: -v once" 0 '^ok: run: sig: \(pid [0-9]+\) [0-9]+s, want down$' -v once sig
	svrun "$tag: -v exit: runsv gone" 0 '^ok: sig: runsv not running$' -v exit sig
	wait_until 5 runsv_gone "$RUNSV_PID"
	check "$tag: runsv exited" runsv_gone "$RUNSV_PID"
	svrun "$tag: command to a stopped runsv" 1 '^fail: sig: runsv not running$' up sig
	svrun "$tag: exit to a stopped runsv is fine" 0 '^ok: sig: runsv not running$' exit sig
}

lsb_suite() {
	local runsv=$1 tag=$2 d=$T/$2 pid
	export SVDIR=$d
	mksvc "$d/web"
	mksvc "$d/web/log" 'exec cat >/dev/null'
	supervise "$runsv" "$d/web" || return
	wait_until 5 state_is web run
	svrun "$tag: stop" 0 '^ok: down: web: [0-9]+s, normally up$' stop web
	svrun "$tag: try-restart of a down service" 0 '^ok: down: web: [0-9]+s, normally up$' try-restart web
	svrun "$tag: check of a down service" 0 '^ok: down: web: ' check web
	svrun "$tag: start" 0 '^ok: run: web: \(pid [0-9]+\) [0-9]+s$' start web
	svrun "$tag: check of a running service" 0 '^ok: run: web: ' check web
	svrun "$tag: reload = hup + status" 0 '^ok: run: web: \(pid [0-9]+\) [0-9]+s$' reload web
	for c in restart try-restart force-reload force-restart; do
		pid=$(sv_pid web)
		svrun "$tag: $c" 0 '^ok: run: web: \(pid [0-9]+\) [0-9]+s$' $c web
		check "$tag: $c: a new process" test "$(sv_pid web)" != "$pid"
	done
	svrun "$tag: force-stop" 0 '^ok: down: web: [0-9]+s, normally up$' force-stop web
	svrun "$tag: shutdown" 0 '^ok: web: runsv not running$' shutdown web
	wait_until 5 runsv_gone "$RUNSV_PID"
	check "$tag: shutdown: runsv exited" runsv_gone "$RUNSV_PID"
	svrun "$tag: check without runsv" 1 '^fail: web: runsv not running$' check web
	svrun "$tag: start without runsv" 1 '^fail: web: runsv not running$' start web
	supervise "$runsv" "$d/web" || return
	svrun "$tag: force-shutdown" 0 '^ok: web: runsv not running$' force-shutdown web
	wait_until 5 runsv_gone "$RUNSV_PID"
	check "$tag: force-shutdown: runsv exited" runsv_gone "$RUNSV_PID"
}

# the stub has set its trap once it is sleep: TERM before that would kill it
stub_armed() { # DIR
	local p
	p=$(cat "$1/supervise/pid" 2>/dev/null) && [ -n "$p" ] &&
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ]
}

# a service that ignores TERM: waiting times out; the force-* commands kill it
timeout_suite() {
	local runsv=$1 tag=$2 d=$T/$2 out rc
	export SVDIR=$d
	mksvc "$d/stub" 'trap "" TERM; exec sleep 100000'
	supervise "$runsv" "$d/stub" || return
	wait_until 5 stub_armed "$d/stub"
	svrun "$tag: -w 1 down times out" 1 '^timeout: run: stub: \(pid [0-9]+\) [0-9]+s, want down, got TERM$' -w 1 down stub
	SVWAIT=1 svrun "$tag: SVWAIT=1 stop times out" 1 '^timeout: run: stub: .*, want down, got TERM$' stop stub
	svrun "$tag: -w 1 force-stop kills" 1 '^kill: run: stub: \(pid [0-9]+\) [0-9]+s, want down, got TERM$' -w 1 force-stop stub
	wait_until 5 state_is stub down
	svrun "$tag: killed" 0 '^down: stub: ' status stub
	svrun "$tag: -w 1 up" 0 '^ok: run: stub: ' -w 1 up stub
	wait_until 5 stub_armed "$d/stub"
	svrun "$tag: -w 1 restart times out" 1 '^timeout: run: stub: .*got TERM$' -w 1 restart stub
	svrun "$tag: -w 1 force-restart kills and restarts" 1 '^kill: run: stub: ' -w 1 force-restart stub
	wait_until 5 eval '[[ $("$WARD_SV" status stub) == "run: stub: "*[0-9]s ]]'
	svrun "$tag: running again after the kill" 0 '^run: stub: \(pid [0-9]+\) [0-9]+s$' status stub
	wait_until 5 stub_armed "$d/stub"
	mksvc "$d/stub2" 'trap "" TERM; exec sleep 100000'
	supervise "$runsv" "$d/stub2" || return
	wait_until 5 stub_armed "$d/stub2"
	out=$("$WARD_SV" -w 1 down stub stub2 nosuch 2>&1); rc=$?
	expect_eq "$tag: exit code counts each timeout and failure" 3 "$rc"
	expect_eq "$tag: one line each" 3 "$(echo "$out" | wc -l)"
	"$WARD_SV" -w 1 force-shutdown stub stub2 >/dev/null
	wait_until 5 runsv_gone "$RUNSV_PID"
}

# ./check decides when a service counts as up (start, restart, check)
check_suite() {
	local runsv=$1 tag=$2 d=$T/$2 out rc
	export SVDIR=$d
	mksvc "$d/ck"
	printf '#!/bin/sh\ntest -e ready\n' >"$d/ck/check"
	chmod 755 "$d/ck/check"
	touch "$d/ck/down"
	supervise "$runsv" "$d/ck" || return
	svrun "$tag: start waits for ./check: timeout" 1 '^timeout: run: ck: \(pid [0-9]+\) [0-9]+s, normally down$' -w 1 start ck
	svrun "$tag: check: timeout" 1 '^timeout: run: ck: ' -w 1 check ck
	(sleep 0.5; touch "$d/ck/ready") &
	svrun "$tag: start: ok once ./check passes" 0 '^ok: run: ck: ' -w 5 start ck
	svrun "$tag: check: ok" 0 '^ok: run: ck: ' check ck
	rm "$d/ck/ready"
	svrun "$tag: restart waits for ./check" 1 '^timeout: run: ck: ' -w 1 restart ck
	(sleep 0.5; touch "$d/ck/ready") &
	svrun "$tag: restart: ok once ./check passes" 0 '^ok: run: ck: ' -w 5 restart ck
	svrun "$tag: down ignores ./check" 0 '^ok: down: ck: ' -w 1 down ck
	svrun "$tag: check of a down service ignores ./check" 0 '^ok: down: ck: ' -w 1 check ck
	"$WARD_SV" -w 1 shutdown ck >/dev/null
}

for r in $(sv_runsvs); do
	tag=$(basename "$(dirname "$r")")-runsv
	signal_suite "$r" "$tag"
	lsb_suite "$r" "$tag-lsb"
	timeout_suite "$r" "$tag-timeout"
	check_suite "$r" "$tag-check"
done
done_testing
