#!/bin/bash
# A hostile user against the bind trap (runsv(8), BINDS), through the real
# privd, binder, userd and runsv: a static program of theirs calls bind()
# for another user's granted port, for its own granted port on another
# address or on every address, for the other protocol, and for an IPv6
# wildcard with IPV6_V6ONLY off (which would take IPv4 traffic the user
# has no grant for).  Each gets EACCES; the other user then binds its own
# port through the trap as if nothing happened.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"
command -v gcc >/dev/null || skip_all "no gcc"

ta=wta$WQTAG tb=wtb$WQTAG
trap_setup $ta $tb || { notok "users and trapserve made"; done_testing; }
# LO2: another loopback address (even: no other run's LO, which is odd)
LO2=${LO%.*}.$(( (${LO##*.} + 1) % 256 ))
cat >"$T/policy" <<P
supervise $ta
supervise $tb
bind $ta tcp 80 on $LO
bind $ta tcp $P6LOW on ::
bind $tb tcp 84 on $LO
P
ports_privd "$T/policy" $ta $tb || exit 1

trap_svc $ta evil "exec $T/trapserve $T/rep-evil tcp4:$LO:84 tcp4:$LO2:80 tcp4:0.0.0.0:80 \
udp4:$LO:80 tcp6:any:$P6LOW:dualstack"
check "the program ran its binds" wait_until 15 test -s "$T/rep-evil"
sed 's/^/# /' "$T/rep-evil"
line() { grep -F -- "$1 " "$T/rep-evil"; }
expect_eq "another user's granted port: EACCES" "tcp4:$LO:84 errno=EACCES" "$(line tcp4:$LO:84)"
expect_eq "its port on another address: EACCES" "tcp4:$LO2:80 errno=EACCES" "$(line tcp4:$LO2:80)"
expect_eq "its port on every address: EACCES" "tcp4:0.0.0.0:80 errno=EACCES" "$(line tcp4:0.0.0.0:80)"
expect_eq "its port, the other protocol: EACCES" "udp4:$LO:80 errno=EACCES" "$(line udp4:$LO:80)"
expect_eq "IPv6 wildcard with IPv4 traffic, no IPv4 grant: EACCES" \
	"tcp6:any:$P6LOW:dualstack errno=EACCES" "$(line tcp6:any:$P6LOW:dualstack)"
check "nothing of those is bound" eval '[ -z "$(ss -Hltnu "src $LO:84 or src $LO2:80 or src 0.0.0.0:80 or sport = :$P6LOW")" ]'
check "runsv named the missing grant" logged "runsv evil: warning: bind to tcp $LO:84 refused: not granted by the policy \(granted: tcp $LO:80, tcp \[::\]:$P6LOW\)"

trap_svc $tb good "exec $T/trapserve $T/rep-good tcp4:$LO:84"
check "the other user binds its port through the trap" wait_until 15 eval 'grep -q "^tcp4:$LO:84 ok" "$T/rep-good" 2>/dev/null'
expect_match "and serves it as $tb" "^uid=$(id -u $tb) " "$(fetch 84 $LO)"
done_testing
