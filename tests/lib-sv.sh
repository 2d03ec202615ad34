# Helpers for the sv integration tests (tests/integration/sv_*.sh).
# lib_use sv (tests/lib.sh).  Every runsv is started by absolute path: $B/runsv
# (ours) or /usr/bin/runsv (Debian's), never through PATH.
WARD_SV=$B/sv   # ours; runit's is $RUNIT_SV

# runsvs the tests run against: Debian's always, ours once it is built
sv_runsvs() {
	echo "$RUNIT_RUNSV"
	[ -x "$B/runsv" ] && echo "$B/runsv"
	return 0
}

# a run script that writes every signal it gets to ./sig.log
SIGLOG_RUN='echo start >>sig.log
for s in HUP ALRM INT QUIT USR1 USR2 CONT; do trap "echo $s >>sig.log" $s; done
trap "echo TERM >>sig.log; exit 0" TERM
while :; do sleep 0.05; done'

# supervise RUNSV DIR: supervise DIR (and DIR/log if any) in the background;
# returns when sv can talk to it.
# Sets RUNSV_PID.
supervise() {
	local runsv=$1 dir=$2
	# a background job of a script starts with INT and QUIT ignored, and
	# would hand that down to the service: give runsv the defaults
	spawn env --default-signal=INT,QUIT "$runsv" "$dir"
	RUNSV_PID=$SPAWNED
	wait_until 5 runsv_started "$dir" || { notok "runsv $dir started"; return 1; }
	return 0
}
# runsv_started DIR: sv status succeeds (runsv and its log's read supervise/ok,
# a status file left by an earlier runsv is not enough), and the first start
# is no longer pending (runsv may write "down, want up" before it), or
# ward's runsv says it is delayed on purpose
runsv_started() {
	local out part
	out=$("$WARD_SV" status "$1" 2>&1) || return 1
	while [ -n "$out" ]; do   # the service's part, then its log's
		part=${out%%; *}
		[[ $part == "down: "*", want up"* && $part != *", backoff "* ]] && return 1
		[ "$part" = "$out" ] && break
		out=${out#*; }
	done
	return 0
}

# state_is DIR WORD: sv status of DIR begins with WORD (run/down/finish)
state_is() { [[ $("$WARD_SV" status "$1" 2>/dev/null) == "$2: "* ]]; }
# sv_pid DIR: the pid sv status shows, or nothing
sv_pid() { "$WARD_SV" status "$1" 2>/dev/null | sed -n 's/^[a-z]*: [^(]*(pid \([0-9]*\)).*/\1/p'; }

# mask: hide the numbers that differ between two runs at different moments
mask() { sed -E 's/(\) |: )[0-9]+s/\1Ns/g; s/ready [0-9]+s/ready Ns/g'; }

# runsv_gone PID: the process has exited (a zombie counts as gone)
runsv_gone() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

# svrun WHAT EXPECTED-RC EXPECTED-OUT-REGEX SV-ARGS...: run $WARD_SV, check both
svrun() {
	local what=$1 erc=$2 eout=$3 out rc
	shift 3
	out=$("$WARD_SV" "$@" 2>&1)
	rc=$?
	expect_eq "$what: exit code" "$erc" "$rc"
	expect_match "$what: output" "$eout" "$out"
}
