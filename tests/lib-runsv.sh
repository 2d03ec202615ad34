# Helpers for runsv's integration tests: lib_use runsv (tests/lib.sh).
# A runsv is started in its own session (spawn), so that cleanup kills it and
# its services by process group.

# mkscript FILE 'BODY': an executable sh script
mkscript() {
	mkdir -p "$(dirname "$1")"
	printf '#!/bin/sh\n%s\n' "$2" >"$1"
	chmod 755 "$1"
}
# start_runsv DIR [RUNSV]: starts it (stderr in DIR.err), waits for supervise/stat;
# RUNSV_PID is its pid
start_runsv() {
	spawn "${2:-$B/runsv}" "$1" 2>"$1.err"
	RUNSV_PID=$SPAWNED
	wait_until 10 test -s "$1/supervise/stat"
}
# ctl DIR LETTERS: writes control letters (gives up after 5 s if nobody reads)
ctl() { timeout 5 sh -c 'printf "%s" "$2" >"$1/supervise/control"' - "$1" "$2"; }
stat_of() { cat "$1/supervise/stat" 2>/dev/null; }
# svstat_field DIR KEY: one key=value of the decoded status (tests/helpers/svstat.c)
svstat_field() { "$B/tests/svstat" "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
stat_is() { [ "$(stat_of "$1")" = "$2" ]; }
# new_pid DIR OLD: a running ./run whose pid is not OLD
new_pid() { local p; p=$(svc_pid "$1"); [ -n "$p" ] && [ "$p" != "$2" ] && stat_is "$1" run; }
has_line() { grep -qx -- "$2" "$1" 2>/dev/null; }
# exit_code PID: waits (10 s at most) for our child PID and prints its exit code
exit_code() { wait_until 10 gone "$1" && { wait "$1"; echo $?; }; }
# lines_ge FILE N: FILE has at least N lines
lines_ge() { [ "$(lines "$1")" -ge "$2" ]; }
lacks_line() { ! has_line "$1" "$2"; }
