#!/bin/bash
# The bind relay follows a switch of DIR: userd runs (under a real privd) on
# ~/service, a symlink to sa; the link is switched to sb, as runsvchdir
# does, and sa is removed.  A service of sb, started after the switch, is
# told the relay's socket in sb and gets its privileged port through it.
# Then a switch to sc, whose .userd is root's: the relay cannot move, says
# so once, and stays in sb, where sc's service still gets its port.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports
need_root

ur=wrl$WQTAG port=$(( 900 + $$ % 25 * 2 )); port2=$((port + 1))
make_user $ur || exit 1
h=$(home $ur)
as $ur mkdir "$h/sa" "$h/sb"
as $ur ln -s sa "$h/service"
cat >"$T/policy" <<P
supervise $ur
bind $ur tcp $port on $LO
bind $ur tcp $port2 on $LO
P
chmod 1777 "$T"   # sticky, like /tmp: privd -f allows it above the policy
ports_privd "$T/policy" $ur || exit 1
expect_eq "before the switch the relay is in sa" "$ur 600" "$(stat -c '%U %a' "$h/sa/.userd/bind.sock")"

# newsvc DIR NAME PORT: a service that says which socket it was told, then
# waits for $T/go-NAME to ask for PORT
newsvc() {
	mkdir "$h/.new-$2"
	cat >"$h/.new-$2/run" <<R
#!/bin/sh
echo "\$WARD_BIND_SOCKET" >$T/env-$2
while ! test -e $T/go-$2; do sleep 0.05; done
exec $B/privbind tcp $LO:$3 -- $B/tests/lfd_serve $T/rep-$2
R
	chmod 755 "$h/.new-$2/run"
	chown -R "$ur:" "$h/.new-$2"
	mv "$h/.new-$2" "$h/$1/$2"
}
# switch DIR: ~/service now names DIR, as runsvchdir switches current
switch() { as $ur ln -s "$1" "$h/service.new" && as $ur mv -T "$h/service.new" "$h/service"; }
newsvc sb web $port
switch sb
check "sb's service started" wait_until 10 test -s "$T/env-web"
expect_eq "it was told the socket in sb" "$h/sb/.userd/bind.sock" "$(cat "$T/env-web")"
expect_eq "the relay listens in sb: the user's, mode 0600" "$ur 600" \
	"$(stat -c '%U %a' "$h/sb/.userd/bind.sock" 2>&1)"
expect_eq "the old socket file is gone (the old lock stays)" "lock" "$(ls -A "$h/sa/.userd" 2>&1)"
rm -rf "$h/sa"
touch "$T/go-web"
check "privbind got the port through the relay" wait_until 10 test -e "$T/rep-web"
expect_match "served as $ur on $LO:$port" "^uid=$(id -u $ur) pid=[0-9]+ name=tcp-$port$" \
	"$(fetch $port $LO)"

as $ur mkdir "$h/sc"
mkdir -m 755 "$h/sc/.userd"   # root's: no socket of $ur's in there
newsvc sc web2 $port2
switch sc
check "sc's service started" wait_until 10 test -s "$T/env-web2"
expect_eq "it was told the socket in sb, where the relay stayed" "$h/sb/.userd/bind.sock" \
	"$(cat "$T/env-web2")"
check "userd said why, naming the path" wait_until 5 logged \
	"unable to move the bind relay to $h/service/.userd/bind.sock: it stays at $h/sb/.userd/bind.sock"
expect_eq "once" 1 "$(grep -c 'unable to move the bind relay' "$T/privd.log")"
check "and that it locks sc itself, its .userd being root's" logged \
	"warning: unable to use $h/service/.userd/lock, locking $h/service itself: Operation not permitted"
touch "$T/go-web2"
check "sc's service got its port through the relay in sb" wait_until 10 test -e "$T/rep-web2"
expect_match "served as $ur on $LO:$port2" "^uid=$(id -u $ur) pid=[0-9]+ name=tcp-$port2$" \
	"$(fetch $port2 $LO)"
expect_eq "userd still runs" 1 "$(userd_pid $ur >/dev/null && echo 1)"
done_testing
