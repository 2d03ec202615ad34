#!/bin/bash
# Cold start of many users, each with S services, ward vs runit by hand:
#   ward:  one `privd -f POLICY` whose policy supervises every user; privd
#          starts a userd per user, each userd a runsv per service; twice:
#          with cgroups (privd in a cgroup of the bench's own, making one
#          cgroup per user) and without (privd seeing the cgroup v2 mount
#          read-only, in a mount namespace of its own: ward as before)
#   runit: what an admin does without ward: one
#          `chpst -u USER runsvdir -P ~USER/service` per user, from a loop
# Reports the time from start until every service's ./run has run, privd's
# memory (PSS of the master and the binder), the supervisors' PSS per
# user (userd + runsvs vs runsvdir + runsvs), and what a user's cgroup
# costs the kernel (Slab + Percpu of /proc/meminfo before and after making
# USERS cgroups as privd makes them, before any run, per cgroup).
# usage: cold.sh [USERS] [SERVICES]    (default 1000 users, 10 services each)
# Needs root.  Creates users wb0000... (removed at exit, with everything
# they run).  Figures are reported, never asserted.
. "$(dirname "$0")/lib.sh"
USERS=${1:-1000}
S=${2:-10}
TIMEOUT=${COLD_TIMEOUT:-600}   # seconds to wait for all services, each side
[ "$(id -u)" = 0 ] || { echo "cold.sh: needs root, skipped"; exit 0; }
for p in privd userd runsv; do
	[ -x "$B/$p" ] || { echo "build/$p missing: run make"; exit 1; }
done
[ -x /usr/bin/runsvdir ] && [ -x /usr/bin/chpst ] || { echo "Debian's runit missing: make deps"; exit 1; }
STAMP=$B/tests/benchstamp
[ -x "$STAMP" ] || { echo "build/tests/benchstamp missing: make bench builds it"; exit 1; }

# Each side runs USERS * (1 + 2*S) processes at once (a scanner, then a
# runsv and a service per service): they must fit under pid_max.
need=$((USERS * (1 + 2 * S)))
have=$(( $(cat /proc/sys/kernel/pid_max) - $(ls /proc | grep -c '^[0-9]') - 2000 ))
[ "$need" -le "$have" ] || {
	echo "cold.sh: $need processes needed, only $have pids free (kernel.pid_max):"
	echo "  run with fewer users (cold.sh USERS) or raise kernel.pid_max"
	exit 1
}

. "$TOP/tests/lib-users.sh"
NAMES=$BT/names UIDS=$BT/names.uids UP=$BT/up
# the users: names wb0000..., made in one batch by newusers(8), locked
users_bench() {
	local i
	for i in $(seq 0 $((USERS - 1))); do printf 'wb%04d\n' "$i"; done >"$NAMES"
	users_make "$NAMES" "$BT/home" "ward bench"
}
kill_users() { users_kill "$NAMES"; }
PRIVD=""
# the bench's own cgroup, beside whatever cgroup it runs in: privd with
# cgroups makes its tree there; killed and removed after that run
CGM=$(awk '/ - cgroup2 / { print $5; exit }' /proc/self/mountinfo)
CGB=""
if [ -n "$CGM" ]; then
	c=$(sed -n 's/^0:://p' /proc/self/cgroup)
	mkdir "$CGM${c%/}/wardbench-$$" 2>/dev/null && CGB=$CGM${c%/}/wardbench-$$
fi
cg_bench_remove() {
	local i
	[ -n "$CGB" ] && [ -d "$CGB" ] || return 0
	echo 1 >"$CGB/cgroup.kill" 2>/dev/null
	for i in $(seq 1 1000); do grep -q '^populated 0' "$CGB/cgroup.events" && break; sleep 0.01; done
	find "$CGB" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
}
cleanup() {
	[ -n "$PRIVD" ] && kill -KILL -- "-$PRIVD" 2>/dev/null
	cg_bench_remove
	[ -z "$CGB" ] || rmdir "$CGB" 2>/dev/null
	users_remove "$NAMES"
	_bcleanup
}
trap cleanup EXIT

# every service's ./run is benchstamp: it appends the time it started to
# ./started, a link to one file for all ($UP), then waits to be killed
trees_make() {
	local n i h
	: >"$UP"; chmod 666 "$UP"
	while read -r n; do
		h=$BT/home/$n
		for i in $(seq 1 "$S"); do
			mkdir -p "$h/service/s$i"
			ln -s "$STAMP" "$h/service/s$i/run"
			ln -s "$UP" "$h/service/s$i/started"
		done
		chown -hR "$n:" "$h"
	done <"$NAMES"
}
trees_reset() { rm -rf "$BT"/home/*/service/*/supervise; : >"$UP"; }

# wait_all T0: seconds from T0 (ns) until the last of USERS*S services
# started; "timeout (N up)" if they did not all start within TIMEOUT
wait_all() {
	local want=$((USERS * S)) i got
	for i in $(seq 1 $((TIMEOUT * 10))); do
		got=$(wc -l <"$UP")
		[ "$got" -ge "$want" ] && break
		sleep 0.1
	done
	got=$(wc -l <"$UP")
	[ "$got" -ge "$want" ] || { echo "timeout ($got up)"; return 1; }
	sort -n "$UP" | tail -1 | awk -v a="$1" '{ printf "%.2f\n", ($1 - a) / 1e9 }'
}
# pss_comm NAME...: PSS (kB) of every process of the bench users named NAME
pss_comm() {
	local pids
	pids=$(ps -e -o pid=,uid=,comm= | awk -v f="$UIDS" -v names=" $* " '
		BEGIN { while ((getline u <f) > 0) own[u] = 1 }
		own[$2] && index(names, " " $3 " ") { print $1 }')
	[ -n "$pids" ] || { echo 0; return; }
	# through cat: a process that is gone by now is skipped, not fatal to awk
	# shellcheck disable=SC2046
	cat $(printf '/proc/%s/smaps_rollup\n' $pids) 2>/dev/null | awk '/^Pss:/ { s += $2 } END { print s + 0 }'
}

# policy: one line a user
policy_make() { local n; for n in $(cat "$NAMES"); do echo "supervise $n"; done >"$BT/policy"; }
# privd takes at most POLICY_MAX_USERS users (privd/policy.h)
max=$(awk '$1 == "#define" && $2 == "POLICY_MAX_USERS" { print $3 }' "$TOP/privd/policy.h")
if [ -n "$max" ] && [ "$USERS" -gt "$max" ]; then
	echo "# privd takes at most $max users (POLICY_MAX_USERS): measuring $max users, not $USERS"
	USERS=$max
fi

t=$(now_ns)
users_bench || exit 1
trees_make
echo "# $USERS users (newusers) and $((USERS * S)) service directories made in" \
	"$(( ($(now_ns) - t) / 1000000000 )) s"
policy_make
"$B/privd" -t -f "$BT/policy" >"$BT/check.log" 2>&1 || {
	echo "cold.sh: privd -t refuses the policy:"; head -3 "$BT/check.log"; exit 1; }

# kmem_kb: what the kernel holds in slabs and per-CPU areas
kmem_kb() { awk '/^(Slab|Percpu):/ { s += $2 } END { print s }' /proc/meminfo; }
# ---- ward: one privd, run_ward cg|nocg ----
# sets ward_s, privd_kb, binder_kb, ward_user_kb
run_ward() {
	local t0 binder i
	t0=$(now_ns)
	if [ "$1" = cg ] && [ -n "$CGB" ]; then
		mkdir -p "$CGB/p"
		setsid sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -f "$3"' _ "$CGB/p" "$B/privd" \
			"$BT/policy" </dev/null >/dev/null 2>"$BT/privd-$1.log" &
	elif [ -n "$CGM" ]; then
		setsid unshare -m --propagation private sh -c 'mount -o remount,bind,ro "$1" &&
			exec "$2" -f "$3"' _ "$CGM" "$B/privd" "$BT/policy" </dev/null >/dev/null 2>"$BT/privd-$1.log" &
	else
		setsid "$B/privd" -f "$BT/policy" </dev/null >/dev/null 2>"$BT/privd-$1.log" &
	fi
	PRIVD=$!
	btrack $PRIVD
	ward_s=$(wait_all "$t0")
	sleep 2
	binder=$(ps -o pid=,args= --ppid "$PRIVD" | awk '$2 == "privd-binder" { print $1 }')
	privd_kb=$(pss_kb "$PRIVD")
	binder_kb=$(pss_kb $binder)
	ward_user_kb=$(( $(pss_comm userd runsv) / USERS ))
	kill -TERM "$PRIVD"
	for i in $(seq 1 150); do kill -0 "$PRIVD" 2>/dev/null || break; sleep 0.1; done
	kill_users
	[ "$1" != cg ] || cg_bench_remove
	trees_reset
}
# run_pair ROUND: both ward sides, without cgroups first in odd rounds and
# last in even ones (ABBA), so that a load drifting one way over the run
# weighs on both alike
run_pair() {
	local side
	for side in $( [ $(($1 % 2)) = 1 ] && echo nocg cg || echo cg nocg); do
		run_ward $side
		if [ $side = nocg ]; then
			nocg_all="$nocg_all $ward_s"
			nocg_user_kb=$ward_user_kb nocg_privd_kb=$privd_kb
		else
			cg_all="$cg_all $ward_s"
			cg_user_kb=$ward_user_kb cg_privd_kb=$privd_kb
		fi
	done
}
# kmem_probe: kB of Slab+Percpu a cgroup costs, made as privd makes the
# users' (the controllers the bench's cgroup has enabled above it): USERS
# of them made, measured, removed; "-" without cgroups
kmem_probe() {
	local c i a b
	[ -n "$CGB" ] || { echo -; return; }
	mkdir "$CGB/probe" || { echo -; return; }
	for c in memory cpu pids; do
		grep -qw $c "$CGB/cgroup.controllers" && echo "+$c" >"$CGB/cgroup.subtree_control"
		grep -qw $c "$CGB/probe/cgroup.controllers" && echo "+$c" >"$CGB/probe/cgroup.subtree_control"
	done 2>/dev/null
	a=$(kmem_kb)
	for i in $(seq 1 "$USERS"); do mkdir "$CGB/probe/u$i"; done
	b=$(kmem_kb)
	for i in $(seq 1 "$USERS"); do rmdir "$CGB/probe/u$i"; done
	rmdir "$CGB/probe"
	awk -v a="$a" -v b="$b" -v n="$USERS" 'BEGIN { printf "%.1f\n", (b - a) / n }'
}
kmem_cg=$(kmem_probe)
# each side ROUNDS times (COLD_ROUNDS, default 2), in ABBA order, the
# median kept: the machine's load drifts
nocg_all="" cg_all=""
for round in $(seq 1 "${COLD_ROUNDS:-2}"); do run_pair "$round"; done
nocg_s=$(printf '%s\n' $nocg_all | median) ward_s=$(printf '%s\n' $cg_all | median)
ward_user_kb=$cg_user_kb privd_kb=$cg_privd_kb
cg_users=$(grep -c '^supervise ' "$BT/policy")

# ---- runit: a runsvdir per user, started by hand ----
t0=$(now_ns)
# in a subshell, so that this shell neither waits for them nor reports them
(while read -r n; do
	setsid /usr/bin/chpst -u "$n" /usr/bin/runsvdir -P "$BT/home/$n/service" </dev/null >/dev/null 2>&1 &
done <"$NAMES")
runit_s=$(wait_all "$t0")
sleep 2
runit_user_kb=$(( $(pss_comm runsvdir runsv) / USERS ))
kill_users

header
row "cold start, $USERS users x $S services, until all up" "$ward_s" "$runit_s" s
row "cold start, $USERS x $S, ward without cgroups (as before)" "$nocg_s" "$runit_s" s
row "supervisors' PSS per user (scanner + $S runsvs)" "$ward_user_kb" "$runit_user_kb" kB
row "supervisors' PSS per user, ward without cgroups" "$nocg_user_kb" "$runit_user_kb" kB
row "privd PSS: master" "$privd_kb" "-" kB
row "privd PSS: master, without cgroups" "$nocg_privd_kb" "-" kB
row "privd PSS: binder" "$binder_kb" "-" kB
row "kernel memory per user's cgroup (Slab+Percpu)" "$kmem_cg" "-" kB
echo "# cold start with cgroups / without: $(ratio "$ward_s" "$nocg_s") (runs, s: with$cg_all; without$nocg_all)" \
	"(privd made $( [ -n "$CGB" ] && echo "a cgroup for each of $cg_users users under $CGB/p" ||
	echo "no cgroups: no cgroup v2 here"))"
echo "# ward: build/privd -f POLICY (supervise wb0000 ... one line a user); runit: one"
echo "# 'chpst -u USER /usr/bin/runsvdir -P ~USER/service' a user, from a bash loop."
echo "# every ./run is build/tests/benchstamp: 'up' = its start time was written."
echo "# kernel memory: Slab+Percpu of /proc/meminfo before and after making $USERS cgroups"
echo "# (with the controllers privd would enable), per cgroup: a rough figure."
grep -i 'error\|fatal' "$BT"/privd-*.log | head -3 | sed 's/^/# privd log: /'
grep -h 'cgroups: ' "$BT"/privd-*.log | sed 's/^/# privd log: /'
exit 0
