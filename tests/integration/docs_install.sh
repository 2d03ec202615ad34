#!/bin/bash
# `make install DESTDIR=... PREFIX=...` installs every program that make
# built (the links as links to their program; ward in bin/, the rest in sbin/), and every man page in its
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
	[ "$n" = ward ] && i=$d$p/bin/$n   # the users' command: bin/
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
extra=$(cd "$d$p" && find . -type f -o -type l | grep -v -e '^./sbin/' -e '^./bin/ward$' -e '^./share/man/man[1-8]/')
expect_eq "nothing installed outside sbin, bin/ward and share/man" "" "$extra"
touch "$d$p/sbin/local-admin-tool"
make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX="$p" >/dev/null 2>&1
left=$(cd "$d$p" && find . -type f -o -type l)
expect_eq "make uninstall removes what install put there, and only that" "./sbin/local-admin-tool" "$left"
done_testing
