#!/bin/bash
# privd -p FILE: the pid of this privd, for a reload that reaches it and no
# other privd on the host (kill -HUP "$(cat FILE)"); removed when it stops.
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
privd_bin real
make_user ${ua} || exit 1
printf 'supervise %s\n' ${ua} >"$T/policy"
spawn "$PRIVD_EXE" -f "$T/policy" -p "$T/privd.pid" 2>>"$T/privd.log"
PRIVD=$SPAWNED
check "the pid file is written" wait_until 10 test -s "$T/privd.pid"
expect_eq "it holds privd's pid" "$PRIVD" "$(cat "$T/privd.pid")"
kill -HUP "$(cat "$T/privd.pid")"
check "HUP by the pid file reloads" wait_until 10 grep -q 'reload: 1 users' "$T/privd.log"
kill -TERM "$PRIVD"
check "privd stops" wait_until 15 eval '! kill -0 '"$PRIVD"' 2>/dev/null'
check "the pid file is removed" test ! -e "$T/privd.pid"
# an existing symlink is not followed (the admin's typo must not clobber a file)
echo keep >"$T/target"
ln -s "$T/target" "$T/link.pid"
"$PRIVD_EXE" -f "$T/policy" -p "$T/link.pid" 2>"$T/link.err" &
p=$!; track $p
wait_until 10 eval '! kill -0 '"$p"' 2>/dev/null'
expect_eq "a symlinked pid file is refused" "keep" "$(cat "$T/target")"
expect_match "and privd says why" "pid file .*link.pid" "$(cat "$T/link.err")"
cat "$T/privd.log" | sed 's/^/# /' | tail -5
done_testing
