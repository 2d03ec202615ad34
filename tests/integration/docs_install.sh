#!/bin/bash
# `make install DESTDIR=... PREFIX=...` installs every program that make
# built (the links as links to their program), and every man page in its
# section, where man finds it.  Runs the Makefile's install as it is, without
# rebuilding (`-o all`: the tests run on what `make tests` built, sanitized
# or not).
. "$(dirname "$0")/../lib.sh"
command -v make >/dev/null || skip_all "make not installed"
d=$T/root p=/opt/ward
out=$(make -s -C "$TOP" -o all install DESTDIR="$d" PREFIX="$p" 2>&1)
check "make install DESTDIR PREFIX succeeds" [ $? -eq 0 ]
[ -n "$out" ] && echo "$out" | sed 's/^/# /'

for f in "$B"/*; do
	n=${f##*/}
	[ -f "$f" ] && [ -x "$f" ] || continue
	i=$d$p/sbin/$n
	if [ -L "$f" ]; then
		expect_eq "$n installed as a link to $(readlink "$f")" "$(readlink "$f")" "$(readlink "$i")"
	else
		check "$n installed, executable" [ -x "$i" ] && [ ! -L "$i" ]
		check "$n installed is the built one" cmp -s "$f" "$i"
	fi
done
for m in "$TOP"/docs/man/*.[1-8]; do
	n=${m##*/} s=${m##*.}
	check "man page $n installed in man$s" cmp -s "$m" "$d$p/share/man/man$s/$n"
	# man finds it by name in the installed tree
	w=$(MANWIDTH=80 man --warnings -M "$d$p/share/man" "$s" "${n%.*}" 2>&1 >/dev/null)
	expect_eq "man -M ... $s ${n%.*} finds it, without warnings" "" "$w"
done
extra=$(cd "$d$p" && find . -type f -o -type l | grep -v -e '^./sbin/' -e '^./share/man/man[1-8]/')
expect_eq "nothing installed outside sbin and share/man" "" "$extra"
touch "$d$p/sbin/local-admin-tool"
make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX="$p" >/dev/null 2>&1
left=$(cd "$d$p" && find . -type f -o -type l)
expect_eq "make uninstall removes what install put there, and only that" "./sbin/local-admin-tool" "$left"

# The packages' layout (debian/rules): every program in a private PROGDIR,
# runit's names and their man pages only there, links on the PATH for
# ward's own names, which resolve to PROGDIR (privd finds userd and the
# binder beside itself through /proc/self/exe, userd its runsv).
d=$T/pkg
runit_names="runsv runsvdir sv chpst svlogd envdir envuidgid pgrphack setlock setuidgid softlimit"
make -s -C "$TOP" -o all install DESTDIR="$d" PREFIX=/usr PROGDIR=/usr/lib/ward/bin \
	BINDIR=/usr/bin PRIVMANDIR=/usr/lib/ward/share/man >/dev/null 2>&1
check "make install with PROGDIR, BINDIR, PRIVMANDIR succeeds" [ $? -eq 0 ]
for f in "$B"/*; do
	n=${f##*/}
	[ -f "$f" ] && [ -x "$f" ] || continue
	check "$n in PROGDIR" [ -x "$d/usr/lib/ward/bin/$n" ]
	case " $runit_names privd-binder " in
	*" $n "*) on_path=$(ls "$d/usr/bin/$n" "$d/usr/sbin/$n" 2>/dev/null)
		expect_eq "$n, runit's or the binder, is not on the PATH" "" "$on_path" ;;
	*) [ "$n" = privd ] && l=$d/usr/sbin/$n || l=$d/usr/bin/$n
		expect_eq "${l#"$d"} links to PROGDIR" "/usr/lib/ward/bin/$n" "$(readlink "$l")" ;;
	esac
done
for m in "$TOP"/docs/man/*.[1-8]; do
	n=${m##*/} s=${m##*.}
	case " $runit_names " in
	*" ${n%.*} "*) dir=/usr/lib/ward/share/man ;;
	*) dir=/usr/share/man ;;
	esac
	check "man page $n in $dir" cmp -s "$m" "$d$dir/man$s/$n"
done
make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/usr PROGDIR=/usr/lib/ward/bin \
	BINDIR=/usr/bin PRIVMANDIR=/usr/lib/ward/share/man >/dev/null 2>&1
expect_eq "make uninstall with them removes it all" "" "$(cd "$d" && find . -type f -o -type l)"
done_testing
