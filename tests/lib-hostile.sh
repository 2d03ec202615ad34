# Hostile users against privd's binder: every user's "userd" is
# tests/helpers/hostile (a compromised userd on the real channel), driven
# through the FIFO ~/service/in, answering in ~/service/out.  For
# tests/integration/adv_binder.sh and tests/bench/ports.sh: lib_use privd
# hostile (tests/lib.sh); users need service_fifo.

# hostile_bin: a copy of privd in $T/bin whose "userd" is hostile
hostile_bin() {
	privd_copy "$T/bin"
	cp "$B/tests/hostile" "$T/bin/userd"
	chmod 755 "$T/bin" "$T/bin/userd"
	PRIVD_EXE=$T/bin/privd
}

# hostile_ask USER COMMAND: the stand-in's answer without the echoed command
hostile_ask() { local a; a=$(req "$1" "$2"); echo "${a#"$2": }"; }

_hservice() { echo "$(getent passwd "$1" | cut -d: -f6)/service"; }
_hcount() { grep -c "$2" "$1"; }
_hmore() { [ "$(_hcount "$1" "$2")" -gt "$3" ]; }
# flood USER ARGS: starts "flood ARGS" in USER's stand-in, returns once it
# is under way
flood() {
	local o n
	o=$(_hservice "$1")/out
	n=$(_hcount "$o" '^flood started')
	timeout 10 sh -c 'echo "$1" >"$2"' _ "flood $2" "${o%/out}/in"
	wait_until 10 _hmore "$o" '^flood started' "$n"
}
# flood_result USER ARGS: waits for the end of USER's last flood; prints
# its result
flood_result() {
	local o
	o=$(_hservice "$1")/out
	wait_until 300 _hmore "$o" '^flood .*: ' $(( $(_hcount "$o" '^flood started') - 1 ))
	grep "^flood $2: " "$o" | tail -1 | sed "s/^flood $2: //"
}
# latency_median ANSWER: the median (us) of a "latency" answer
latency_median() { echo "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "median") print $(i + 1) }'; }
