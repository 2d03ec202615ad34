#!/bin/bash
# privd started with inheritable and ambient capabilities (systemd's
# CapabilityInheritable=/AmbientCapabilities=, setpriv --inh-caps): none of
# them reaches a user.  The real userd and a service under it have empty
# inheritable, permitted, effective, ambient and bounding sets, even with
# no_new_privs off, and a program file with inheritable bits
# (cap_net_bind_service+ei) gains nothing from them.
. "$(dirname "$0")/../lib.sh"
lib_use userd privd
need_root
privd_bin real

make_user ${ua} || exit 1
H=$T/home-${ua}
mkdir -p "$T/fcap"
cp /bin/sleep "$T/fcap/sleep"
chmod -R a+rX "$T/fcap"
fcap=0
if command -v setcap >/dev/null && setcap cap_net_bind_service+ei "$T/fcap/sleep"; then fcap=1; fi
mksvc "$H/service/plain"
mksvc "$H/service/fcap" "exec $T/fcap/sleep 100000"
chown -R ${ua}: "$H/service"
cat >"$T/policy" <<P
supervise ${ua}
no_new_privs ${ua} off
P
spawn setpriv --inh-caps +net_bind_service --ambient-caps +net_bind_service \
	"$PRIVD_EXE" -f "$T/policy" 2>>"$T/privd.log"
PRIVD=$SPAWNED
check "${ua}'s userd started" wait_until 10 eval 'userd_pid ${ua} >/dev/null'
expect_eq "privd itself holds the ambient capability (the test's premise)" \
	0000000000000400 "$(proc_field "$PRIVD" CapAmb)"
check "the plain service runs" wait_until 20 eval '[ -n "$(svc_pid "$H/service/plain")" ]'
check "the service with file capabilities runs" wait_until 20 eval '[ -n "$(svc_pid "$H/service/fcap")" ]'
pu=$(userd_pid ${ua}) pp=$(svc_pid "$H/service/plain") pf=$(svc_pid "$H/service/fcap")
for c in CapInh CapPrm CapEff CapAmb CapBnd; do
	expect_eq "userd: $c empty" 0000000000000000 "$(proc_field "$pu" $c)"
	expect_eq "a service: $c empty" 0000000000000000 "$(proc_field "$pp" $c)"
done
if [ $fcap = 1 ]; then
	for c in CapPrm CapEff; do
		expect_eq "a file with inheritable bits: $c empty" 0000000000000000 "$(proc_field "$pf" $c)"
	done
else
	echo "# setcap not installed: no file with inheritable bits tried"
fi
done_testing
