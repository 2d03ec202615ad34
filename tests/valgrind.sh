#!/bin/bash
# A subset of the suite under valgrind (memcheck): every cmocka unit test,
# the fuzz corpora replayed, and the programs a user or an admin runs on
# hostile input: privd -t on policies, sv status, svlogd on a burst of
# lines, chpst -e on an environment directory, runsv on a small tree for a
# few seconds (build/dyn/runsv: build/runsv is static-pie, and valgrind
# cannot follow malloc inside a static glibc).  Any memory error or leak fails (valgrind's exit
# 99).  Run by .ci/run on a plain (not SANITIZE=1) build.  Prints ok/not ok
# lines and "N passed, N failed".
. "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null || skip_all "valgrind not installed"
VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect"
pass=0 fail=0
vcheck() {
	local what=$1; shift
	if "$@" >"$T/vg.out" 2>&1; then ok "$what"; pass=$((pass + 1)); else
		notok "$what"; fail=$((fail + 1)); sed 's/^/#   /' "$T/vg.out" | head -30; fi
}
# vexit WHAT STATUS CMD...: the program's own exit status must be STATUS
vexit() {
	local what=$1 want=$2; shift 2
	"$@" >"$T/vg.out" 2>&1
	local rc=$?
	if [ $rc = "$want" ]; then ok "$what"; pass=$((pass + 1)); else
		notok "$what (exit $rc, want $want)"; fail=$((fail + 1)); sed 's/^/#   /' "$T/vg.out" | head -30; fi
}

for t in "$B"/tests/test_*; do
	vcheck "valgrind ${t##*/}" $VG "$t"
done
for r in "$B"/tests/replay_fuzz_*; do
	n=${r##*/replay_}
	vcheck "valgrind $n corpus" $VG "$r" "$TOP/tests/fuzz/corpus/$n"/*
done

# privd -t: a good policy, a broken one (exit 1, still no leak)
printf 'supervise nobody\nbind nobody tcp 80\nlimit nobody nofile 100\n' >"$T/good"
printf 'supervise nobody-such\nbind x tpc 0\nlimit root nofile many\ninclude /nonexistent\n' >"$T/bad"
vexit "valgrind privd -t, good policy" 0 $VG "$B/privd" -t -f "$T/good"
vexit "valgrind privd -t, broken policy" 1 $VG "$B/privd" -t -f "$T/bad"

# svlogd on a burst of lines, with a config
mkdir -p "$T/log"
printf 's4096\nn3\n-*drop*\n' >"$T/log/config"
seq 1 20000 | sed 's/^/line /; 500s/$/ drop/' >"$T/lines"
vcheck "valgrind svlogd on 20000 lines" sh -c "$VG '$B/svlogd' -tt '$T/log' <'$T/lines'"

# chpst -e on an environment directory with odd entries
mkdir -p "$T/env/sub"
printf 'value  \nsecond\n' >"$T/env/A"
: >"$T/env/EMPTY"
printf 'x' >"$T/env/K=pre"
vcheck "valgrind chpst -e" $VG "$B/chpst" -e "$T/env" /bin/true

# runsv supervising a service with a logger, a failing health check and a
# dependency (a sibling under a plain runsv), sv status on it, sv exit:
# runsv's own exit status is valgrind's verdict
if [ ! -x "$B/dyn/runsv" ]; then
	notok "build/dyn/runsv missing (make tests builds it)"; fail=$((fail + 1))
else
	mkdir -p "$T/sv/b/log"
	printf '#!/bin/sh\necho hi; exec sleep 100000\n' >"$T/sv/b/run"
	printf '#!/bin/sh\nexec cat >/dev/null\n' >"$T/sv/b/log/run"
	printf '#!/bin/sh\necho not yet; exit 1\n' >"$T/sv/b/check"
	echo 1 >"$T/sv/b/check-interval"
	echo 100 >"$T/sv/b/check-failures"
	echo dep >"$T/sv/b/depends"
	mkdir -p "$T/sv/dep"
	printf '#!/bin/sh\nexec sleep 100000\n' >"$T/sv/dep/run"
	chmod 755 "$T/sv/b/run" "$T/sv/b/log/run" "$T/sv/b/check" "$T/sv/dep/run"
	spawn "$B/runsv" "$T/sv/dep"
	(cd "$T/sv/b" && exec setsid $VG "$B/dyn/runsv" "$T/sv/b" </dev/null >"$T/vg-runsv" 2>&1) &
	rp=$!
	track $rp
	running() { "$B/sv" status "$T/sv/b" 2>/dev/null | grep -q '^run: .*; run: log'; }
	wait_until 60 running
	unhealthy() { "$B/sv" status "$T/sv/b" 2>/dev/null | grep -q 'unhealthy.*"not yet"'; }
	wait_until 60 unhealthy
	vexit "valgrind sv status" 0 $VG "$B/dyn/sv" status "$T/sv/b"
	"$B/sv" exit "$T/sv/b" >/dev/null 2>&1
	wait $rp
	rc=$?
	if [ $rc = 0 ]; then ok "valgrind runsv"; pass=$((pass + 1)); else
		notok "valgrind runsv (exit $rc)"; fail=$((fail + 1)); sed 's/^/#   /' "$T/vg-runsv" | head -30; fi
fi
echo "valgrind: $pass passed, $fail failed"
done_testing
