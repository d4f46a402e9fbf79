# sipbox - one binary, many SIP applets.  See README.md.
#
# Knobs (on the command line or in an untracked config.mk):
#   PREFIX, DESTDIR, BINDIR, MANDIR    where "make install" puts things
#   LINEEDIT=readline|libedit|none     line editing (default readline)
#   SANITIZE=1                         build with ASan and UBSan
#   PKG_CONFIG, CC, CFLAGS, LDFLAGS    the usual
#   BATS_JOBS=N                        run bats files in parallel
#
# Targets: all, check, demo, fuzz, bench, bench-cap, lint, install, uninstall, clean, deps
-include config.mk

VERSION      = 0.1.0
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
PKG_CONFIG  ?= pkg-config
LINEEDIT    ?= readline
BATS        ?= bats
FUZZ_CC     ?= clang
FUZZ_SECONDS ?= 60

CFLAGS   ?= -O2 -g
WARN      = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wvla
# lib/ is grouped by layer (lib/README.md); headers are found by name.
LIB_DIRS  = base sip mgcp sdp net cap ua
CPPFLAGS += -D_GNU_SOURCE $(LIB_DIRS:%=-Ilib/%) -Icmd -DSIPBOX_VERSION='"$(VERSION)"'
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS)
ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=undefined
LDFLAGS    += -fsanitize=address,undefined
endif

SSL_CFLAGS != $(PKG_CONFIG) --cflags openssl
PCAP_CFLAGS != $(PKG_CONFIG) --cflags libpcap 2>/dev/null || true
PCAP_LIBS  != $(PKG_CONFIG) --libs libpcap 2>/dev/null || echo -lpcap
ZLIB_CFLAGS != $(PKG_CONFIG) --cflags zlib
ZLIB_LIBS  != $(PKG_CONFIG) --libs zlib
LE_PC_readline   = readline
LE_PC_libedit    = libedit
LE_DEFS_readline = -DHAVE_READLINE
LE_DEFS_libedit  = -DHAVE_LIBEDIT
LE_CFLAGS != [ "$(LINEEDIT)" = none ] || $(PKG_CONFIG) --cflags $(LE_PC_$(LINEEDIT))
LE_LIBS   != [ "$(LINEEDIT)" = none ] || $(PKG_CONFIG) --libs $(LE_PC_$(LINEEDIT))
CARES_CFLAGS != $(PKG_CONFIG) --cflags libcares
CARES_LIBS   != $(PKG_CONFIG) --libs libcares
# OpenSSL, libpcap and readline/libedit are dlopen()ed by lib/base/ossl.c,
# lib/cap/cap.c and lib/base/lineedit.c when first needed (README,
# Dependencies); only the capture floor benchmark links libpcap.
LIBS = $(ZLIB_LIBS) $(CARES_LIBS) -ldl -lm
tests/helper/capfloor: LIBS += $(PCAP_LIBS)

# The applet list has one home, cmd/applets.def; everything here reads it.
APPLETS != sed -n 's/^APPLET("\([^"]*\)".*/\1/p' cmd/applets.def

LIB_SRC  = $(sort $(wildcard $(LIB_DIRS:%=lib/%/*.c)))
LIB_OBJ  = $(LIB_SRC:.c=.o)
LIB_HDR  = $(sort $(wildcard $(LIB_DIRS:%=lib/%/*.h)))
CMD_OBJ  = cmd/main.o cmd/opt.o cmd/diag.o $(filter-out cmd/main.o cmd/opt.o cmd/diag.o,$(patsubst %.c,%.o,$(sort $(wildcard cmd/*.c))))
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))
UNIT_BIN = $(UNIT_SRC:.c=.t)
FUZZ_SRC = $(filter-out tests/fuzz/replay.c,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
REPLAY_BIN = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=tests/fuzz/replay_%)
HELPER_SRC = $(sort $(wildcard tests/helper/*.c))
HELPER_BIN = $(HELPER_SRC:.c=)

# tests/bench/bench, the parse benchmark: libosip2 and sofia-sip take part
# when pkg-config finds them (their headers as system headers, so their
# warnings are not ours); without them it measures sipbox and the floor.
BENCH_OSIP  != $(PKG_CONFIG) --exists libosip2 2>/dev/null && echo libosip2 || true
BENCH_SOFIA != $(PKG_CONFIG) --exists sofia-sip-ua 2>/dev/null && echo sofia-sip-ua || true
BENCH_PKGS   = $(BENCH_OSIP) $(BENCH_SOFIA)
BENCH_SRC    = tests/bench/bench.c tests/bench/gen.c tests/bench/p_sipbox.c \
               $(if $(BENCH_OSIP),tests/bench/p_osip.c) \
               $(if $(BENCH_SOFIA),tests/bench/p_sofia.c)
BENCH_DEFS   = $(if $(BENCH_OSIP),-DHAVE_OSIP) $(if $(BENCH_SOFIA),-DHAVE_SOFIA)
BENCH_CFLAGS != [ -z "$(strip $(BENCH_PKGS))" ] || \
                $(PKG_CONFIG) --cflags $(BENCH_PKGS) | sed 's/-I/-isystem /g'
BENCH_LIBS  != [ -z "$(strip $(BENCH_PKGS))" ] || $(PKG_CONFIG) --libs $(BENCH_PKGS)

# Rebuild everything when the effective flags change (SANITIZE, LINEEDIT).
# $(file) writes and reads the flags byte for byte: a shell echo would eat
# the quotes of SIPBOX_VERSION, so the two never compared equal and every
# make rebuilt everything.
FLAGS_NOW = $(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) $(LINEEDIT)
FLAGS_OLD := $(file < .build-flags)
ifneq ($(FLAGS_NOW),$(FLAGS_OLD))
$(file > .build-flags,$(FLAGS_NOW))
endif

all: sipbox

sipbox: $(CMD_OBJ) lib/libsipbox.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) lib/libsipbox.a $(LIBS)

lib/libsipbox.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

%.o: %.c .build-flags
	$(CC) $(CPPFLAGS) $(SSL_CFLAGS) $(PCAP_CFLAGS) $(ZLIB_CFLAGS) $(CARES_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# Only the file that includes readline/libedit sees their flags
# (Debian's readline.pc adds -D_XOPEN_SOURCE=600, which nothing else wants).
lib/base/lineedit.o: lib/base/lineedit.c .build-flags
	$(CC) $(CPPFLAGS) $(LE_DEFS_$(LINEEDIT)) $(LE_CFLAGS) $(ALL_CFLAGS) \
	    -MMD -MP -c -o $@ lib/base/lineedit.c

tests/unit/%.t: tests/unit/%.c lib/libsipbox.a
	$(CC) $(CPPFLAGS) $(SSL_CFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -Itests/unit -o $@ $< lib/libsipbox.a $(LIBS)

tests/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c lib/libsipbox.a
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c lib/libsipbox.a $(LIBS)

tests/helper/%: tests/helper/%.c lib/libsipbox.a
	$(CC) $(CPPFLAGS) $(SSL_CFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< lib/libsipbox.a $(LIBS)

# LD_PRELOAD shims for tests (tests/preload/*.c), one .so each.
PRELOAD_SO = $(patsubst %.c,%.so,$(sort $(wildcard tests/preload/*.c)))
tests/preload/%.so: tests/preload/%.c
	$(CC) -D_GNU_SOURCE -std=c11 $(WARN) -O2 -fPIC -shared -o $@ $< -ldl

tests/bench/bench: $(BENCH_SRC) tests/bench/bench.h lib/libsipbox.a .build-flags
	$(CC) $(CPPFLAGS) $(BENCH_DEFS) $(BENCH_CFLAGS) $(ALL_CFLAGS) $(LDFLAGS) \
	    -o $@ $(BENCH_SRC) lib/libsipbox.a $(BENCH_LIBS) $(LIBS)

testbins: sipbox $(UNIT_BIN) $(REPLAY_BIN) $(HELPER_BIN) $(PRELOAD_SO) tests/bench/bench

# tests/run ends with "check: N passed, N failed, N skipped".
check: testbins
	SIPBOX="$(CURDIR)/sipbox" BATS="$(BATS)" tests/run \
	    $(if $(BATS_JOBS),--jobs $(BATS_JOBS)) tests

# libFuzzer targets: one binary per tests/fuzz/fuzz_*.c, built with clang.
# No recovery: undefined behaviour is a finding that stops the run.
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
             -fno-sanitize-recover=undefined $(LIB_DIRS:%=-Ilib/%) -D_GNU_SOURCE
fuzz: $(FUZZ_SRC:tests/fuzz/fuzz_%.c=tests/fuzz/fuzz_%)
tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(LIB_HDR)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(SSL_CFLAGS) -o $@ $< $(filter-out lib/base/lineedit.c,$(LIB_SRC)) $(PCAP_LIBS) $(ZLIB_LIBS) $(CARES_LIBS) -lm
fuzz-run: fuzz
	for f in $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%); do \
	    mkdir -p tests/fuzz/corpus/$$f tests/fuzz/found; \
	    tests/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) \
	        -artifact_prefix=tests/fuzz/found/ tests/fuzz/corpus/$$f || exit 1; \
	done

demo: sipbox
	tests/demo.sh

bench: sipbox tests/bench/bench
	tests/bench/run
	tests/bench/proc
	tests/bench/net
	tests/bench/pingcmp
	tests/bench/load
	tests/bench/register
	tests/bench/startup

# sip-parse on a 100k-message capture against tshark and a libpcap floor.
bench-cap: sipbox tests/helper/capfloor
	tests/bench/capture

lint:
	mandoc -Tlint -Wwarning man/*.1
	tests/check-layers
	! grep -nE '\<(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|strncpy)\(' $(LIB_SRC) cmd/*.c
	bash -n completions/sipbox.bash
	if command -v zsh >/dev/null; then zsh -n completions/_sipbox; fi
	if command -v fish >/dev/null; then fish -n completions/sipbox.fish; fi

deps:
	.ci/deps

install: sipbox
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 sipbox $(DESTDIR)$(BINDIR)/sipbox
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 completions/sipbox.bash $(DESTDIR)$(BASHCOMPDIR)/sipbox
	install -m 644 completions/_sipbox $(DESTDIR)$(ZSHCOMPDIR)/_sipbox
	install -m 644 completions/sipbox.fish $(DESTDIR)$(FISHCOMPDIR)/sipbox.fish
	for a in $(APPLETS); do \
	    ln -sf sipbox $(DESTDIR)$(BINDIR)/$$a; \
	    ln -sf sipbox $(DESTDIR)$(BASHCOMPDIR)/$$a; \
	    ln -sf sipbox.fish $(DESTDIR)$(FISHCOMPDIR)/$$a.fish; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sipbox $(DESTDIR)$(BASHCOMPDIR)/sipbox \
	    $(DESTDIR)$(ZSHCOMPDIR)/_sipbox $(DESTDIR)$(FISHCOMPDIR)/sipbox.fish
	for a in $(APPLETS); do \
	    rm -f $(DESTDIR)$(BINDIR)/$$a $(DESTDIR)$(MANDIR)/man1/$$a.1 \
	        $(DESTDIR)$(BASHCOMPDIR)/$$a $(DESTDIR)$(FISHCOMPDIR)/$$a.fish; \
	done
	rm -f $(DESTDIR)$(MANDIR)/man1/sipbox.1

clean:
	rm -f sipbox lib/libsipbox.a lib/*/*.o lib/*/*.d cmd/*.o cmd/*.d .build-flags \
	    tests/unit/*.t tests/fuzz/replay_* $(HELPER_BIN) $(PRELOAD_SO) tests/bench/bench \
	    $(FUZZ_SRC:tests/fuzz/fuzz_%.c=tests/fuzz/fuzz_%)

.PHONY: all check testbins fuzz fuzz-run demo bench bench-cap lint deps install uninstall clean
-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d)
