#!/bin/bash
# chpst called as envdir, envuidgid, pgrphack, setlock, setuidgid, softlimit
# (build/NAME are symlinks to chpst): options and messages of each.
. "$(dirname "$0")/../lib.sh"
need_root

make_user wcu3 || exit 1
uid=$(id -u wcu3) gid=$(id -g wcu3)

for n in envdir envuidgid pgrphack setlock setuidgid softlimit; do
	check "build/$n is a link to chpst" test "$(readlink "$B/$n")" = chpst
	err=$("$B/$n" 2>&1); rc=$?
	expect_eq "$n without arguments: exit 100" 100 "$rc"
	expect_match "$n usage names itself" "^usage: $n " "$err"
done

# envdir
mkdir "$T/env"; printf 'v1 \n' >"$T/env/X"; : >"$T/env/Y"
expect_eq "envdir sets and unsets" "v1|" "$(Y=old "$B/envdir" "$T/env" sh -c 'echo "$X|${Y-}"')"
err=$("$B/envdir" "$T/none" true 2>&1); rc=$?
expect_eq "envdir missing dir: 111" 111 "$rc"
expect_match "envdir message (Debian says chpst:)" "^chpst: fatal: unable to switch to directory: $T/none" "$err"

# envuidgid
out=$("$B/envuidgid" wcu3 env)
expect_match "envuidgid sets UID" $'(^|\n)UID='"$uid"$'(\n|$)' "$out"
expect_match "envuidgid sets GID" $'(^|\n)GID='"$gid"$'(\n|$)' "$out"
err=$("$B/envuidgid" wcu3:root env 2>&1)
expect_eq "envuidgid takes an account only" "chpst: fatal: unknown account: wcu3:root" "$err"

# setuidgid
expect_eq "setuidgid" "uid=$uid gid=$gid groups=$gid" "$("$B/setuidgid" wcu3 id | sed 's/([^)]*)//g')"
err=$("$B/setuidgid" "$uid" id 2>&1); rc=$?
expect_eq "setuidgid by number refused: 111" 111 "$rc"
expect_eq "setuidgid message" "chpst: fatal: unknown account: $uid" "$err"

# pgrphack
out=$("$B/pgrphack" sh -c 'echo $$ $(ps -o pgid= -p $$)' | tr -s ' ')
read -r p g <<<"$out"
expect_eq "pgrphack: own process group" "$p" "$g"

# setlock (runit's meanings: by default, and with -N, do not wait; -n waits)
spawn "$B/setlock" "$T/lk" sleep 30
wait_until 5 grep -q "FLOCK.*:$(stat -c %i "$T/lk" 2>/dev/null) " /proc/locks
err=$("$B/setlock" "$T/lk" echo ran 2>&1); rc=$?
expect_eq "setlock on a held lock: 111 at once (runit's default)" 111 "$rc"
expect_match "setlock message" "unable to lock: $T/lk" "$err"
"$B/setlock" -N "$T/lk" echo ran 2>/dev/null
expect_eq "setlock -N: does not wait either" 111 "$?"
out=$("$B/setlock" -x "$T/lk" echo ran 2>&1); rc=$?
expect_eq "setlock -x: exit 0 quietly" "0:" "$rc:$out"
out=$("$B/setlock" -xX "$T/lk" echo ran 2>&1); rc=$?
expect_eq "setlock -X undoes -x" 111 "$rc"
"$B/setlock" -N -n "$T/lk" sh -c "echo got >$T/lk.out" &
waiter=$!
sleep 0.3
check "setlock -n waits" test ! -e "$T/lk.out"
kill "$SPAWNED"; wait "$waiter"
expect_eq "setlock -n got the lock once free" "got" "$(cat "$T/lk.out" 2>/dev/null)"
out=$("$B/setlock" -x "$T/nodir/lk" echo ran 2>&1); rc=$?
expect_eq "setlock -x: cannot open, exit 0 quietly" "0:" "$rc:$out"
err=$("$B/setlock" -q "$T/lk" true 2>&1); rc=$?
expect_eq "setlock bad option: 100" 100 "$rc"
expect_match "setlock bad option message" "^setlock: illegal option -- q" "$err"

# softlimit
out=$("$B/softlimit" -a 300000000 -c 0 -d 200000000 -f 1000000 -o 40 -p 30 -r 5000000 -s 8000000 -t 9 cat /proc/self/limits)
for pair in "Max address space:300000000" "Max core file size:0" "Max data size:200000000" \
	"Max file size:1000000" "Max open files:40" "Max processes:30" "Max resident set:5000000" \
	"Max stack size:8000000" "Max cpu time:9"; do
	expect_match "softlimit ${pair%%:*}" "${pair%%:*} +${pair#*:} " "$out"
done
out=$("$B/softlimit" -l 1000 cat /proc/self/limits)
expect_match "softlimit -l (locked memory)" "Max locked memory +1000 " "$out"
out=$("$B/softlimit" -m 100000000 -s 9000000 cat /proc/self/limits)
expect_match "softlimit -m sets data" "Max data size +100000000 " "$out"
expect_match "softlimit -m then -s: last wins" "Max stack size +9000000 " "$out"
hard=$(ulimit -Hn)
out=$(ulimit -Sn 10; "$B/softlimit" -o = sh -c 'ulimit -Sn')
expect_eq "softlimit -o =: soft raised to hard" "$hard" "$out"
"$B/softlimit" -o x true 2>/dev/null; expect_eq "softlimit bad number: 100" 100 "$?"
done_testing
