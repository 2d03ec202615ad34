#!/bin/bash
# runsv and the listen file, under a real privd and userd with two real
# users: a granted port served as the user (the fds and environment ./run
# gets, nothing leaked), refusals with the reason in sv status and the logs
# (not granted, the other user's port, a wrong address, a port in use),
# other services unaffected, and a changed listen file re-read on restart.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-privd.sh"
. "$(dirname "$0")/../lib-ports.sh"
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"

for u in wqc wqd; do make_user $u || exit 1; as $u mkdir "$(home $u)/service"; done
chmod 777 "$T"
cat >"$T/policy" <<'P'
supervise wqc
supervise wqd
bind wqc tcp 720-722
bind wqc udp 721
bind wqc tcp 725 on 127.0.0.1
bind wqc tcp 726-727
bind wqd tcp 724
P
ports_privd "$T/policy" wqc wqd || exit 1
uc=$(id -u wqc)

svc wqc web "tcp 720
udp 721 name=dns
tcp [::1]:722 name=v6   # IPv6 needs its own grant address-wise: any address
tcp 127.0.0.1:25720 name=high"
check "web started with its sockets" wait_until 15 serving wqc web
pid=$(svpid wqc web)
rep=$T/rep-web
expect_match "granted port 720 served as wqc" "^uid=$uc pid=$pid name=tcp-720$" "$(fetch 720)"
expect_match "udp 721 served" "^uid=$uc pid=$pid name=dns$" "$(udp_ask 721)"
expect_match "IPv6 [::1]:722 served" "^uid=$uc pid=$pid name=v6$" "$(fetch 722 ::1)"
expect_match "unprivileged 25720, bound by runsv itself" "name=high$" "$(fetch 25720)"
expect_eq "LISTEN_PID is ./run's pid" "$pid" "$(report_field "$rep" LISTEN_PID)"
expect_eq "LISTEN_FDS" 4 "$(report_field "$rep" LISTEN_FDS)"
expect_eq "LISTEN_FDNAMES" "tcp-720:dns:v6:high" "$(report_field "$rep" LISTEN_FDNAMES)"
expect_eq "WARD_BIND_SOCKET given to the service" "$(bindsock wqc)" \
	"$(tr '\0' '\n' <"/proc/$pid/environ" | sed -n 's/^WARD_BIND_SOCKET=//p')"
expect_eq "fds 3..6 in file order" "fd 3: tcp 0.0.0.0 720 listening
fd 4: udp 0.0.0.0 721
fd 5: tcp ::1 722 listening
fd 6: tcp 127.0.0.1 25720 listening" "$(grep '^fd ' "$rep")"
expect_eq "no leaked fd (the server's own view)" "fds: 0 1 2 3 4 5 6" "$(grep '^fds:' "$rep")"
expect_eq "no leaked fd (/proc/PID/fd)" "0 1 2 3 4 5 6" "$(ls "/proc/$pid/fd" | sort -n | xargs)"
rpid=$(ps -o ppid= -p "$pid" | tr -d ' ')
expect_eq "runsv (uid wqc) holds the same sockets" "$(sock_inode "$pid" 3)" \
	"$(for f in /proc/$rpid/fd/*; do readlink "$f"; done | grep -Fx "$(sock_inode "$pid" 3)")"
expect_eq "runsv runs as wqc" "$uc" "$(ps -o uid= -p "$rpid" | tr -d ' ')"

# refusals: ./run is not started; sv status and the logs say why
svc wqc deny "tcp 723" 'touch '"$T"'/deny-ran; exec sleep 100000'
svc wqc other "tcp 724" 'touch '"$T"'/other-ran; exec sleep 100000'
svc wqc addr "tcp 725" 'touch '"$T"'/addr-ran; exec sleep 100000'
svc wqc busy "tcp 720" 'touch '"$T"'/busy-ran; exec sleep 100000'
check "deny: sv status says what was asked and what is granted" wait_until 15 eval \
	'[[ "$(sv_status wqc deny)" == *'"'"'"tcp 0.0.0.0:723: not granted by the policy (granted: tcp 720-722, tcp 127.0.0.1:725, tcp 726-727)"'"'"'* ]]'
echo "# $(sv_status wqc deny)"
expect_match "deny: down with backoff" "^down: .*want up, backoff" "$(sv_status wqc deny)"
check "another user's port: refused" wait_until 15 eval \
	'[[ "$(sv_status wqc other)" == *"tcp 0.0.0.0:724: not granted by the policy"* ]]'
check "wrong address: refused" wait_until 15 eval \
	'[[ "$(sv_status wqc addr)" == *"tcp 0.0.0.0:725: not granted by the policy"* ]]'
check "a port in use: refused with EADDRINUSE" wait_until 15 eval \
	'[[ "$(sv_status wqc busy)" == *"tcp 0.0.0.0:720: refused by privd: Address already in use"* ]]'
check "none of their ./run scripts ran" [ ! -e "$T/deny-ran" -a ! -e "$T/other-ran" -a ! -e "$T/addr-ran" -a ! -e "$T/busy-ran" ]
check "runsv's log has the reason" logged "runsv deny: warning: tcp 0.0.0.0:723: not granted by the policy"
check "privd's log has the denial" logged "deny uid $uc tcp 0.0.0.0:723: Permission denied"
check "privd's log has the other user's port" logged "deny uid $uc tcp 0.0.0.0:724: Permission denied"
check "a refused service is retried (backoff)" wait_until 15 eval \
	'[ "$(grep -c "runsv deny: warning: tcp 0.0.0.0:723" "$T/privd.log")" -ge 2 ]'
expect_match "web unaffected" "^uid=$uc pid=$pid name=tcp-720$" "$(fetch 720)"
check "wqd's userd unaffected" relay_up wqd

# fixed listen file: re-read at the next start (sv up skips the backoff)
printf 'tcp 127.0.0.1:725\n' >"$(svdir wqc addr)/listen"
"$B/sv" up "$(svdir wqc addr)" >/dev/null
check "fixed listen file re-read: addr runs" wait_until 15 test -e "$T/addr-ran"
expect_match "and sv status is clean" "^run: [^,]*: \(pid [0-9]+\) [0-9]+s$" "$(sv_status wqc addr)"

# sv restart re-reads listen: kept socket stays the same, removed one closed, new one opened
ino=$(sock_inode "$pid" 3)
printf 'tcp 720\ntcp 127.0.0.1:726 name=new\n' >"$(svdir wqc web)/listen"
"$B/sv" restart "$(svdir wqc web)" >/dev/null
check "web restarted" wait_until 15 eval '[ "$(report_pid web)" != "$pid" ] && serving wqc web'
pid2=$(svpid wqc web)
expect_eq "new LISTEN_FDNAMES" "tcp-720:new" "$(report_field "$rep" LISTEN_FDNAMES)"
expect_eq "the kept socket is the very same" "$ino" "$(sock_inode "$pid2" 3)"
expect_match "new port served" "name=new$" "$(fetch 726)"
expect_eq "removed udp 721 is closed" "" "$(ss -Hlun 'sport = :721')"
expect_eq "removed [::1]:722 is closed" "" "$(ss -Hltn 'sport = :722')"
expect_eq "no leaked fd after restart" "0 1 2 3 4" "$(ls "/proc/$pid2/fd" | sort -n | xargs)"
done_testing
