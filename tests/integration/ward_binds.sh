#!/bin/bash
# privd counts its binder's grants and denials in a page the binder adds
# to, and writes them to a root-owned file (-m) atomically; `ward metrics
# --all` reads that file, never the binder.  The counts outlive a binder.
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
privd_bin bindreq
make_user "$ua" || exit 1
service_fifo "$ua"
printf 'supervise %s\nbind %s tcp 650 on %s\n' "$ua" "$ua" "$LO" >"$T/policy"
f=$T/run/binds
spawn "$PRIVD_EXE" -f "$T/policy" -m "$f" 2>>"$T/privd.log"
PRIVD=$SPAWNED
check "the binder runs" wait_until 10 eval 'binder_pid >/dev/null'
check "the stand-in runs" wait_until 10 eval 'userd_pid "$ua" >/dev/null'
check "the counts file is there from the start" wait_until 10 test -f "$f"
expect_eq "... saying none" "granted 0 denied 0" "$(tr '\n' ' ' <"$f" | sed 's/ $//')"
expect_eq "... root's, 644, in a directory of root's alone" "0:0 644 0:0 755" \
	"$(stat -c '%u:%g %a' "$f") $(stat -c '%u:%g %a' "$T/run")"

expect_eq "a grant" "tcp $LO 650: ok listening 650" "$(req "$ua" "tcp $LO 650")"
expect_eq "a denial" "tcp $LO 651: EACCES" "$(req "$ua" "tcp $LO 651")"
expect_eq "another" "tcp 0.0.0.0 650: EACCES" "$(req "$ua" "tcp 0.0.0.0 650")"
says() { [ "$(tr '\n' ' ' <"$f")" = "granted $1 denied $2 " ]; }
check "the file counts them (written within 5 s)" wait_until 20 says 1 2
expect_match "ward status --all: the granted port is in use" "^$ua +no +tcp 650 on $LO +tcp $LO:650$" \
	"$("$B/ward" status --all -f "$T/policy" | grep "^$ua  *no ")"

out=$("$B/ward" metrics --all -f "$T/policy" --binds "$f" 2>"$T/ward.err")
expect_eq "ward metrics --all: exit 0, nothing on stderr" "0 " "$? $(cat "$T/ward.err")"
check "ward metrics --all: granted" grep -qx 'ward_binds_granted_total 1' <<<"$out"
check "ward metrics --all: denied" grep -qx 'ward_binds_denied_total 2' <<<"$out"
if command -v promtool >/dev/null; then
	promtool check metrics <<<"$out" >/dev/null 2>&1
	expect_eq "promtool accepts it" 0 "$?"
fi

# a new binder adds to the same counts
bp=$(binder_pid)
kill -KILL "$bp"
newbinder() { local p; p=$(binder_pid) && [ "$p" != "$bp" ]; }
check "privd starts a new binder" wait_until 20 newbinder
check "with -f and no -m: no file at the default place" test ! -e /run/ward/binds
check "the stand-in has a channel again" wait_until 20 eval \
	'[ "$(req "$ua" "tcp $LO 652")" = "tcp $LO 652: EACCES" ]'
check "the counts go on from where they were" wait_until 20 eval 'says 1 3 || says 1 4'

# a counts file where the directory is not root's alone: not written
mkdir -m 777 "$T/open"
chmod 755 "$T/open"; chown nobody "$T/open"
kill "$PRIVD"; wait_until 10 gone "$PRIVD"
spawn "$PRIVD_EXE" -f "$T/policy" -m "$T/open/binds" 2>>"$T/privd2.log"
check "second privd's binder runs" wait_until 10 eval 'grep -q "binder: started" "$T/privd2.log"'
check "a directory not root's: said" grep -q "bind counts: not written: $T/open/binds" "$T/privd2.log"
check "... and nothing written there" test ! -e "$T/open/binds"
done_testing
