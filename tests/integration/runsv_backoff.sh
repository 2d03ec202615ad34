#!/bin/bash
# Crash-loop backoff: 1, 2, 4 ... s, at most 4 starts in the first 10 s,
# backoff-max, reset after 10 s up, d and u during a wait; supervise/ward;
# sv up and sv once during a wait (or during ./finish) start at once.
# Only lower bounds on elapsed time are checked (a slow machine cannot fail them).
. "$(dirname "$0")/../lib.sh"
lib_use runsv

quick='date +%s%N >>starts; exit 0'
# gap FILE N: ms between start N-1 and start N
gap() { sed -n "$(($2 - 1))p;$2p" "$1" | awk 'NR == 1 { a = $1 } NR == 2 { print int(($1 - a) / 1e6) }'; }
# ward_is DIR KEY VALUE
ward_is() { [ "$(svstat_field "$1" "$2")" = "$3" ]; }

# four services at once, so the waits overlap
a=$T/a; mksvc "$a" "$quick"                       # d and u during waits
b=$T/b; mksvc "$b" "$quick"                       # counted over 10 s
c=$T/c; mksvc "$c" 'date +%s%N >>starts; n=$(wc -l <starts)
[ "$n" -eq 3 ] && exec sleep 11
exit 0'                                           # stays up once: reset
m=$T/m; mksvc "$m" "$quick"; echo 2 >"$m/backoff-max"
x=$T/x; mksvc "$x" "$quick"; echo "sixty" >"$x/backoff-max"
for d in "$a" "$b" "$c" "$m" "$x"; do start_runsv "$d"; eval "pid_${d##*/}=\$RUNSV_PID"; done

# a: waits of 1 s then 2 s
check "a: three starts" wait_until 20 lines_ge "$a/starts" 3
g2=$(gap "$a/starts" 2) g3=$(gap "$a/starts" 3)
check "a: first wait at least 1 s ($g2 ms)" test "$g2" -ge 1000
check "a: second wait at least 2 s ($g3 ms)" test "$g3" -ge 2000
check "a: now waiting 4 s" wait_until 10 ward_is "$a" backoff_ms 4000
nx=$(svstat_field "$a" next_in_ms)
check "a: next start announced within 4 s ($nx ms)" test "$nx" -gt 0 -a "$nx" -le 4000
expect_eq "a: stat during the wait" down "$(stat_of "$a")"
expect_eq "a: ward counts the starts" 3 "$(svstat_field "$a" starts)"
expect_eq "a: ward has runsv's pid" "$pid_a" "$(svstat_field "$a" runsv)"

# d during the wait: nothing is owed any more
ctl "$a" d
check "a: d: want down" wait_until 10 ward_is "$a" want d
expect_eq "a: d: no backoff shown" 0 "$(svstat_field "$a" backoff_ms)"
sleep 5
expect_eq "a: d: no start after the wait would have ended" 3 "$(lines "$a/starts")"

# u: starts at once; the count of quick deaths is kept (next wait 8 s)
ctl "$a" u
check "a: u: started" wait_until 10 lines_ge "$a/starts" 4
check "a: then waits 8 s (count kept)" wait_until 10 ward_is "$a" backoff_ms 8000
due=$(( $(date +%s%N) / 1000000 + $(svstat_field "$a" next_in_ms) ))
ctl "$a" u
check "a: u during the wait: started" wait_until 10 lines_ge "$a/starts" 5
t5=$(( $(sed -n 5p "$a/starts") / 1000000 ))
check "a: ... before the wait was over" test "$t5" -lt "$due"

# b: an exit at once is started at most 4 times in its first 10 s
check "b: started" wait_until 10 lines_ge "$b/starts" 1
first=$(head -1 "$b/starts")
while [ $(( $(date +%s%N) - first )) -lt 10000000000 ]; do sleep 0.2; done
n=$(awk -v f="$first" '$1 - f < 10e9' "$b/starts" | wc -l)
check "b: at most 4 starts in 10 s (saw $n)" test "$n" -le 4 -a "$n" -ge 1

# m: backoff-max 2: 1, 2, 2
check "m: four starts" wait_until 20 lines_ge "$m/starts" 4
check "m: waits at most 2 s" wait_until 10 ward_is "$m" backoff_ms 2000
check "m: third wait at least 2 s" test "$(gap "$m/starts" 4)" -ge 2000

# x: a malformed backoff-max is reported and the default used
check "x: malformed backoff-max reported" wait_until 10 grep -q \
	"runsv $x: warning: backoff-max: expected a number from 1 to 86400" "$x.err"
check "x: still restarted" wait_until 10 lines_ge "$x/starts" 2

# c: up for 11 s, then quick again: the wait is back to 1 s
check "c: the long run ended, two more starts" wait_until 40 lines_ge "$c/starts" 5
# two quick deaths after the long run: 1 s then 2 s (without the reset: 8 s, 16 s)
check "c: after staying up, the backoff was reset" wait_until 10 ward_is "$c" backoff_ms 2000
g4=$(gap "$c/starts" 4)
check "c: the long run lasted 11 s ($g4 ms)" test "$g4" -ge 11000

# e: sv up (the user asked for it) starts at once, whatever backoff is
# pending, though sv sees want up already; so does sv once.  The wait the
# start would otherwise have had: the last start plus sv -j's backoff_ms.
e=$T/e; mksvc "$e" "$quick"                       # sv up, sv once during waits
f=$T/f; mksvc "$f" "$quick"                       # sv up while ./finish runs
mkscript "$f/finish" 'while [ -e hold ]; do sleep 0.05; done'
start_runsv "$e"
json() { "$B/sv" -j status "$1" | jq -r ".$2"; }
# ms_of FILE N: the N-th start in ms
ms_of() { echo $(( $(sed -n "$2p" "$1") / 1000000 )); }
# backoff_ge DIR MS: waiting, sv -j shows a backoff of at least MS
backoff_ge() { local b; b=$(json "$1" backoff_ms); [ "$b" != null ] && [ "$b" -ge "$2" ]; }
# explicit DIR CMD: sv CMD during a backoff of at least 4 s starts it before the wait is over
explicit() {
	local d=$1 cmd=$2 n due t
	check "${d##*/}: waiting at least 4 s" wait_until 30 backoff_ge "$d" 4000
	n=$(lines "$d/starts")
	due=$(( $(ms_of "$d/starts" "$n") + $(json "$d" backoff_ms) ))
	"$B/sv" "$cmd" "$d" >/dev/null
	check "${d##*/}: sv $cmd: started" wait_until 30 lines_ge "$d/starts" $((n + 1))
	t=$(ms_of "$d/starts" $((n + 1)))
	check "${d##*/}: sv $cmd: before the backoff was over ($((due - t)) ms early)" test "$t" -lt "$due"
}
explicit "$e" up
explicit "$e" once
check "e: after once, want down" wait_until 10 eval '[ "$(json "$e" want)" = down ]'
# f: sv up while ./finish runs: once ./finish is done, ./run starts at once
start_runsv "$f"
check "f: waiting at least 2 s" wait_until 30 backoff_ge "$f" 2000
prev=$(json "$f" backoff_ms)
touch "$f/hold"
nf=$(lines "$f/starts")
check "f: ./finish runs" wait_until 30 eval '[ "$(lines "$f/starts")" -gt $nf ] && stat_is "$f" finish'
nf=$(lines "$f/starts")
due=$(( $(ms_of "$f/starts" "$nf") + 2 * prev ))
"$B/sv" up "$f" >/dev/null
rm -f "$f/hold"
check "f: sv up during ./finish: started" wait_until 30 lines_ge "$f/starts" $((nf + 1))
t=$(ms_of "$f/starts" $((nf + 1)))
check "f: ... before the backoff was over ($((due - t)) ms early)" test "$t" -lt "$due"

done_testing
