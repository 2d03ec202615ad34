#!/bin/bash
# chpst side by side with Debian's runit chpst (/usr/bin/chpst): the same
# command lines give the same output, messages and exit codes.
. "$(dirname "$0")/../lib.sh"
need_root
RUNIT_CHPST=/usr/bin/chpst
[ -x "$RUNIT_CHPST" ] || skip_all "Debian's runit chpst not installed"
make_group wcg6 || exit 1
make_user wcu6 || exit 1
usermod -a -G wcg6 wcu6
mkdir "$T/env"; printf 'v \t\nx\n' >"$T/env/A"; : >"$T/env/HOME"; printf 'a\0b\n' >"$T/env/N"
mkdir "$T/links"
for n in envdir envuidgid pgrphack setlock setuidgid softlimit; do ln -s "$RUNIT_CHPST" "$T/links/$n"; done

# run PROG ARGS: output and exit code, the environment reduced to what matters
run() { "$@" 2>&1 | grep -vE '^(_|PWD|OLDPWD|SHLVL)='; echo "exit ${PIPESTATUS[0]}"; }
same() { # WHAT ARGS...
	local what=$1; shift
	expect_eq "$what" "$(run "$RUNIT_CHPST" "$@")" "$(run "$B/chpst" "$@")"
}
same_as() { # NAME ARGS...: a personality
	local n=$1; shift
	expect_eq "$n $*" "$(run "$T/links/$n" "$@")" "$(run "$B/$n" "$@")"
}

same "-u user" -u wcu6 id
same "-u user:group" -u wcu6:wcg6:root id
same "-u :uid:gid:gid" -u :4321:8765:91 id
same "-u unknown" -u wc-nosuch id
same "-u by number is unknown" -u "$(id -u wcu6)" id
same "-u :uid without gid" -u :4321 id
same "-U" -U wcu6:wcg6 sh -c 'echo $UID $GID'
same "-e" -e "$T/env" env
same "-n" -n 5 nice
same "-n -n" -n 5 -n -2 nice
same "-o" -o 99 sh -c 'ulimit -n'
same "-m" -m 90000000 sh -c 'ulimit -d; ulimit -s; ulimit -v'
same "-m -d" -m 90000000 -d 80000000 sh -c 'ulimit -d'
same "-p -f -c -t" -p 40 -f 1000 -c 0 -t 20 sh -c 'ulimit -u; ulimit -f; ulimit -c; ulimit -t'
same "-b" -b name sh -c 'echo $0'
same "-0" -0 sh -c 'cat /proc/self/fd/0 2>/dev/null || echo closed'
same "-P" -P sh -c 'test $(ps -o sid= -p $$) -eq $$ && echo leader'
same "usage" 
same "illegal option" -z true
same "missing argument" -o
same "bad number" -o x true
same "exit code" sh -c 'exit 7'
same_as envdir "$T/env" sh -c 'echo "$A|${HOME-unset}"'
# a directory inside DIR: envdir stops (111), chpst -e skips it, as Debian's;
# messages give the C library's reason ("Is a directory": runit's own words
# are "is a directory"), so envdir's is matched, not compared
mkdir -p "$T/envsub/sub"; echo v >"$T/envsub/A"
a=$("$T/links/envdir" "$T/envsub" true 2>&1); arc=$?
b=$("$B/envdir" "$T/envsub" true 2>&1); brc=$?
expect_eq "envdir with a subdirectory: Debian's exits 111" 111 "$arc"
expect_eq "envdir with a subdirectory: exit code as Debian's" "$arc" "$brc"
expect_match "envdir with a subdirectory: the message names it" \
	"^chpst: fatal: unable to read $T/envsub/sub: Is a directory\$" "$b"
same "-e with a subdirectory: skipped" -e "$T/envsub" sh -c 'echo "$A"'
same_as envuidgid wcu6 sh -c 'echo $UID $GID'
same_as envuidgid wc-nosuch true
same_as setuidgid wcu6 id
same_as setuidgid wcu6:wcg6 id
same_as softlimit -o 55 -d = sh -c 'ulimit -n; ulimit -d'
same_as softlimit -q true
same_as pgrphack sh -c 'test $(ps -o pgid= -p $$) -eq $$ && echo leader'
same_as setlock "$T/lk" echo locked
same_as setlock -q x y
# a held lock: the same exit codes (messages differ only in the reason text)
spawn /usr/bin/flock "$T/held" sleep 30
wait_until 5 grep -q "FLOCK.*:$(stat -c %i "$T/held" 2>/dev/null) " /proc/locks
for args in "" "-N" "-x" "-nx -N"; do
	# shellcheck disable=SC2086
	"$T/links/setlock" $args "$T/held" true 2>/dev/null; a=$?
	# shellcheck disable=SC2086
	"$B/setlock" $args "$T/held" true 2>/dev/null; b=$?
	expect_eq "setlock ${args:-(no option)} on a held lock" "$a" "$b"
done
timeout 1 "$T/links/setlock" -n "$T/held" true; a=$?
timeout 1 "$B/setlock" -n "$T/held" true; b=$?
expect_eq "setlock -n on a held lock waits in both" "124 124" "$a $b"
"$RUNIT_CHPST" -L "$T/held" true 2>/dev/null; a=$?
"$B/chpst" -L "$T/held" true 2>/dev/null; b=$?
expect_eq "chpst -L on a held lock" "$a" "$b"
done_testing
