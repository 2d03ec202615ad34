# Helpers for svlogd integration tests: lib_use svlogd (tests/lib.sh).
SVLOGD=$B/svlogd

# numbered LINES [FROM]: "line N" lines, one per number
numbered() { seq -f 'line %g' "${2:-1}" "$(( ${2:-1} + $1 - 1 ))"; }
# old_files DIR: the rotated files of DIR, oldest first
old_files() { (cd "$1" && ls -1 | grep -E '^@[0-9a-f]{24}\.[su]$' | sort); }
# all_lines DIR: every line kept in DIR, oldest first (rotated files, current)
all_lines() { local f; for f in $(old_files "$1"); do cat "$1/$f"; done; cat "$1/current"; }
# start_fifo_svlogd ARGS...: runs svlogd reading a FIFO held open on fd 7;
# SVPID is its pid, stderr goes to $T/svlogd.err
start_fifo_svlogd() {
	rm -f "$T/fifo"; mkfifo "$T/fifo"
	setsid "$SVLOGD" "$@" <"$T/fifo" 2>"$T/svlogd.err" &
	SVPID=$!; track "$SVPID"
	exec 7>"$T/fifo"
}
# stop_fifo_svlogd: EOF on its stdin; waits for it to exit, returns its status
stop_fifo_svlogd() { exec 7>&-; wait "$SVPID"; }
# has_old DIR N: DIR holds at least N rotated files (for wait_until)
has_old() { [ "$(old_files "$1" | wc -l)" -ge "$2" ]; }
