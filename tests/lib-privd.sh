# Helpers for privd's integration tests: lib_use privd (tests/lib.sh).
#
# privd starts <its own directory>/userd.  privd_bin MODE picks what that is:
#   real     build/privd itself, so build/userd (the real one) is started
#   bindreq  a copy of build/privd and build/privd-binder in $T/bin beside
#            build/tests/bindreq copied as "userd": a stand-in that only
#            talks to the binder
PRIVD=""
PRIVD_EXE=""
# A sanitizer build's privd runs as root only when asked (privd(8), NOTES);
# every privd a test starts inherits this.
privd_sanitized() { grep -q __asan_init "$B/privd" 2>/dev/null; }
if privd_sanitized; then export WARD_ALLOW_SANITIZED=1; fi
# Other checkouts may run these tests at the same time: users, addresses
# and ports are made unique per run.  Users: wpa$WPTAG ...; tests bind
# on their own loopback address $LO (127.x.y.z) and IPv6 port $P6.
WPTAG=$(( $$ % 100000 ))
ua=wpa$WPTAG ub=wpb$WPTAG uc=wpc$WPTAG ug=wpg$WPTAG
LO=127.$(( ($$ >> 16) & 255 )).$(( ($$ >> 8) & 255 )).$(( ($$ & 255) | 1 ))
P6=$(( 23700 + $$ % 200 ))

privd_bin() {
	if [ "$1" = real ]; then
		PRIVD_EXE=$B/privd
		return
	fi
	privd_copy "$T/bin"
	cp "$B/tests/bindreq" "$T/bin/userd"
	chmod 755 "$T/bin" "$T/bin/userd"
	PRIVD_EXE=$T/bin/privd
}
# privd_copy DIR: privd and its binder (privd-binder, which privd opens
# beside itself) copied into DIR, made if missing
privd_copy() {
	mkdir -p "$1" && cp "$B/privd" "$B/privd-binder" "$1/" &&
		chmod 755 "$1/privd" "$1/privd-binder"
}

# start_privd POLICY: runs privd in the foreground of its own session,
# logging to $T/privd.log; waits until it has started its binder
start_privd() {
	spawn "$PRIVD_EXE" -f "$1" 2>>"$T/privd.log"
	PRIVD=$SPAWNED
	wait_until 10 binder_pid >/dev/null
}

# children of privd: "PID UID ARGS" lines
privd_children() { ps -o pid=,uid=,args= --ppid "$PRIVD" 2>/dev/null; }
binder_pid() {
	local p
	p=$(privd_children | awk '$3 == "privd-binder" { print $1 }')
	[ -n "$p" ] && echo "$p"
}
# userd_pid USER: the userd privd runs for USER
userd_pid() {
	local uid p
	uid=$(id -u "$1") || return 1
	p=$(privd_children | awk -v u="$uid" '$2 == u && $4 == "-b" { print $1 }')
	[ -n "$p" ] && echo "$p"
}
# proc_field PID NAME: a /proc/PID/status field, blanks squeezed
proc_field() { awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"; }

# service_fifo USER: ~USER/service with the bindreq FIFO, owned by USER
service_fifo() {
	local h
	h=$(getent passwd "$1" | cut -d: -f6)
	su -s /bin/sh "$1" -c "mkdir -p '$h/service' && mkfifo '$h/service/in' && : > '$h/service/out'"
}
# req USER LINE: one request through USER's bindreq stand-in; prints its answer
req() {
	local h n
	h=$(getent passwd "$1" | cut -d: -f6)
	n=$(grep -c ': ' "$h/service/out")
	# the FIFO blocks until the stand-in opens it: never wait forever
	timeout 10 sh -c 'echo "$1" >"$2"' _ "$2" "$h/service/in" || { echo "not read"; return 1; }
	wait_until 10 _answered "$h/service/out" "$n" || { echo "no answer"; return 1; }
	grep ': ' "$h/service/out" | tail -1
}
_answered() { [ "$(grep -c ': ' "$1")" -gt "$2" ]; }

# logged REGEX: the privd log has a line matching REGEX
logged() { grep -Eq -- "$1" "$T/privd.log"; }
