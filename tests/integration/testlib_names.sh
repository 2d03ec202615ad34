#!/bin/bash
# One contract per helper name in the test libraries (issue 15, item 1):
# tests/lib.sh and each area library (tests/lib-NAME.sh, loaded by lib_use)
# define disjoint names, and a test's own helpers do not reuse a name the
# libraries it loads define.
#  - every combination of libraries a test loads (and all of them at once)
#    loads without lib_use's guard reporting a name defined twice;
#  - no test sources an area library around the guard (by `.`);
#  - no test defines a function its libraries define;
#  - the guard fails a test whose library redefines a function (even with
#    the same body) or sets another library's variable, and says which.
. "$(dirname "$0")/../lib.sh"
# the children below run lib.sh on the staged copy this test has
export WARD_STAGE=$B

# tests built on lib.sh: the integration tests, and benchmarks sourcing it
tests_on_lib() {
	ls "$TOP"/tests/integration/*.sh
	grep -l '^\. .*/\.\./lib\.sh"' "$TOP"/tests/bench/*.sh
}
# uses FILE: the libraries FILE loads, in its order, on one line
uses() {
	local l
	l=$(sed -n 's/^lib_use //p' "$1" | sed 's/ *#.*//' | tr '\n' ' ')
	l=${l//\"\$TOP/$TOP}   # "$TOP/tests/bench/lib-table.sh"
	echo "${l//\"/}" | sed 's/ *$//'
}
# loaded LIBS...: lib.sh and LIBS in a fresh bash; prints its output, then
# "NAME LINE FILE" of every function it ends with; status: bash's
loaded() {
	# shellcheck disable=SC2016
	bash -c '. "$1/tests/lib.sh"; shift; lib_use "$@"; _lib_defs' _ "$TOP" "$@" 2>&1
}
# clashes FILE DEFS: each function FILE defines that DEFS (loaded's
# output) has from elsewhere, as "NAME from FILE"
clashes() {
	local n line file
	grep -oE '^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*\(\)' "$1" | tr -d ' \t()' | sort -u |
		while read -r n; do
			read -r line file < <(awk -v n="$n" '$1 == n { print $2, $3 }' "$2")
			[ -n "${file:-}" ] && [ "$file" != "$1" ] && echo "$n from ${file#"$TOP"/}"
		done
}

# ---- what the tests load ----
combos=$T/combos
for f in $(tests_on_lib); do
	[ "$f" = "$TOP/tests/integration/testlib_names.sh" ] || echo "$(uses "$f")" >>"$combos"
done
# shellcheck disable=SC2046
expect_eq "tests load area libraries by lib_use only" "" \
	"$(grep -nE '^[[:space:]]*(\.|source)[[:space:]].*lib-[a-z]+\.sh' $(tests_on_lib))"
# and every library at once: no two define one name, even if never together
all=$(cd "$TOP/tests" && ls lib-*.sh | sed 's/^lib-//; s/\.sh$//' | grep -vx -e kill -e stage | tr '\n' ' ')
echo "${all% }" >>"$combos"
i=0
while read -r libs; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	loaded $libs >"$T/defs-$i"
	rc=$?
	[ $rc = 77 ] && skip_all "lib.sh + $libs: skipped ($(tail -1 "$T/defs-$i"))"
	expect_eq "lib.sh + ${libs:-nothing}: loads, no name defined twice" "0 " \
		"$rc $(grep '^not ok' "$T/defs-$i" | tr '\n' ' ')"
	echo "$libs" >"$T/libs-$i"
done < <(sort -u "$combos")

# ---- a test's own helpers ----
n=0
for f in $(tests_on_lib); do
	libs=$(uses "$f") n=$((n + 1))
	for d in "$T"/libs-*; do
		[ "$(cat "$d")" = "$libs" ] || continue
		clashes "$f" "$T/defs-${d##*-}" | sed "s|^|${f#"$TOP"/}: |"
	done
done >"$T/clashes"
expect_eq "no helper of a test's own has the name of one its libraries define ($n tests)" "" \
	"$(cat "$T/clashes")"

# ---- the guard can fail ----
# guarded LIBS...: loaded, but prints only its output lines and its status
guarded() { loaded "$@" | grep -v -E '^[A-Za-z_][A-Za-z0-9_]* [0-9]+ /'; echo "rc=${PIPESTATUS[0]}"; }
printf 'gone() { ! kill -0 "$1"; }\n' >"$T/lib-fn.sh"
expect_eq "a library redefining a core function fails the test" \
	"not ok - $T/lib-fn.sh redefines gone from tests/lib.sh
rc=1" "$(guarded runsv "$T/lib-fn.sh")"
# the same text, line for line, is still a second definition
grep -E '^ctl\(\)' "$TOP/tests/lib-runsv.sh" >"$T/lib-same.sh"
expect_eq "a library redefining another's function with the same body fails" \
	"not ok - $T/lib-same.sh redefines ctl from tests/lib-runsv.sh
rc=1" "$(guarded runsv "$T/lib-same.sh")"
printf 'P6=1\n' >"$T/lib-var.sh"
expect_eq "a library setting another's variable fails the test" \
	"not ok - $T/lib-var.sh redefines P6 from tests/lib-privd.sh
rc=1" "$(guarded privd "$T/lib-var.sh")"
# SV was once ward's sv in lib-sv.sh and the service tree in lib-userd.sh
printf 'WARD_SV=$T/service\n' >"$T/lib-sv2.sh"
expect_eq "two libraries, one variable name, two meanings: fails" \
	"not ok - $T/lib-sv2.sh redefines WARD_SV from tests/lib-sv.sh
rc=1" "$(guarded sv "$T/lib-sv2.sh")"
# a library that only adds names is fine, and owns them from then on
printf 'fresh_helper() { :; }\nFRESH=1\n' >"$T/lib-new.sh"
printf 'fresh_helper() { :; }\n' >"$T/lib-new2.sh"
expect_eq "a library adding names only loads" "rc=0" "$(guarded "$T/lib-new.sh")"
expect_eq "its names are its own" "not ok - $T/lib-new2.sh redefines fresh_helper from $T/lib-new.sh
rc=1" "$(guarded "$T/lib-new.sh" "$T/lib-new2.sh")"
# and a test's own helper under a library's name is found
printf 'lib_use runsv\nmkscript() { :; }\nmine() { :; }\n' >"$T/own.sh"
loaded runsv >"$T/defs-own"
expect_eq "a test's helper named like a library's is found" "mkscript from tests/lib-runsv.sh" \
	"$(clashes "$T/own.sh" "$T/defs-own")"
done_testing
