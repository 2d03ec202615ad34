#!/bin/bash
# The rooms are a fence (Makefile, README's layout): privd and the binder
# include and link nothing of the user side, and the binder nothing of the
# master's; common/ includes only common/;
# every common/ module is linked by both sides (else it belongs in privd/
# or userd/lib/).  Read off the build: the compiler's dependency files
# (.d), the archives' and privd's symbols, and privd's own compile command.
. "$(dirname "$0")/../lib.sh"
O=$TOP/build/obj
[ -f "$O/privd/privd.d" ] && [ -f "$TOP/build/libuser.a" ] || skip_all "build first (make tests)"

# deps DIR...: every file the sources of DIR (not below) depend on, as
# paths relative to the checkout (from the .d of each source there is now)
deps() {
	local d c
	for d in "$@"; do
		for c in "$TOP/$d"/*.c; do cat "$O/$d/$(basename "$c" .c).d"; done
	done | tr ' \\' '\n\n' | grep -v -e ':$' -e '^$' |
		(cd "$TOP" && xargs -r realpath -m --relative-to=.) |
		grep -E '^(common|privd|userd)/' | sort -u
}
expect_eq "privd/ includes only privd/ and common/" "" "$(deps privd | grep -v -E '^(privd|common)/')"
expect_eq "common/ includes only common/" "" "$(deps common | grep -v '^common/')"

nm -g --defined-only "$TOP/build/libuser.a" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u >"$T/user.syms"
check "libuser.a defines symbols" test -s "$T/user.syms"
syms() { nm "$@" 2>/dev/null | awk '{ print $NF }' | sort -u; }
defs() { nm -g --defined-only "$@" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u; }
syms "$TOP/build/privd" >"$T/privd.syms"
expect_eq "privd links no user-side symbol" "" "$(comm -12 "$T/privd.syms" "$T/user.syms" | tr '\n' ' ')"

# The binder, the one root-side process that reads a user's bytes, is a
# program of its own that maps none of the master's code: not the policy
# parser, not the master's main, and no NSS look-up (getpwnam, ...).
check "privd-binder built" test -x "$TOP/build/privd-binder"
syms "$TOP/build/privd-binder" >"$T/binder.syms"
expect_eq "privd-binder links no user-side symbol" "" "$(comm -12 "$T/binder.syms" "$T/user.syms" | tr '\n' ' ')"
defs "$O/privd/policy.o" "$O/privd/privd.o" | grep -vx main >"$T/master.syms"
check "policy.o and privd.o define symbols" test -s "$T/master.syms"
expect_eq "privd-binder links nothing of policy.o or privd.o" "" \
	"$(comm -12 "$T/binder.syms" "$T/master.syms" | tr '\n' ' ')"
expect_eq "privd-binder calls no NSS look-up" "" \
	"$(nm -u "$TOP/build/privd-binder" | grep -Eo '(getpw|getgr|getspnam|initgroups)[a-z_]*' | tr '\n' ' ')"
# the bind counts: the binder maps the page and adds (bindcount.o), the
# master makes it and writes the file (bindfile.o)
defs "$O/privd/bindfile.o" >"$T/bindfile.syms"
check "bindfile.o defines symbols" test -s "$T/bindfile.syms"
expect_eq "privd-binder links nothing of bindfile.o" "" \
	"$(comm -12 "$T/binder.syms" "$T/bindfile.syms" | tr '\n' ' ')"
defs "$O/privd/binder.o" >"$T/bindero.syms"
expect_eq "and privd links nothing of binder.o" "" "$(comm -12 "$T/privd.syms" "$T/bindero.syms" | tr '\n' ' ')"

# a module counts as used by a side if the side's objects or the modules
# they use include its header
closure() { # HEADERS...: the common/ modules they reach through common/*.d
	local set prev="" m
	set=$(echo "$@" | tr ' ' '\n' | sed -n 's|^common/\(.*\)\.h$|\1|p' | sort -u)
	while [ "$set" != "$prev" ]; do
		prev=$set
		for m in $prev; do
			[ -f "$O/common/$m.d" ] && set="$set
$(deps_one "$O/common/$m.d")"
		done
		set=$(echo "$set" | grep . | sort -u)
	done
	echo "$set"
}
deps_one() { tr ' \\' '\n\n' <"$1" | sed "s|^$TOP/||" | sed -n 's|^common/\(.*\)\.h$|\1|p'; }
root=$(closure $(deps privd))
user=$(closure $(deps userd userd/lib))
for c in "$TOP"/common/*.c; do
	m=$(basename "$c" .c)
	check "common/$m is linked by privd" grep -qx "$m" <<<"$root"
	check "common/$m is linked by the user programs" grep -qx "$m" <<<"$user"
done

# the fence holds: privd's own compile command cannot reach a user header
cmd=$(make -s -n -B -C "$TOP" build/obj/privd/privd.o 2>/dev/null | grep -- ' -c ' | tail -1)
check "privd's compile command found" test -n "$cmd"
printf '#include "sockets.h"\n' >"$T/probe.c"
probe=$(echo "$cmd" | sed "s| -o [^ ]*| -o $T/probe.o|; s| privd/privd.c| $T/probe.c|; s|-MMD -MP||")
(cd "$TOP" && eval "$probe") >"$T/probe.err" 2>&1
expect_eq "a privd file that includes a user-side header does not build" 1 "$?"
expect_match "because the header is not on its path" "sockets.h: No such file" "$(cat "$T/probe.err")"
done_testing
