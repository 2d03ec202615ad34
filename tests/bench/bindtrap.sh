#!/bin/bash
# The bind trap (runsv(8), BINDS) and what it costs, under a real privd,
# userd and binder, with privbind -- PROG (the same code as runsv's):
#   - a program's own bind() of a granted privileged port, through the
#     trap, the relay and the binder (each port bound once: the binder's
#     path), median and 90th percentile, beside the relay and binder's
#     round trip alone (bindbench: the listen file's path); the same port
#     bound again and again in one run (the binder says in use, the socket
#     privbind holds is put in place); a bind
#     of a port >= 1024 under the filter (the kernel's, continued);
#   - beside: a plain bind() with no filter, of a port >= 1024 as the user
#     and of a privileged port as root (issue 21: 8 us here; authbind's
#     setuid helper 2.5 ms);
#   - a syscall-heavy loop (getppid and 1-byte reads) with the filter in
#     place and without: the slowdown of a busy service.
# runit has no such path: its column is n/a.  Needs root.
. "$(dirname "$0")/../lib.sh"
lib_use privd ports "$TOP/tests/bench/lib-table.sh"
[ "$(id -u)" = 0 ] || { echo "bindtrap.sh: needs root, skipped"; exit 0; }
[ -x "$B/tests/bindbench" ] || { echo "build/tests/bindbench missing: make bench builds it"; exit 1; }
N=${N:-200} R=${R:-2000} L=${L:-2000000}
U=wtbench$(( $$ % 10000 ))
make_user "$U" >/dev/null || exit 1
as "$U" mkdir "$(home "$U")/service"
printf 'supervise %s\nbind %s tcp 600-799 on %s\n' "$U" "$U" "$LO" >"$T/policy"
ports_privd "$T/policy" "$U" >/dev/null || { echo "bindtrap.sh: privd did not come up"; exit 1; }
HIGH=$(( 30000 + $$ % 1000 ))
tb() { as "$U" "$B/privbind" -- "$B/tests/bindbench" "$@" 2>>"$T/trap.err"; }
field() { echo "$1" | awk -v f="$2" '{ for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }'; }

via=$(tb bind "$LO" 600 799 "$N")
held=$(tb bind "$LO" 700 700 "$R")
cont=$(tb bind "$LO" "$HIGH" "$HIGH" "$R")
plain=$(as "$U" "$B/tests/bindbench" bind "$LO" "$HIGH" "$HIGH" "$R")
root=$("$B/tests/bindbench" bind "$LO" 800 800 "$R")
for v in "$via" "$held" "$cont" "$plain" "$root"; do
	[ "$(field "$v" fails)" = 0 ] || { echo "bindtrap.sh: binds failed: $v"; cat "$T/trap.err"; exit 1; }
done
# the relay and binder alone (the listen file's path, tests/bench/ports.sh)
rt=$(as "$U" "$B/tests/bindbench" "$(bindsock "$U")" "$LO" 799 "$R") || { echo "bindtrap.sh: bindbench: $rt"; exit 1; }
free=$(as "$U" "$B/tests/bindbench" loop "$L")
trapped=$(tb loop "$L")

header
row "trapped privileged bind, via the binder, median ($N)" "$(field "$via" median)" n/a us
row "trapped privileged bind, via the binder, 90th pct" "$(field "$via" p90)" n/a us
row "  beside: relay + binder round trip alone, median" "$(echo "$rt" | awk '{ print $2 }')" n/a us
row "trapped privileged bind of a held socket, median" "$(field "$held" median)" n/a us
row "trapped bind of a port >= 1024 (continued), median" "$(field "$cont" median)" n/a us
row "plain bind, no filter, port >= 1024, median" "$(field "$plain" median)" n/a us
row "plain bind of a privileged port by root, median" "$(field "$root" median)" n/a us
row "  trapped via the binder / root's plain bind" \
	"$(ratio "$(field "$via" median)" "$(field "$root" median)")" n/a x
row "syscall loop, no filter" "$(field "$free" ns_per_call)" n/a ns/call
row "syscall loop, bind trap filter in place" "$(field "$trapped" ns_per_call)" n/a ns/call
row "  the same, with / without (slowdown)" \
	"$(ratio "$(field "$trapped" ns_per_call)" "$(field "$free" ns_per_call)")" n/a x
echo "# privbind -- bindbench as user $U, privd's binder behind the user's relay;"
echo "# each bind(2) call timed alone; $L rounds of getppid + read(/dev/zero, 1)"
