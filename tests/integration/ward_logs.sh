#!/bin/bash
# ward logs: -n interleaves three services' svlogd logs by their stamps
# (-tt and -t), each line after its service's name; -f shows a new line,
# also after svlogd rotates (ALRM: current becomes @....s).  Every wait is
# a bounded loop on what was written, no timing threshold.
. "$(dirname "$0")/../lib.sh"
W=$B/ward
tree=$T/tree

# svlogd for service S (its log/main), reading from fd 3+i
i=0
for s in alpha beta gamma; do
	mkdir -p "$tree/$s/log/main"
	mkfifo "$T/$s.fifo"
	stamp=-tt; [ $s = beta ] && stamp=-t   # both stamp kinds in one view
	# read-write: the open does not wait for svlogd
	eval "exec $((i + 3))<>\"\$T/\$s.fifo\""
	spawn sh -c 'exec "$1" "$2" "$3" <"$4"' - "$B/svlogd" $stamp "$tree/$s/log/main" "$T/$s.fifo"
	eval "pid_$s=$SPAWNED"
	i=$((i + 1))
done
svc_of() { case $(($1 % 3)) in 0) echo alpha;; 1) echo beta;; 2) echo gamma;; esac; }
fd_of() { case $1 in alpha) echo 3;; beta) echo 4;; gamma) echo 5;; esac; }
logged() { grep -q " $2\$" "$tree/$1/log/main/current" 2>/dev/null; }
# say N: line N to its service, returns when svlogd has written it
say() {
	local s; s=$(svc_of "$1")
	echo "line $1" >&"$(fd_of "$s")"
	wait_until 10 logged "$s" "line $1"
}
ok=1
for n in $(seq 1 90); do say "$n" || ok=0; done
expect_eq "90 lines logged, one service after another" 1 "$ok"

out=$(SVDIR=$tree "$W" logs -n 20)
expect_eq "-n 20: 20 lines of each" 60 "$(echo "$out" | wc -l)"
expect_eq "... in the order they were logged" "$(seq 31 90 | tr '\n' ' ')" \
	"$(echo "$out" | sed 's/.* line //' | tr '\n' ' ')"
bad=$(echo "$out" | while read -r name bar rest; do
	n=${rest##* }; [ "$name" = "$(svc_of "$n")" ] && [ "$bar" = "|" ] || echo "$name $n"; done)
expect_eq "each line after its service's name" "" "$bad"
expect_match "the stamps are kept" '^beta \| @4[0-9a-f]{23} line 31$' "$(echo "$out" | head -1)"
expect_eq "names pick services" "$(echo "$out" | grep -v '^beta ')" \
	"$(SVDIR=$tree "$W" logs -n 20 alpha gamma)"
expect_eq "a log directory by path" "$(echo "$out" | grep '^gamma ' | tail -3)" \
	"$("$W" logs -n 3 "$tree/gamma/log/main" | sed 's/^main /gamma /')"

# -f: new lines as they come, across a rotation
spawn "$W" logs -f -n 1 "$tree/alpha" "$tree/beta" >"$T/follow" 2>&1
shown() { grep -q "^$1 | .* $2\$" "$T/follow"; }
check "-f: the last line first" wait_until 10 shown alpha "line 90"
echo "line new" >&3
check "-f: a new line" wait_until 10 shown alpha "line new"
kill -ALRM "$pid_alpha"
rotated() { ls "$tree/alpha/log/main" | grep -q '^@.*\.s$'; }
check "svlogd rotated" wait_until 10 rotated
echo "line after" >&3
echo "line beta" >&4
check "-f: a line after the rotation" wait_until 10 shown alpha "line after"
check "-f: the other service too" wait_until 10 shown beta "line beta"
expect_eq "-f: nothing twice (two last lines, three new)" 5 "$(wc -l <"$T/follow")"
# current was just rotated: the last lines come from the rotated file too
expect_eq "-n after a rotation: the rotated file's last lines, then current's" \
	"line 90,line new,line after" \
	"$("$W" logs -n 3 "$tree/alpha" | sed 's/.* line /line /' | paste -sd,)"
exec 3>&- 4>&- 5>&-
done_testing
