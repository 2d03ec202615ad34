#!/bin/bash
# The binder's fds are shared among the users it serves, not among the
# 4096 privd could take: each channel may hold (limit - 32) / users - 1
# unread answers (at most 64), worked out again when a user comes or goes.
# Users' "userd"s are tests/helpers/hostile stand-ins on the real channel.
. "$(dirname "$0")/../lib.sh"
lib_use privd hostile
need_root
hostile_bin

tag=wsh$WPTAG
sa=${tag}a sb=${tag}b
extra="${tag}c ${tag}d ${tag}e ${tag}f"
for u in $sa $sb $extra; do make_user "$u" || exit 1; service_fifo "$u"; done
started() { local u; for u in "$@"; do userd_pid "$u" >/dev/null || return 1; done; }
# bound: the bound on unread answers the binder logged last (when it changes)
bound() {
	sed -n "s/.*binder: fd limit [0-9]*; at most \([0-9]*\) answers unread per channel\( ([0-9]* users)\)\{0,1\}$/\1/p" \
		"$T/privd.log" | tail -1
}
policy() { # policy USER...: each supervised, $sa may bind ports 7100-7299
	local u
	for u in "$@"; do echo "supervise $u"; done
	echo "bind $sa tcp 7100-7299 on $LO"
}

# ---- two users under 300 fds: 4096 users would get 0 each; two get plenty ----
policy $sa $sb >"$T/policy"
spawn prlimit --nofile=300:300 "$PRIVD_EXE" -f "$T/policy" 2>>"$T/privd.log"
PRIVD=$SPAWNED
check "privd started both users" wait_until 20 started $sa $sb
check "the binder logged the share" wait_until 10 eval '[ -n "$(bound)" ]'
u2=$(bound)
# (300 - 32) / 2 - 1 = 133, capped at 64, or what the kernel's buffer gives
check "2 users under 300 fds: more than 16 answers unread each ($u2)" [ "${u2:-0}" -gt 16 ]
check "no warning that the limit is unfair for 2 users" eval '! logged "fair to"'

fl=$(flood $sa "100000 noread tcp $LO 7100-7299" && flood_result $sa "100000 noread tcp $LO 7100-7299")
expect_match "$sa floods and never reads: the binder stops reading it" "^sent [0-9]+ answers 0 eof 0 in [0-9]+ ms stalled$" "$fl"
check "the binder logged $sa holding $u2 answers unread" \
	wait_until 10 logged "uid $(id -u $sa) \(channel [0-9]+\) leaves $u2 answers unread"

# ---- more users: the share shrinks below what $sa holds ----
policy $sa $sb $extra >"$T/policy"
kill -HUP "$PRIVD"
check "privd started the 4 users added" wait_until 20 started $extra
check "the binder logged the share of 6 users" wait_until 10 logged "per channel \(6 users\)$"
u6=$(bound)
check "6 users get less ($u6 < $u2), at least 1" eval '[ "${u6:-0}" -lt "$u2" ] && [ "$u6" -ge 1 ]'
expect_eq "$sb is served meanwhile" "EACCES" "$(hostile_ask $sb "bind tcp $LO 7100")"
expect_eq "$sa reads every answer it held, each a socket" "answers $u2 sockets $u2" "$(hostile_ask $sa take)"
took_some() { local a; a=$(hostile_ask $sa take); [ "${a#answers 0 }" = "$a" ]; }
check "$sa is served again once it has read" wait_until 10 took_some

# ---- fewer users: the share grows again ----
da=$(userd_pid ${tag}c) db=$(userd_pid ${tag}d) dc=$(userd_pid ${tag}e) dd=$(userd_pid ${tag}f)
policy $sa $sb >"$T/policy"
kill -HUP "$PRIVD"
check "the 4 users removed are gone" wait_until 20 eval 'dead $da && dead $db && dead $dc && dead $dd'
check "the binder logged the share of 2 users again ($u2)" wait_until 10 eval '[ "$(bound)" = "$u2" ]'
check "still no warning about fairness" eval '! logged "fair to"'
kill -TERM "$PRIVD"
wait "$PRIVD"
check "privd stopped" dead "$PRIVD"

# ---- 6 users under 48 fds: 16 to share, less than the least each needs ----
# (the kernel's smallest buffer holds 2 answers: 3 fds a user, 5 users)
: >"$T/privd.log"
policy $sa $sb $extra >"$T/policy"
spawn prlimit --nofile=48:48 "$PRIVD_EXE" -f "$T/policy" 2>>"$T/privd.log"
PRIVD=$SPAWNED
check "privd started the 6 users" wait_until 20 started $sa $sb $extra
# a change logged within 10 s of the last warning is logged when they are over
check "the binder warns, naming the 6 users it serves" \
	wait_until 30 logged "binder: fd limit 48 is fair to [0-9]+ users, not 6: raise it to [0-9]+$"
check "no warning names 4096 users" eval '! logged "not 4096"'
expect_eq "users are still served" "ok 7100" "$(hostile_ask $sa "bind tcp $LO 7100")"

# one line a change, not one a request: 5 users fit, 6 again do not
warnings() { grep -c "binder: fd limit 48 is fair to [0-9]* users, not 6: " "$T/privd.log"; }
df=$(userd_pid ${tag}f)
policy $sa $sb ${tag}c ${tag}d ${tag}e >"$T/policy"
kill -HUP "$PRIVD"
check "${tag}f removed" wait_until 20 dead "$df"
policy $sa $sb $extra >"$T/policy"
kill -HUP "$PRIVD"
check "${tag}f added again" wait_until 20 started ${tag}f
check "warned again for 6 users (within 10 s of the last: when they are over)" \
	wait_until 30 eval '[ "$(warnings)" -ge 2 ]'
for p in 7100 7100 7100; do hostile_ask $sa "bind tcp $LO $p" >/dev/null; done
expect_eq "requests add no warning" 2 "$(warnings)"
done_testing
