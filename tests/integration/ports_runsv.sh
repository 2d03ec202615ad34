#!/bin/bash
# runsv and the listen file, under a real privd and userd with two real
# users: a granted port served as the user (the fds and environment ./run
# gets, nothing leaked), refusals with the reason in sv status and the logs
# (not granted, the other user's port, a wrong address, a port in use),
# other services unaffected, and a changed listen file re-read on restart.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"

qc=wqc$WQTAG qd=wqd$WQTAG
for u in $qc $qd; do make_user $u || exit 1; as $u mkdir "$(home $u)/service"; done
chmod 1777 "$T"   # sticky, like /tmp: privd -f allows it above the policy
cat >"$T/policy" <<P
supervise $qc
supervise $qd
bind $qc tcp 720-722
bind $qc udp 721
bind $qc tcp 725 on $LO
bind $qc tcp 726-727
bind $qc tcp $P6LOW
bind $qd tcp 724
P
ports_privd "$T/policy" $qc $qd || exit 1
qc_uid=$(id -u $qc)

svc $qc web "tcp $LO:720
udp $LO:721 name=dns
tcp [::1]:$P6LOW name=v6   # granted for any address
tcp $LO:25720 name=high"
check "web started with its sockets" wait_until 15 serving $qc web
pid=$(user_svc_pid $qc web)
rep=$T/rep-web
expect_match "granted port 720 served as $qc" "^uid=$qc_uid pid=$pid name=tcp-720$" "$(fetch 720 $LO)"
expect_match "udp 721 served" "^uid=$qc_uid pid=$pid name=dns$" "$(udp_ask 721 $LO)"
expect_match "IPv6 [::1]:$P6LOW served" "^uid=$qc_uid pid=$pid name=v6$" "$(fetch $P6LOW ::1)"
expect_match "unprivileged 25720, bound by runsv itself" "name=high$" "$(fetch 25720 $LO)"
expect_eq "LISTEN_PID is ./run's pid" "$pid" "$(report_field "$rep" LISTEN_PID)"
expect_eq "LISTEN_FDS" 4 "$(report_field "$rep" LISTEN_FDS)"
expect_eq "LISTEN_FDNAMES" "tcp-720:dns:v6:high" "$(report_field "$rep" LISTEN_FDNAMES)"
expect_eq "WARD_BIND_SOCKET given to the service" "$(bindsock $qc)" \
	"$(tr '\0' '\n' <"/proc/$pid/environ" | sed -n 's/^WARD_BIND_SOCKET=//p')"
expect_eq "fds 3..6 in file order" "fd 3: tcp $LO 720 listening
fd 4: udp $LO 721
fd 5: tcp ::1 $P6LOW listening
fd 6: tcp $LO 25720 listening" "$(grep '^fd ' "$rep")"
expect_eq "no leaked fd (the server's own view)" "fds: 0 1 2 3 4 5 6" "$(grep '^fds:' "$rep")"
expect_eq "no leaked fd (/proc/PID/fd)" "0 1 2 3 4 5 6" "$(ls "/proc/$pid/fd" | sort -n | xargs)"
rpid=$(ps -o ppid= -p "$pid" | tr -d ' ')
expect_eq "runsv (uid $qc) holds the same sockets" "$(sock_inode "$pid" 3)" \
	"$(for f in /proc/$rpid/fd/*; do readlink "$f"; done | grep -Fx "$(sock_inode "$pid" 3)")"
expect_eq "runsv runs as $qc" "$qc_uid" "$(ps -o uid= -p "$rpid" | tr -d ' ')"

# refusals: ./run is not started; sv status and the logs say why
svc $qc deny "tcp $LO:723" 'touch '"$T"'/deny-ran; exec sleep 100000'
svc $qc other "tcp $LO:724" 'touch '"$T"'/other-ran; exec sleep 100000'
svc $qc addr "tcp 725" 'touch '"$T"'/addr-ran; exec sleep 100000'
svc $qc busy "tcp $LO:720" 'touch '"$T"'/busy-ran; exec sleep 100000'
want="\"tcp $LO:723: not granted by the policy (granted: tcp 720-722, tcp $LO:725, tcp 726-727, tcp $P6LOW)\""
check "deny: sv status says what was asked and what is granted" wait_until 15 eval \
	'[[ "$(sv_status $qc deny)" == *"$want"* ]]'
echo "# $(sv_status $qc deny)"
expect_match "deny: down with backoff" "^down: .*want up, backoff" "$(sv_status $qc deny)"
check "another user's port: refused" wait_until 15 eval \
	'[[ "$(sv_status $qc other)" == *"tcp $LO:724: not granted by the policy"* ]]'
check "wrong address: refused" wait_until 15 eval \
	'[[ "$(sv_status $qc addr)" == *"tcp 0.0.0.0:725: not granted by the policy"* ]]'
check "a port in use: refused with EADDRINUSE" wait_until 15 eval \
	'[[ "$(sv_status $qc busy)" == *"tcp $LO:720: refused by privd: Address already in use"* ]]'
check "none of their ./run scripts ran" [ ! -e "$T/deny-ran" -a ! -e "$T/other-ran" -a ! -e "$T/addr-ran" -a ! -e "$T/busy-ran" ]
check "runsv's log has the reason" logged "runsv deny: warning: tcp $LO:723: not granted by the policy"
check "privd's log has the denial" logged "deny uid $qc_uid tcp $LO:723: Permission denied"
check "privd's log has the other user's port" logged "deny uid $qc_uid tcp $LO:724: Permission denied"
check "a refused service is retried (backoff)" wait_until 15 eval \
	'[ "$(grep -c "runsv deny: warning: tcp $LO:723" "$T/privd.log")" -ge 2 ]'
expect_match "web unaffected" "^uid=$qc_uid pid=$pid name=tcp-720$" "$(fetch 720 $LO)"
check "the other user's userd unaffected" relay_up $qd

# fixed listen file: re-read at the next start (sv up skips the backoff)
printf "tcp $LO:725\n" >"$(svdir $qc addr)/listen"
"$B/sv" up "$(svdir $qc addr)" >/dev/null
check "fixed listen file re-read: addr runs" wait_until 15 test -e "$T/addr-ran"
expect_match "and sv status is clean" "^run: [^,]*: \(pid [0-9]+\) [0-9]+s$" "$(sv_status $qc addr)"

# sv restart re-reads listen: kept socket stays the same, removed one closed, new one opened
ino=$(sock_inode "$pid" 3)
printf "tcp $LO:720\ntcp $LO:726 name=new\n" >"$(svdir $qc web)/listen"
"$B/sv" restart "$(svdir $qc web)" >/dev/null
check "web restarted" wait_until 15 eval '[ "$(report_pid web)" != "$pid" ] && serving $qc web'
pid2=$(user_svc_pid $qc web)
expect_eq "new LISTEN_FDNAMES" "tcp-720:new" "$(report_field "$rep" LISTEN_FDNAMES)"
expect_eq "the kept socket is the very same" "$ino" "$(sock_inode "$pid2" 3)"
expect_match "new port served" "name=new$" "$(fetch 726 $LO)"
expect_eq "removed udp 721 is closed" "" "$(ss -Hlun "src $LO:721")"
expect_eq "removed [::1]:$P6LOW is closed" "" "$(ss -Hltn "src [::1]:$P6LOW")"
expect_eq "no leaked fd after restart" "0 1 2 3 4" "$(ls "/proc/$pid2/fd" | sort -n | xargs)"
done_testing
