#!/bin/bash
# ward metrics: Prometheus' text format, checked by promtool (Debian's
# prometheus package), for a tree with services up, crashing and down.
. "$(dirname "$0")/../lib.sh"
lib_use runsv
command -v promtool >/dev/null || skip_all "promtool missing (tests/deps.sh installs prometheus)"
W=$B/ward
d=$T/tree; mkdir -p "$d"
mksvc "$d/web"
mksvc "$d/crash" 'exit 1'
mksvc "$d/off"; touch "$d/off/down"
for s in web crash off; do start_runsv "$d/$s"; done
check "web is up" wait_until 10 eval '"$W" metrics "$d" | grep -qx "ward_service_up{service=\"web\"} 1"'

"$W" metrics "$d" >"$T/m"
expect_eq "ward metrics exits 0" 0 "$?"
promtool check metrics <"$T/m" >"$T/promtool.out" 2>&1
expect_eq "promtool check metrics accepts it" 0 "$?"
cat "$T/promtool.out" | sed 's/^/# /'
for m in up ready healthy starts_total uptime_seconds backoff_seconds cpu_seconds_total memory_bytes; do
	check "TYPE of ward_service_$m" grep -q "^# TYPE ward_service_$m " "$T/m"
done
check "web: up 1" grep -qx 'ward_service_up{service="web"} 1' "$T/m"
check "off: up 0" grep -qx 'ward_service_up{service="off"} 0' "$T/m"
check "crash: started at least once" grep -Eq '^ward_service_starts_total\{service="crash"\} [1-9]' "$T/m"
check "no readiness declared: no sample" test -z "$(grep '^ward_service_ready{' "$T/m")"
check "without a cgroup: no memory sample" test -z "$(grep '^ward_service_memory_bytes{' "$T/m")"

# a name that needs escaping in a label
q="$d/we\"ird\\name"
mksvc "$q"
start_runsv "$q"
check "the odd name is up" wait_until 10 eval '"$W" metrics "$d" | grep -q "^ward_service_up{service=\"we.*} 1"'
"$W" metrics "$d" >"$T/m2"
promtool check metrics <"$T/m2" >/dev/null 2>&1
expect_eq "a name with a quote and a backslash: still valid" 0 "$?"
check "... escaped" grep -qF 'service="we\"ird\\name"' "$T/m2"
done_testing
