# ward — see README.md.  `make` builds every program into build/.
#
# Rooms (so that adding a program needs no Makefile edit), and a fence:
#   common/*.c          what privd AND the user programs link: root code
#                                                    -> build/libcommon.a
#   privd/privd.c       privd's main (the master), privd/privd-binder.c
#                       the binder's (a program of its own); privd/*.c
#                       their modules (binder, policy, ...), compiled with
#                       -Iprivd -Icommon only, linked with libcommon.a only
#   userd/*.c           one user program per file    -> build/NAME
#   userd/lib/*.c       modules the user programs share -> build/libuser.a,
#                       compiled with -Iuserd/lib -Icommon
#   ward/*.c            the `ward` front-end (status, logs, metrics)
#                       -> build/ward, the one program that sees both
#                       sides: the policy parser (for --all) and the
#                       user-side readers, which it runs only in a child
#                       switched to the user (docs/design.md, "ward")
#   tests/unit/test_*.c cmocka unit tests            -> build/tests/test_*
#   tests/integration/*.sh  integration tests, run by tests/run.sh
# So privd cannot include or link a user-side module, and a common/ module
# cannot include anything but common/ (tests/integration/rooms.sh checks
# that, and that every common/ module is linked by both sides).
#
# Link sets:
#   privd        privd/privd.o  libprivd.a  libcommon.a  libcap-ng libseccomp
#   privd-binder privd/privd-binder.o  libprivd.a  libcommon.a  libcap-ng libseccomp
#                (each pulls from libprivd.a only the modules it calls: the
#                binder no policy parser, the master no binder)
#   NAME         userd/NAME.o  libuser.a    libcommon.a  (+ libcap-ng libseccomp)
#   ward         ward/*.o  libuser.a libprivd.a libcommon.a  libcap-ng libseccomp
#   test_*       test_*.o  libuser.a libprivd.a libcommon.a  cmocka

# The one version of the whole kit: every program prints it (-V where
# runit's program has it, --version for ward's own), see err_version.
VERSION := 0.2.0

PREFIX  ?= /usr/local
DESTDIR ?=
# Where `make install` puts things.  By default every program in SBINDIR and
# every man page in MANDIR.  Where another package owns runit's names (the
# Debian package: Debian's runit has runsv, sv, chpst ... in /usr/bin and
# their man pages), set PROGDIR to a private directory: every program goes
# there, the man pages of runit's names go to PRIVMANDIR, and only ward's
# own names get a link on the PATH (privd in SBINDIR, the rest in BINDIR).
# privd finds userd and privd-binder beside itself, and userd its runsv, by
# /proc/self/exe, which the links resolve to PROGDIR; and man finds
# PRIVMANDIR for whoever has PROGDIR on PATH if it is PROGDIR/../share/man.
SBINDIR    ?= $(PREFIX)/sbin
BINDIR     ?= $(SBINDIR)
PROGDIR    ?= $(SBINDIR)
MANDIR     ?= $(PREFIX)/share/man
PRIVMANDIR ?= $(MANDIR)
# runit's names (and daemontools' envdir ...), never put on the PATH beside
# another package's; the binder, run by privd alone; the admin's one program
RUNIT_NAMES  := runsv runsvdir sv chpst svlogd envdir envuidgid pgrphack setlock setuidgid softlimit
PRIVATE_NAMES = $(RUNIT_NAMES) privd-binder
ADMIN_NAMES  := privd
BUILD   := build

CC      ?= cc
PKGS     = libcap-ng libseccomp
# Recursive '=' so pkg-config runs only when something is compiled: `make check`
# must be able to start on a machine that has no pkg-config yet.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcap-ng -lseccomp)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

HARDEN  = -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
WARN    = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_ALL  = -std=gnu11 -g $(HARDEN) $(WARN) -D_GNU_SOURCE -DWARD_VERSION='"$(VERSION)"' \
              $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = -pie -Wl,-z,relro,-z,now $(LDFLAGS)
ifeq ($(SANITIZE),1)
CFLAGS_ALL  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS_ALL += -fsanitize=address,undefined
endif

COMMON_SRC  := $(sort $(wildcard common/*.c))
COMMON_OBJ  := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
ULIB_SRC    := $(sort $(wildcard userd/lib/*.c))
ULIB_OBJ    := $(ULIB_SRC:%.c=$(BUILD)/obj/%.o)
USERD_SRC   := $(sort $(wildcard userd/*.c))
USERD_PROGS := $(USERD_SRC:userd/%.c=$(BUILD)/%)
PRIVD_SRC   := $(sort $(wildcard privd/*.c))
PRIVD_OBJ   := $(PRIVD_SRC:%.c=$(BUILD)/obj/%.o)
# privd's two programs, the master and the binder; libprivd.a is their
# modules without the mains, for them, the unit tests and fuzz targets
PRIVD_MAINS := $(filter privd/privd.c privd/privd-binder.c,$(PRIVD_SRC))
PLIB_OBJ    := $(filter-out $(PRIVD_MAINS:%.c=$(BUILD)/obj/%.o),$(PRIVD_OBJ))
PRIVD_PROGS := $(PRIVD_MAINS:privd/%.c=$(BUILD)/%)
WARD_SRC    := $(sort $(wildcard ward/*.c))
WARD_OBJ    := $(WARD_SRC:%.c=$(BUILD)/obj/%.o)
WARD_PROG   := $(if $(WARD_SRC),$(BUILD)/ward)
UNIT_SRC    := $(sort $(wildcard tests/unit/test_*.c))
UNIT_PROGS  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Extra helper programs for tests (not installed): tests/helpers/*.c
HELPER_SRC  := $(sort $(wildcard tests/helpers/*.c))
HELPER_PROGS:= $(HELPER_SRC:tests/helpers/%.c=$(BUILD)/tests/%)
PROGS       := $(USERD_PROGS) $(PRIVD_PROGS) $(WARD_PROG)
# Linked static-pie (see below), with dynamically linked twins for valgrind.
STATIC_PROGS:= $(BUILD)/runsv $(BUILD)/userd $(BUILD)/sv
DYN_PROGS   := $(STATIC_PROGS:$(BUILD)/%=$(BUILD)/dyn/%)
# Fuzz targets: tests/fuzz/fuzz_*.c, built with clang+libFuzzer by `make fuzz`,
# and with the normal compiler as build/tests/replay_fuzz_* for `make check`.
FUZZ_SRC    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_PROGS  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
REPLAY_PROGS:= $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/replay_%)

# Other names a program answers to, as in runit: LINK:TARGET, made as symlinks.
LINKS := runsvdir:userd envdir:chpst envuidgid:chpst pgrphack:chpst \
         setlock:chpst setuidgid:chpst softlimit:chpst
LINK_PROGS = $(foreach l,$(LINKS),$(if $(wildcard userd/$(word 2,$(subst :, ,$(l))).c),$(BUILD)/$(word 1,$(subst :, ,$(l)))))

MAN := $(sort $(wildcard docs/man/*.[1-8]))

.SECONDARY:
.PHONY: all tests check deps install uninstall deb clean bench demo demo-clean fuzz version FORCE
all: $(PROGS) $(LINK_PROGS)
tests: all $(UNIT_PROGS) $(HELPER_PROGS) $(REPLAY_PROGS) $(DYN_PROGS)

# Rebuild everything when the flags change (e.g. SANITIZE=1 after a plain build).
$(BUILD)/.flags: FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL)' | cmp -s - $@ || echo '$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL)' > $@

# The fence: each room sees only its own headers and common/'s.
ROOM_INC = -Icommon
$(BUILD)/obj/privd/%.o: ROOM_INC = -Iprivd -Icommon
$(BUILD)/obj/userd/%.o: ROOM_INC = -Iuserd/lib -Icommon
$(BUILD)/obj/ward/%.o: ROOM_INC = -Iward -Iuserd/lib -Iprivd -Icommon
$(BUILD)/obj/tests/%.o: ROOM_INC = -Iuserd/lib -Iprivd -Icommon

$(BUILD)/obj/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(ROOM_INC) -MMD -MP -c -o $@ $<

$(BUILD)/libcommon.a: $(COMMON_OBJ)
	rm -f $@; ar rcs $@ $^

$(BUILD)/libuser.a: $(ULIB_OBJ)
	rm -f $@; ar rcs $@ $^

$(BUILD)/libprivd.a: $(PLIB_OBJ)
	rm -f $@; ar rcs $@ $^

USER_LIBS = $(BUILD)/libuser.a $(BUILD)/libcommon.a
TEST_LIBS = $(BUILD)/libuser.a $(BUILD)/libprivd.a $(BUILD)/libcommon.a

$(BUILD)/%: $(BUILD)/obj/userd/%.o $(USER_LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(USER_LIBS) $(PKG_LIBS)

# runsv runs once per service and userd once per user, so their private
# memory is multiplied: link them static-pie (still position independent,
# still RELRO and BIND_NOW). That drops ld.so and the relocated libc data
# pages every dynamically linked process dirties: see docs/performance.md.
# sv too, for its start: it is run often, for one quick look, and ld.so's
# work (0.2 ms here) is near a tenth of a status of 200 services.  They
# need only libc (no libcap-ng, no libseccomp, no NSS look-ups, which a
# static glibc cannot do well). ASan cannot link statically, so a SANITIZE=1
# build keeps the dynamic link of the rule above.
ifneq ($(SANITIZE),1)
$(STATIC_PROGS): $(BUILD)/%: $(BUILD)/obj/userd/%.o $(USER_LIBS)
	$(CC) $(subst -pie,-static-pie,$(LDFLAGS_ALL)) -o $@ $< $(USER_LIBS)
endif
# Dynamically linked twins of those, for valgrind (tests/valgrind.sh), which
# cannot follow malloc inside a static glibc.
$(BUILD)/dyn/%: $(BUILD)/obj/userd/%.o $(USER_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(USER_LIBS)

$(WARD_PROG): $(WARD_OBJ) $(TEST_LIBS)
	$(CC) $(LDFLAGS_ALL) -o $@ $(WARD_OBJ) $(TEST_LIBS) $(PKG_LIBS)

$(PRIVD_PROGS): $(BUILD)/%: $(BUILD)/obj/privd/%.o $(BUILD)/libprivd.a $(BUILD)/libcommon.a
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(BUILD)/libprivd.a $(BUILD)/libcommon.a $(PKG_LIBS)

$(BUILD)/tests/test_%: $(BUILD)/obj/tests/unit/test_%.o $(TEST_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(TEST_LIBS) $(PKG_LIBS) $(CMOCKA_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/helpers/%.o $(TEST_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(TEST_LIBS) $(PKG_LIBS)

$(BUILD)/tests/replay_%: $(BUILD)/obj/tests/fuzz/%.o $(BUILD)/obj/tests/fuzz/replay.o $(TEST_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
              -DWARD_VERSION='"$(VERSION)"' -Iuserd/lib -Iprivd -Icommon $(PKG_CFLAGS)
FUZZ_LIB_SRC = $(COMMON_SRC) $(ULIB_SRC) $(filter-out $(PRIVD_MAINS),$(PRIVD_SRC))
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIB_SRC) $(PKG_LIBS)

fuzz:
	@sh tests/deps.sh
	@$(MAKE) --no-print-directory $(FUZZ_PROGS)
	@bash tests/fuzz/run.sh

$(LINK_PROGS): $(PROGS)
	ln -sf $(word 2,$(subst :, ,$(filter $(notdir $@):%,$(LINKS)))) $@

# The README's test command: installs what is missing (Debian), builds, runs all.
check:
	@sh tests/deps.sh
	@$(MAKE) --no-print-directory tests
	@bash tests/run.sh

deps:
	@sh tests/deps.sh

version:
	@echo $(VERSION)

bench:
	@sh tests/deps.sh
	@$(MAKE) --no-print-directory all $(HELPER_PROGS)
	@bash tests/bench/run.sh

# The README's demo (as root): a user serving port 80 without root; tests/demo.sh
demo:
	@bash tests/demo.sh

demo-clean:
	@bash tests/demo.sh clean

# Each program's PATH directory: none for a private name, else SBINDIR or BINDIR
path_dir = $(if $(filter $(1),$(PRIVATE_NAMES)),,$(if $(filter $(1),$(ADMIN_NAMES)),$(SBINDIR),$(BINDIR)))
# Each man page's directory, by its name: PRIVMANDIR for runit's names
man_dir = $(if $(filter $(basename $(notdir $(1))),$(RUNIT_NAMES)),$(PRIVMANDIR),$(MANDIR))/man$(subst .,,$(suffix $(1)))
ALL_NAMES = $(notdir $(PROGS)) $(notdir $(LINK_PROGS))

install: all
	install -d $(DESTDIR)$(PROGDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(PROGDIR)/
	for l in $(LINKS); do n=$${l%%:*}; t=$${l#*:}; \
	  [ -e $(BUILD)/$$t ] && ln -sf $$t $(DESTDIR)$(PROGDIR)/$$n; done; true
	$(foreach n,$(ALL_NAMES),$(if $(filter-out $(PROGDIR),$(call path_dir,$(n))),\
	  install -d $(DESTDIR)$(call path_dir,$(n)) && ln -sf $(PROGDIR)/$(n) $(DESTDIR)$(call path_dir,$(n))/$(n);))
	$(foreach m,$(MAN),install -d $(DESTDIR)$(call man_dir,$(m)) && \
	  install -m 644 $(m) $(DESTDIR)$(call man_dir,$(m))/;)

# Removes exactly what install put there, by name.
uninstall:
	for p in $(notdir $(PROGS)) $(foreach l,$(LINKS),$(word 1,$(subst :, ,$(l)))); do \
	  rm -f $(DESTDIR)$(PROGDIR)/$$p; done
	$(foreach n,$(ALL_NAMES),$(if $(filter-out $(PROGDIR),$(call path_dir,$(n))),\
	  rm -f $(DESTDIR)$(call path_dir,$(n))/$(n);))
	$(foreach m,$(MAN),rm -f $(DESTDIR)$(call man_dir,$(m))/$(notdir $(m));)

# The Debian package (debian/, README.Debian), built by Debian's own
# dpkg-buildpackage in a copy of the tree, since its clean step would empty
# build/: leaves build/deb/ward_$(VERSION)_ARCH.deb.  The copy's make must
# not inherit this one's variables (a SANITIZE=1 package would refuse root).
deb:
	rm -rf $(BUILD)/deb
	mkdir -p $(BUILD)/deb/ward-$(VERSION)
	tar -cf - --exclude=./$(BUILD) --exclude-vcs . | tar -xf - -C $(BUILD)/deb/ward-$(VERSION)
	cd $(BUILD)/deb/ward-$(VERSION) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE \
	  dpkg-buildpackage -b -us -uc
	rm -rf $(BUILD)/deb/ward-$(VERSION)
	ls $(BUILD)/deb/*.deb

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
