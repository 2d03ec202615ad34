#!/bin/bash
# A user removed from the policy by a reload loses their whole tree: the
# userd, every runsv and every service stop (userd gets HUP, which as in
# runsvdir TERMs every runsv).  A user kept in the policy is untouched.
# A user re-added while their old userd still stops gets a new userd only
# once the old one has exited (one userd per user at any time).
# privd runs here as on a host without a writable cgroup v2; with one, the
# user's cgroup is killed whole instead (privd_cgroup.sh).
. "$(dirname "$0")/../lib.sh"
lib_use privd cgroup
need_root
[ -x "$B/userd" ] && [ -x "$B/runsv" ] || skip_all "needs build/userd and build/runsv"
privd_bin real
for u in ${ua} ${ub}; do
	make_user $u || exit 1
	su -s /bin/sh $u -c 'mkdir -p ~/service/s1 && printf "#!/bin/sh\nexec sleep 100000\n" > ~/service/s1/run && chmod 755 ~/service/s1/run'
done
# svc_pid USER: the pid runsv wrote for USER's service s1
# s1_pid USER: the pid of USER's service s1
s1_pid() { local p; p=$(cat "$T/home-$1/service/s1/supervise/pid" 2>/dev/null); [ -n "$p" ] && echo "$p"; }
not_logged() { ! logged "$1"; }

printf 'supervise %s\nsupervise %s\n' ${ua} ${ub} >"$T/policy"
start_privd_nocg "$T/policy"
for u in ${ua} ${ub}; do check "$u's service runs" wait_until 15 s1_pid $u >/dev/null; done
sa=$(s1_pid ${ua}) sb=$(s1_pid ${ub})
da=$(userd_pid ${ua})
ra=$(cat "$T/home-${ua}/service/s1/supervise/ward" 2>/dev/null | od -An -tu1 -j36 -N4 | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')

printf 'supervise %s\n' ${ub} >"$T/policy"
kill -HUP "$PRIVD"
check "removed user's userd exits" wait_until 15 dead "$da"
check "removed user's runsv exits" wait_until 15 dead "$ra"
check "removed user's service stops" wait_until 15 dead "$sa"
check "removal logged" logged "userd ${ua}: removed from the policy"
check "the other user's service keeps running" kill -0 "$sb"
expect_eq "the other user's service was not restarted" "$sb" "$(s1_pid ${ub})"

# re-added while the old userd still stops: here it is stopped (SIGSTOP)
# so that it cannot act on the HUP until the re-add has been read
db=$(userd_pid ${ub})
kill -STOP "$db"
: >"$T/policy"
kill -HUP "$PRIVD"
check "removal of ${ub} logged" wait_until 15 logged "userd ${ub}: removed from the policy"
printf 'supervise %s\n' ${ub} >"$T/policy"
kill -HUP "$PRIVD"
check "re-add of ${ub} logged" wait_until 15 logged "userd ${ub}: added by the policy"
sleep 0.5   # privd would start the new userd now (it is due at once)
expect_eq "no second userd while the old one still stops" "$db" "$(userd_pid ${ub})"
kill -CONT "$db"
check "the old userd exits" wait_until 15 dead "$db"
check "then a new userd runs" wait_until 15 eval '[ -n "$(userd_pid ${ub})" ] && [ "$(userd_pid ${ub})" != "$db" ]'
check "its service runs again" wait_until 15 s1_pid ${ub} >/dev/null
check "no userd of ${ub} failed on the directory lock" not_logged "exit userd ${ub} \\(status 111\\), restart"
done_testing
