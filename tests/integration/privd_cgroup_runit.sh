#!/bin/bash
# docs/privd.run under Debian's runit (its runsv and sv): the run script
# puts privd in a cgroup of its own beside runsv's, ward-privd, where
# privd makes its tree (ward-privd/privd, ward-privd/ward/user-UID) and
# starts the user's userd inside it; `sv down` stops privd, and the user's
# cgroup stays for the next privd; `sv up` starts one that reuses it.
. "$(dirname "$0")/../lib.sh"
lib_use privd cgroup
need_root
[ -x "$RUNIT_RUNSV" ] || skip_all "needs Debian's runit (runsv)"
cg_need
make_user $ua || exit 1
su -s /bin/sh $ua -c 'mkdir ~/service'
printf 'supervise %s\n' $ua >"$T/policy"
mkdir -p "$T/sv/privd"
sed -e "s|/usr/local/sbin/privd -t|$B/privd -t -f $T/policy|" \
	-e "s|exec /usr/local/sbin/privd|exec $B/privd -f $T/policy|" \
	"$TOP/docs/privd.run" >"$T/sv/privd/run"
chmod 755 "$T/sv/privd/run"
check "the run script runs privd from the build" grep -q "exec $B/privd -f" "$T/sv/privd/run"
# runsv in a cgroup of its own, as on a runit host (there: the root cgroup)
R=$CGP
spawn sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" "$3"' _ "$R" "$RUNIT_RUNSV" "$T/sv/privd" \
	>"$T/runsv.out" 2>&1
rsv=$SPAWNED
privd_pid() { local p; p=$(cat "$T/sv/privd/supervise/pid" 2>/dev/null); [ -n "$p" ] && [ -d "/proc/$p" ] && echo "$p"; }
check "runsv started privd" wait_until 15 eval '[ -n "$(privd_pid)" ]'
PRIVD=$(privd_pid)
check "privd's binder runs" wait_until 10 eval '[ -n "$(binder_pid)" ]'
expect_eq "privd moved itself into ward-privd/privd" "$R/ward-privd/privd" "$(cg_of "$PRIVD")"
expect_eq "runsv stayed where it was" "$R" "$(cg_of "$rsv")"
check "the user's userd runs" wait_until 10 eval '[ -n "$(userd_pid $ua)" ]'
U=$R/ward-privd/ward/user-$(id -u $ua)
check "in the user's cgroup" eval '[[ $(cg_of "$(userd_pid $ua)") == $U* ]]'
old=$(userd_pid $ua)
/usr/bin/sv down "$T/sv/privd" >/dev/null
check "sv down stops privd" wait_until 15 dead "$PRIVD"
check "privd's userd stops with it" wait_until 15 dead "$old"
check "the user's cgroup stays" test -d "$U"
/usr/bin/sv up "$T/sv/privd" >/dev/null
check "sv up starts privd again" wait_until 15 eval '[ -n "$(privd_pid)" ] && [ "$(privd_pid)" != "$PRIVD" ]'
PRIVD=$(privd_pid)
check "its userd runs in the same cgroup" wait_until 10 eval '[[ $(cg_of "$(userd_pid $ua)") == $U* ]]'
/usr/bin/sv exit "$T/sv/privd" >/dev/null
check "runsv exits" wait_until 15 dead "$rsv"
done_testing
