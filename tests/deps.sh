#!/bin/sh
# Installs what building and testing ward needs, on Debian as root; elsewhere
# prints the exact command and stops.  Called by `make check` and `make bench`.
set -u
pkgs="gcc libc6-dev make pkg-config libcap-ng-dev libseccomp-dev libcmocka-dev \
runit systemd curl lighttpd procps psmisc passwd man-db clang libclang-rt-14-dev valgrind iproute2 jq s6 \
dpkg-dev debhelper fakeroot debootstrap lintian nginx python3 prometheus"

missing=""
for p in $pkgs; do
	# runit's sv, systemd-notify etc. are needed by the tests only as programs
	# run by absolute path; dpkg knows whether each package is installed.
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "ward: missing packages:$missing" >&2
	echo "ward: install them as root with: apt-get update && $cmd" >&2
	exit 1
fi
echo "ward: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Debian's runit package must not start a runsvdir of its own on this machine.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -q >/dev/null || { echo "ward: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/tmp/ward-apt.log 2>&1 ||
	{ tail -20 /tmp/ward-apt.log >&2; echo "ward: $cmd failed" >&2; exit 1; }
