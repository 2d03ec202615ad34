#!/bin/bash
# privd's cgroup tree on this machine's real cgroup v2 hierarchy: privd
# (and its binder) in the leaf P/privd, root's P/ward, one cgroup per user
# delegated to them (the directory, cgroup.procs, cgroup.threads and
# cgroup.subtree_control theirs, the rest root's), the userd started inside
# it with WARD_CGROUP naming it.  A user removed from the policy: their
# whole cgroup killed, a double-forked setsid daemon holding their granted
# port too, so the port is free; their cgroup removed; the other user's
# tree untouched.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports cgroup
need_root
cg_need
privd_bin real
PORT=$(( 700 + $$ % 40 ))
has_userd() { userd_pid "$1" >/dev/null; }
for u in $ua $ub; do make_user $u || exit 1; as $u mkdir "$(home $u)/service"; done
# ua's service: privbind gets it the granted port, then a daemon that forks
# twice and calls setsid takes the socket with it; the main process sleeps
cat >"$T/run" <<EOF
#!/bin/sh
exec $B/privbind tcp $LO:$PORT -- sh -c '(setsid sh -c "echo \\\$\\\$ >\$HOME/daemon.pid; exec sleep 100000" </dev/null >/dev/null 2>&1 &); exec sleep 100000'
EOF
svc $ua s1 "" "$(tail -n +2 "$T/run")"
rm -f "$(svdir $ua s1)/listen"
svc $ub s1 "" "exec sleep 100000"
rm -f "$(svdir $ub s1)/listen"
printf 'supervise %s\nsupervise %s\nbind %s tcp %s on %s\n' $ua $ub $ua $PORT $LO >"$T/policy"
start_privd_cg "$T/policy"

expect_eq "privd runs in the leaf P/privd" "$CGP/privd" "$(cg_of $PRIVD)"
expect_eq "so does its binder" "$CGP/privd" "$(cg_of "$(binder_pid)")"
expect_eq "P/ward is root's" "root 755" "$(stat -c '%U %a' "$CGP/ward")"
check "ua's userd runs" wait_until 10 has_userd $ua
da=$(userd_pid $ua) db=$(userd_pid $ub)
U=$(cg_user $ua)
expect_eq "ua's userd starts inside P/ward/user-UID (or below it)" "$U" "$(cg_of "$da" | cut -c1-${#U})"
expect_eq "its environment names it: WARD_CGROUP" "WARD_CGROUP=$U" \
	"$(tr '\0' '\n' <"/proc/$da/environ" | grep '^WARD_CGROUP=')"
expect_eq "the user's cgroup directory is theirs" "$ua" "$(stat -c %U "$U")"
expect_eq "cgroup.procs, cgroup.threads, cgroup.subtree_control are theirs" "$ua $ua $ua" \
	"$(stat -c %U "$U/cgroup.procs" "$U/cgroup.threads" "$U/cgroup.subtree_control" | xargs)"
others=$(find "$U" -maxdepth 1 -type f ! -name cgroup.procs ! -name cgroup.threads \
	! -name cgroup.subtree_control ! -user root)
expect_eq "every other file in it (the limits) is root's" "" "$others"
check "ub's userd is in ub's cgroup" eval '[[ $(cg_of $db) == $(cg_user $ub)* ]]'
check "privd logged where the users' cgroups are" logged "cgroups: users' cgroups in $CGP/ward"

check "ua's daemon started" wait_until 15 test -s "$(home $ua)/daemon.pid"
daemon=$(cat "$(home $ua)/daemon.pid")
check "the daemon left its session and parent" eval \
	'[ "$(ps -o sid= -p $daemon | xargs)" = "$daemon" ]'
check "the daemon is in ua's cgroup" eval '[[ $(cg_of $daemon) == $U* ]]'
# the user's side takes it from there (userd(8), runsv(8) CONTAINMENT)
expect_eq "ua's userd moved itself into U/userd" "$U/userd" "$(cg_of "$da")"
expect_eq "ua's service runs in U/svc/s1" "$U/svc/s1" "$(cg_of "$(user_svc_pid $ua s1)")"
expect_eq "... and so does the daemon it left" "$U/svc/s1" "$(cg_of "$daemon")"
expect_eq "supervise/cgroup names it" "$U/svc/s1" "$(cat "$(svdir $ua s1)/supervise/cgroup")"
check "the granted port is held" wait_until 10 eval '[ -n "$(ss -Hltn "src $LO:$PORT")" ]'
sb=$(user_svc_pid $ub s1)

printf 'supervise %s\n' $ub >"$T/policy"
kill -HUP "$PRIVD"
check "removal logged" wait_until 10 logged "userd $ua: removed from the policy"
check "ua's userd is gone" wait_until 10 dead "$da"
check "the double-forked setsid daemon is gone" wait_until 10 dead "$daemon"
check "the granted port is free" wait_until 10 eval '[ -z "$(ss -Hltn "src $LO:$PORT")" ]'
check "nothing of ua's runs any more" wait_until 10 eval '[ -z "$(ps -o pid= -u $ua)" ]'
check "ua's cgroup is removed" wait_until 10 eval '[ ! -d "$U" ]'
check "its removal logged" logged "cgroups: $U emptied and removed"
check "ub's service still runs" alive "$sb"
expect_eq "ub's userd was not restarted" "$db" "$(userd_pid $ub)"
done_testing
