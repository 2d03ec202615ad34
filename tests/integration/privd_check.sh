#!/bin/bash
# privd -t: a good policy exits 0; a bad one exits 1 with every error on
# stderr as FILE:LINE: message; warnings do not fail the check.
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
make_user ${ua} || exit 1
make_user ${ub} || exit 1
make_group ${ug} || exit 1
usermod -a -G ${ug} ${ua}

# privd_t FILE: privd -t -f FILE in a network namespace of its own whose
# net.ipv4.ip_unprivileged_port_start is $UNPRIV (1024 unless set), so
# what it says does not depend on this host's setting
# (what it says of this host's cgroups left out: privd_cgroup_check.sh)
privd_t() {
	local o rc
	o=$(unshare -n sh -c 'echo "$1" >/proc/sys/net/ipv4/ip_unprivileged_port_start && shift &&
		exec "$@"' _ "${UNPRIV:-1024}" "$B/privd" -t -f "$1")
	rc=$?
	[ -z "$o" ] || printf '%s\n' "$o" | grep -v '^privd: cgroups: '
	return $rc
}
# checked WHAT FILE RC [REGEX]: privd -t -f $T/FILE exits RC and (when
# given) says something matching REGEX; what it said is left in out
checked() {
	out=$(privd_t "$T/$2" 2>&1)
	expect_eq "$1: exit $3" "$3" "$?"
	[ $# -lt 4 ] || expect_match "$1: said" "$4" "$out"
}

cat >"$T/good" <<P
# a good policy
supervise ${ua}
supervise ${ub} dir /srv/${ub}/service
bind ${ua} tcp 650 on $LO
bind ${ub} udp 600-609
bind :${ug} tcp 610
limit ${ua} nofile 4096
limit :${ug} nproc 200
no_new_privs ${ub} off
P
# like nginx -t, a good policy is said to be good, and what was checked
out=$(privd_t "$T/good" 2>/dev/null)
expect_eq "good policy: exit 0" "0" "$?"
expect_eq "good policy: one line on stdout" \
	"privd: policy OK: 1 file, 2 users supervised, 3 grants" "$out"
expect_eq "good policy: nothing on stderr" "" "$(privd_t "$T/good" 2>&1 >/dev/null)"

cat >"$T/bad" <<P
supervise ${ua}
supervise wp-nobody-here
bind ${ua} tpc 80
bind ${ua} tcp 90-80
bind ${ua} tcp 650 on 300.1.2.3
bind ${ub} tcp 650
limit ${ua} files 10
frobnicate
supervise :wp-no-group
P
out=$(privd_t "$T/bad" 2>&1 >/dev/null)
expect_eq "bad policy: exit 1" "1" "$?"
expect_eq "bad policy: nothing on stdout" "" "$(privd_t "$T/bad" 2>/dev/null)"
expect_eq "bad policy: the count last on stderr" \
	"privd: policy not OK: 7 errors, 1 warning" "$(tail -1 <<<"$out")"
f=$T/bad
for want in \
	"$f:2: unknown user \"wp-nobody-here\"" \
	"$f:3: unknown protocol \"tpc\" (expected tcp or udp)" \
	"$f:4: bad port range \"90-80\"" \
	"$f:5: bad address \"300.1.2.3\"" \
	"$f:7: unknown resource \"files\"" \
	"$f:8: unknown statement \"frobnicate\"" \
	"$f:9: unknown group \"wp-no-group\""; do
	check "reported: ${want#$T/}" grep -qF -- "$want" <<<"$out"
done
expect_eq "one line per error" "7" "$(grep "^privd: $T/bad:[0-9]*: " <<<"$out" | grep -vc warning:)"
expect_match "line 6 (grant to the unsupervised ${ub}) is a warning" "$T/bad:6: warning: user ${ub} is not supervised" "$out"

# grants NAME A B: a policy $T/NAME that grants ${ua} A and ${ub} B
grants() {
	printf 'supervise %s\nsupervise %s\nbind %s %s\nbind %s %s\n' \
		"${ua}" "${ub}" "${ua}" "$2" "${ub}" "$3" >"$T/$1"
}
# overlap NAME A B: privd -t fails and names both grants at B's line
overlap() {
	grants "$@"
	checked "$2 for ${ua}, $3 for ${ub}" "$1" 1 \
		"$T/$1:4: $3 for ${ub} overlaps ${ua}'s grant at $T/$1:3"
}
overlap overlap "tcp 650" "tcp 640-660"
# a wildcard address is every address of its family: at run time the
# first holder of 0.0.0.0 (or ::) would keep the other user off the port
overlap any4 "tcp 652 on 0.0.0.0" "tcp 652 on $LO"
overlap any6 "udp 653 on ::1" "udp 653 on ::"
# the binder's IPv6 sockets are IPv6-only: :: and an IPv4 address are apart
grants any46 "tcp 654 on ::" "tcp 654 on $LO"
checked "tcp 654 on :: for ${ua}, on $LO for ${ub}" any46 0

# two included files whose names agree in their first 80 bytes, one
# grant each on line 1: still two statements
long=$(printf 'x%.0s' {1..70})
printf "supervise ${ua}\nsupervise ${ub}\ninclude $long-1\ninclude $long-2\n" >"$T/long"
echo "bind ${ua} tcp 655 on $LO" >"$T/$long-1"
echo "bind ${ub} tcp 655 on $LO" >"$T/$long-2"
checked "one port to two users from files with long names" long 1 \
	"tcp 655 on $LO for ${ub} overlaps ${ua}'s grant"

printf "supervise ${ua}\nbind ${ub} tcp 23200\n" >"$T/warn"
checked "warnings only" warn 0 "$T/warn:2: warning: user ${ub} is not supervised"

# a grant at or above net.ipv4.ip_unprivileged_port_start gives no
# exclusivity (any user may bind the port directly): privd reads the
# setting when it checks, and warns
printf "supervise ${ua}\nbind ${ua} tcp 650 on $LO\n" >"$T/unpriv"
UNPRIV=600 checked "grant of 650, ip_unprivileged_port_start 600" unpriv 0 \
	"$T/unpriv:2: warning: tcp 650 on $LO is at or above net.ipv4.ip_unprivileged_port_start \\(600\\)"
checked "grant of 650, ip_unprivileged_port_start 1024" unpriv 0
expect_eq "ip_unprivileged_port_start 1024: no warning" \
	"privd: policy OK: 1 file, 1 user supervised, 1 grant" "$out"

# supervise :group dir /PATH: every member gets the same directory
make_group ${ug}d || exit 1
usermod -a -G ${ug}d ${ua}
usermod -a -G ${ug}d ${ub}
printf "supervise :${ug}d dir /srv/${ug}\n" >"$T/groupdir"
checked "one absolute dir for a group" groupdir 0 \
	"$T/groupdir:1: warning: every member of group \"${ug}d\" gets the same dir /srv/${ug}: all but the first userd to start fail on its lock"

# include, relative to the including file
mkdir "$T/inc"
printf "supervise ${ua}\ninclude inc/more\n" >"$T/top"
printf "bind ${ua} tcp 651\nbind ${ua} tcp zero\n" >"$T/inc/more"
checked "error in an included file, named by its name and line" top 1 \
	"$T/inc/more:2: bad port \"zero\""

# a policy file others may write is refused
cp "$T/good" "$T/writable"
chmod 666 "$T/writable"
checked "group/other-writable policy" writable 1 "$T/writable:0: unsafe"

# so is one in a directory that others may write, or that is not root's
# (whoever may write a directory above the file may swap the file)
for d in open:777:root grp:775:root theirs:755:${ua} sticky/theirs:755:${ua}; do
	IFS=: read -r name mode owner <<<"$d"
	mkdir -p "$T/$name"
	chmod "$mode" "$T/$name"
	chown "$owner" "$T/$name"
	echo "supervise ${ua}" >"$T/$name/pol"
done
chmod 1777 "$T/sticky"
for d in open grp; do
	checked "policy in a $d directory" $d/pol 1 \
		"$T/$d/pol:0: unsafe directory $T/$d: writable by group or others"
done
for d in theirs sticky/theirs; do
	checked "policy in $d, a directory of ${ua}" $d/pol 1 \
		"$T/$d/pol:0: unsafe directory $T/$d: owned by uid $(id -u ${ua}) \\(expected root\\)"
done
# an include is checked like the file given
printf "supervise ${ua}\ninclude open/pol\n" >"$T/incopen"
checked "include from a directory others may write" incopen 1 \
	"$T/open/pol:0: unsafe directory $T/open:"
# a sticky directory like /tmp (others may add entries, but not rename or
# remove root's) may be above a file given with -f: $T is in /tmp
echo "supervise ${ua}" >"$T/sticky/pol"
checked "root's file in a sticky directory, with -f" sticky/pol 0

checked "missing file" missing 1 "$T/missing:0: unable to open: No such file"

# the annotated example in policy/ is a valid policy (with our test users)
sed "s/alice/${ua}/g; s/bob/${ub}/g; s/:web/:${ug}/g" "$TOP/policy/example" >"$T/example"
out=$(privd_t "$T/example" 2>&1)
expect_eq "policy/example checks clean" \
	"0:privd: policy OK: 1 file, 2 users supervised, 4 grants" "$?:$out"

# what was read: the file given and what it includes
printf "supervise ${ua}\ninclude example\n" >"$T/withinc"
checked "a policy and an include" withinc 0 \
	"^privd: policy OK: 2 files, 2 users supervised, 4 grants\$"

"$B/privd" -x >/dev/null 2>&1
expect_eq "bad option: exit 100" "100" "$?"
done_testing
