#!/bin/bash
# Templates and instances (runsv(8), TEMPLATES; issue 17), with a real
# user's userd, runsvs and services:
#  - web@ is a template, not supervised itself; web@P1 and web@P2 are
#    symlinks to it, web@P3 a directory without a run of its own: three
#    instances run at once, each with its own status, its ARG as $1 and
#    $INSTANCE, its own listen socket (the template's listen names
#    ${INSTANCE}), its own logger and log directory;
#  - sv status 'web@*' lists the three, sv -j names their template; runit's
#    sv finds them too (by name for a directory instance, with
#    SVDIR=TREE/.instances for a symlinked one);
#  - ./finish gets ARG, then runit's exit code and signal; ./check, run by
#    sv (the user's, or root's acting as the user), ARG and $INSTANCE;
#  - an instance name with a control character is refused, said so in the
#    log, and runs nothing;
#  - removing one instance stops it and leaves the other two as they were.
. "$(dirname "$0")/../lib.sh"
lib_use userd
need_root

u=wt$(( $$ % 100000 ))
make_user $u || exit 1
H=$T/home-$u D=$H/service
chmod 755 "$H"
LO=127.$(( 100 + ($$ >> 8) % 100 )).$(( $$ & 255 )).$(( 1 + $$ % 200 ))
P1=$(( 25000 + $$ % 5000 * 3 )) P2=$((P1 + 1)) P3=$((P1 + 2))

# as_u CMD...: CMD as the user, with the user's groups
as_u() { setpriv --reuid=$u --regid=$u --init-groups env SVDIR="$D" "$@"; }

mkdir -p "$D/web@/log/main"
mkscript() { printf '#!/bin/sh\n%s\n' "$2" >"$1"; chmod 755 "$1"; }
mkscript "$D/web@/run" 'echo "arg=$1 env=$INSTANCE"
echo "$1 $INSTANCE" >started
exec sleep 100000'
mkscript "$D/web@/finish" 'echo "$1 $2 $3" >finished'
mkscript "$D/web@/check" 'echo "$1 $INSTANCE $(id -un)" >checked'
mkscript "$D/web@/log/run" "exec '$B/svlogd' ./main"
echo "tcp $LO:\${INSTANCE}" >"$D/web@/listen"
ln -s web@ "$D/web@$P1"
ln -s web@ "$D/web@$P2"
mkdir "$D/web@$P3"
bad=$(printf 'web@x\001')
ln -s web@ "$D/$bad"
chown -R $u: "$H"

spawn setpriv --reuid=$u --regid=$u --init-groups "$B/userd" "$D" 2>>"$T/userd.err"
I=$D/.instances
running() { [[ $(as_u "$B/sv" status "$D/web@$1" 2>&1) == "run: "* ]]; }
check "three instances of one template run at once" \
	wait_until 20 eval "running $P1 && running $P2 && running $P3"
pid1=$(svc_pid "$I/web@$P1") pid2=$(svc_pid "$I/web@$P2") pid3=$(svc_pid "$I/web@$P3")
expect_eq "each with its own service process" 3 "$(printf '%s\n' "$pid1" "$pid2" "$pid3" | sort -u | grep -c .)"
expect_eq "each runs as the user" "$u $u $u" "$(ps -o user= -p "$pid1,$pid2,$pid3" | tr '\n' ' ' | sed 's/ $//')"
check "each in a directory of its own" eval \
	'[ "$(readlink /proc/$pid1/cwd)" = "$I/web@$P1" ] && [ "$(readlink /proc/$pid3/cwd)" = "$I/web@$P3" ]'
expect_eq "ARG as \$1 and \$INSTANCE" "$P1 $P1|$P2 $P2|$P3 $P3" \
	"$(cat "$I/web@$P1/started")|$(cat "$I/web@$P2/started")|$(cat "$I/web@$P3/started")"
listening() { ss -ltnH "src $LO" | awk '{print $4}' | sed 's/.*://' | sort | tr '\n' ' '; }
expect_eq "listen's \${INSTANCE}: each holds its own port" "$P1 $P2 $P3 " "$(listening)"
check "each its own logger and log directory" wait_until 10 eval \
	'grep -q "arg=$P1 env=$P1" "$I/web@$P1/log/main/current" && grep -q "arg=$P3 env=$P3" "$I/web@$P3/log/main/current"'
check "the template itself is not supervised" eval \
	'[ ! -e "$D/web@/supervise" ] && no_runsv "$D/web@"'
expect_eq "a directory instance keeps the user's files, and a supervise link" \
	"../.instances/web@$P3/supervise" "$(readlink "$D/web@$P3/supervise")"

out=$(as_u "$B/sv" status 'web@*')
expect_match "sv status 'web@*': the three, in order" \
	"^run: web@$P1: \(pid $pid1\) [0-9]+s; run: log: .*"$'\n'"run: web@$P2: \(pid $pid2\) .*"$'\n'"run: web@$P3: \(pid $pid3\) " "$out"
expect_eq "sv -j status 'web@*': each with its template (and the refused name, unknown)" \
	"web@$P1 web@ run|web@$P2 web@ run|web@$P3 web@ run|$bad  unknown|" \
	"$(as_u "$B/sv" -j status 'web@*' | jq -r '[.name, .template, .state] | join(" ")' | tr '\n' '|')"
expect_eq "sv -j: a service that is no instance has template null" "null" \
	"$(as_u "$B/sv" -j status "$D/web@/log" 2>/dev/null | jq -r .template)"
expect_match "runit's sv: a directory instance by its name" "^run: web@$P3: \(pid $pid3\) " \
	"$(as_u "$RUNIT_SV" status "web@$P3" 2>&1)"
expect_match "runit's sv: a symlinked instance with SVDIR=TREE/.instances" "^run: web@$P1: \(pid $pid1\) " \
	"$(setpriv --reuid=$u --regid=$u --init-groups env SVDIR="$I" "$RUNIT_SV" status "web@$P1" 2>&1)"

check "an instance name with a control character: refused in the log" \
	wait_until 10 grep -q "web@x.*not an instance: its argument must be" "$T/userd.err"
check "... and nothing runs for it" test ! -e "$I/$bad"

# ./check, run by sv: ARG as $1 and in INSTANCE
expect_match "the user's sv check of an instance" "^ok: run: web@$P1: " "$(as_u "$B/sv" check "web@$P1" 2>&1)"
expect_eq "... ./check got ARG and INSTANCE" "$P1 $P1 $u" "$(cat "$I/web@$P1/checked")"
rm -f "$I/web@$P1/checked"
expect_match "root's sv check of an instance" "^ok: run: $D/web@$P3: " "$("$B/sv" check "$D/web@$P3" 2>&1)"
expect_eq "... ./check ran as the user, with ARG and INSTANCE" "$P3 $P3 $u" "$(cat "$I/web@$P3/checked")"

# ./finish: ARG, then runit's exit code and signal
as_u "$B/sv" -w 10 down "web@$P2" >/dev/null
check "./finish gets ARG, exit code, signal" wait_until 10 eval \
	'[ "$(cat "$I/web@$P2/finished" 2>/dev/null)" = "$P2 -1 15" ]'
as_u "$B/sv" -w 10 up "web@$P2" >/dev/null
check "it runs again" wait_until 10 running $P2
pid2=$(svc_pid "$I/web@$P2")

# one removed: the others untouched
runsv2=$(runsvs_in "$I/web@$P2")
rm "$D/web@$P2"
check "the removed instance's runsv and service end" wait_until 10 eval 'gone "$pid2" && gone "$runsv2"'
check "its port is closed" wait_until 10 eval '[ "$(listening)" = "$P1 $P3 " ]'
expect_eq "the others run on, the same processes" "$pid1 $pid3" \
	"$(svc_pid "$I/web@$P1") $(svc_pid "$I/web@$P3")"
check "... still alive and up" eval 'alive $pid1 && alive $pid3 && running $P1 && running $P3'
expect_eq "sv status 'web@*' now lists two" 2 "$(as_u "$B/sv" status 'web@*' | grep -c '^run: ')"
done_testing
