#!/bin/bash
# privbind through a real userd and privd, for two real users: a granted
# port served as the user, a denied one (and why), another user's port, a
# wrong address, udp, IPv6, a port already held; the fds and environment
# the program gets.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-privd.sh"
. "$(dirname "$0")/../lib-ports.sh"
need_root

for u in wqa wqb; do make_user $u || exit 1; as $u mkdir "$(home $u)/service"; done
cat >"$T/policy" <<'P'
supervise wqa
supervise wqb
bind wqa tcp 710
bind wqa tcp 711 on 127.0.0.1
bind wqa udp 713
bind wqa tcp 714 on ::1
bind wqb tcp 712
P
ports_privd "$T/policy" wqa wqb || exit 1
ua=$(id -u wqa) ub=$(id -u wqb)
expect_eq "bind.sock is the user's, mode 0600, in a 0700 directory" "wqa 600 wqa 700" \
	"$(stat -c '%U %a' "$(bindsock wqa)") $(stat -c '%U %a' "$(dirname "$(bindsock wqa)")")"

# pb USER ARGS...: privbind as USER in the background, lfd_serve reporting to $T/rep-USER
pb() {
	local u=$1; shift
	rm -f "$T/rep-$u"
	spawn su -s /bin/sh "$u" -c "$(printf '%q ' "$B/privbind" "$@" -- "$B/tests/lfd_serve" "$T/rep-$u")"
	wait_until 10 test -e "$T/rep-$u"
}
chmod 777 "$T"

check "granted port: privbind ran the server" pb wqa tcp 710 udp 713 name=dns tcp '[::1]:714'
rep=$T/rep-wqa
expect_match "served as the unprivileged user on port 710" "^uid=$ua pid=[0-9]+ name=tcp-710$" "$(fetch 710)"
expect_eq "the server runs as wqa" "$ua" "$(sed -n 's/^pid=[0-9]* uid=//p' "$rep")"
spid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' "$rep")
expect_eq "LISTEN_PID is the server's pid" "$spid" "$(report_field "$rep" LISTEN_PID)"
expect_eq "LISTEN_FDS" "3" "$(report_field "$rep" LISTEN_FDS)"
expect_eq "LISTEN_FDNAMES in order" "tcp-710:dns:tcp-714" "$(report_field "$rep" LISTEN_FDNAMES)"
expect_eq "no other fd: 0 1 2 and the three sockets" "fds: 0 1 2 3 4 5" "$(grep '^fds:' "$rep")"
expect_eq "fd 3..5 as listed" "fd 3: tcp 0.0.0.0 710 listening
fd 4: udp 0.0.0.0 713
fd 5: tcp ::1 714 listening" "$(grep '^fd ' "$rep")"
expect_match "udp answered" "^uid=$ua pid=$spid name=dns$" "$(udp_ask 713)"
expect_match "IPv6 ::1 answered" "^uid=$ua pid=$spid name=tcp-714$" "$(fetch 714 ::1)"
ss=$(ss -Hltnp 'sport = :710')
expect_match "port 710 held by the server, not by root" "pid=$spid," "$ss"

# refusals: privbind says what was asked and what the policy grants
out=$(as wqa "$B/privbind" tcp 715 -- /bin/true 2>&1); rc=$?
expect_eq "denied port: exit 111" 111 "$rc"
expect_eq "denied port: what was asked, what is granted" \
	"privbind: fatal: tcp 0.0.0.0:715: not granted by the policy (granted: tcp 710, tcp 127.0.0.1:711, tcp [::1]:714)" "$out"
check "privd logged the denial" wait_until 5 logged "deny uid $ua tcp 0.0.0.0:715: Permission denied"
out=$(as wqa "$B/privbind" tcp 712 -- /bin/true 2>&1)
expect_match "another user's port is refused" "tcp 0.0.0.0:712: not granted by the policy" "$out"
out=$(as wqa "$B/privbind" tcp 0.0.0.0:711 -- /bin/true 2>&1)
expect_match "wrong address refused" "tcp 0.0.0.0:711: not granted by the policy .*tcp 127.0.0.1:711" "$out"
out=$(as wqa "$B/privbind" udp 127.0.0.1:711 -- /bin/true 2>&1)
expect_eq "udp is not tcp: granted udp listed" \
	"privbind: fatal: udp 127.0.0.1:711: not granted by the policy (granted: udp 713)" "$out"
out=$(as wqa "$B/privbind" tcp 710 -- /bin/true 2>&1)
expect_eq "a port already held: EADDRINUSE" \
	"privbind: fatal: tcp 0.0.0.0:710: refused by privd: Address already in use" "$out"
out=$(as wqb "$B/privbind" tcp 710 -- /bin/true 2>&1)
expect_match "wqa's port is not wqb's" "not granted by the policy \(granted: tcp 712\)" "$out"
check "wqb gets its own port" pb wqb tcp 127.0.0.1:712
expect_match "wqb served on 712 as wqb" "^uid=$ub " "$(fetch 712)"
out=$(as wqb "$B/privbind" -s "$(bindsock wqa)" tcp 710 -- /bin/true 2>&1)
expect_match "wqb cannot use wqa's relay" "unable to reach userd at .*: Permission denied" "$out"
out=$("$B/privbind" -s "$(bindsock wqa)" tcp 710 -- /bin/true 2>&1)
expect_match "root is refused by the client's peer check" "unable to reach userd at .*: Operation not permitted" "$out"
# unprivileged ports are bound by privbind itself, no userd needed
out=$(as wqb env -u HOME WARD_BIND_SOCKET= "$B/privbind" tcp 127.0.0.1:25710 -- /bin/sh -c 'echo $LISTEN_FDS $LISTEN_FDNAMES' 2>&1)
expect_eq "unprivileged port bound directly" "1 tcp-25710" "$out"
out=$(as wqb "$B/privbind" tcp 80x -- /bin/true 2>&1); rc=$?
expect_eq "a bad socket is a usage error" 100 "$rc"
expect_match "and says which word" "bad address or port .*\"80x\"" "$out"
done_testing
