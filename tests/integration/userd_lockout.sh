#!/bin/bash
# Another user cannot keep a user's userd from starting.  Homes are 0755
# (Debian 12), so any user can open ~victim/service and flock it; userd's
# lock is therefore not on DIR but on DIR/.userd/lock (0600, in the 0700
# DIR/.userd), which only its owner can open.  The other user holds an
# flock on the victim's DIR before privd starts the victim's userd, and a
# blocking one waits for its next start: the victim's service runs all the
# same, and no userd of the victim fails on a lock.
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
[ -x "$B/userd" ] || skip_all "build/userd not built"
privd_bin real

make_user ${ua} || exit 1
make_user ${uc} || exit 1
H=$T/home-${ua}
D=$H/service
chmod 755 "$H"
su -s /bin/sh ${ua} -c "mkdir -p '$D/web' && printf '#!/bin/sh\nexec sleep 100000\n' >'$D/web/run' && chmod 755 '$D/web/run'"

# held INODE: an FLOCK on that inode is held (not only waited for)
held() { grep -v -- '->' /proc/locks | grep -q "FLOCK .*:$1 "; }
# runs: the victim's service runs (its pid is alive and works in web)
runs() {
	local p
	p=$(cat "$D/web/supervise/pid" 2>/dev/null) && [ -n "$p" ] &&
		[ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$D/web" ]
}

# the other user holds DIR's flock before the victim's userd ever starts
spawn su -s /bin/sh ${uc} -c "exec flock -x '$D' sleep 100000"
holder=$SPAWNED
check "${uc} holds an flock on ${ua}'s service directory" wait_until 10 held "$(stat -c %i "$D")"

printf 'supervise %s\n' ${ua} >"$T/policy"
start_privd "$T/policy"
check "${ua}'s service runs all the same" wait_until 30 runs
p=$(userd_pid ${ua})
expect_eq "userd holds its lock on DIR/.userd/lock" 1 \
	"$(ls -l "/proc/$p/fd" 2>/dev/null | grep -c -- "-> $D/.userd/lock\$")"
expect_eq "DIR/.userd: the user's, 0700" "${ua} 700 directory" "$(stat -c '%U %a %F' "$D/.userd")"
expect_eq "DIR/.userd/lock: the user's, 0600" "${ua} 600 regular empty file" \
	"$(stat -c '%U %a %F' "$D/.userd/lock")"
out=$(su -s /bin/sh ${uc} -c "flock -n '$D/.userd/lock' true" 2>&1)
expect_match "${uc} cannot open the lock" "Permission denied" "$out"

# a blocking flock waits for the userd's next start (the holder is gone,
# DIR's flock is free): privd's restart of that userd goes through
kill -TERM -- "-$holder" 2>/dev/null
wait_until 10 eval '! held "$(stat -c %i "$D")"'
spawn su -s /bin/sh ${uc} -c "exec flock -x '$D' sleep 100000"
web_pid=$(cat "$D/web/supervise/pid")
kill -TERM "$p"
check "${uc} got DIR's flock while ${ua}'s userd restarted" wait_until 10 held "$(stat -c %i "$D")"
check "privd restarted ${ua}'s userd" wait_until 30 eval '[ -n "$(userd_pid ${ua})" ] && [ "$(userd_pid ${ua})" != "$p" ]'
p2=$(userd_pid ${ua})
check "the new userd runs and holds its lock" wait_until 10 eval \
	'[ "$(ls -l "/proc/$p2/fd" 2>/dev/null | grep -c -- "-> $D/.userd/lock\$")" = 1 ]'
mkdir_web2() { su -s /bin/sh ${ua} -c "mkdir -p '$D/web2' && printf '#!/bin/sh\nexec sleep 100000\n' >'$D/web2/run' && chmod 755 '$D/web2/run'"; }
mkdir_web2
check "and supervises: a new service starts" wait_until 30 test -s "$D/web2/supervise/pid"
check "the old service was adopted, not restarted" eval '[ -n "$web_pid" ] && [ "$(cat "$D/web/supervise/pid")" = "$web_pid" ]'
check "no userd of ${ua} failed on a lock" eval '! logged "exit userd ${ua} \(status 111\)"'

# a DIR its userd may not write (root's, 0755, no .userd): DIR itself is
# locked, after a warning, and the tree runs
R=$T/rootdir
mkdir -m 755 "$R"
mkdir "$R/web"
printf '#!/bin/sh\nexec sleep 100000\n' >"$R/web/run"
chmod 755 "$R/web/run"
chown -R ${uc}: "$R/web"
spawn su -s /bin/sh ${uc} -c "exec '$B/userd' '$R'" 2>"$T/ro.err"
check "DIR not writable: the tree runs" wait_until 30 test -s "$R/web/supervise/pid"
expect_match "with a warning that DIR itself is locked" \
	"^userd $R: warning: unable to use $R/.userd/lock, locking $R itself: Permission denied" \
	"$(cat "$T/ro.err")"
expect_eq "no .userd made" "" "$(ls -A "$R" | grep -x .userd)"
done_testing
