#!/bin/bash
# A user's service tree built to hurt, under the real userd and runsv run as
# that user: symlink loops, run a directory, a FIFO or missing, supervise a
# symlink loop, log a file, names with newlines and control characters, a
# name of 255 bytes, a listen file of a million lines, and a second tree of 10,000 services (userd runs at
# most 1000, as runsvdir: scaled so, with `down` in each, the test stays
# well under 2 minutes on 2 cores).  Each gets a clear error or is run; no
# userd or runsv crashes; the user's good service and another user's
# service keep the same pid throughout.
. "$(dirname "$0")/../lib.sh"
lib_use userd
need_root

tag=wx$(( $$ % 100000 ))
ut=${tag}t uo=${tag}o
make_user $ut || exit 1
make_user $uo || exit 1
H=$T/home-$ut
S=$H/service M=$H/many O=$T/home-$uo/service
mkdir -p "$S" "$M" "$O"

# (lib-userd's runsv_map reads lines, which a name with a newline breaks,
# and forks per process: these look at the kernel's view directly.)
# runs DIR: DIR's service runs (its pid is alive and works in DIR)
runs() {
	local p
	p=$(cat "$1/supervise/pid" 2>/dev/null) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null &&
		[ "$(readlink "/proc/$p/cwd")" = "$1" ]
}
# runsvs GLOB: how many runsvs work in a directory matching GLOB
runsvs() {
	local c n=0 p
	for p in $(find /proc -mindepth 2 -maxdepth 2 -name cwd -lname "$1" 2>/dev/null); do
		{ read -r c <"${p%/cwd}/comm"; } 2>/dev/null && [ "$c" = runsv ] && n=$((n + 1))
	done
	echo $n
}
has_one() { [ "$(runsvs "$1")" = 1 ]; }

# as_user USER CMD...: CMD in its own session as USER (tracked)
as_user() { local u=$1; shift; spawn setpriv --reuid="$u" --regid="$u" --init-groups "$@"; }

mksvc "$O/good"
mksvc "$S/good"
mksvc "$S/$(printf 'nl\nname')"
mksvc "$S/$(printf 'ctl\001\033[2Jx')"
long=$(printf 'L%.0s' $(seq 255))
mksvc "$S/$long"
ln -s loop "$S/loop"                            # a symlink to itself
ln -s la "$S/lb"; ln -s lb "$S/la"              # two that point at each other
mkdir -p "$S/rundir/run"                        # run is a directory
mkdir -p "$S/runfifo"; mkfifo "$S/runfifo/run"  # run is a FIFO
mkdir -p "$S/norun"                             # no run at all
mksvc "$S/suploop"; ln -s supervise "$S/suploop/supervise"   # supervise loops
mksvc "$S/logfile"; echo "not a dir" >"$S/logfile/log"       # log is a file
mksvc "$S/logfifo"; mkfifo "$S/logfifo/log"                  # log is a FIFO
mkdir -p "$S/logloop"; mksvc "$S/logloop"; ln -s log "$S/logloop/log"
mksvc "$S/biglisten"                            # a listen file of a million lines
seq -f 'tcp 127.0.0.1:%g' 1 1000000 >"$S/biglisten/listen"
# 10,000 services, each down (runsv starts, ./run does not)
(cd "$M" && mkdir $(seq -f 's%05g' 1 10000) && for d in s*; do : >"$d/down"; done)
chown -R $ut: "$H"
chown -R $uo: "$O"

as_user $uo "$B/userd" "$O" 2>>"$T/other.err"
other=$SPAWNED
as_user $ut "$B/userd" "$S" 2>>"$T/userd.err"
ud=$SPAWNED
check "the other user's service runs" wait_until 20 runs "$O/good"
check "the good service runs beside the hostile ones" wait_until 20 runs "$S/good"
op=$(svc_pid "$O/good") gp=$(svc_pid "$S/good")

check "a name with a newline runs" wait_until 20 runs "$S/$(printf 'nl\nname')"
check "a name with control characters runs" wait_until 20 runs "$S/$(printf 'ctl\001\033[2Jx')"
check "a name of 255 bytes runs" wait_until 20 runs "$S/$long"
# the hostile ones get some seconds to do their worst
sleep 3
expect_eq "no runsv for symlink loops" 0 "$(( $(runsvs "$S/loop") + $(runsvs "$S/la") + $(runsvs "$S/lb") ))"
check "run a directory: runsv keeps going" has_one "$S/rundir"
check "run a FIFO: runsv keeps going" has_one "$S/runfifo"
check "no run: runsv keeps going" has_one "$S/norun"
check "run a directory: clear error" grep -q "rundir.*unable to .*run\|unable to .*rundir/run\|run: .*[Pp]ermission denied" "$T/userd.err"
check "log a file: the service runs without a logger" runs "$S/logfile"
check "log a file: said so" grep -q "log: not a directory" "$T/userd.err"
check "log a FIFO: the service runs" runs "$S/logfifo"
check "supervise a symlink loop: clear error" grep -q "unable to .*supervise.*[Ll]evels of symbolic links\|suploop.*unable" "$T/userd.err"
check "a listen file of a million lines: clear error" \
	wait_until 10 grep -q "biglisten: warning: listen.*too long" "$T/userd.err"
check "a listen file of a million lines: ./run is kept down" eval '! runs "$S/biglisten"'
expect_eq "a listen file of a million lines: one runsv, alive" 1 "$(runsvs "$S/biglisten")"
check "log a symlink loop: clear error" grep -q "logloop: warning: unable to stat() ./log: Too many levels" "$T/userd.err"

# 10,000 services: at most 1000 run, the rest named as not started
as_user $ut "$B/userd" "$M" 2>>"$T/many.err"
many=$SPAWNED
thousand() { [ "$(runsvs "$M/*")" = 1000 ]; }
check "10,000 services: 1000 runsvs started" wait_until 30 thousand
check "10,000 services: the limit is said" grep -q "more than 1000 services in $M" "$T/many.err"

# nothing that matters changed
check "userd on the hostile tree is alive" kill -0 "$ud"
check "userd on 10,000 services is alive" kill -0 "$many"
check "the other user's userd is alive" kill -0 "$other"
expect_eq "the good service was never restarted" "$gp" "$(svc_pid "$S/good")"
expect_eq "the other user's service was never restarted" "$op" "$(svc_pid "$O/good")"
cores=$(find "$T" -name 'core*' -type f 2>/dev/null | wc -l)
expect_eq "no core dumps" 0 "$cores"
expect_eq "no runsv died of a signal (no 'signal' in any error)" 0 \
	"$(cat "$T"/*.err | grep -ci 'killed by signal\|segmentation\|abort')"
echo "# userd errors on the hostile tree:"; sed 's/^/#   /' "$T/userd.err" | sort | uniq -c | sort -rn | head -20
done_testing
