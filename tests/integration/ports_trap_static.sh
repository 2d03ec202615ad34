#!/bin/bash
# The bind trap (runsv(8), BINDS) with a statically linked program that
# calls bind(2) itself, under a real privd, binder, userd and runsv: its
# granted privileged port is bound and served, an ungranted one gets
# EACCES (and runsv's log names it), ports >= 1024 and unix sockets are
# untouched, and SO_REUSEADDR, IPV6_V6ONLY and O_NONBLOCK set before bind
# are still set after.  Then the held socket: after sv restart the new
# program's bind gets the very socket of the run before.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"
command -v gcc >/dev/null || skip_all "no gcc"

tp=wtp$WQTAG
trap_setup $tp || { notok "users and trapserve made"; done_testing; }
HIGH=$(( 24000 + $$ % 1000 ))
cat >"$T/policy" <<P
supervise $tp
bind $tp tcp 80 on $LO
bind $tp tcp 81 on $LO
bind $tp udp 82 on $LO
bind $tp tcp $P6LOW on ::1
P
ports_privd "$T/policy" $tp || exit 1
tp_uid=$(id -u $tp)
check "trapserve is statically linked" eval 'file "$T/trapserve" | grep -q "statically linked"'

sock=$(home $tp)/u.sock
trap_svc $tp st "exec $T/trapserve $T/rep-st tcp4:$LO:80 tcp4:$LO:81:reuseaddr:nonblock \
udp4:$LO:82 tcp4:$LO:83 tcp4:$LO:$HIGH tcp6:lo:$P6LOW:v6only unix:$sock"
check "trapserve started and reported" wait_until 15 test -s "$T/rep-st"
sed 's/^/# /' "$T/rep-st"
# line SPEC: what trapserve reported for SPEC
line() { grep -F -- "$1 " "$T/rep-st"; }
pid=$(user_svc_pid $tp st)
expect_match "granted tcp $LO:80 bound by its own bind()" "^tcp4:$LO:80 ok reuseaddr=0 " "$(line tcp4:$LO:80)"
expect_match "served as $tp" "^uid=$tp_uid pid=$pid name=trapserve$" "$(fetch 80 $LO)"
expect_match "SO_REUSEADDR and O_NONBLOCK set before bind still set" \
	"tcp4:$LO:81:reuseaddr:nonblock ok reuseaddr=1 v6only=-1 nonblock=1" "$(line tcp4:$LO:81:reuseaddr:nonblock)"
expect_match "tcp $LO:81 served" "name=trapserve$" "$(fetch 81 $LO)"
expect_match "udp $LO:82 bound" "^udp4:$LO:82 ok" "$(line udp4:$LO:82)"
expect_match "ungranted tcp $LO:83: EACCES, as the kernel says it" "^tcp4:$LO:83 errno=EACCES$" "$(line tcp4:$LO:83)"
expect_match "port $HIGH (>= 1024) untouched" "^tcp4:$LO:$HIGH ok" "$(line tcp4:$LO:$HIGH)"
expect_match "IPV6_V6ONLY set before bind still set" "^tcp6:lo:$P6LOW:v6only ok reuseaddr=0 v6only=1" "$(line tcp6:lo:$P6LOW:v6only)"
expect_match "[::1]:$P6LOW served" "name=trapserve$" "$(fetch $P6LOW ::1)"
expect_match "unix socket bind untouched" "^unix:$sock ok$" "$(line unix:$sock)"
check "runsv's log names the missing grant" logged \
	"runsv st: warning: bind to tcp $LO:83 refused: not granted by the policy \(granted: tcp $LO:80, tcp $LO:81, tcp \[::1\]:$P6LOW\)"
check "the binder's log has the grant" logged "grant uid $tp_uid tcp $LO:80 \(its own socket\)"
expect_eq "the socket is the program's own: owned by uid $tp" "$tp_uid" \
	"$(ss -Hltne "src $LO:80" | grep -o 'uid:[0-9]*' | head -1 | cut -d: -f2)"

# held across restarts: the next run's bind gets the same socket
ino=$(sock_inode "$pid" 3)
rm -f "$T/rep-st"
"$B/sv" restart "$(svdir $tp st)" >/dev/null
check "restarted" wait_until 15 eval '[ -s "$T/rep-st" ] && [ "$(user_svc_pid $tp st)" != "$pid" ]'
pid2=$(user_svc_pid $tp st)
expect_match "bound again after restart" "^tcp4:$LO:80 ok" "$(line tcp4:$LO:80)"
expect_eq "the very socket of the run before (held by runsv)" "$ino" "$(sock_inode "$pid2" 3)"
expect_match "O_NONBLOCK of the new socket carried to the held one" \
	"tcp4:$LO:81:reuseaddr:nonblock ok reuseaddr=1 v6only=-1 nonblock=1" "$(line tcp4:$LO:81:reuseaddr:nonblock)"
expect_match "served by the new run" "^uid=$tp_uid pid=$pid2 name=trapserve$" "$(fetch 80 $LO)"
done_testing
