#!/bin/bash
# ward status --all over USERS users x 10 services (default 1000 users,
# BENCH_STATUS_USERS to change), against `sv status` over the same
# services done user by user (root's sv, ward's and Debian's runit's, one
# run per user with that user's ten services, as an admin's loop would).
# One real runsv makes the status files; each service gets a copy of them
# and FIFOs supervise/ok and control held open by one reader, so every
# service reads as supervised to both tools (no 10,000 runsvs on a 2-core
# machine).  Real users, made in one batch (tests/lib-users.sh), removed
# at exit.  Figures are reported, never asserted.
. "$(dirname "$0")/lib.sh"
USERS=${BENCH_STATUS_USERS:-1000}
SVC=10
[ "$(id -u)" = 0 ] || { echo "status.sh: needs root (real users)"; exit 0; }
[ -x "$B/ward" ] && [ -x "$B/runsv" ] || { echo "build/ward or build/runsv missing: run make"; exit 1; }
. "$TOP/tests/lib-users.sh"
NAMES=$BT/names
TAG=ws
_scleanup() {
	users_remove "$NAMES"
	_bcleanup
}
trap _scleanup EXIT

# the status files of one real, running service, as ward's runsv writes them
mkdir -p "$BT/model"
printf '#!/bin/sh\nexec sleep 100000\n' >"$BT/model/run"; chmod 755 "$BT/model/run"
setsid "$B/runsv" "$BT/model" </dev/null >/dev/null 2>&1 & btrack $!
for i in $(seq 500); do [ -s "$BT/model/supervise/pid" ] && break; sleep 0.01; done

# one user's tree, copied for each (FIFOs and all)
for s in $(seq 1 $SVC); do
	d=$BT/tree/s$s
	mkdir -p "$d/supervise"
	cp "$BT/model/run" "$d/run"
	cp "$BT/model/supervise/status" "$BT/model/supervise/ward" "$d/supervise/"
	mkfifo "$d/supervise/ok" "$d/supervise/control"
done
t0=$(now_ns)
for u in $(seq 1 "$USERS"); do echo "$TAG$u"; done >"$NAMES"
users_make "$NAMES" "$BT/home" "ward status bench" || exit 1
sed 's/^/supervise /' "$NAMES" >"$BT/policy"
while read -r n; do
	cp -a "$BT/tree" "$BT/home/$n/service"
	chown -R "$n:" "$BT/home/$n"
done <"$NAMES"
t1=$(now_ns)
echo "# $USERS users x $SVC services made in $(( (t1 - t0) / 1000000000 )) s"
# one process holds every ok FIFO open for reading: runsv is "there"
export BT
ulimit -n $(( USERS * SVC + 100 )) 2>/dev/null || ulimit -n 65536
python3 -c 'import os,sys,time
fds=[os.open(p, os.O_RDONLY|os.O_NONBLOCK) for p in sys.argv[1:]]
open(os.environ["BT"]+"/held","w").close(); time.sleep(100000)' "$BT"/home/*/service/*/supervise/ok &
btrack $!
for i in $(seq 3000); do [ -e "$BT/held" ] && break; sleep 0.01; done

ward_all() { "$B/ward" status --all -f "$BT/policy" >"$BT/ward.out" 2>"$BT/ward.err"; }
sv_loop() {   # SV: every user's services, one sv run per user
	local u
	for u in $(seq 1 "$USERS"); do "$1" status "$BT/home/$TAG$u/service"/* ; done >"$BT/sv.out" 2>&1
}
time_ms() { local a b; a=$(now_ns); "$@"; b=$(now_ns); echo $(( (b - a) / 1000000 )); }
ward_all
rows=$(awk 'NR > 1 && $3 == "up"' "$BT/ward.out" | wc -l)
echo "# ward status --all shows $rows services up of $((USERS * SVC))"
sv_loop "$B/sv"
echo "# sv status lines: $(grep -c '^run: ' "$BT/sv.out") run"
for i in 1 2 3; do echo "$(time_ms ward_all)"; done | median >"$BT/w"
for i in 1 2 3; do echo "$(time_ms sv_loop /usr/bin/sv)"; done | median >"$BT/r"
for i in 1 2 3; do echo "$(time_ms sv_loop "$B/sv")"; done | median >"$BT/s"
w=$(cat "$BT/w") r=$(cat "$BT/r") s=$(cat "$BT/s")
header
row "ward status --all, $USERS users x $SVC (vs runit sv, user by user)" "$w" "$r" ms
row "ward's sv status, $USERS users x $SVC, user by user" "$s" "$r" ms
row "ward status --all per user" "$(awk -v a="$w" -v n="$USERS" 'BEGIN { printf "%.2f", a / n }')" \
	"$(awk -v a="$r" -v n="$USERS" 'BEGIN { printf "%.2f", a / n }')" ms
