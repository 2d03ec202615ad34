#!/bin/bash
# The policy's caps on a user's cgroup: `limit USER memory|memory-high SIZE`,
# `cpu PERCENT%`, `tasks N`.  privd -t checks them (errors name file, line
# and what was expected) and says what this host can enforce; privd writes
# them into the user's cgroup and changes them live on reload, without
# restarting the userd; a cap whose controller the host lacks is said once
# per user and cap, naming the controller.  Checks that need a controller
# this host lacks are reported as skipped, naming it.  Without a writable
# cgroup v2 privd says why once and starts userds as before.
. "$(dirname "$0")/../lib.sh"
lib_use privd cgroup
need_root
cg_need
privd_bin real
make_user $ua || exit 1
su -s /bin/sh $ua -c 'mkdir ~/service'

# privd -t on bad values
cat >"$T/bad" <<P
supervise $ua
limit $ua memory 0
limit $ua memory-high 12q
limit $ua cpu 0%
limit $ua cpu 1.5%
limit $ua tasks none
P
out=$("$B/privd" -t -f "$T/bad" 2>&1)
expect_eq "bad caps: exit 1" 1 "$?"
expect_match "memory 0: file, line, what was expected" \
	"$T/bad:2: bad memory size \"0\" \(expected bytes above 0, optionally with k, m or g, or unlimited\)" "$out"
expect_match "memory-high 12q" "$T/bad:3: bad memory-high size \"12q\"" "$out"
expect_match "cpu 0%" "$T/bad:4: bad cpu share \"0%\" \(expected PERCENT% of one CPU, 1%-100000%: 150% is one and a half CPUs\)" "$out"
expect_match "cpu 1.5%" "$T/bad:5: bad cpu share \"1.5%\"" "$out"
expect_match "tasks none" "$T/bad:6: bad tasks \"none\" \(expected a number of tasks above 0, or unlimited\)" "$out"

# privd -t on good ones: what this host can enforce, from privd's cgroup
printf 'supervise %s\nlimit %s memory 64m\nlimit %s memory-high 48m\nlimit %s cpu 150%%\nlimit %s tasks 50\n' \
	$ua $ua $ua $ua $ua >"$T/policy"
out=$(cd / && sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -t -f "$3"' _ "$CGP" "$B/privd" "$T/policy" 2>&1)
expect_eq "good caps: exit 0" 0 "$?"
expect_match "privd -t names privd's cgroup" "privd: cgroups: v2, privd's cgroup $CGP: each user's tree contained" "$out"
for c in memory:"limit memory, limit memory-high" cpu:"limit cpu PERCENT%" pids:"limit tasks"; do
	n=${c%%:*} what=${c#*:}
	if cg_has $n "$CGP"; then
		expect_match "privd -t: enforces $what" "privd: cgroups: enforces $what" "$out"
	else
		expect_match "privd -t: cannot enforce $what, names the $n controller" \
			"privd: cgroups: cannot enforce $what: no $n controller in $CGP/cgroup.controllers" "$out"
	fi
done

start_privd_cg "$T/policy"
check "ua's userd runs" wait_until 10 eval '[ -n "$(userd_pid $ua)" ]'
da=$(userd_pid $ua)
U=$(cg_user $ua)
# file_is FILE VALUE
file_is() { [ "$(cat "$1" 2>/dev/null)" = "$2" ]; }
# each cap: where the controller is, its file; where not, one warning
caps_are() { # MEMORY HIGH CPU PIDS (what the files hold)
	if cg_skip_unless memory "$U" "$1: memory.max and memory.high written"; then
		check "$1: memory.max $2" wait_until 10 file_is "$U/memory.max" "$2"
		check "$1: memory.high $3" file_is "$U/memory.high" "$3"
	fi
	if cg_skip_unless cpu "$U" "$1: cpu.max written"; then
		check "$1: cpu.max $4" wait_until 10 file_is "$U/cpu.max" "$4"
	fi
	if cg_skip_unless pids "$U" "$1: pids.max written"; then
		check "$1: pids.max $5" wait_until 10 file_is "$U/pids.max" "$5"
	fi
}
caps_are "at start" 67108864 50331648 "150000 100000" 50
# warned COUNT CAP CONTROLLER: the warning for CAP logged COUNT times
warned() {
	local n
	cg_has "$3" "$CGP/ward" && return 0   # enforced: nothing to say
	n=$(grep -c "user $ua: limit $2 .* not applied: no $3 controller in $CGP/ward/cgroup.subtree_control" "$T/privd.log")
	[ "$n" = "$1" ]
}
for c in memory:memory memory-high:memory cpu:cpu tasks:pids; do
	check "at start: limit ${c%%:*}, if not enforceable, said once naming ${c#*:}" \
		wait_until 10 warned 1 ${c%%:*} ${c#*:}
done

# live: new values, the userd kept
printf 'supervise %s\nlimit %s memory 128m\nlimit %s memory-high unlimited\nlimit %s cpu 50%%\nlimit %s tasks 20\n' \
	$ua $ua $ua $ua $ua >"$T/policy"
kill -HUP "$PRIVD"
check "reload read" wait_until 10 eval '[ "$(grep -c "reload: " "$T/privd.log")" = 1 ]'
caps_are "after a reload" 134217728 max "50000 100000" 20
expect_eq "the userd was not restarted" "$da" "$(userd_pid $ua)"
for c in memory:memory cpu:cpu tasks:pids; do
	check "after a reload: limit ${c%%:*} not said again" warned 1 ${c%%:*} ${c#*:}
done
# caps taken out of the policy are lifted
printf 'supervise %s\n' $ua >"$T/policy"
kill -HUP "$PRIVD"
check "second reload read" wait_until 10 eval '[ "$(grep -c "reload: " "$T/privd.log")" = 2 ]'
caps_are "caps removed" max max "max 100000" max
expect_eq "the userd was still not restarted" "$da" "$(userd_pid $ua)"
kill -TERM "$PRIVD"
check "privd stops" wait_until 15 dead "$PRIVD"

# without a writable cgroup v2: said once, and userds start as before
: >"$T/privd.log"
printf 'supervise %s\nlimit %s tasks 50\n' $ua $ua >"$T/policy"
start_privd_nocg "$T/policy"
check "read-only cgroup v2: the userd starts" wait_until 10 eval '[ -n "$(userd_pid $ua)" ]'
expect_eq "why is said once" 1 "$(grep -c 'cgroups: none for users (the cgroup v2 file system holding .* is mounted read-only)' "$T/privd.log")"
expect_eq "no WARD_CGROUP for the userd" "" "$(tr '\0' '\n' <"/proc/$(userd_pid $ua)/environ" | grep '^WARD_CGROUP=')"
check "no cgroup made" test ! -e "$TESTCG/sh/ward"
check "the caps are not said one by one" eval '! grep -q "not applied" "$T/privd.log"'
done_testing
