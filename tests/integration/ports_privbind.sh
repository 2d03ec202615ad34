#!/bin/bash
# privbind through a real userd and privd, for two real users: a granted
# port served as the user, a denied one (and why), another user's port, a
# wrong address, udp, IPv6, a port already held; the fds and environment
# the program gets.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root

qa=wqa$WQTAG qb=wqb$WQTAG
for u in $qa $qb; do make_user $u || exit 1; as $u mkdir "$(home $u)/service"; done
cat >"$T/policy" <<P
supervise $qa
supervise $qb
bind $qa tcp $PW
bind $qa tcp 711 on $LO
bind $qa udp 713
bind $qa tcp $P6LOW on ::1
bind $qb tcp 712
P
ports_privd "$T/policy" $qa $qb || exit 1
qa_uid=$(id -u $qa) qb_uid=$(id -u $qb)
expect_eq "bind.sock is the user's, mode 0600, in a 0700 directory" "$qa 600 $qa 700" \
	"$(stat -c '%U %a' "$(bindsock $qa)") $(stat -c '%U %a' "$(dirname "$(bindsock $qa)")")"

# pb USER ARGS...: privbind as USER in the background, lfd_serve reporting to $T/rep-USER
pb() {
	local u=$1; shift
	rm -f "$T/rep-$u"
	spawn su -s /bin/sh "$u" -c "$(printf '%q ' "$B/privbind" "$@" -- "$B/tests/lfd_serve" "$T/rep-$u")"
	wait_until 10 test -e "$T/rep-$u"
}
chmod 1777 "$T"   # sticky, like /tmp: privd -f allows it above the policy

check "granted port: privbind ran the server" pb $qa tcp $PW udp $LO:713 name=dns tcp "[::1]:$P6LOW"
rep=$T/rep-$qa
expect_match "served as the unprivileged user on port $PW" "^uid=$qa_uid pid=[0-9]+ name=tcp-$PW$" "$(fetch $PW $LO)"
expect_eq "the server runs as $qa" "$qa_uid" "$(sed -n 's/^pid=[0-9]* uid=//p' "$rep")"
spid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' "$rep")
expect_eq "LISTEN_PID is the server's pid" "$spid" "$(report_field "$rep" LISTEN_PID)"
expect_eq "LISTEN_FDS" "3" "$(report_field "$rep" LISTEN_FDS)"
expect_eq "LISTEN_FDNAMES in order" "tcp-$PW:dns:tcp-$P6LOW" "$(report_field "$rep" LISTEN_FDNAMES)"
expect_eq "no other fd: 0 1 2 and the three sockets" "fds: 0 1 2 3 4 5" "$(grep '^fds:' "$rep")"
expect_eq "fd 3..5 as listed" "fd 3: tcp 0.0.0.0 $PW listening
fd 4: udp $LO 713
fd 5: tcp ::1 $P6LOW listening" "$(grep '^fd ' "$rep")"
expect_match "udp answered" "^uid=$qa_uid pid=$spid name=dns$" "$(udp_ask 713 $LO)"
expect_match "IPv6 ::1 answered" "^uid=$qa_uid pid=$spid name=tcp-$P6LOW$" "$(fetch $P6LOW ::1)"
ss=$(ss -Hltnp "sport = :$PW")
expect_match "port $PW held by the server, not by root" "pid=$spid," "$ss"

# refusals: privbind says what was asked and what the policy grants
out=$(as $qa "$B/privbind" tcp $LO:715 -- /bin/true 2>&1); rc=$?
expect_eq "denied port: exit 111" 111 "$rc"
expect_eq "denied port: what was asked, what is granted" \
	"privbind: fatal: tcp $LO:715: not granted by the policy (granted: tcp $PW, tcp $LO:711, tcp [::1]:$P6LOW)" "$out"
check "privd logged the denial" wait_until 5 logged "deny uid $qa_uid tcp $LO:715: Permission denied"
out=$(as $qa "$B/privbind" tcp 712 -- /bin/true 2>&1)
expect_match "another user's port is refused" "tcp 0.0.0.0:712: not granted by the policy" "$out"
out=$(as $qa "$B/privbind" tcp 0.0.0.0:711 -- /bin/true 2>&1)
expect_match "wrong address refused" "tcp 0.0.0.0:711: not granted by the policy .*tcp $LO:711" "$out"
out=$(as $qa "$B/privbind" udp $LO:711 -- /bin/true 2>&1)
expect_eq "udp is not tcp: granted udp listed" \
	"privbind: fatal: udp $LO:711: not granted by the policy (granted: udp 713)" "$out"
out=$(as $qa "$B/privbind" tcp $PW -- /bin/true 2>&1)
expect_eq "a port already held: EADDRINUSE" \
	"privbind: fatal: tcp 0.0.0.0:$PW: refused by privd: Address already in use" "$out"
out=$(as $qb "$B/privbind" tcp $PW -- /bin/true 2>&1)
expect_match "$qa's port is not $qb's" "not granted by the policy \(granted: tcp 712\)" "$out"
check "$qb gets its own port" pb $qb tcp $LO:712
expect_match "$qb served on 712 as $qb" "^uid=$qb_uid " "$(fetch 712 $LO)"
out=$(as $qb "$B/privbind" -s "$(bindsock $qa)" tcp $PW -- /bin/true 2>&1)
expect_match "$qb cannot use $qa's relay" "unable to reach userd at .*: Permission denied" "$out"
out=$("$B/privbind" -s "$(bindsock $qa)" tcp $PW -- /bin/true 2>&1)
expect_match "root is refused by the client's peer check" "unable to reach userd at .*: Operation not permitted" "$out"
# unprivileged ports are bound by privbind itself, no userd needed
out=$(as $qb env -u HOME WARD_BIND_SOCKET= "$B/privbind" tcp $LO:25710 -- /bin/sh -c 'echo $LISTEN_FDS $LISTEN_FDNAMES' 2>&1)
expect_eq "unprivileged port bound directly" "1 tcp-25710" "$out"
out=$(as $qb "$B/privbind" tcp 80x -- /bin/true 2>&1); rc=$?
expect_eq "a bad socket is a usage error" 100 "$rc"
expect_match "and says which word" "bad address or port .*\"80x\"" "$out"
done_testing
