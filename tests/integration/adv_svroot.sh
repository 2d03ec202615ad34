#!/bin/bash
# sv run by root on a user's service (issue 13, item 4).  runit's sv opens
# supervise/control and supervise/ok through symbolic links and runs the
# service's ./check as root; ward promises that no user program runs as
# root and that root writes no file a user points it at.  With the real
# runsv run as a test user and the real sv run as root:
#  - supervise/control a link to a root-owned file: `sv down` leaves the
#    file as it was and says why (runit's wrote "d": "root:" became "doot:");
#  - supervise/ok a link: sv does not take it for runsv's FIFO;
#  - supervise a link to root's own service: root's `sv down` of the user's
#    service does not stop root's service;
#  - a FIFO of another user: that user's sv, led there by a link, refuses;
#  - ./check runs as the service's owner (uid, gid, groups from
#    /etc/passwd and /etc/group), in a session of its own, without root's
#    terminal or environment; several services of different owners in one
#    sv, each as its owner;
#  - the ordinary commands still work as root on the user's service.
. "$(dirname "$0")/../lib.sh"
shopt -s extglob
lib_use sv
need_root
[ -x "$B/runsv" ] || skip_all "build/runsv not built"

tag=wr$(( $$ % 100000 ))
uu=${tag}u uv=${tag}v gg=${tag}g
make_user $uu || exit 1
make_user $uv || exit 1
make_group $gg || exit 1
usermod -a -G $gg $uu || { notok "usermod -G $gg $uu"; exit 1; }
HU=$T/home-$uu HV=$T/home-$uv

# setpriv_as USER CMD...: CMD as USER with USER's groups (not tracked: short commands)
setpriv_as() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups "$@"; }
# supervise_as USER DIR: DIR's runsv (ours) as USER, stderr to DIR.err
supervise_as() {
	local u=$1 d=$2
	spawn setpriv --reuid="$u" --regid="$u" --init-groups \
		env --default-signal=INT,QUIT "$B/runsv" "$d" 2>>"$T/$(basename "$d").err"
	wait_until 10 eval '[[ $(setpriv_as $u "$WARD_SV" status "$d" 2>/dev/null) == run:* ]]' ||
		notok "runsv of $d started"
}
# still_up DIR PID: after a moment for runsv to act, PID still runs as DIR's
# service and is wanted up (as DIR's owner's sv reads it)
still_up() {
	sleep 0.5
	alive "$2" && [[ $(setpriv_as "$(stat -c %U "$1")" "$WARD_SV" status "$1" 2>&1) == "run: $1: (pid $2) "+([0-9])s ]]
}
# a ./check that records who runs it, where its fds lead, its session, env
CHECK='#!/bin/sh
fds=$(readlink /proc/$$/fd/0 /proc/$$/fd/2)
{ id -u; id -g; id -G; echo "$fds"
  [ "$(cut -d" " -f6 /proc/$$/stat)" = $$ ] && echo leader || echo member
  env; } >check.out 2>&1
exit 0'
mkcheck() { printf '%s\n' "$CHECK" >"$1/check"; chmod 755 "$1/check"; }

# ---- the services: u's web and two hostile ones, v's vweb, root's rsvc ----
mksvc "$HU/web"; mkcheck "$HU/web"
mksvc "$HV/vweb"; mkcheck "$HV/vweb"
mksvc "$T/rsvc"; mkcheck "$T/rsvc"
mkdir -p "$HU/evil" "$HU/evil2"
chown -R $uu: "$HU"; chown -R $uv: "$HV"
supervise_as $uu "$HU/web"
supervise_as $uv "$HV/vweb"
spawn env --default-signal=INT,QUIT "$B/runsv" "$T/rsvc" 2>>"$T/rsvc.err"
wait_until 10 eval '[[ $("$WARD_SV" status "$T/rsvc" 2>/dev/null) == run:* ]]' ||
	notok "root's runsv started"
webpid=$(svc_pid "$HU/web") vpid=$(svc_pid "$HV/vweb") rpid=$(svc_pid "$T/rsvc")

# a root-owned file, as /etc/passwd
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$T/victim"
chmod 600 "$T/victim"
cp -p "$T/victim" "$T/victim.orig"

# ---- ordinary use: root's sv on the user's service ----
expect_match "root: sv status of the user's service" "^run: $HU/web: \(pid $webpid\) [0-9]+s$" \
	"$("$WARD_SV" status "$HU/web" 2>&1)"
expect_match "root: one sv over three owners" \
	"^run: $HU/web: .*"$'\n'"run: $HV/vweb: .*"$'\n'"run: $T/rsvc: " \
	"$("$WARD_SV" status "$HU/web" "$HV/vweb" "$T/rsvc" 2>&1)"

# ---- 1. supervise/control a link to a root-owned file ----
setpriv_as $uu mv "$HU/web/supervise/control" "$HU/web/supervise/control.real"
setpriv_as $uu ln -s "$T/victim" "$HU/web/supervise/control"
out=$("$WARD_SV" down "$HU/web" 2>&1); rc=$?
echo "# sv said: $out"
check "control a link: the root-owned file is unchanged" cmp -s "$T/victim" "$T/victim.orig"
expect_match "control a link: sv says so" \
	"^warning: $HU/web: unable to open supervise/control: .*symbolic link" "$out"
expect_eq "control a link: sv exits 1" 1 "$rc"
check "control a link: the service was not stopped" still_up "$HU/web" "$webpid"
setpriv_as $uu mv "$HU/web/supervise/control.real" "$HU/web/supervise/control"
cp -p "$T/victim.orig" "$T/victim"

# ---- 3. supervise/ok a link ----
setpriv_as $uu mv "$HU/web/supervise/ok" "$HU/web/supervise/ok.real"
setpriv_as $uu ln -s "$T/victim" "$HU/web/supervise/ok"
out=$("$WARD_SV" status "$HU/web" 2>&1); rc=$?
expect_match "ok a link: sv status says so" \
	"^warning: $HU/web: unable to open supervise/ok: .*symbolic link" "$out"
out=$("$WARD_SV" down "$HU/web" 2>&1); rc=$?
expect_eq "ok a link: sv down exits 1" 1 "$rc"
check "ok a link: the root-owned file is unchanged" cmp -s "$T/victim" "$T/victim.orig"
setpriv_as $uu mv "$HU/web/supervise/ok.real" "$HU/web/supervise/ok"
check "ok a link: the service was not stopped" still_up "$HU/web" "$webpid"

# ---- supervise a link to root's own service ----
setpriv_as $uu ln -s "$T/rsvc/supervise" "$HU/evil/supervise"
out=$("$WARD_SV" down "$HU/evil" 2>&1); rc=$?
echo "# sv said: $out"
expect_match "supervise a link to root's: sv refuses" "^(warning|fail): $HU/evil: " "$out"
check "supervise a link to root's: root's service still runs" still_up "$T/rsvc" "$rpid"

# ---- a FIFO of another user: v's sv led to v's own service by u's link ----
setpriv_as $uu ln -s "$HV/vweb/supervise" "$HU/evil2/supervise"
out=$(setpriv_as $uv "$WARD_SV" down "$HU/evil2" 2>&1); rc=$?
echo "# sv said: $out"
expect_match "another's FIFO: sv names the owners" \
	"^warning: $HU/evil2: supervise/ok belongs to uid $(id -u $uv), not to the service's owner \(uid $(id -u $uu)\)$" "$out"
check "another's FIFO: v's service still runs" still_up "$HV/vweb" "$vpid"

# ---- 2. ./check as the service's owner ----
out=$(WARD_TEST_SECRET=s3cret "$WARD_SV" check "$HU/web" 2>&1); rc=$?
expect_match "check: sv check passes" "^ok: run: $HU/web: " "$out"
expect_eq "check: ran as the owner's uid, gid and groups (/etc/group)" \
	"$(id -u $uu) $(id -g $uu) $(id -G $uu | tr ' ' '\n' | sort -n | tr '\n' ' ')" \
	"$(sed -n 1,2p "$HU/web/check.out" | tr '\n' ' ')$(sed -n 3p "$HU/web/check.out" | tr ' ' '\n' | sort -n | tr '\n' ' ')"
expect_eq "check: no terminal of root's: stdin and stderr /dev/null, a session of its own" \
	"/dev/null /dev/null leader" "$(sed -n 4,6p "$HU/web/check.out" | tr '\n' ' ' | sed 's/ $//')"
check "check: not root's environment" eval '! grep -q WARD_TEST_SECRET "$HU/web/check.out"'
check "check: the owner's HOME" grep -qx "HOME=$HU" "$HU/web/check.out"
rm -f "$HU/web/check.out"
out=$("$WARD_SV" -v up "$HU/web" "$HV/vweb" "$T/rsvc" 2>&1); rc=$?
expect_eq "check: sv -v up over three owners exits 0" 0 "$rc"
expect_eq "check: each ./check ran as its owner" \
	"$(id -u $uu) $(id -u $uv) 0" \
	"$(head -1 "$HU/web/check.out") $(head -1 "$HV/vweb/check.out") $(head -1 "$T/rsvc/check.out")"

# ---- an owner sv cannot act as: not in /etc/passwd ----
nouid=$(( 3900000 + $$ % 100000 ))
while getent passwd $nouid >/dev/null; do nouid=$((nouid + 1)); done
mksvc "$T/orphan"; mkcheck "$T/orphan"; chown -R $nouid:$nouid "$T/orphan"
expect_eq "unknown owner: sv refuses, and says why" \
	"fail: $T/orphan: unable to act as the owner: uid $nouid is not in /etc/passwd" \
	"$("$WARD_SV" status "$T/orphan" 2>&1)"
expect_match "unknown owner: the same in JSON" \
	'"state":"unknown","error":"unable to act as the owner: uid [0-9]+ is not in /etc/passwd"' \
	"$("$WARD_SV" -j status "$T/orphan" 2>&1)"
check "unknown owner: its ./check did not run" test ! -e "$T/orphan/check.out"

# ---- the ordinary commands, as root, still work ----
expect_match "root: sv -v down of the user's service" "^ok: down: $HU/web: [0-9]+s, normally up$" \
	"$("$WARD_SV" -v down "$HU/web" 2>&1)"
expect_match "root: sv -v up of the user's service" "^ok: run: $HU/web: \(pid [0-9]+\) [0-9]+s$" \
	"$("$WARD_SV" -v up "$HU/web" 2>&1)"
expect_match "root: sv -j status of the user's service" '^\{"name":.*"state":"run"' \
	"$("$WARD_SV" -j status "$HU/web" 2>&1)"
expect_eq "no file of the user's service became root's" "" \
	"$(find "$HU" "$HV" -user root)"
"$WARD_SV" exit "$HU/web" "$HV/vweb" "$T/rsvc" >/dev/null
done_testing
