#!/bin/bash
# Finding the user's relay at the moment of the bind, not only through the
# WARD_BIND_SOCKET a runsv inherited: a service started under a hand-run
# userd gets its port once privd's userd has taken over (sv restart);
# privbind from a login shell finds the relay of a tree outside ~/service;
# without any relay, the refusal says that privileged ports need privd.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root

qa=wqa$WQTAG qb=wqb$WQTAG
for u in $qa $qb; do make_user $u || exit 1; done
as $qa mkdir "$(home $qa)/service"
as $qb mkdir -p "$(home $qb)/srv/tree"
chmod 1777 "$T"

# ---- no privd yet: a hand-run userd, a service that wants port 721 ----
spawn su -s /bin/sh $qa -c "exec $B/userd $(home $qa)/service" 2>"$T/hand.err"
hand=$SPAWNED
svc $qa web "tcp $LO:721"
check "without privd the service is not started" \
	wait_until 10 eval '[[ $(sv_status $qa web) == *"privd"* ]]'
expect_match "and sv status says a privileged port needs privd" \
	"no privd relay for this user: privileged ports need privd" "$(sv_status $qa web)"
out=$(as $qb "$B/privbind" tcp "$LO:722" -- true 2>&1)
expect_match "privbind without a relay says so too" \
	"tcp $LO:722: no privd relay for this user: privileged ports need privd" "$out"

# ---- privd takes over ----
cat >"$T/policy" <<P
supervise $qa
supervise $qb dir $(home $qb)/srv/tree
bind $qa tcp 721 on $LO
bind $qb tcp 722 on $LO
P
privd_bin real
start_privd "$T/policy"
kill -TERM -- "-$hand" 2>/dev/null
check "privd's userd takes the tree over" wait_until 15 relay_up $qa
as $qa "$B/sv" restart "$(svdir $qa web)" >/dev/null 2>&1
check "after sv restart the adopted service gets its port" wait_until 15 serving $qa web
expect_match "and serves it" "^uid=$(id -u $qa) pid=[0-9]+ name=tcp-721$" "$(fetch 721 $LO)"

# ---- privbind from a login shell, the tree elsewhere ----
check "the relay of $qb's tree is up" wait_until 15 test -S "$(home $qb)/srv/tree/.userd/bind.sock"
rm -f "$T/rep-$qb"
spawn su -s /bin/sh $qb -c "cd && exec $B/privbind tcp $LO:722 -- $B/tests/lfd_serve $T/rep-$qb"
check "privbind found the relay of a tree outside ~/service" wait_until 15 test -s "$T/rep-$qb"
expect_match "and the port is served as $qb" "^uid=$(id -u $qb) pid=[0-9]+ name=tcp-722$" "$(fetch 722 $LO)"
sed 's/^/# privd: /' "$T/privd.log" | tail -5
done_testing
