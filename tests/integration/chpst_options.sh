#!/bin/bash
# chpst: every option, each checked from inside the child it starts
# (/proc/self/limits, /proc/self/status, the environment, the root).
. "$(dirname "$0")/../lib.sh"
need_root
C=$B/chpst

# limit ROW: soft limit of /proc/self/limits row ROW as seen by the child
limit() { awk -v r="$1" 'index($0, r) == 1 { print $(NF-2) }' /proc/self/limits; }
export -f limit
lim() { "$C" "$@" bash -c "limit '$LIMROW'"; }

make_group wcg3 && make_group wcg4 || exit 1
make_user wcu2 || exit 1
usermod -a -G wcg3 wcu2
uid=$(id -u wcu2) gid=$(id -g wcu2) g3=$(getent group wcg3 | cut -d: -f3) g4=$(getent group wcg4 | cut -d: -f3)

# -u
expect_eq "-u user: uid, gid, only the user's group" "uid=$uid gid=$gid groups=$gid" \
	"$("$C" -u wcu2 /usr/bin/id | sed 's/([^)]*)//g')"
expect_eq "-u user:group:group" "uid=$uid gid=$g3 groups=$g3,$g4" \
	"$("$C" -u wcu2:wcg3:wcg4 /usr/bin/id | sed 's/([^)]*)//g')"
expect_eq "-u :uid:gid:gid, no lookup" "uid=4321 gid=8765 groups=8765,91" \
	"$("$C" -u :4321:8765:91 /usr/bin/id | sed 's/([^)]*)//g')"
out=$("$C" -u wcu2 /bin/sh -c 'grep -E "^(Uid|Gid):" /proc/self/status')
expect_match "-u sets saved ids too" "Uid:[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid" "$out"
out=$("$C" -u wcu2 "$B/tests/creds_regain")
expect_eq "-u leaves no way back to root" "0" "$?"
err=$("$C" -u wc-nosuch /bin/true 2>&1); rc=$?
expect_eq "-u unknown user: exit 111" 111 "$rc"
expect_eq "-u unknown user: message" "chpst: fatal: unknown user/group: wc-nosuch" "$err"
err=$("$C" -u "$uid" /bin/true 2>&1)
expect_eq "-u takes names only, as runit" "chpst: fatal: unknown user/group: $uid" "$err"
err=$("$C" -u :4321 /bin/true 2>&1)
expect_eq "-u :uid without gid refused" "chpst: fatal: invalid uid/gids: 4321" "$err"
err=$("$C" -u :12: /bin/true 2>&1)
expect_eq "-u :uid: (empty gid) refused, not gid 0" "chpst: fatal: invalid uid/gids: 12:" "$err"
err=$("$C" -u wcu2:wc-nosuch /bin/true 2>&1)
expect_eq "-u unknown group" "chpst: fatal: unknown user/group: wcu2:wc-nosuch" "$err"

# -U
out=$("$C" -U wcu2 /usr/bin/env)
expect_match "-U sets UID" $'(^|\n)UID='"$uid"$'(\n|$)' "$out"
expect_match "-U sets GID" $'(^|\n)GID='"$gid"$'(\n|$)' "$out"
expect_eq "-U keeps the ids" "0" "$("$C" -U wcu2 /usr/bin/id -u)"
out=$("$C" -U wcu2:wcg4 /usr/bin/env)
expect_match "-U user:group" $'(^|\n)GID='"$g4"$'(\n|$)' "$out"
out=$("$C" -U :77:88 /usr/bin/env)
expect_match "-U :uid:gid" $'UID=77\n.*GID=88|GID=88\n.*UID=77' "$out"

# -e
mkdir "$T/env"
printf 'hello  \t\nsecond\n' >"$T/env/A"
: >"$T/env/B"
printf 'x\0y\n' >"$T/env/C"
printf 'hidden' >"$T/env/.D"
mkdir "$T/env/SUB"
out=$(B=old D=keep "$C" -e "$T/env" /usr/bin/env)
expect_match "-e first line, trailing blanks removed" $'(^|\n)A=hello\n' "$out"
check "-e empty file unsets" test -z "$(echo "$out" | grep '^B=')"
expect_match "-e NUL becomes newline" $'(^|\n)C=x\ny(\n|$)' "$out"
expect_match "-e dot files ignored" $'(^|\n)D=keep(\n|$)' "$out"
err=$("$C" -v -e "$T/env" /bin/true 2>&1)
expect_match "-v warns about a directory in the envdir" "warning: unable to read $T/env/SUB" "$err"
err=$("$C" -e "$T/env" /bin/true 2>&1)
expect_eq "without -v, no warning" "" "$err"
err=$("$C" -e "$T/nonexist" /bin/true 2>&1); rc=$?
expect_eq "-e missing dir exits 111" 111 "$rc"
expect_match "-e missing dir message" "^chpst: fatal: unable to switch to directory: $T/nonexist: " "$err"
printf 'over' >"$T/env/PATH"
out=$("$C" -e "$T/env" /usr/bin/env)
expect_match "-e applies before the program is found (PATH by path here)" $'(^|\n)PATH=over(\n|$)' "$out"
rm "$T/env/PATH"

# -/
R=$T/root
mkdir -p "$R/bin" "$R/tmp" && chmod 1777 "$R/tmp"
for f in /bin/sh /bin/cat $(ldd /bin/sh /bin/cat | awk '/\// && !/:$/ { print ($3 ~ /^\//) ? $3 : $1 }' | sort -u); do
	mkdir -p "$R$(dirname "$f")"; cp -L "$f" "$R$f"
done
echo inside >"$R/marker"
expect_eq "-/ changes the root" "inside" "$("$C" -/ "$R" /bin/cat /marker)"
"$C" -/ "$R" -u :4321:4321 -l /tmp/lock /bin/sh -c 'true'
check "-l after -/: lock created inside the new root" test -f "$R/tmp/lock"
expect_eq "lock created by the new user" "4321" "$(stat -c %u "$R/tmp/lock")"
err=$("$C" -/ "$T/nonexist" /bin/true 2>&1); rc=$?
expect_eq "-/ missing exits 111" 111 "$rc"
expect_match "-/ missing message" "unable to change directory: $T/nonexist" "$err"

# -n
expect_eq "-n +3" "3" "$("$C" -n +3 /usr/bin/nice)"
expect_eq "-n -5 (root)" "-5" "$("$C" -n -5 /usr/bin/nice)"
expect_eq "-n last one wins" "2" "$("$C" -n 7 -n 2 /usr/bin/nice)"
"$C" -n x /bin/true 2>/dev/null; expect_eq "-n x is a usage error" 100 "$?"
err=$("$C" -u wcu2 "$C" -n -3 /bin/true 2>&1)
expect_match "-n negative as a user fails" "unable to set nice level" "$err"

# -l / -L
spawn "$C" -l "$T/lk" sleep 30
wait_until 5 grep -q "FLOCK.*:$(stat -c %i "$T/lk" 2>/dev/null) " /proc/locks
err=$("$C" -L "$T/lk" echo ran 2>&1); rc=$?
expect_eq "-L on a held lock exits 111" 111 "$rc"
expect_match "-L message" "^chpst: fatal: unable to lock: $T/lk: " "$err"
"$C" -l "$T/lk" sh -c "echo got >$T/lk.out" &
waiter=$!
sleep 0.3
check "-l waits while the lock is held" test ! -e "$T/lk.out"
kill "$SPAWNED"
wait "$waiter"
expect_eq "-l runs once the lock is free" "got" "$(cat "$T/lk.out" 2>/dev/null)"
expect_eq "-L on a free lock" "ran" "$("$C" -L "$T/lk" echo ran)"
out=$("$C" -l "$T/lk2" sh -c 'ls -l /proc/$$/fd | grep -c lk2')
expect_eq "the program holds the lock fd" 1 "$out"

# limits
export LIMROW
LIMROW="Max open files";   expect_eq "-o" 77 "$(lim -o 77)"
LIMROW="Max processes";    expect_eq "-p" 55 "$(lim -p 55)"
LIMROW="Max file size";    expect_eq "-f" 123456 "$(lim -f 123456)"
LIMROW="Max core file size"; expect_eq "-c" 4096 "$(lim -c 4096)"
LIMROW="Max cpu time";     expect_eq "-t" 33 "$(lim -t 33)"
LIMROW="Max data size";    expect_eq "-d" 300000000 "$(lim -d 300000000)"
out=$("$C" -m 300000000 cat /proc/self/limits)
for row in "Max data size" "Max stack size" "Max address space"; do
	expect_match "-m sets $row" "$row +300000000 " "$out"
done
memhard=$(awk '/^Max locked memory/ { print $(NF-1) }' /proc/self/limits)
if [ "$memhard" = unlimited ]; then want=300000000; else want=$(( memhard < 300000000 ? memhard : 300000000 )); fi
expect_match "-m sets locked memory (capped at hard)" "Max locked memory +$want " "$out"
LIMROW="Max data size"; expect_eq "-m then -d: last wins" 200000000 "$(lim -m 300000000 -d 200000000)"
hard=$(ulimit -Hn)
LIMROW="Max open files"; expect_eq "-o above hard: soft capped at hard" "$hard" "$(lim -o $((hard + 1000)))"
out=$("$C" -o 50 cat /proc/self/limits)
expect_match "-o leaves the hard limit" "Max open files +50 +$hard " "$out"
"$C" -o = /bin/true 2>/dev/null; expect_eq "-o = is a usage error for chpst" 100 "$?"

# -P
out=$("$C" -P sh -c 'echo $$ $(ps -o pgid= -p $$) $(ps -o sid= -p $$)' | tr -s ' ')
read -r p g s <<<"$out"
expect_eq "-P: new process group" "$p" "$g"
expect_eq "-P: new session, as Debian's runit does" "$p" "$s"

# -0 -1 -2
expect_eq "-0 closes stdin" "closed" "$("$C" -0 sh -c 'test -e /proc/self/fd/0 && echo open || echo closed')"
expect_eq "-1 closes stdout" "closed" "$("$C" -1 sh -c 'test -e /proc/self/fd/1 && echo open >&2 || echo closed >&2' 2>&1)"
expect_eq "-2 closes stderr" "closed" "$("$C" -2 sh -c 'test -e /proc/self/fd/2 && echo open || echo closed')"
expect_eq "-012 together" "closed" "$("$C" -012 sh -c 'test -e /proc/self/fd/0 || test -e /proc/self/fd/1 || test -e /proc/self/fd/2 || echo closed >'"$T/c012"; cat "$T/c012")"

# -b, -V, usage, exit codes
expect_eq "-b sets argv0" "myname" "$("$C" -b myname sh -c 'echo $0')"
err=$("$C" -V /bin/true 2>&1); rc=$?
expect_eq "-V prints version and usage, exits 100 (Debian)" 100 "$rc"
expect_match "-V version line" "^chpst \(ward\) [0-9]" "$err"
err=$("$C" 2>&1); rc=$?
expect_eq "no program: exit 100" 100 "$rc"
expect_match "usage line" "^usage: chpst \[-vVP012\]" "$err"
err=$("$C" -z /bin/true 2>&1)
expect_match "unknown option named" "^chpst: illegal option -- z" "$err"
err=$("$C" -u 2>&1)
expect_match "missing argument named" "^chpst: option requires an argument -- u" "$err"
"$C" sh -c 'exit 42'; expect_eq "exit code is the program's" 42 "$?"
err=$("$C" wc-no-such-program 2>&1); rc=$?
expect_eq "program not found: 111" 111 "$rc"
expect_match "program not found message" "^chpst: fatal: unable to run: wc-no-such-program: " "$err"
done_testing
