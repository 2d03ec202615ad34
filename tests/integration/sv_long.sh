#!/bin/bash
# sv status over many services: what it prints, the order of its stdout and
# stderr (stdout is buffered, a warning goes out at once), and its exit code
# (the failures added up, at most 99) must be what sv gives service by
# service.
. "$(dirname "$0")/../lib.sh"
lib_use sv
W=$B/tests/sv_ward
[ -x "$W" ] || { notok "build/tests/sv_ward built"; done_testing; }

d=$T/many
N=260
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
# one_by_one ARGS...: sv for each service alone, outputs
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
expect_eq "status: the failures added up" 52 "$("$WARD_SV" status "${list[@]}" >/dev/null 2>&1; echo $?)"
same "status" status
same "-j status" -j status
# a warning on stderr among the lines: it keeps its place
head -c 256 /dev/zero | tr '\0' '\2' >"$d/s201/supervise/ward"
expect_match "a malformed ward in the middle of the list warns" 'warning: .*/s201: ignoring supervise/ward' \
	"$("$WARD_SV" status "${list[@]}" 2>&1 >/dev/null)"
same "status, a warning in the middle" status
same "-j status, a warning in the middle" -j status

expect_eq "300 services missing: exit code 99" 99 "$("$WARD_SV" status "$T"/nothing/{1..300} >/dev/null; echo $?)"
expect_eq "300 services missing: every line, in order" \
	"$(for i in {1..300}; do echo "fail: $T/nothing/$i: unable to change to service directory: file does not exist"; done)" \
	"$("$WARD_SV" status "$T"/nothing/{1..300})"

"$WARD_SV" exit "$d/s007" "$d/s247" >/dev/null
done_testing
