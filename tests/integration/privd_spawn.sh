#!/bin/bash
# privd starts each supervised user's userd chpst-style: ids, groups, limits,
# no capabilities, no_new_privs, umask, clean environment, home as working
# directory; the binder is sandboxed; a symlink planted by a user does not
# make root touch its target.
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
if [ -x "$B/userd" ]; then mode=real; else mode=bindreq; fi
echo "# userd started by privd: $mode"
privd_bin "$mode"

make_group ${ug} || exit 1
for u in ${ua} ${ub} ${uc}; do make_user $u || exit 1; done
usermod -a -G ${ug} ${ua}
for u in ${ua} ${ub}; do service_fifo $u; done
# ${uc} plants ~/service -> a directory only root may enter
mkdir -m 700 "$T/rootonly"
echo secret >"$T/rootonly/file"
ln -s "$T/rootonly" "$T/home-${uc}/service"
chown -h ${uc}:${uc} "$T/home-${uc}/service"
before=$(ls -lA --time-style=full-iso "$T/rootonly"; stat -c "%y %z" "$T/rootonly"; stat -c '%U %G %a' "$T/rootonly")

cat >"$T/policy" <<P
supervise ${ua}
supervise ${ub}
supervise ${uc}
limit ${ua} nofile 123
limit ${ua} nproc 77
limit ${ub} core 0
no_new_privs ${ub} off
P
start_privd "$T/policy"
check "userd of ${ua} started" wait_until 10 userd_pid ${ua} >/dev/null
check "userd of ${ub} started" wait_until 10 userd_pid ${ub} >/dev/null
pa=$(userd_pid ${ua}) pb=$(userd_pid ${ub})

for u in ${ua} ${ub}; do
	p=$(userd_pid $u)
	uid=$(id -u $u) gid=$(id -g $u) home=$T/home-$u
	expect_eq "$u: uid real/effective/saved/fs" "$uid $uid $uid $uid" "$(proc_field "$p" Uid | tr -s '\t ' ' ')"
	expect_eq "$u: gid real/effective/saved/fs" "$gid $gid $gid $gid" "$(proc_field "$p" Gid | tr -s '\t ' ' ')"
	want=$(id -G $u | tr ' ' '\n' | sort -n | tr '\n' ' ')
	got=$(proc_field "$p" Groups | tr ' ' '\n' | grep . | sort -n | tr '\n' ' ')
	expect_eq "$u: groups as initgroups sets them" "$want" "$got"
	for c in CapInh CapPrm CapEff CapBnd CapAmb; do
		expect_eq "$u: $c empty" "0000000000000000" "$(proc_field "$p" $c)"
	done
	expect_eq "$u: umask 022" "0022" "$(proc_field "$p" Umask)"
	expect_eq "$u: working directory is the home" "$home" "$(readlink "/proc/$p/cwd")"
	env=$(tr '\0' '\n' <"/proc/$p/environ" | sort | tr '\n' ' ')
	# PATH: privd's own directory first, so a run script's sv or svlogd is ward's
	# and where privd made the user's cgroup (a test runs in TESTCG/sh)
	cgenv=""
	[ -z "$TESTCG" ] || cgenv="WARD_CGROUP=$TESTCG/sh/ward/user-$(id -u "$u") "
	expect_eq "$u: clean environment" "HOME=$home LOGNAME=$u PATH=${PRIVD_EXE%/*}:/usr/local/bin:/usr/bin:/bin SHELL=/bin/sh USER=$u $cgenv" "$env"
	expect_eq "$u: command line" "userd -b 3 $home/service" "$(tr '\0' ' ' <"/proc/$p/cmdline" | sed 's/ $//')"
	expect_match "$u: fd 3 is its channel" "^socket:" "$(readlink "/proc/$p/fd/3")"
	expect_eq "$u: own session" "$p" "$(ps -o sid= -p "$p" | tr -d ' ')"
done
expect_eq "${ua}: no_new_privs on by default" "1" "$(proc_field "$pa" NoNewPrivs)"
expect_eq "${ub}: no_new_privs off as the policy says" "0" "$(proc_field "$pb" NoNewPrivs)"
lim=$(cat "/proc/$pa/limits")
expect_match "${ua}: nofile 123 soft and hard" "Max open files +123 +123 " "$lim"
expect_match "${ua}: nproc 77 soft and hard" "Max processes +77 +77 " "$lim"
expect_match "${ub}: core 0" "Max core file size +0 +0 " "$(cat "/proc/$pb/limits")"

bp=$(binder_pid)
expect_eq "binder: Seccomp 2 (filter)" "2" "$(proc_field "$bp" Seccomp)"
expect_eq "binder: CapEff cap_net_bind_service only" "0000000000000400" "$(proc_field "$bp" CapEff)"
expect_eq "binder: CapPrm cap_net_bind_service only" "0000000000000400" "$(proc_field "$bp" CapPrm)"
expect_eq "binder: CapInh empty" "0000000000000000" "$(proc_field "$bp" CapInh)"
expect_eq "binder: CapAmb empty" "0000000000000000" "$(proc_field "$bp" CapAmb)"
expect_match "binder: bounding set holds nothing else" "^00000000000004|^0000000000000000$" "$(proc_field "$bp" CapBnd)"
expect_eq "binder: NoNewPrivs" "1" "$(proc_field "$bp" NoNewPrivs)"
# no file open: only stdio, its internal channel and user channels (sockets)
files=$(for f in /proc/"$bp"/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && readlink "$f"; done | grep -vc '^socket:')
expect_eq "binder: holds no file beyond stdio" "0" "$files"

# the symlink: ${uc}'s userd could not use it, and root did not touch it
check "${uc}'s userd failed to open its planted service dir" \
	wait_until 10 logged "home-${uc}/service.*Permission denied"
after=$(ls -lA --time-style=full-iso "$T/rootonly"; stat -c "%y %z" "$T/rootonly"; stat -c '%U %G %a' "$T/rootonly")
expect_eq "symlink target untouched (no file created, owner and mode kept)" "$before" "$after"
expect_eq "no file created in the target" "file" "$(ls "$T/rootonly")"
check "privd logs one line per spawn" logged "spawn userd ${ua} uid $(id -u ${ua}) pid $pa"
done_testing
