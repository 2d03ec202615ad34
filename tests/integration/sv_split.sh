#!/bin/bash
# sv status over many services splits them among the CPUs sv may run on (a
# forked helper a share, see sv.8): what it prints, the order of its stdout
# and stderr, and its exit code must be what sv gives service by service.
. "$(dirname "$0")/../lib.sh"
lib_use sv
W=$B/tests/sv_ward
[ -x "$W" ] || { notok "build/tests/sv_ward built"; done_testing; }

d=$T/many
N=260   # two shares of 130: a share is at least 128 services
mkdir -p "$d"
list=()
# every 10th: missing (fail); every 10th + 5: no supervise/ (warning); the
# rest: a supervise/ as runsv leaves it, its ok FIFO held open by this
# shell, a status and a ward (ready, text) that sv shows; two real runsvs
for i in $(seq -w 1 $N); do
	s=$d/s$i
	list+=("$s")
	case $i in
	*0) continue ;;
	*5) mkdir "$s"; continue ;;
	007|247) mksvc "$s"; mksvc "$s/log" 'exec cat >/dev/null'; continue ;;
	esac
	mkdir -p "$s/supervise"
	mkfifo "$s/supervise/ok"
	exec {fd}<>"$s/supervise/ok"
	"$W" "$s" state=run pid=$((100000 + 10#$i)) since_ago=5000 runsv=$$ ready=yes \
		ready_ago=4000 "text=serving $i"
	case $i in *3) touch "$s/down" ;; esac
done
supervise "$B/runsv" "$d/s007" || done_testing
supervise "$B/runsv" "$d/s247" || done_testing

# seconds may tick between two runs: compare them without
nosec() { sed -E 's/[0-9]+s\b/Ns/g; s/"(uptime|ready_for)":[0-9]+/"\1":N/g'; }
# one_by_one ARGS...: sv for each service alone (never split), outputs
# joined; exit code the failures added up, at most 99 as sv's
one_by_one() {
	local s rc sum=0
	for s in "${list[@]}"; do
		"$WARD_SV" "$@" "$s"
		rc=$?
		sum=$((sum + rc))
	done
	return $((sum > 99 ? 99 : sum))
}
# same LABEL ARGS...: sv ARGS over all the list vs one service at a time
same() {
	local label=$1 rca rcb
	shift
	"$WARD_SV" "$@" "${list[@]}" >"$T/all.out" 2>"$T/all.err"
	rca=$?
	one_by_one "$@" >"$T/one.out" 2>"$T/one.err"
	rcb=$?
	expect_eq "$label: stdout as service by service" "$(nosec <"$T/one.out")" "$(nosec <"$T/all.out")"
	expect_eq "$label: stderr as service by service" "$(nosec <"$T/one.err")" "$(nosec <"$T/all.err")"
	expect_eq "$label: exit code as service by service" "$rcb" "$rca"
	"$WARD_SV" "$@" "${list[@]}" >"$T/all.both" 2>&1
	one_by_one "$@" >"$T/one.both" 2>&1
	expect_eq "$label: stdout and stderr in the same order" "$(nosec <"$T/one.both")" \
		"$(nosec <"$T/all.both")"
}

expect_eq "status: 260 lines" $N "$("$WARD_SV" status "${list[@]}" 2>/dev/null | wc -l)"
expect_eq "status: failures of both shares added up" 52 "$("$WARD_SV" status "${list[@]}" >/dev/null 2>&1; echo $?)"
same "status" status
same "-j status" -j status
# a warning on stderr in the helper's share: the helper gives up, sv does it
head -c 256 /dev/zero | tr '\0' '\2' >"$d/s201/supervise/ward"
expect_match "a malformed ward in the second share warns" 'warning: .*/s201: ignoring supervise/ward' \
	"$("$WARD_SV" status "${list[@]}" 2>&1 >/dev/null)"
same "status, a warning in the second share" status
same "-j status, a warning in the second share" -j status

expect_eq "300 services missing: exit code 99" 99 "$("$WARD_SV" status "$T"/nothing/{1..300} >/dev/null; echo $?)"
expect_eq "300 services missing: every line, in order" \
	"$(for i in {1..300}; do echo "fail: $T/nothing/$i: unable to change to service directory: file does not exist"; done)" \
	"$("$WARD_SV" status "$T"/nothing/{1..300})"

# The split does happen: in a pid namespace of its own, sv on one CPU uses
# one pid, on more it uses one more a helper.
pids_used() {
	unshare -pf --mount-proc sh -c '"$@" >/dev/null 2>&1; cat /proc/sys/kernel/ns_last_pid' sh "$@"
}
if [ "$(nproc)" -lt 2 ]; then
	echo "# one CPU: sv does not split, not tested"
else
	one=$(pids_used taskset -c 0 "$WARD_SV" status "${list[@]}")
	two=$(pids_used "$WARD_SV" status "${list[@]}")
	# a helper a CPU, at most one per 128 services: two here
	expect_eq "on two CPUs or more sv forks two helpers, on one none" "$((one + 2))" "$two"
	few=$(pids_used "$WARD_SV" status "${list[@]:0:200}")
	expect_eq "200 services: no helper (a share is at least 128)" "$one" "$few"
fi
"$WARD_SV" exit "$d/s007" "$d/s247" >/dev/null
done_testing
