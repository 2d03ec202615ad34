#!/bin/bash
# svlogd as a service's logger under Debian's runsv (log/run), the way a
# runit user runs it: lines arrive, `sv alarm log` rotates, `sv down log`
# (TERM) stops it cleanly.
. "$(dirname "$0")/../lib.sh"
lib_use svlogd
[ -x "$RUNIT_RUNSV" ] && [ -x "$RUNIT_SV" ] || skip_all "Debian's runit not installed"

s=$T/svc; mkdir -p "$s/log/main"
cat >"$s/run" <<RUN
#!/bin/sh
i=0
while [ \$i -lt 50 ]; do i=\$((i + 1)); echo "tick \$i"; done
exec sleep 1000
RUN
cat >"$s/log/run" <<RUN
#!/bin/sh
exec "$SVLOGD" -tt ./main
RUN
chmod +x "$s/run" "$s/log/run"
# In a SANITIZE=1 build, LeakSanitizer's check at svlogd's exit hung now
# and then under runit's runsv (svlogd spinning in it after TERM, past a
# minute): svlogd's leaks are checked by valgrind (tests/valgrind.sh) and
# the other svlogd tests; here only what runsv and sv see is tested.
spawn env ASAN_OPTIONS=detect_leaks=0 "$RUNIT_RUNSV" "$s"
check "lines arrive through runsv's pipe" wait_until 10 grep -qs "tick 50\$" "$s/log/main/current"
expect_match "with -tt timestamps" '^[0-9-]{10}_[0-9:.]{14} tick 1$' "$(head -1 "$s/log/main/current")"
"$RUNIT_SV" alarm "$s/log" >/dev/null
check "sv alarm log rotates" wait_until 10 has_old "$s/log/main" 1
"$RUNIT_SV" down "$s/log" >/dev/null
check "sv down log: svlogd stops" wait_until 10 sh -c "'$RUNIT_SV' status '$s/log' | grep -q '^down'"
expect_eq "current closed cleanly (0744)" 744 "$(stat -c %a "$s/log/main/current")"
expect_eq "every line kept" 50 "$(all_lines "$s/log/main" | grep -c tick)"
"$RUNIT_SV" exit "$s" >/dev/null
# runsv exits (a zombie until reaped); cleanup kills it if it does not
exited() { [ ! -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
check "sv exit: runsv exits" wait_until 10 exited "$SPAWNED"
exited "$SPAWNED" && wait "$SPAWNED" 2>/dev/null
done_testing
