# Many users at once, for the tests and benchmarks that need hundreds of
# them (useradd one by one takes minutes).  lib_use users (tests/lib.sh),
# or source it after tests/bench/lib.sh.
#
# A batch is a file of names, one a line (FILE); FILE.uids gets their uids.
# Every user of a batch has the comment (GECOS) given when it was made, so
# that leftovers of an interrupted run are recognised as ours and removed,
# and a user of the same name that is not ours is never touched.
#
#   users_make FILE HOMES COMMENT   newusers(8) in one batch, homes HOMES/NAME,
#                                   passwords locked; 1 if it failed
#   users_pids FILE                 the pids of every process the batch runs
#   users_kill FILE                 KILL them, until none is left
#   users_remove FILE               userdel each (their processes killed first)

# users_make FILE HOMES COMMENT
users_make() {
	local f=$1 homes=$2 comment=$3 n pw
	mkdir -p "$homes"
	# leftovers of an interrupted run, by name and comment
	getent passwd | awk -F: -v f="$f" -v c="$comment" '
		BEGIN { while ((getline n <f) > 0) mine[n] = 1 }
		mine[$1] && $5 == c { print $1 }' |
		while read -r n; do userdel "$n" 2>/dev/null; done
	# newusers would change a user of that name: never one not ours
	n=$(getent passwd | awk -F: -v f="$f" 'BEGIN { while ((getline n <f) > 0) mine[n] = 1 }
		mine[$1] { print $1; exit }')
	[ -z "$n" ] || { echo "users_make: user $n exists and is not ours"; return 1; }
	# newusers sets a password: a random one nobody knows, then locked
	pw=$(head -c 18 /dev/urandom | base64 | tr -d '+/=')
	while read -r n; do echo "$n:$pw:::$comment:$homes/$n:/bin/sh"; done <"$f" >"$f.newusers"
	newusers "$f.newusers" || { rm -f "$f.newusers"; echo "users_make: newusers failed"; return 1; }
	rm -f "$f.newusers"
	sed 's/$/:!/' "$f" | chpasswd -e
	getent passwd | awk -F: -v f="$f" 'BEGIN { while ((getline n <f) > 0) mine[n] = 1 }
		mine[$1] { print $3 }' >"$f.uids"
	[ "$(wc -l <"$f.uids")" = "$(wc -l <"$f")" ] || { echo "users_make: some users missing"; return 1; }
}

# users_pids FILE: every process whose real uid is one of the batch's
users_pids() {
	ps -e -o pid=,uid= | awk -v f="$1.uids" 'BEGIN { while ((getline u <f) > 0) own[u] = 1 }
		own[$2] { print $1 }'
}

# users_kill FILE: KILL everything the batch's users run, until nothing is left
users_kill() {
	local i p
	[ -s "$1.uids" ] || return 0
	for i in $(seq 1 50); do
		p=$(users_pids "$1")
		[ -z "$p" ] && return 0
		echo "$p" | xargs kill -KILL 2>/dev/null
		sleep 0.1
	done
	echo "users_kill: processes of the batch's users survive: $(users_pids "$1" | wc -l)"
	return 1
}

# users_remove FILE: the batch's users go, and what they ran
users_remove() {
	local n
	[ -f "$1" ] || return 0
	users_kill "$1"
	while read -r n; do
		getent passwd "$n" >/dev/null && userdel "$n" 2>/dev/null
	done <"$1"
	return 0
}
