#!/bin/bash
# A hostile user against their delegated cgroup U (P/ward/user-UID), from
# inside it (a service of theirs): they cannot write U's limit files nor
# cgroup.max.*, cannot move a process out of U (into P, P/privd, P/ward or
# another user's cgroup), cannot make cgroups beside U, cannot plant a
# symlink.  They may make cgroups inside U named like the limit files
# (memory.max ... where the controller is missing, so is the file): root
# never writes into them, a reload with caps leaves privd unaffected, and
# the user's removal kills their cgroup and removes it with all they made.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports cgroup
need_root
cg_need
privd_bin real
for u in $ua $ub; do make_user $u || exit 1; as $u mkdir "$(home $u)/service"; done
printf 'supervise %s\nsupervise %s\n' $ua $ub >"$T/policy"
start_privd_cg "$T/policy"
U=$(cg_user $ua) UB=$(cg_user $ub)
check "ub's cgroup made" wait_until 10 test -d "$UB"

# the hostile service: each attempt says yes or no in ~/tries
cat >"$T/hostile" <<EOF
U=$U P=$CGP UB=$UB
try() { if sh -c "\$2" 2>/dev/null; then echo "\$1 yes"; else echo "\$1 no"; fi >>\$HOME/tries.new; }
for f in cgroup.max.depth cgroup.max.descendants memory.max memory.high cpu.max pids.max; do
	[ ! -f \$U/\$f ] || try "write \$f" "echo 1 >\$U/\$f"
done
try "move into P" 'echo \$\$ >\$P/cgroup.procs'
try "move into P/privd" 'echo \$\$ >\$P/privd/cgroup.procs'
try "move into P/ward" 'echo \$\$ >\$P/ward/cgroup.procs'
try "move into the other user's cgroup" 'echo \$\$ >\$UB/cgroup.procs'
try "make a cgroup beside U" 'mkdir \$P/ward/user-0'
try "plant a symlink in U" 'ln -s /etc/shadow \$U/evil'
for f in memory.max memory.high cpu.max pids.max; do [ -e \$U/\$f ] || mkdir \$U/\$f; done
mkdir -p \$U/deep/a/b/c/d/e/f/g
sh -c 'echo \$\$ >\$U/deep/a/cgroup.procs && exec sleep 100000' &
mv \$HOME/tries.new \$HOME/tries
exec sleep 100000
EOF
svc $ua evil "" "$(cat "$T/hostile")"
rm -f "$(svdir $ua evil)/listen"
tries=$(home $ua)/tries
check "the hostile service ran its tries" wait_until 15 test -e "$tries"
expect_eq "every try failed" "" "$(grep ' yes$' "$tries")"
expect_match "U's limit files were tried (those this host has)" "write cgroup.max.depth no" "$(cat "$tries")"
for t in "move into P" "move into P/privd" "move into P/ward" "move into the other user's cgroup" \
	"make a cgroup beside U" "plant a symlink in U"; do
	expect_eq "cannot $t" "$t no" "$(grep "^$t " "$tries")"
done
evil=$(user_svc_pid $ua evil)
check "the service is still in U" eval '[[ $(cg_of $evil) == $U* ]]'
check "U's limit files are still root's" eval '[ -z "$(find "$U" -maxdepth 1 -type f ! -user root ! -name cgroup.procs ! -name cgroup.threads ! -name cgroup.subtree_control)" ]'

# caps on reload: root writes no file the user made
printf 'supervise %s\nsupervise %s\nlimit %s memory 64m\nlimit %s memory-high 32m\nlimit %s cpu 20%%\nlimit %s tasks 40\n' \
	$ua $ub $ua $ua $ua $ua >"$T/policy"
da=$(userd_pid $ua)
kill -HUP "$PRIVD"
check "reload read" wait_until 10 logged "reload: "
for f in memory.max memory.high cpu.max pids.max; do
	if [ -d "$U/$f" ] && [ "$(stat -c %U "$U/$f")" = "$ua" ]; then
		expect_eq "the user's cgroup named $f got nothing from root" "" \
			"$(find "$U/$f" -newer "$tries" -user root -name "$f" 2>/dev/null; cat "$U/$f/cgroup.procs")"
	fi
done
check "privd did not fail on them" eval '! logged "unable to write"'
check "privd still runs" alive "$PRIVD"
expect_eq "the userd was not restarted" "$da" "$(userd_pid $ua)"

# removal: everything killed, every cgroup the user made removed, then U
sub=$(cat "$U/deep/a/cgroup.procs")
printf 'supervise %s\n' $ub >"$T/policy"
kill -HUP "$PRIVD"
check "the process in the user's own sub-cgroup is killed" wait_until 10 dead "$sub"
check "the hostile service is killed" wait_until 10 dead "$evil"
check "U is removed with all the user made in it" wait_until 10 eval '[ ! -e "$U" ]'
check "the other user's cgroup stays" test -d "$UB"
check "privd still runs" alive "$PRIVD"
done_testing
