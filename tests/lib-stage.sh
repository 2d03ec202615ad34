# The programs as test users and the demo user run them: a staged copy that
# every user can execute, as an install would put it.  A checkout usually
# sits in a directory only its owner can search (root's home is 0700 on
# Debian), so nothing another user runs may come from it.  Source it after
# TOP is set.
#
#   stage_build DEST   copies build/'s programs, symlinks and test helpers
#                      (no objects, no logs) to DEST, readable and
#                      executable by everyone; 1 if it failed
#   stage_dir          the staged copy tests/run.sh made ($WARD_STAGE), if it
#                      is one; else nothing

stage_build() {
	local dest=$1
	mkdir -p "$dest" && chmod 755 "$dest" || return 1
	tar -C "$TOP/build" -cf - --exclude=./obj --exclude=./test-logs \
		--exclude=./fuzz --exclude=./libcommon.a --exclude=./.flags \
		--exclude='./bench*' . | tar -C "$dest" -xf - || return 1
	chmod -R a+rX,go-w "$dest" && touch "$dest/.ward-stage"
}

stage_dir() {
	[ -n "${WARD_STAGE:-}" ] && [ -f "$WARD_STAGE/.ward-stage" ] && echo "$WARD_STAGE"
}
