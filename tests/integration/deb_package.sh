#!/bin/bash
# The Debian package (debian/, `make deb`): built by `make deb` (Debian's
# dpkg-buildpackage) from a copy of the tree, checked by lintian, installed
# with `apt-get install ./ward_*.deb` beside Debian's runit on a fresh
# Debian 12 root (debootstrap --variant=minbase bookworm, from the mirror
# this machine's apt uses, into /var/tmp), used there (privd -t, a user's
# service started by privd and userd), purged, and nothing of it left:
# files, users, processes, dpkg's own record.  The root, its /proc mount
# and every process in it are removed at exit, failed or not.
# 1.5 to 2 minutes here, most of it debootstrap's downloads; nothing is kept
# between runs.  Skipped without root, the tools, or a bookworm source, and
# after a SANITIZE=1 build (below).
. "$(dirname "$0")/../lib.sh"
need_root
lib_use privd
# The package is built from the tree, never sanitized, whatever build/ holds:
# under a SANITIZE=1 build/ this would only repeat the plain run (2 minutes)
privd_sanitized && skip_all "build/ is a sanitizer build: the package is not; run after a plain make tests"
for c in debootstrap dpkg-buildpackage dh chroot; do
	command -v "$c" >/dev/null || skip_all "$c not installed (tests/deps.sh)"
done

# debian_mirror: the first URI this machine's apt uses for bookworm itself,
# from one-line sources.list files or deb822 .sources files
debian_mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			if ($(i + 1) == "bookworm") { print $i; exit } }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && awk -v RS= '{ u = ""; s = t = 0; n = split($0, L, "\n")
			for (k = 1; k <= n; k++) {
				if (L[k] ~ /^URIs:/) { split(L[k], a, " "); u = a[2] }
				if (L[k] ~ /^Suites:/ && (L[k] " ") ~ / bookworm /) s = 1
				if (L[k] ~ /^Types:/ && (L[k] " ") ~ / deb /) t = 1
			}
			if (u != "" && s && t) { print u; exit } }' "$f"
	done
	return 0
}
mirror=$(debian_mirror | head -1)
[ -n "$mirror" ] || skip_all "no bookworm source in /etc/apt/sources.list*"

R=$(mktemp -d /var/tmp/ward-deb-root.XXXXXX)
chmod 755 "$R"   # a root directory every user can enter
# root_procs: every process whose root directory is R (by /proc, not by name)
root_procs() {
	local r p
	for r in /proc/[0-9]*/root; do
		[ "$r/" -ef "$R/" ] 2>/dev/null || continue
		p=${r#/proc/}
		echo "${p%/root}"
	done
}
no_root_procs() { [ -z "$(root_procs)" ]; }
# root_mounts: every mount point under R, deepest first
root_mounts() { awk -v r="$R/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r; }
root_cleanup() {
	local p m
	[ -d "$R" ] || return 0
	for p in $(root_procs); do kill -TERM "$p" 2>/dev/null; done
	wait_until 5 no_root_procs
	for p in $(root_procs); do kill -KILL "$p" 2>/dev/null; done
	wait_until 5 no_root_procs
	for m in $(root_mounts); do umount "$m" || umount -l "$m"; done
	if [ -n "$(root_mounts)" ]; then
		echo "# mounts left under $R, so it is not removed: $(root_mounts)"
	else
		rm -rf --one-file-system "$R"
	fi
}
trap 'root_cleanup; _cleanup' EXIT
# in_root CMD...: CMD as root in R, with a clean environment
in_root() {
	chroot "$R" /usr/bin/env -i LC_ALL=C HOME=/root DEBIAN_FRONTEND=noninteractive \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
runit_names="runsv runsvdir sv chpst svlogd envdir envuidgid pgrphack setlock setuidgid softlimit"

# ---- build: make deb in a copy of the tree ----
start=$SECONDS
v=$(make -s --no-print-directory -C "$TOP" version)
src=$T/ward-src
mkdir "$src" && (cd "$TOP" && tar -cf - --exclude=./build --exclude-vcs .) | tar -xf - -C "$src"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE make -C "$src" deb >"$T/build.log" 2>&1
check "make deb (dpkg-buildpackage -b -us -uc) builds the package" [ $? -eq 0 ] ||
	{ tail -20 "$T/build.log" | sed 's/^/# /'; done_testing; }
deb=$(ls "$src"/build/deb/ward_"$v"_*.deb)
check "make deb leaves build/deb/ward_${v}_ARCH.deb" [ -f "$deb" ]
if command -v lintian >/dev/null; then
	lintian --fail-on error,warning "$src"/build/deb/ward_"$v"_*.changes >"$T/lintian.log" 2>&1
	check "lintian: no error, no warning" [ $? -eq 0 ] || sed 's/^/# /' "$T/lintian.log"
fi
on_path=" $(dpkg-deb -c "$deb" | awk '$6 ~ /^\.\/usr\/s?bin\// { sub(/.*\//, "", $6); print $6 }' | tr '\n' ' ')"
for n in privd userd privbind; do
	expect_match "$n is on the PATH" " $n " "$on_path"
done
for n in $runit_names privd-binder; do
	[[ $on_path == *" $n "* ]] && notok "$n, runit's name or the binder, is on the PATH: $on_path"
done
ok "no runit name on the PATH:$on_path"
built=$SECONDS

# ---- a fresh Debian 12 root, with Debian's runit ----
# runit from debootstrap's own download (apt-get update in the root would
# fetch the package lists a second time)
timeout 600 debootstrap --variant=minbase --include=runit bookworm "$R" "$mirror" \
	>"$T/debootstrap.log" 2>&1 ||
	{ tail -5 "$T/debootstrap.log" | sed 's/^/# /'; skip_all "debootstrap from $mirror failed"; }
mount -t proc proc "$R/proc" || { notok "mount /proc in $R"; done_testing; }
expect_match "Debian's runit installed in the fresh root" "^install ok installed$" \
	"$(in_root dpkg-query -W -f '${Status}' runit)"
expect_eq "and nothing runs there" "" "$(root_procs)"
rooted=$SECONDS

# a user, with a uid that no user of this machine has (other tests kill by uid)
U=alice uid=$((40000 + RANDOM % 10000))
while getent passwd "$uid" >/dev/null || getent group "$uid" >/dev/null; do uid=$((uid + 1)); done
in_root useradd -m -u "$uid" -U -s /bin/sh "$U" || { notok "useradd $U in the root"; done_testing; }
svc=/home/$U/service/hello
mkdir -p "$R$svc"
printf '#!/bin/sh\necho "$PATH" >path\ncommand -v sv >sv-path\nexec sleep 100000\n' >"$R$svc/run"
chmod 755 "$R$svc/run" && chown -R "$uid:$uid" "$R/home/$U/service"

# what the root holds before the package
snap() { (cd "$R" && find . -xdev -path ./proc -prune -o -print | LC_ALL=C sort); }
snap >"$T/before"
cp "$R/etc/passwd" "$T/passwd" && cp "$R/etc/group" "$T/group"

# ---- install beside runit ----
cp "$deb" "$R/root/"
in_root sh -c 'cd /root && apt-get install -y -q ./ward_*.deb' >"$T/install.log" 2>&1
check "apt-get install ./ward_*.deb beside runit" [ $? -eq 0 ] || { tail -20 "$T/install.log" | sed 's/^/# /'; done_testing; }
expect_eq "dpkg: ward installed" "install ok installed" "$(in_root dpkg-query -W -f '${Status}' ward)"
expect_eq "sv on the PATH is still runit's" "/usr/bin/sv" "$(in_root sh -c 'command -v sv')"
expect_match "and runit owns it" "^runit: /usr/bin/sv$" "$(in_root dpkg -S /usr/bin/sv)"
expect_eq "privd on the PATH is ward's" "/usr/sbin/privd" "$(in_root sh -c 'command -v privd')"
expect_match "privd --version: ward $v" "\\(ward\\) $v" "$(in_root privd --version 2>&1)"
check "privd.service installed" [ -f "$R/lib/systemd/system/privd.service" ]
check "privd.service not enabled" [ ! -e "$R/etc/systemd/system/multi-user.target.wants/privd.service" ]
expect_match "/etc/ward/policy is a conffile" "/etc/ward/policy " "$(in_root dpkg-query -W -f '${Conffiles}' ward)"
expect_eq "its every line is a comment or empty" "" "$(grep -v -e '^#' -e '^$' "$R/etc/ward/policy")"
expect_match "privd -t: the installed policy supervises nobody" "policy OK: 1 file, 0 users" \
	"$(in_root privd -t 2>&1)"

# ---- use: privd starts alice's userd, which starts her service ----
echo "supervise $U" >>"$R/etc/ward/policy"
expect_match "privd -t with supervise $U" "policy OK: 1 file, 1 user" "$(in_root privd -t 2>&1)"
spawn chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/sbin/privd 2>"$T/privd.log"
svc_up() { [ -s "$R$svc/sv-path" ]; }
check "privd started $U's service in the root" wait_until 20 svc_up || sed 's/^/# privd: /' "$T/privd.log"
expect_eq "its run script's sv is ward's" "/usr/lib/ward/bin/sv" "$(cat "$R$svc/sv-path" 2>/dev/null)"
expect_match "its PATH starts with ward's directory" "^/usr/lib/ward/bin:" "$(cat "$R$svc/path" 2>/dev/null)"
as_user() { chroot --userspec="$uid:$uid" "$R" /usr/bin/env -i HOME="/home/$U" PATH=/usr/bin:/bin "$@"; }
expect_match "ward's sv status: run" "^run: $svc: \\(pid [0-9]+\\)" "$(as_user /usr/lib/ward/bin/sv status "$svc" 2>&1)"
expect_match "runit's sv reads the same service: run" "^run: $svc: \\(pid [0-9]+\\)" "$(as_user /usr/bin/sv status "$svc" 2>&1)"
pid=$(cat "$R$svc/supervise/pid" 2>/dev/null)
expect_eq "the service runs as $U" "$uid" "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)"
runsv_exe=""
for p in $(root_procs); do
	[ "$(readlink "/proc/$p/exe")" = "$R/usr/lib/ward/bin/runsv" ] && runsv_exe=yes
done
check "its supervisor is ward's runsv" [ -n "$runsv_exe" ]

# ---- the upgrade path: the package again over itself ----
in_root sh -c 'cd /root && apt-get install -y -q --reinstall ./ward_*.deb' >"$T/reinstall.log" 2>&1
check "apt-get install --reinstall ./ward_*.deb" [ $? -eq 0 ] || tail -20 "$T/reinstall.log" | sed 's/^/# /'
expect_eq "the service kept running across it (prerm stops only on remove)" "$pid" \
	"$(cat "$R$svc/supervise/pid" 2>/dev/null)"
check "(its process too)" alive "$pid"
rm -f "$R"/root/ward_*.deb

# ---- purge ----
in_root apt-get purge -y -q ward >"$T/purge.log" 2>&1
check "apt-get purge ward" [ $? -eq 0 ] || tail -20 "$T/purge.log" | sed 's/^/# /'
expect_eq "no process left in the root (privd, userd, runsv, the service)" "" "$(root_procs)"
no_record() { ! in_root dpkg-query -W ward >/dev/null 2>&1; }
check "dpkg has no record of ward, not even its conffiles" no_record
snap >"$T/after"
# dpkg's and apt's own records and logs change; alice's service directory
# is hers: what her userd, runsv and run script wrote there as alice stays
# (.userd/, supervise/), as root must not walk a user's tree
allowed="^\\./(var/(lib/(apt|dpkg)|cache/(apt|debconf|ldconfig)|log)/|home/$U/service/)"
left=$(LC_ALL=C comm -13 "$T/before" "$T/after")
echo "$left" | grep -E "$allowed" | sed 's/^/# left, allowed: /'
expect_eq "no other file left by the package" "" "$(echo "$left" | grep -Ev "$allowed")"
expect_eq "nothing named ward left outside $U's tree" "" "$(echo "$left" | grep -v "^\\./home/$U/service/" | grep -i ward)"
expect_eq "no file of the fresh root lost" "" "$(LC_ALL=C comm -23 "$T/before" "$T/after" | grep -Ev "$allowed")"
check "no user or group added or removed" cmp -s "$T/passwd" "$R/etc/passwd"
check "(groups)" cmp -s "$T/group" "$R/etc/group"
expect_eq "runit intact (dpkg --verify runit)" "" "$(in_root dpkg --verify runit 2>&1)"
done_=$SECONDS

root_cleanup
check "the root and its mounts are gone" [ ! -e "$R" ] && [ -z "$(root_mounts)" ]
echo "# build $((built - start)) s, debootstrap and runit $((rooted - built)) s, install, use and purge $((done_ - rooted)) s"
done_testing
