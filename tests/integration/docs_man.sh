#!/bin/bash
# Every program that `make` builds (and every name it is linked under) has a
# man page in docs/man; every page renders with man -l without a warning and
# has a NAME section that whatis can read; the policy file format has its
# page too.
. "$(dirname "$0")/../lib.sh"
command -v man >/dev/null || skip_all "man (man-db) not installed"

progs=$(cd "$B" && for f in *; do
	[ -f "$f" ] && [ -x "$f" ] && echo "$f"
done)
[ -n "$progs" ] || skip_all "nothing built in build/"
for p in $progs; do
	page=$(ls "$TOP"/docs/man/"$p".[1-8] 2>/dev/null | head -1)
	check "build/$p has a man page in docs/man" [ -n "$page" ]
done
check "the policy format has ward-policy.5" [ -f "$TOP/docs/man/ward-policy.5" ]

for f in "$TOP"/docs/man/*.[1-8]; do
	n=${f##*/}
	# man-db hands -ww to groff: every warning goes to standard error
	w=$(MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
	expect_eq "$n renders without warnings" "" "$w"
	out=$(MANWIDTH=80 man -l "$f" 2>/dev/null)
	expect_match "$n renders a NAME and a DESCRIPTION or SYNOPSIS" \
		"NAME.*(SYNOPSIS|DESCRIPTION)" "$(echo "$out" | tr '\n' ' ')"
	check "$n: whatis can read its NAME line" lexgrog "$f" >/dev/null
done
done_testing
