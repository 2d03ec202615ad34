#!/bin/bash
# privd -s logs to syslog, the master through a /dev/log socket of its own
# (sent to without waiting) and the sandboxed
# binder through the /dev/log socket the master connects for it.  Runs in a
# private mount namespace whose /dev has a stand-in syslog daemon
# (tests/helpers/logsink) at /dev/log, so the machine's own /dev is untouched.
# Then the syslog daemon stops reading (SIGSTOP): the binder's lines are
# lost, counted and the count logged once it reads again, but no bind
# waits for the log.
. "$(dirname "$0")/../lib.sh"
lib_use privd
need_root
command -v unshare >/dev/null || skip_all "needs unshare(1)"
unshare -m true 2>/dev/null || skip_all "cannot make a mount namespace here"
privd_bin bindreq
make_user "$ua" || exit 1
service_fifo "$ua"
printf "supervise %s\nbind %s tcp 670 on %s\n" "$ua" "$ua" "$LO" >"$T/policy"
h=$T/home-$ua
mkdir "$T/dev"
devlog=$(ls -l /dev/log 2>&1)

cat >"$T/inner.sh" <<'IN'
# in the namespace: T PRIVD_EXE B h LO are exported
set -u
mount -t tmpfs tmpfs "$T/dev" && : >"$T/dev/null" && mount --bind /dev/null "$T/dev/null" &&
	mount --bind "$T/dev" /dev || exit 1
"$B/tests/logsink" /dev/log "$T/syslog.out" & sink=$!
for i in $(seq 100); do [ -S /dev/log ] && break; sleep 0.05; done
"$PRIVD_EXE" -s -f "$T/policy" 2>"$T/stderr.out" & p=$!
for i in $(seq 200); do grep -q "binder: channel" "$T/syslog.out" 2>/dev/null && break; sleep 0.05; done
timeout 10 sh -c 'echo "tcp $1 670" >"$2"' _ "$LO" "$h/service/in"
for i in $(seq 200); do grep -q "binder: grant" "$T/syslog.out" 2>/dev/null && break; sleep 0.05; done
# the syslog daemon stalls: its queue (net.unix.max_dgram_qlen) fills up
kill -STOP "$sink"
for i in $(seq 15); do
	timeout 5 sh -c 'echo "tcp $1 671" >"$2"' _ "$LO" "$h/service/in"
done
for i in $(seq 200); do [ "$(grep -c ': ' "$h/service/out")" -ge 16 ] && break; sleep 0.05; done
grep -c ': ' "$h/service/out" >"$T/answers"
kill -CONT "$sink"
timeout 5 sh -c 'echo "tcp $1 671" >"$2"' _ "$LO" "$h/service/in"
for i in $(seq 200); do grep -q "binder: [0-9]* lines not logged" "$T/syslog.out" 2>/dev/null && break; sleep 0.05; done
kill -TERM "$p"; wait "$p"; echo "$?" >"$T/privd.exit"
for i in $(seq 100); do grep -q "privd\[[0-9]*\]: stopped" "$T/syslog.out" && break; sleep 0.05; done
kill "$sink"
IN
export T PRIVD_EXE B h LO
timeout -k 5 60 unshare -m --propagation private bash "$T/inner.sh"
expect_eq "inner run done, privd exited 0 on TERM" "0" "$(cat "$T/privd.exit" 2>/dev/null)"
log=$(cat "$T/syslog.out" 2>/dev/null)
expect_match "master logs to syslog (daemon.info, with pid)" "<30>.*privd\[[0-9]+\]: spawn userd $ua uid" "$log"
expect_match "binder logs to syslog through its inherited socket" "<30>privd\[[0-9]+\]: binder: grant uid $(id -u "$ua") tcp $LO:670" "$log"
expect_match "stop logged" "privd\[[0-9]+\]: stopped" "$log"
expect_eq "with syslog stalled, every request was still answered" 16 "$(cat "$T/answers" 2>/dev/null)"
expect_match "the binder's lost lines counted, logged when syslog reads again" \
	"<28>privd\[[0-9]+\]: binder: [0-9]+ lines not logged: the log was not writable" "$log"
expect_eq "nothing on stderr" "" "$(cat "$T/stderr.out" 2>/dev/null)"
expect_eq "the machine's /dev/log is untouched" "$devlog" "$(ls -l /dev/log 2>&1)"
done_testing
