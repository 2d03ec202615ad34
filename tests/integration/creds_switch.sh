#!/bin/bash
# creds_user + creds_switch + limit_set as privd uses them (tests/helpers/creds_run):
# ids and supplementary groups after the switch, no way back to root, limits.
. "$(dirname "$0")/../lib.sh"
need_root
run=$B/tests/creds_run

make_group wcg1 && make_group wcg2 || exit 1
make_user wcu1 || exit 1
usermod -a -G wcg1,wcg2 wcu1
uid=$(id -u wcu1) gid=$(id -g wcu1)
g1=$(getent group wcg1 | cut -d: -f3) g2=$(getent group wcg2 | cut -d: -f3)

out=$("$run" wcu1 /bin/sh -c 'grep -E "^(Uid|Gid|Groups):" /proc/self/status')
expect_match "uid real/effective/saved/fs" "Uid:[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid" "$out"
expect_match "gid real/effective/saved/fs" "Gid:[[:space:]]+$gid[[:space:]]+$gid[[:space:]]+$gid[[:space:]]+$gid" "$out"
groups=$(echo "$out" | awk '/^Groups:/ { $1 = ""; print }' | tr ' ' '\n' | sort -n | tr '\n' ' ')
want=$(printf '%s\n' "$gid" "$g1" "$g2" | sort -n | tr '\n' ' ')
expect_eq "supplementary groups as initgroups would set" " $want" " ${groups# }"

out=$("$run" "$uid" /usr/bin/id -un)
expect_eq "user by number" "wcu1" "$out"

out=$("$run" wcu1 "$B/tests/creds_regain")
rc=$?
expect_eq "no way back to root after the switch" "0" "$rc"
expect_match "setuid 0 refused" "setuid 0: refused" "$out"

out=$("$run" wcu1 nofile=64 nproc=50 /bin/sh -c 'cat /proc/self/limits')
expect_match "nofile soft and hard lowered" "Max open files +64 +64 " "$out"
expect_match "nproc soft and hard lowered" "Max processes +50 +50 " "$out"
hard=$(ulimit -Hn)
out=$("$run" wcu1 nofile=$((hard + 100)) /bin/sh -c 'cat /proc/self/limits')
expect_match "hard limit never raised" "Max open files +$hard +$hard " "$out"

err=$("$run" wc-no-such-user /bin/true 2>&1)
rc=$?
expect_eq "unknown user fails with 111" "111" "$rc"
expect_match "unknown user named" "unknown user: wc-no-such-user" "$err"

err=$("$run" wcu1 bogus=1 /bin/true 2>&1)
expect_match "unknown limit named" "unknown limit: bogus" "$err"

# as a plain user, switching to another user must fail, not half-happen
out=$("$run" wcu1 "$run" root /usr/bin/id -u 2>&1)
rc=$?
expect_eq "switching as non-root fails" "111" "$rc"
expect_match "reason given" "unable to switch to root" "$out"
done_testing
