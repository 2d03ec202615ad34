#!/bin/bash
# ward status --all (root): every supervised user of the policy, read by a
# child that switched to the user; one user's tree is hostile (garbage,
# huge and FIFO status files, symlinks out of the tree, control bytes and
# overlong names): root opens nothing in it, the output stays clean, the
# other user's rows are whole.
. "$(dirname "$0")/../lib.sh"
need_root
lib_use privd runsv
W=$B/ward
make_user "$ua" || exit 1
make_user "$ub" || exit 1
ha=$(getent passwd "$ua" | cut -d: -f6) hb=$(getent passwd "$ub" | cut -d: -f6)
as_user() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups "$@"; }

# the good user: a userd and two services
mksvc "$ha/service/web"
mksvc "$ha/service/crash" 'exit 4'
chown -R "$ua:" "$ha/service"
spawn setpriv --reuid="$ua" --regid="$ua" --init-groups "$B/userd" "$ha/service"

# the hostile user
s=$hb/service
mksvc "$s/garbage"; mkdir -p "$s/garbage/supervise"
head -c 20 /dev/urandom >"$s/garbage/supervise/status"
truncate -s 8G "$s/garbage/supervise/ward"                 # huge
mksvc "$s/fifo"; mkdir -p "$s/fifo/supervise"
for f in status ward ok cgroup; do mkfifo "$s/fifo/supervise/$f"; done
mksvc "$s/link"; ln -s /root "$s/link/supervise"           # out of the tree
mksvc "$s/shadow"; mkdir -p "$s/shadow/supervise"
ln -s /etc/shadow "$s/shadow/supervise/status"
printf '/proc/1\n' >"$s/shadow/supervise/cgroup"
mksvc "$s/$(printf 'esc\033[31mred\tt\001')"
mksvc "$s/$(printf 'x%.0s' $(seq 1 200))"
mkdir -p "$s/.userd"; mkfifo "$s/.userd/lock"
ln -s /etc "$s/etc"
chown -R "$ub:" "$s"

cat >"$T/policy" <<EOP
supervise $ua
bind $ua tcp 80 on 127.0.0.1
supervise $ub
EOP
check "the good user's services run" wait_until 20 eval \
	'[ "$(as_user "$ua" "$W" status "$ha/service" | awk "\$1 == \"web\" { print \$2 }")" = up ]'

# (LeakSanitizer, in a SANITIZE=1 build, cannot run under ptrace)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -qq -e trace=open,openat,openat2 -o "$T/trace" "$W" status --all -f "$T/policy" >"$T/out" 2>"$T/err"
rc=$?
expect_eq "ward status --all: exit 0" 0 "$rc"
cat "$T/err" | sed 's/^/# stderr: /'
root_pid=$(head -1 "$T/trace" | awk '{print $1}')
expect_eq "root (ward's own process) opens nothing in the users' trees" "" \
	"$(awk -v p="$root_pid" '$1 == p' "$T/trace" | grep -e "$ha" -e "$hb" -e '"supervise"')"
check "the children do open the trees" grep -q "$hb/service" "$T/trace"
out=$(cat "$T/out")
expect_eq "no control byte in the output" "" "$(tr -d '\n' <"$T/out" | tr -d '[:print:]' | od -An -c)"
expect_match "the header has USER" '^USER +SERVICE +STATE' "$(head -1 "$T/out")"
row() { awk -v u="$1" -v n="$2" '$1 == u && $2 == n' "$T/out" | tr -s ' '; }
expect_match "$ua web: up" "^$ua web up [0-9]+ " "$(row "$ua" web)"
check "$ua crash: restarted" wait_until 20 eval \
	'"$W" status --all -f "$T/policy" | awk -v u="$ua" "\$1 == u && \$2 == \"crash\"" | grep -Eq "exit4,"'
for n in garbage fifo link shadow; do
	expect_match "$ub $n: unsupervised, nothing read" "^$ub $n unsupervised - - - - - - - - - -$" "$(row "$ub" "$n")"
done
expect_match "$ub: the escape's name is cleaned" "^$ub esc\?\[31mred\?t\? unsupervised" \
	"$(grep "^$ub *esc" "$T/out" | tr -s ' ')"
expect_match "$ub: the long name is cut at 63" "^$ub x{63} unsupervised" "$(grep "^$ub *xx" "$T/out" | tr -s ' ')"
check "$ub: the symlink to /etc is no service of theirs with root's data" \
	test -z "$(grep -e shadow: -e 'root:' "$T/out")"
expect_match "users: $ua's userd up, its ports" "^$ua +yes +tcp 80 on 127.0.0.1 +-$" "$(grep "^$ua  *yes" "$T/out")"
expect_match "users: $ub's userd not up (a FIFO lock)" "^$ub +no +- +-$" "$(grep "^$ub  *no" "$T/out")"

# root naming one user's tree: read as its owner too
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -qq -e trace=open,openat,openat2 -o "$T/trace1" "$W" status "$hb/service" >"$T/one" 2>&1
root_pid=$(head -1 "$T/trace1" | awk '{print $1}')
expect_eq "root's ward status DIR: its own process opens nothing in the tree" "" \
	"$(awk -v p="$root_pid" '$1 == p' "$T/trace1" | grep -e "$hb" -e '"supervise"')"
expect_eq "... and shows what the user sees" "$(as_user "$ub" "$W" status "$hb/service" 2>&1 | cut -c1-40)" \
	"$(cut -c1-40 "$T/one")"

j=$("$W" status --all --json -f "$T/policy")
check "--all --json parses" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$j"
expect_eq "json: both users, in policy order" "$ua $ub" \
	"$(python3 -c 'import json,sys; print(" ".join(u["user"] for u in json.loads(sys.argv[1])["users"]))' "$j")"
"$W" metrics --all -f "$T/policy" --binds "$T/nobinds" >"$T/m"
expect_eq "metrics --all: exit 0" 0 "$?"
check "metrics --all: per user" grep -q "^ward_userd_up{user=\"$ua\"} 1" "$T/m"
if command -v promtool >/dev/null; then
	promtool check metrics <"$T/m" >/dev/null 2>&1
	expect_eq "metrics --all passes promtool" 0 "$?"
fi
as_user "$ua" "$W" status --all >/dev/null 2>&1
expect_eq "--all is root's" 100 "$?"
done_testing
