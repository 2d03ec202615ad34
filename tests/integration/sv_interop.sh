#!/bin/bash
# Interoperability with Debian's runit:
#  1. our sv and Debian's /usr/bin/sv, against Debian's runsv, print the same
#     thing and exit with the same code (seconds masked; pids masked where a
#     command starts a new process, since each run starts its own);
#  2. once build/runsv exists: Debian's sv against our runsv prints what it
#     prints against Debian's runsv (status, up, down, term, once).
. "$(dirname "$0")/../lib.sh"
lib_use sv

maskpid() { sed -E 's/\(pid [0-9]+\)/(pid N)/g'; }

# same WHAT OUT-A RC-A OUT-B RC-B
same() {
	expect_eq "$1: same output" "$2" "$4"
	expect_eq "$1: same exit code" "$3" "$5"
}

# cmp_status WHAT ARGS...: sv ARGS with both, at once, state unchanged
cmp_status() {
	local what=$1 a arc b brc
	shift
	a=$("$RUNIT_SV" "$@" 2>/dev/null); arc=$?
	b=$("$WARD_SV" "$@" 2>/dev/null); brc=$?
	same "$what" "$(mask <<<"$a")" $arc "$(mask <<<"$b")" $brc
}

# cmp_cmd WHAT RESET ARGS...: eval RESET, run Debian's sv ARGS; eval RESET,
# run ours; compare
cmp_cmd() {
	local what=$1 reset=$2 a arc b brc
	shift 2
	eval "$reset" >/dev/null
	a=$("$RUNIT_SV" "$@" 2>/dev/null); arc=$?
	eval "$reset" >/dev/null
	b=$("$WARD_SV" "$@" 2>/dev/null); brc=$?
	same "$what" "$(mask <<<"$a" | maskpid)" $arc "$(mask <<<"$b" | maskpid)" $brc
}

# settle: let a second pass so "status changed after sv started" does not
# depend on both happening within the same second (runit compares seconds)
settle() { sleep 1.1; }

our_sv_vs_debian_sv() {
	local d=$T/ours-vs-runit
	export SVDIR=$d
	mksvc "$d/web" 'trap "" HUP; exec sleep 100000'
	mksvc "$d/web/log" 'exec cat >/dev/null'
	mksvc "$d/dn"
	touch "$d/dn/down"
	mksvc "$d/stub" 'trap "" TERM; exec sleep 100000'
	mksvc "$d/ck"
	printf '#!/bin/sh\ntest -e ready\n' >"$d/ck/check"
	chmod 755 "$d/ck/check"
	# a ./check that passes only if its standard output can be written
	mksvc "$d/ckout"
	printf '#!/bin/sh\necho checked\n' >"$d/ckout/check"
	chmod 755 "$d/ckout/check"
	mksvc "$d/gone"
	mkdir -p "$d/nosup"
	for s in web dn stub ck ckout gone; do supervise "$RUNIT_RUNSV" "$d/$s" || return; done
	gone_pid=$RUNSV_PID
	"$WARD_SV" -w 5 exit gone >/dev/null
	wait_until 5 runsv_gone "$gone_pid"
	wait_until 5 state_is web run

	cmp_status "status: run with log" status web
	cmp_status "status: down, normally down" status dn
	cmp_status "status: several, with failures" status web dn nosuch gone nosup
	cmp_status "status: first letter only" s web
	cmp_status "status: path" status "$d/web"
	cd "$T" && cmp_status "status: ./path" status ./ours-vs-runit/dn
	cd "$TOP" || return
	"$WARD_SV" -v pause web >/dev/null; "$WARD_SV" -w 5 up dn >/dev/null
	cmp_status "status: paused, normally down" status web dn
	"$WARD_SV" -v once dn >/dev/null; "$WARD_SV" -v cont web >/dev/null
	cmp_status "status: want down" status dn
	"$WARD_SV" -w 5 down web/log >/dev/null
	cmp_status "status: log down" status web
	"$WARD_SV" -w 5 up web/log >/dev/null; "$WARD_SV" -w 5 down web >/dev/null
	cmp_status "status: down, normally up" status web
	"$WARD_SV" -w 5 up web >/dev/null

	cmp_cmd "-v up" '"$WARD_SV" -w 5 down dn' -v up dn
	cmp_cmd "-v down" '"$WARD_SV" -w 5 up dn' -v down dn
	cmp_cmd "-v once of a running service" '"$WARD_SV" -w 5 up dn' -v once dn
	cmp_cmd "-v pause" '"$WARD_SV" -w 5 cont web' -v pause web
	cmp_cmd "-v cont" '"$WARD_SV" -w 5 pause web' -v cont web
	cmp_cmd "-v term" '"$WARD_SV" -w 5 up dn; settle' -v term dn
	cmp_cmd "-v hup" '' -v hup web
	cmp_cmd "start" '"$WARD_SV" -w 5 down dn' start dn
	cmp_cmd "stop" '"$WARD_SV" -w 5 up dn' stop dn
	cmp_cmd "restart" '"$WARD_SV" -w 5 up dn; settle' restart dn
	cmp_cmd "try-restart of a down service" '"$WARD_SV" -w 5 down dn' try-restart dn
	cmp_cmd "force-restart" '"$WARD_SV" -w 5 up dn; settle' force-restart dn
	cmp_cmd "reload" '' reload web
	cmp_cmd "check" '' check web dn
	cmp_cmd "-w 1 down: timeout" '"$WARD_SV" -w 1 force-restart stub; wait_until 5 state_is stub run; settle' -w 1 down stub
	cmp_cmd "-w 1 force-stop: kill" '"$WARD_SV" -w 1 force-restart stub; wait_until 5 state_is stub run; settle' -w 1 force-stop stub
	cmp_cmd "check with a failing ./check" '"$WARD_SV" -w 5 up ck; rm -f "$d/ck/ready"' -w 1 check ck
	cmp_cmd "check: ./check's standard output is closed" '' -w 1 check ckout
	cmp_cmd "start with a passing ./check" '"$WARD_SV" -w 5 down ck; touch "$d/ck/ready"' -w 3 start ck
	cmp_cmd "up to a stopped runsv" '' -v up gone
	cmp_cmd "exit to a stopped runsv" '' exit gone
	cmp_cmd "no supervise/" '' -v up nosup
	cmp_cmd "usage: no service" '' status
	cmp_cmd "usage: unknown command" '' frobnicate web
	cmp_cmd "usage: bad option" '' -q status web

	ln -s "$RUNIT_SV" "$T/runit-lsb"; mkdir -p "$T/a" "$T/b"
	ln -s "$RUNIT_SV" "$T/a/dn"; ln -s "$WARD_SV" "$T/b/dn"
	"$WARD_SV" -w 5 down dn
	a=$("$T/a/dn" status); arc=$?; b=$("$T/b/dn" status); brc=$?
	same "LSB status of a down service" "$(mask <<<"$a")" $arc "$(mask <<<"$b")" $brc
	a=$("$T/a/dn" start); arc=$?; "$WARD_SV" -w 5 down dn; b=$("$T/b/dn" start); brc=$?
	same "LSB start" "$(mask <<<"$a" | maskpid)" $arc "$(mask <<<"$b" | maskpid)" $brc
	a=$("$T/a/dn" status); arc=$?; b=$("$T/b/dn" status); brc=$?
	same "LSB status of a running service" "$(mask <<<"$a")" $arc "$(mask <<<"$b")" $brc
}

# debian_sv_on RUNSV DIR: Debian's sv against RUNSV on a fresh tree, the same
# steps each time; the transcript goes to DIR.out (not through $(...): the
# runsvs must be tracked by this shell to be cleaned up)
debian_sv_on() {
	local runsv=$1 d=$2 out=""
	mksvc "$d/web"
	mksvc "$d/web/log" 'exec cat >/dev/null'
	mksvc "$d/dn"
	touch "$d/dn/down"
	supervise "$runsv" "$d/web" || return
	supervise "$runsv" "$d/dn" || return
	wait_until 5 state_is "$d/web" run
	step() {
		local o r
		o=$("$RUNIT_SV" "$@" 2>&1); r=$?
		out+="\$ sv $*"$'\n'"$(mask <<<"$o" | maskpid)"$'\n'"rc=$r"$'\n'
	}
	export SVDIR=$d
	step status web dn
	step -v up dn
	step status dn
	step -v down web
	step status web
	step -v up web
	settle
	step -v term web
	step status web
	step -v once dn
	step status dn
	step -v down dn
	step -v down web/log
	step status web
	step -v up web/log
	step -v exit dn
	echo "$out" >"$d.out"
}

debian_sv_vs_our_runsv() {
	[ -x "$B/runsv" ] || { echo "# build/runsv not built yet: Debian's sv against our runsv not tested"; return; }
	debian_sv_on "$RUNIT_RUNSV" "$T/deb"
	debian_sv_on "$B/runsv" "$T/ward"
	expect_eq "Debian's sv: our runsv answers as Debian's runsv" "$(cat "$T/deb.out")" "$(cat "$T/ward.out")"
	[ -n "${VERBOSE:-}" ] && cat "$T/ward.out"
}

our_sv_vs_debian_sv
debian_sv_vs_our_runsv
done_testing
