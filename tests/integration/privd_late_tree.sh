#!/bin/bash
# A user's tree that does not exist yet is a normal state under privd, not
# a crash: the user's userd waits for it (inotify on the nearest directory
# of its path that exists; privd never looks into the home) and says once
# that it waits.  The user's service runs a moment after the tree appears,
# without any userd exit or restart (which would have backed off: 1, 2,
# 4 ... 60 s).  A tree several directories deep, made one directory at a
# time, is followed down.  A user removed from the policy while waiting
# goes as usual.
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
[ -x "$B/userd" ] || skip_all "build/userd not built"
privd_bin real

for u in ${ua} ${ub} ${uc}; do make_user $u || exit 1; done
Ha=$T/home-${ua} Hb=$T/home-${ub}
Da=$Ha/service Db=$Hb/deep/er/service

# as_sh USER CMD: a shell command as that user
as_sh() { su -s /bin/sh "$1" -c "$2"; }
# mkweb USER DIR: DIR/web, a service that sleeps
mkweb() { as_sh "$1" "mkdir -p '$2/web' && printf '#!/bin/sh\nexec sleep 100000\n' >'$2/web/run' && chmod 755 '$2/web/run'"; }
# runs DIR: DIR/web's service runs
runs() {
	local p
	p=$(cat "$1/web/supervise/pid" 2>/dev/null) && [ -n "$p" ] &&
		[ "$(readlink "/proc/$p/cwd" 2>/dev/null)" = "$1/web" ]
}
# count REGEX: lines of the privd log (with userd's messages) matching
count() { grep -Ec -- "$1" "$T/privd.log"; }

cat >"$T/policy" <<P
supervise ${ua}
supervise ${ub} dir deep/er/service
supervise ${uc}
P
start_privd "$T/policy"
for u in ${ua} ${ub} ${uc}; do
	check "$u: userd started" wait_until 10 userd_pid $u >/dev/null
done
pa=$(userd_pid ${ua}) pb=$(userd_pid ${ub}) pc=$(userd_pid ${uc})
check "${ua}: userd says it waits for the tree" \
	wait_until 10 logged "^privd: user ${ua}: userd $Da: waiting for $Da to appear$"
check "${ub}: so does ${ub}'s" \
	wait_until 10 logged "^privd: user ${ub}: userd $Db: waiting for $Db to appear$"
sleep 3
expect_eq "${ua}: still the same userd after 3 s" "$pa" "$(userd_pid ${ua})"

# ${ua} makes ~/service with a service in it
mkweb ${ua} "$Da"
check "${ua}: the service runs" wait_until 30 runs "$Da"
# ${ub} makes deep/er/service a directory at a time
as_sh ${ub} "mkdir '$Hb/deep'"
sleep 1
as_sh ${ub} "mkdir '$Hb/deep/er'"
sleep 1
mkweb ${ub} "$Db"
check "${ub}: the service runs" wait_until 30 runs "$Db"

for u in ${ua} ${ub}; do
	expect_eq "$u: privd started one userd" 1 "$(count "spawn userd $u ")"
	expect_eq "$u: and saw no exit of it" 0 "$(count "exit userd $u ")"
done
expect_eq "${ua}: the same userd runs" "$pa" "$(userd_pid ${ua})"
expect_eq "${ub}: the same userd runs" "$pb" "$(userd_pid ${ub})"
expect_eq "${ua}: said once that it waits" 1 "$(count "waiting for $Da to appear")"
expect_eq "no userd called it a failure" 0 "$(count "^privd: user [^:]*: userd .*(fatal|warning):")"
expect_eq "${ua}: sv status: run" "run" "$("$B/sv" status "$Da/web" | cut -d: -f1)"

# ${uc}'s tree never came: removed from the policy, the waiting userd goes
printf 'supervise %s\nsupervise %s dir deep/er/service\n' ${ua} ${ub} >"$T/policy"
kill -HUP "$PRIVD"
check "${uc}: removed while waiting: its userd exits" wait_until 10 eval '! kill -0 $pc 2>/dev/null'
check "${uc}: and privd says it stopped" wait_until 10 logged "exit userd ${uc} .*stopped"
done_testing
