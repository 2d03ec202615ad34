#!/bin/bash
# Where the bind trap cannot be installed, the service starts all the same
# and runsv says once why (runsv(8), BINDS): a user whose policy says
# no_new_privs off (runsv never sets it for them).  The program's bind of
# its granted port is then the kernel's: EACCES; its listen file still
# works.  A runsv no userd started (runit's way) traps nothing and says
# nothing of it.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"
command -v gcc >/dev/null || skip_all "no gcc"

tz=wtz$WQTAG
trap_setup $tz || { notok "users and trapserve made"; 
mksvc "$T/byhand" "exec sleep 1000"
spawn env -u WARD_BIND_SOCKET "$B/runsv" "$T/byhand" 2>"$T/byhand.err"
check "a runsv started by hand runs its service" wait_until 10 eval '[ -s "$T/byhand/supervise/pid" ]'
expect_eq "and says nothing of the trap" "" "$(grep 'not intercepted' "$T/byhand.err")"
done_testing; }
printf 'supervise %s\nno_new_privs %s off\nbind %s tcp 80-81 on %s\n' $tz $tz $tz $LO >"$T/policy"
ports_privd "$T/policy" $tz || exit 1
svc $tz nn "tcp $LO:81" "exec $T/trapserve $T/rep tcp4:$LO:80"
check "the service started" wait_until 15 test -s "$T/rep"
pid=$(user_svc_pid $tz nn)
expect_eq "no_new_privs is off in it" "0" "$(proc_field "$pid" NoNewPrivs)"
expect_eq "its own bind of port 80 is the kernel's: EACCES" "tcp4:$LO:80 errno=EACCES" "$(grep -F "tcp4:$LO:80 " "$T/rep")"
check "runsv said why binds are not intercepted" logged \
	"runsv nn: warning: binds of ports below the unprivileged floor are not intercepted: no_new_privs is not set"
rm -f "$T/rep"
"$B/sv" restart "$(svdir $tz nn)" >/dev/null
check "restarted" wait_until 15 test -s "$T/rep"
expect_eq "said once, not at each start" 1 "$(grep -c 'runsv nn: warning: binds of ports below' "$T/privd.log")"
pid=$(user_svc_pid $tz nn)
expect_eq "the listen file still works: its socket on fd 3" "$(ss -Hltne "src $LO:81" | grep -o 'ino:[0-9]*' | cut -d: -f2)" \
	"$(readlink "/proc/$pid/fd/3" | tr -dc 0-9)"

mksvc "$T/byhand" "exec sleep 1000"
spawn env -u WARD_BIND_SOCKET "$B/runsv" "$T/byhand" 2>"$T/byhand.err"
check "a runsv started by hand runs its service" wait_until 10 eval '[ -s "$T/byhand/supervise/pid" ]'
expect_eq "and says nothing of the trap" "" "$(grep 'not intercepted' "$T/byhand.err")"
done_testing
