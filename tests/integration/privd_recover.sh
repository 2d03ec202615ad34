#!/bin/bash
# privd recovers: kill -9 of a userd (restarted) and of the binder
# (restarted, every channel handed over, no userd restarted); SIGHUP with a
# broken policy keeps the old one; reloads add and remove users and apply
# changed limits; SIGTERM stops every userd and privd exits 0.
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
privd_bin bindreq

for u in ${ua} ${ub}; do make_user $u || exit 1; service_fifo $u; done
cat >"$T/policy" <<P
supervise ${ua}
bind ${ua} tcp 660 on $LO
bind ${ua} tcp 661 on $LO
limit ${ua} nofile 200
P
start_privd "$T/policy"
check "${ua}'s userd started" wait_until 10 eval 'userd_pid ${ua} >/dev/null'
pa=$(userd_pid ${ua})
expect_eq "grant before any failure" "tcp $LO 660: ok listening 660" "$(req ${ua} "tcp $LO 660")"

# kill -9 the binder: a new one serves the same channel, the userd stays
bp=$(binder_pid)
kill -KILL "$bp"
check "binder restarted" wait_until 10 eval '[ -n "$(binder_pid)" ] && [ "$(binder_pid)" != '"$bp"' ]'
expect_eq "the userd was not restarted" "$pa" "$(userd_pid ${ua})"
expect_eq "the same channel works with the new binder" "tcp $LO 661: ok listening 661" \
	"$(req ${ua} "tcp $LO 661")"
nb=$(binder_pid)
expect_eq "new binder sandboxed too" "2" "$(proc_field "$nb" Seccomp)"
check "binder exit logged" logged "exit binder \(signal 9\), restart in [0-9]+ ms"

# kill -9 the userd: restarted with backoff, with a fresh channel
kill -KILL "$pa"
check "userd restarted" wait_until 10 eval '[ -n "$(userd_pid ${ua})" ] && [ "$(userd_pid ${ua})" != '"$pa"' ]'
pa=$(userd_pid ${ua})
expect_eq "new userd has a working channel" "tcp $LO 660: ok listening 660" "$(req ${ua} "tcp $LO 660")"
check "userd exit logged" logged "exit userd ${ua} \(signal 9\), restart in [0-9]+ ms"

# a broken policy on SIGHUP: every error logged, the old policy kept
cp "$T/policy" "$T/policy.good"
printf "supervise ${ub}\nbind ${ub} tpc 662\nlimit ${ub} nofile many\n" >>"$T/policy"
kill -HUP "$PRIVD"
check "reload refused" wait_until 10 logged "reload: 2 errors, keeping the old policy"
check "first error logged with file and line" logged "$T/policy:6: unknown protocol \"tpc\""
check "second error logged with file and line" logged "$T/policy:7: bad value \"many\""
expect_eq "${ub} not started" "" "$(userd_pid ${ub})"
expect_eq "${ua}'s userd untouched" "$pa" "$(userd_pid ${ua})"

# adding a user by reload
cp "$T/policy.good" "$T/policy"
printf "supervise ${ub}\nbind ${ub} tcp 662 on $LO\n" >>"$T/policy"
kill -HUP "$PRIVD"
check "${ub} added by reload" wait_until 10 eval 'userd_pid ${ub} >/dev/null'
expect_eq "${ub}'s grant works" "tcp $LO 662: ok listening 662" "$(req ${ub} "tcp $LO 662")"
expect_eq "${ua}'s userd untouched by an unrelated change" "$pa" "$(userd_pid ${ua})"

# changed limits: the userd is restarted with them
sed -i 's/nofile 200/nofile 300/' "$T/policy"
kill -HUP "$PRIVD"
check "${ua} restarted for its new limits" wait_until 10 eval '[ -n "$(userd_pid ${ua})" ] && [ "$(userd_pid ${ua})" != '"$pa"' ]'
pa=$(userd_pid ${ua})
expect_match "new limit applied" "Max open files +300 +300 " "$(cat "/proc/$pa/limits")"

# removing a user by reload; their grants go with them
pb=$(userd_pid ${ub})
printf "supervise ${ua}\nbind ${ua} tcp 660 on $LO\nlimit ${ua} nofile 300\n" >"$T/policy"
kill -HUP "$PRIVD"
check "${ub} stopped after removal" wait_until 10 eval '! kill -0 '"$pb"' 2>/dev/null'
check "removal logged" logged "userd ${ub}: removed from the policy, stopping"
expect_eq "${ua}'s grants follow the policy: 661 gone" "tcp $LO 661: EACCES" "$(req ${ua} "tcp $LO 661")"
expect_eq "${ua} stays" "$pa" "$(userd_pid ${ua})"

# SIGTERM: every userd stops, privd exits 0
bp=$(binder_pid)
kill -TERM "$PRIVD"
wait "$PRIVD"
expect_eq "privd exits 0 on SIGTERM" "0" "$?"
check "userd stopped" eval '! kill -0 '"$pa"' 2>/dev/null'
check "binder stopped" eval '! kill -0 '"$bp"' 2>/dev/null'
check "stop logged" logged "privd: stopped$"

# kill -9 of privd: the binder (its channel closed) and the userds (their
# parent-death signal) go too, so that the next privd starts afresh
start_privd "$T/policy"
check "${ua}'s userd started again" wait_until 10 eval 'userd_pid ${ua} >/dev/null'
pa=$(userd_pid ${ua}) bp=$(binder_pid)
kill -KILL "$PRIVD"
check "binder exits when privd is killed" wait_until 10 eval '! kill -0 '"$bp"' 2>/dev/null'
check "userd exits when privd is killed" wait_until 10 eval '! kill -0 '"$pa"' 2>/dev/null'
done_testing
