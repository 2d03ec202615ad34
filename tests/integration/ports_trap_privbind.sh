#!/bin/bash
# privbind -- PROG (privbind(8)): a static program started from the user's
# shell binds its granted privileged port itself, through the bind trap
# and the user's real userd, privd and binder; an ungranted one gets
# EACCES.  privbind stays its parent, passes TERM on and exits as it did.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root
command -v gcc >/dev/null || skip_all "no gcc"

tq=wtq$WQTAG
trap_setup $tq || { notok "users and trapserve made"; done_testing; }
printf 'supervise %s\nbind %s tcp 80 on %s\n' $tq $tq $LO >"$T/policy"
ports_privd "$T/policy" $tq || exit 1

# as from a login shell: no WARD_BIND_SOCKET, the relay found by its published name
spawn su -s /bin/sh $tq -c "env -u WARD_BIND_SOCKET $B/privbind -- $T/trapserve $T/rep tcp4:$LO:80 tcp4:$LO:81 2>$T/pb.err; echo \$? >$T/pb.rc"
check "the program ran its binds" wait_until 15 test -s "$T/rep"
sed 's/^/# /' "$T/rep"
expect_eq "granted tcp $LO:80 bound by its own bind()" "tcp4:$LO:80 ok reuseaddr=0 v6only=-1 nonblock=0" \
	"$(grep -F "tcp4:$LO:80 " "$T/rep")"
expect_eq "ungranted tcp $LO:81: EACCES" "tcp4:$LO:81 errno=EACCES" "$(grep -F "tcp4:$LO:81 " "$T/rep")"
spid=$(ss -Hltnp "src $LO:80" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
expect_match "served as $tq" "^uid=$(id -u $tq) pid=$spid name=trapserve$" "$(fetch 80 $LO)"
ppid=$(ps -o ppid= -p "$spid" | tr -d ' ')
expect_eq "privbind is its parent" "privbind" "$(ps -o comm= -p "$ppid")"
expect_match "privbind said which grant was missing" \
	"bind to tcp $LO:81 refused: not granted by the policy \(granted: tcp $LO:80\)" "$(cat "$T/pb.err")"
kill -TERM "$ppid"
check "TERM passed on: the program and privbind are gone" wait_until 10 eval 'gone $spid && gone $ppid'
check "privbind exited as the program did (143)" wait_until 10 eval '[ "$(cat $T/pb.rc 2>/dev/null)" = 143 ]'
done_testing
