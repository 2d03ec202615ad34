#!/bin/bash
# The binder is a program of its own, privd-binder beside privd, and the
# master starts every binder from the file it opened at start: an upgrade
# on disk (a new privd-binder put in place while privd runs) never pairs
# the running master with another binder.  Here the file is replaced by a
# script that would leave a mark, and the binder is killed: the new binder
# is the original program, and it serves the user's channel.
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
privd_bin bindreq
make_user ${ua} || exit 1
service_fifo ${ua}
printf 'supervise %s\nbind %s tcp 662 on %s\n' ${ua} ${ua} "$LO" >"$T/policy"

# without its binder beside it, privd does not start
mkdir -p "$T/lone"
cp "$B/privd" "$T/lone/"
out=$("$T/lone/privd" -f "$T/policy" 2>&1 </dev/null); rc=$?
expect_eq "privd without privd-binder beside it exits 111" 111 "$rc"
expect_match "and names the file" "unable to open the binder $T/lone/privd-binder: No such file" "$out"

start_privd "$T/policy"
check "${ua}'s userd started" wait_until 10 eval 'userd_pid ${ua} >/dev/null'
bp=$(binder_pid)
expect_eq "the binder runs privd-binder" "$T/bin/privd-binder" "$(readlink /proc/$bp/exe)"
expect_eq "its name (comm) is privd-binder" privd-binder "$(cat /proc/$bp/comm)"
expect_eq "its command line is privd-binder" privd-binder "$(tr '\0' ' ' </proc/$bp/cmdline | sed 's/ $//')"
ino=$(stat -L -c %i /proc/$bp/exe)
check "privd-binder maps no policy parser" eval '! grep -q " policy_read_file$" <(nm "$B/privd-binder")'

# the upgrade on disk: another program at the binder's path
printf '#!/bin/sh\n: >"%s"\nexec sleep 1000\n' "$T/upgraded" >"$T/bin/privd-binder.new"
chmod 755 "$T/bin/privd-binder.new"
mv -f "$T/bin/privd-binder.new" "$T/bin/privd-binder"
kill -KILL "$bp"
check "binder restarted" wait_until 10 eval '[ -n "$(binder_pid)" ] && [ "$(binder_pid)" != '"$bp"' ]'
nb=$(binder_pid)
expect_eq "the new binder is the program opened at start (same inode)" "$ino" \
	"$(stat -L -c %i /proc/$nb/exe 2>/dev/null)"
expect_eq "which is no longer at its path" "$T/bin/privd-binder (deleted)" "$(readlink /proc/$nb/exe)"
check "the file now at the path was not run" test ! -e "$T/upgraded"
expect_eq "the new binder serves the channel" "tcp $LO 662: ok listening 662" "$(req ${ua} "tcp $LO 662")"
expect_eq "and is sandboxed" "2" "$(proc_field "$nb" Seccomp)"
check "no binder failed to start" eval '! logged "unable to run"'
done_testing
