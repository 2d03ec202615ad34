#!/bin/bash
# sv status on real service directories under each runsv (Debian's, and ours
# when built): runit's text for run/down/finish, the "normally up/down",
# "want", "paused", "got TERM" and log annotations, names vs paths vs $SVDIR,
# exit codes, broken status files, the LSB init-script mode, and the default
# services directory of a user.
. "$(dirname "$0")/../lib.sh"
lib_use sv

status_suite() {
	local runsv=$1 tag=$2 d=$T/$2 out rc
	mkdir -p "$d"
	export SVDIR=$d
	mksvc "$d/web"
	mksvc "$d/web/log" 'exec cat >/dev/null'
	mksvc "$d/dn"
	touch "$d/dn/down"
	mksvc "$d/fin" 'sleep 0.2; exit 1'
	printf '#!/bin/sh\nexec sleep 2\n' >"$d/fin/finish"
	chmod 755 "$d/fin/finish"
	supervise "$runsv" "$d/web" || return
	supervise "$runsv" "$d/dn" || return
	supervise "$runsv" "$d/fin" || return
	fin_pid=$RUNSV_PID
	wait_until 5 state_is "$d/web" run

	out=$("$WARD_SV" status web)
	expect_match "$tag: run with log" '^run: web: \(pid [0-9]+\) [0-9]+s; run: log: \(pid [0-9]+\) [0-9]+s$' "$out"
	svrun "$tag: down, normally down" 0 '^down: dn: [0-9]+s$' status dn
	# runsv writes "finish" (pid 0) just before it starts ./finish
	wait_until 5 eval '[[ $("$WARD_SV" status fin) == "finish: fin: (pid "[1-9]* ]]'
	svrun "$tag: finish state" 0 '^finish: fin: \(pid [0-9]+\) [0-9]+s$' status fin

	"$WARD_SV" up dn && wait_until 5 state_is "$d/dn" run
	svrun "$tag: normally down annotation" 0 '^run: dn: \(pid [0-9]+\) [0-9]+s, normally down$' status dn
	"$WARD_SV" pause dn
	wait_until 5 eval '[[ $("$WARD_SV" status dn) == *paused* ]]'
	svrun "$tag: paused" 0 ', normally down, paused$' status dn
	"$WARD_SV" -v cont dn >/dev/null
	"$WARD_SV" -v once dn >/dev/null
	svrun "$tag: want down after once" 0 '^run: dn: \(pid [0-9]+\) [0-9]+s, normally down, want down$' status dn
	"$WARD_SV" down web && wait_until 5 state_is "$d/web" down
	svrun "$tag: normally up annotation, log still runs" 0 '^down: web: [0-9]+s, normally up; run: log: ' status web
	"$WARD_SV" down web/log && wait_until 5 state_is "$d/web/log" down
	svrun "$tag: log down" 0 '^down: web: [0-9]+s, normally up; down: log: [0-9]+s, normally up$' status web
	"$WARD_SV" -w 5 up web web/log >/dev/null

	# names vs paths: a name is looked up in $SVDIR, anything with a leading
	# . or / or a trailing / is a path from the current directory
	cd "$T" || return
	svrun "$tag: name in SVDIR" 0 '^run: web: ' status web
	svrun "$tag: absolute path" 0 "^run: $d/web: " status "$d/web"
	svrun "$tag: ./path" 0 "^run: ./$tag/web: " status "./$tag/web"
	svrun "$tag: trailing slash is a path" 0 "^run: $tag/web/: " status "$tag/web/"
	svrun "$tag: name not in SVDIR" 1 '^fail: nosuch: unable to change to service directory: file does not exist$' status nosuch
	svrun "$tag: trailing-slash path not in cwd" 1 '^fail: web/: unable to change to service directory: file does not exist$' status web/
	out=$(SVDIR=$d/web "$WARD_SV" status log)
	expect_match "$tag: SVDIR from the environment" '^run: log: ' "$out"
	# names and paths mixed in one call: each relative one from where sv
	# started, whatever directory the one before left sv in
	out=$("$WARD_SV" status "$tag/web/" web "$d/dn" "./$tag/dn" dn "$tag/web/" 2>&1 | sed 's/[0-9]//g')
	expect_eq "$tag: names and paths mixed" "$(for a in "$tag/web/" web "$d/dn" "./$tag/dn" dn "$tag/web/"; do
		"$WARD_SV" status "$a" 2>&1; done | sed 's/[0-9]//g')" "$out"

	# several services: one line each, exit code counts the failures
	out=$("$WARD_SV" status web nosuch dn nosuch2 2>&1)
	rc=$?
	expect_eq "$tag: exit code = failed services" 2 "$rc"
	expect_eq "$tag: one line per service" 4 "$(echo "$out" | wc -l)"

	# a log directory that no runsv watches: the warning alone, not the
	# service's status again under the name "log" (Debian's sv does that)
	mkdir "$d/dn/log"
	out=$("$WARD_SV" status dn); rc=$?
	expect_eq "$tag: unsupervised log: counts as a failure" 1 "$rc"
	expect_match "$tag: unsupervised log: warning after the service's part" \
		"^run: dn: \(pid [0-9]+\) [0-9]+s, normally down, want down; warning: dn/log: unable to open supervise/ok: file does not exist\$" "$out"
	rmdir "$d/dn/log"

	# runsv gone but supervise/ left behind
	"$WARD_SV" exit fin
	wait_until 10 runsv_gone "$fin_pid"
	svrun "$tag: runsv not running" 1 '^fail: fin: runsv not running$' status fin

	cd "$TOP" || return   # kill_under "$T" at exit would also kill this shell
}

broken_suite() {
	local d=$T/broken out
	export SVDIR=$d
	mkdir -p "$d/nosup" "$d/bad/supervise" "$d/short/supervise" "$d/huge/supervise"
	svrun "no supervise/ directory" 1 '^warning: nosup: unable to open supervise/ok: file does not exist$' status nosup
	# a FIFO with a reader stands in for runsv, so only the status file is wrong
	for s in bad short huge; do
		mkfifo "$d/$s/supervise/ok"
		exec {fd}<>"$d/$s/supervise/ok"
		fds="${fds:-} $fd"
	done
	printf '\x40\0\0\0\0\0\0\0\0\0\0\0\1\0\0\0\0u\0\7' >"$d/bad/supervise/status"
	printf 'short' >"$d/short/supervise/status"
	head -c 21 /dev/zero >"$d/huge/supervise/status"
	svrun "state byte out of range" 1 '^warning: bad: unable to read supervise/status: bad format$' status bad
	svrun "status file too short" 1 '^warning: short: unable to read supervise/status: bad format$' status short
	svrun "status file too long" 1 '^warning: huge: unable to read supervise/status: bad format$' status huge
	rm "$d/short/supervise/status"
	svrun "status file missing" 1 '^warning: short: unable to open supervise/status: file does not exist$' status short
	expect_eq "a bad file fails only its own service" 4 "$("$WARD_SV" status bad short nosup nosuch >/dev/null 2>&1; echo $?)"
	for fd in $fds; do exec {fd}>&-; done
}

usage_suite() {
	local out rc
	out=$("$WARD_SV" 2>&1); rc=$?
	expect_eq "no arguments: exit 100" 100 "$rc"
	expect_match "usage line" '^usage: sv \[-v\] \[-j\] \[-w sec\] command service \.\.\.' "$out"
	svrun "no service: usage" 100 '^usage: ' status
	svrun "unknown command: usage" 100 '^usage: ' bogus web
	svrun "unknown option" 100 '^sv: illegal option -- x' -x status web
	svrun "-w without argument" 100 '^sv: option requires an argument -- w' -w
	svrun "-V prints a version, then usage" 100 'ward' -V status web
	"$WARD_SV" status $(seq 1 120) >/dev/null 2>&1
	expect_eq "exit code: at most 99 failed services" 99 "$?"
}

lsb_suite() {
	local runsv=$1 d=$T/lsb out rc
	export SVDIR=$d
	mksvc "$d/lweb"
	touch "$d/lweb/down"
	supervise "$runsv" "$d/lweb" || return
	ln -s "$WARD_SV" "$T/lweb"
	ln -s "$WARD_SV" "$T/lnone"
	out=$("$T/lweb" status); rc=$?
	expect_eq "LSB: status of a down service exits 3" 3 "$rc"
	expect_match "LSB: status names the service" '^down: lweb: ' "$out"
	out=$("$T/lweb" start); rc=$?
	expect_eq "LSB: start exits 0" 0 "$rc"
	expect_match "LSB: start reports" '^ok: run: lweb: ' "$out"
	"$T/lweb" status >/dev/null; rc=$?
	expect_eq "LSB: status of a running service exits 0" 0 "$rc"
	"$T/lweb" frobnicate 2>/dev/null; rc=$?
	expect_eq "LSB: unknown action exits 2" 2 "$rc"
	"$T/lweb" stat 2>/dev/null; rc=$?
	expect_eq "LSB: only the full word status" 2 "$rc"
	out=$("$T/lnone" status); rc=$?
	expect_eq "LSB: missing service exits 1" 1 "$rc"
	"$T/lweb" stop >/dev/null
	# the service's own state decides, not its log's (Debian's sv exits 0 here)
	mksvc "$d/llog"
	mksvc "$d/llog/log" 'exec cat >/dev/null'
	touch "$d/llog/down"
	supervise "$runsv" "$d/llog" || return
	ln -s "$WARD_SV" "$T/llog"
	out=$("$T/llog" status); rc=$?
	expect_eq "LSB: status of a down service with a running log exits 3" 3 "$rc"
	expect_match "LSB: ... and shows both" '^down: llog: [0-9]+s; run: log: ' "$out"
}

home_suite() {
	local runsv=$1 u=wssv1 h out
	make_user $u || return
	h=$(getent passwd $u | cut -d: -f6)
	mksvc "$h/service/hweb"
	chown -R $u: "$h/service"
	setpriv --reuid=$u --regid=$u --init-groups "$runsv" "$h/service/hweb" </dev/null >/dev/null 2>&1 &
	track $!
	user_status() {
		out=$(cd / && env -u SVDIR HOME="$h" setpriv --reuid=$u --regid=$u --init-groups "$WARD_SV" status hweb 2>&1)
		[[ $out == "run: "* ]]
	}
	wait_until 5 user_status
	expect_match "a user's default services directory is ~/service" '^run: hweb: \(pid [0-9]+\) ' "$out"
	out=$(cd / && env -u SVDIR HOME=/root "$WARD_SV" status hweb 2>&1)
	expect_match "root's default is /etc/service/" '^fail: hweb: unable to change to service directory' "$out"
}

for r in $(sv_runsvs); do
	tag=$(basename "$(dirname "$r")")-runsv   # bin-runsv or build-runsv
	status_suite "$r" "$tag"
done
broken_suite
usage_suite
lsb_suite "$RUNIT_RUNSV"
home_suite "$RUNIT_RUNSV"
done_testing
