#!/bin/bash
# ward's additions to sv: readiness, STATUS text and backoff from
# supervise/ward in `sv status` (after runit's part of each service, so
# runit's parsers still work), `sv -w N up|start|restart` waiting for declared
# readiness, and `sv -j status` JSON.  supervise/ward is written by the
# tests/helpers/sv_ward helper next to Debian's runsv, which does not write it.
. "$(dirname "$0")/../lib.sh"
lib_use sv
W=$B/tests/sv_ward
command -v jq >/dev/null || skip_all "jq not installed (tests/deps.sh installs it)"

d=$T/svc
export SVDIR=$d
mksvc "$d/web"
mksvc "$d/web/log" 'exec cat >/dev/null'
supervise "$RUNIT_RUNSV" "$d/web" || done_testing
web_runsv=$RUNSV_PID
wait_until 5 state_is web run

# --- status text ---
"$W" "$d/web" runsv=$web_runsv ready=wait
svrun "declared, not yet ready" 0 '^run: web: \(pid [0-9]+\) [0-9]+s, not ready; run: log: \(pid [0-9]+\) [0-9]+s$' status web
"$W" "$d/web" runsv=$web_runsv ready=yes ready_ago=0 'text=Listening on :80'
svrun "ready and STATUS text, before the log part" 0 \
	'^run: web: \(pid [0-9]+\) [0-9]+s, ready [0-9]+s, "Listening on :80"; run: log: ' status web
out=$("$WARD_SV" status web)
expect_match "runit's parse of the line still works" '^run: web: \(pid [0-9]+\) [0-9]+s' "$(echo "$out" | sed 's/,.*//')"
"$W" "$d/web" runsv=$web_runsv ready=yes ready_ago=100000
svrun "ready before this run began: not ready" 0 '^run: web: \(pid [0-9]+\) [0-9]+s, not ready; ' status web
"$W" "$d/web" runsv=$web_runsv "text=$(printf 'evil\033[2J\nline "q"')"
svrun "hostile STATUS text escaped on one line" 0 \
	'^run: web: \(pid [0-9]+\) [0-9]+s, "evil\\x1b\[2J\\x0aline \\"q\\""; run: log: ' status web

# a supervise/ward whose runsv is gone is left over: ignore it
sleep 0 & dead=$!; wait $dead
"$W" "$d/web" runsv=$dead ready=wait text=stale
svrun "ward file of a dead runsv ignored" 0 '^run: web: \(pid [0-9]+\) [0-9]+s; run: log: ' status web
head -c 256 /dev/urandom >"$d/web/supervise/ward"
printf '\2' | dd of="$d/web/supervise/ward" bs=1 count=1 conv=notrunc 2>/dev/null   # unknown version
out=$("$WARD_SV" status web 2>"$T/err"); rc=$?
expect_eq "malformed ward file: still exit 0" 0 "$rc"
expect_match "malformed ward file: runit's status" '^run: web: \(pid [0-9]+\) [0-9]+s; run: log: ' "$out"
expect_match "malformed ward file: warning on stderr" 'warning: web: ignoring supervise/ward: bad format' "$(cat "$T/err")"
rm -f "$d/web/supervise/ward"

# backoff: a state runsv passes through, so a stand-in: a FIFO reader plays
# runsv and the helper writes supervise/status too
mkdir -p "$d/crash/supervise"
mkfifo "$d/crash/supervise/ok"
exec {okfd}<>"$d/crash/supervise/ok"
"$W" "$d/crash" runsv=$$ backoff_ms=4000 next_in=3 state=down want=u since_ago=1
svrun "backoff and next start" 0 '^down: crash: [0-9]+s, normally up, want up, backoff 4s, next start in [0-9]s$' status crash
"$W" "$d/crash" runsv=$$ backoff_ms=4000 next_in=3 state=down want=d since_ago=1
svrun "no backoff shown when wanted down" 0 '^down: crash: [0-9]+s, normally up$' status crash

# the status says whether to read the ward (odd nanoseconds: see status.h);
# runit's runsv writes even ones, so a ward beside it without ward's runsv
# writing its status is not read
"$W" "$d/web" runsv=$web_runsv ready=wait
n=$(od -An -tu1 -j11 -N1 "$d/web/supervise/status")
printf "\\$(printf %o $((n & ~1)))" | dd of="$d/web/supervise/status" bs=1 seek=11 conv=notrunc 2>/dev/null
svrun "a whole ward, runit's status (no mark): not read" 0 '^run: web: \(pid [0-9]+\) [0-9]+s; run: log: ' status web
rm -f "$d/web/supervise/ward"

# runit's runsv where ward's left a marked status and a whole ward (whose
# runsv pid is alive, this shell's): runit's runsv writes the status anew
# as it starts, unmarked, so sv shows runit's line and never the ward
mksvc "$d/left"
mkdir -p "$d/left/supervise"
mkfifo "$d/left/supervise/ok"
exec {leftfd}<>"$d/left/supervise/ok"
"$W" "$d/left" runsv=$$ state=run pid=$$ since_ago=5 'text=left behind'
svrun "a marked status, its ward shown (the setup)" 0 '^run: left: \(pid [0-9]+\) [0-9]+s, "left behind"$' status left
exec {leftfd}>&-
supervise "$RUNIT_RUNSV" "$d/left" || done_testing
wait_until 5 eval '[[ $(od -An -tu4 -j12 -N4 "$d/left/supervise/status") -ne $$ ]]'
expect_eq "runit's runsv rewrote the status: even nanoseconds" 0 \
	"$(( $(od -An -tu1 -j11 -N1 "$d/left/supervise/status") % 2 ))"
svrun "runit's runsv over a ward left behind: runit's line" 0 '^run: left: \(pid [0-9]+\) [0-9]+s$' status left

# -w waiting for declared readiness: with ward's runsv, below (a runsv
# that does not write supervise/ward rewrites its status unmarked)
mksvc "$d/rd"
touch "$d/rd/down"
supervise "$RUNIT_RUNSV" "$d/rd" || done_testing

# --- JSON ---
"$W" "$d/web" runsv=$web_runsv ready=yes ready_ago=0 starts=3 "text=$(printf 'a "b" \\ c\té\001\377')"
out=$("$WARD_SV" -j status web nosuch rd crash); rc=$?
expect_eq "-j: exit code counts failures as status does" 1 "$rc"
expect_eq "-j: one line per service" 4 "$(echo "$out" | wc -l)"
check "-j: every line is valid JSON" jq -e . <<<"$out" >/dev/null
line1=$(echo "$out" | sed -n 1p)
expect_eq "-j: fields of a running service" 'web run true true up up false 3 null' \
	"$(jq -r '[.name, .state, (.pid > 0), .ready, .want, .normally, .paused, .starts, .next_start_in] | map(tostring) | join(" ")' <<<"$line1" 2>&1)"
expect_eq "-j: STATUS text round-trips, invalid UTF-8 replaced" "$(printf 'a "b" \\ c\té\001\357\277\275')" \
	"$(jq -j .status_text <<<"$line1")"
expect_eq "-j: log object" 'run null' "$(jq -r '[.log.state, .log.log] | map(tostring) | join(" ")' <<<"$line1")"
expect_eq "-j: error object" 'nosuch unknown unable to change to service directory: file does not exist null' \
	"$(echo "$out" | sed -n 2p | jq -r '[.name, .state, .error, .log] | map(tostring) | join(" ")')"
expect_eq "-j: down service, normally down, no log" 'down null down null' \
	"$(echo "$out" | sed -n 3p | jq -r '[.state, .pid, .normally, .log] | map(tostring) | join(" ")')"
expect_eq "-j: no backoff while wanted down" '0 null' \
	"$(echo "$out" | sed -n 4p | jq -r '[.backoff_ms, .next_start_in] | map(tostring) | join(" ")' 2>&1)"
"$W" "$d/crash" runsv=$$ backoff_ms=4000 next_in=3 state=down want=u since_ago=1
expect_eq "-j: backoff while wanted up" '4000 true' \
	"$("$WARD_SV" -j status crash | jq -r '[.backoff_ms, (.next_start_in >= 0)] | map(tostring) | join(" ")' 2>&1)"
name=$(printf 'we"ird\nname')
out=$("$WARD_SV" -j status "$name")
expect_eq "-j: hostile service name escaped" "$name" "$(jq -j .name <<<"$out")"
svrun "-j with another command: usage" 100 '-j works with the status command only' -j up web
exec {okfd}>&-

# --- with ward's own runsv, which writes supervise/ward itself ---
our_runsv_suite() {
	local o=$T/ours out
	export SVDIR=$o
	mksvc "$o/rdy" 'sleep 1; echo >&3; exec sleep 100000'
	echo 3 >"$o/rdy/notification-fd"
	touch "$o/rdy/down"
	mksvc "$o/never" 'exec sleep 100000'
	echo 3 >"$o/never/notification-fd"
	touch "$o/never/down"
	mksvc "$o/crash" 'exit 1'
	mksvc "$o/plain" 'exec sleep 100000'
	for s in rdy never crash plain; do supervise "$B/runsv" "$o/$s" || return; done
	# nothing for a status line: the brief form, which sv need not read
	wait_until 10 test -s "$o/plain/supervise/pid"
	expect_eq "our runsv: a plain service's ward is brief (56 bytes)" 56 \
		"$(stat -c %s "$o/plain/supervise/ward")"
	svrun "our runsv: brief ward, plain status line" 0 '^run: plain: \(pid [0-9]+\) [0-9]+s$' status plain
	expect_eq "our runsv: -j reads the brief ward's starts" '1' \
		"$("$WARD_SV" -j status plain | jq -r .starts)"
	svrun "our runsv: -w up waits for the notification fd" 0 \
		'^ok: run: rdy: \(pid [0-9]+\) [0-9]+s, normally down, ready [0-9]+s$' -w 5 up rdy
	svrun "our runsv: status shows ready" 0 '^run: rdy: \(pid [0-9]+\) [0-9]+s, normally down, ready [0-9]+s$' status rdy
	expect_eq "our runsv: readiness to show: the whole ward (272 bytes)" 272 \
		"$(stat -c %s "$o/rdy/supervise/ward")"
	svrun "our runsv: -w restart waits for the new run's readiness" 0 \
		'^ok: run: rdy: \(pid [0-9]+\) [0-9]+s, normally down, ready [0-9]+s$' -w 5 restart rdy
	expect_eq "our runsv: readiness to show: the status carries the mark (odd ns)" 1 \
		"$(( $(od -An -tu1 -j11 -N1 "$o/rdy/supervise/status") % 2 ))"
	expect_eq "our runsv: nothing to show: no mark (even ns)" 0 \
		"$(( $(od -An -tu1 -j11 -N1 "$o/plain/supervise/status") % 2 ))"
	svrun "our runsv: -w up without declared readiness: as runit" 0 '^ok: run: plain: ' -w 1 up plain
	svrun "our runsv: never ready: timeout" 1 \
		'^timeout: run: never: \(pid [0-9]+\) [0-9]+s, normally down, not ready$' -w 1 up never
	wait_until 10 eval '[[ $("$WARD_SV" status crash) == *backoff* ]]'
	svrun "our runsv: a crash loop shows its backoff" 0 \
		'^down: crash: [0-9]+s, normally up, want up, backoff [0-9.]+s, next start in [0-9]+s$' status crash
	out=$("$WARD_SV" -j status rdy crash)
	expect_eq "our runsv: -j ready and starts" 'true 2' "$(sed -n 1p <<<"$out" | jq -r '[.ready, .starts] | map(tostring) | join(" ")')"
	svrun "our runsv: -w down ignores readiness" 0 '^ok: down: rdy: ' -w 5 down rdy
	"$WARD_SV" -w 5 down never plain >/dev/null
}
if [ -x "$B/runsv" ]; then
	our_runsv_suite
else
	echo "# build/runsv not built yet: sv with ward's runsv not tested"
fi
done_testing
