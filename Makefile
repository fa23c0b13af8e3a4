# claimwatch: one GNU Makefile, no recursion into subdirectories.
# `make` builds build/claimwatchd and build/claimwatch; `make test` builds a
# sanitizer variant in build/san and runs every test; `make demo` shows the
# daemon at work on bundled sample feeds.

VERSION		= 0.1.0
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
DATADIR		?= $(PREFIX)/share/claimwatch
MANDIR		?= $(PREFIX)/share/man
SYSCONFDIR	?= /etc
UNITDIR		?= /lib/systemd/system
DESTDIR		?=

CC		?= cc
CFLAGS		?= -O2 -g
LDFLAGS		?=
PKG_CONFIG	?= pkg-config
PKGS		= libevent libcurl libxml-2.0 hiredis jansson inih libsystemd

# SAN=1 builds with AddressSanitizer and UBSan into build/san.
SAN		?= 0
ifeq ($(SAN),1)
B		?= build/san
SANFLAGS	= -fsanitize=address,undefined -fno-sanitize-recover=all \
		  -fno-omit-frame-pointer
else
B		?= build
SANFLAGS	=
endif

WERROR		?= 1
WARNINGS	= -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes \
		  -Wmissing-declarations -Wshadow -Wpointer-arith \
		  -Wwrite-strings -Wformat=2 -Wundef
ifeq ($(WERROR),1)
WARNINGS	+= -Werror
endif

PKG_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ALL_CPPFLAGS	= -D_GNU_SOURCE -Iinclude -DCW_VERSION='"$(VERSION)"' \
		  -DCW_DATADIR='"$(DATADIR)"' \
		  -DCW_SYSCONFDIR='"$(SYSCONFDIR)"' $(CPPFLAGS)
ALL_CFLAGS	= -std=c11 $(WARNINGS) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) \
		  -MMD -MP
ALL_LDFLAGS	= $(LDFLAGS) $(SANFLAGS)
LIBS		= $(PKG_LIBS) -lm

# The library: every daemon/*.c except the two programs' entry points.
PROGS_SRCS	= daemon/claimwatchd.c daemon/claimwatch.c
LIB_SRCS	= $(filter-out $(PROGS_SRCS), $(sort $(wildcard daemon/*.c)))
LIB_OBJS	= $(LIB_SRCS:daemon/%.c=$(B)/obj/%.o)
LIB		= $(B)/libclaimwatch.a

UNIT_SRCS	= $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS	= $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
TOOL_SRCS	= $(sort $(wildcard tests/tools/*.c))
TOOL_BINS	= $(TOOL_SRCS:tests/tools/%.c=$(B)/tests/%)
BENCH_SRCS	= $(sort $(wildcard tests/bench/*.c))
BENCH_BINS	= $(BENCH_SRCS:tests/bench/%.c=$(B)/bench/%)

PROGS		= $(B)/claimwatchd $(B)/claimwatch

.PHONY: all deps test check unit integration static style fnlen demo \
	bench soak fuzz-long conformance fuzz compdb clean install uninstall
.DEFAULT_GOAL := all

all: $(PROGS)

# Objects depend on the flags they were built with (as git's GIT-CFLAGS),
# so `make install PREFIX=...` after `make` rebuilds what embeds paths.
FLAGS_STAMP	= $(B)/flags.stamp
FLAGS_NOW	= $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS)
$(FLAGS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(FLAGS_NOW)' | cmp -s - $@ || echo '$(FLAGS_NOW)' >$@
.PHONY: FORCE

$(B)/obj/%.o: daemon/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/%: $(B)/obj/%.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(B)/tests/%.o: tests/unit/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/tests/%.o: tests/tools/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# Leaves every module may use.  A unit test links its module
# (daemon/<mod>.c and daemon/<mod>_*.c), the leaves, and the modules named
# in tests/unit/test_<mod>.deps: nothing else, so it tests that module.
LEAVES		= util log claim words
mod_objs	= $(filter $(B)/obj/$(1).o $(B)/obj/$(1)_%.o,$(LIB_OBJS))
LEAF_OBJS	= $(foreach m,$(LEAVES),$(call mod_objs,$(m)))

define UNIT_RULE
$(B)/tests/$(1): $(B)/tests/$(1).o $(LEAF_OBJS) \
    $(call mod_objs,$(1:test_%=%)) \
    $(foreach m,$(shell cat tests/unit/$(1).deps 2>/dev/null),$(call mod_objs,$(m)))
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$(sort $$^) $$(LIBS) -lcmocka
endef
$(foreach t,$(UNIT_SRCS:tests/unit/%.c=%),$(eval $(call UNIT_RULE,$(t))))

# Test tools (loopback servers, drivers) link the leaves and the modules
# named in tests/tools/<tool>.deps.
define TOOL_RULE
$(B)/tests/$(1): $(B)/tests/$(1).o $(LEAF_OBJS) \
    $(foreach m,$(shell cat tests/tools/$(1).deps 2>/dev/null),$(call mod_objs,$(m)))
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$(sort $$^) $$(LIBS)
endef
$(foreach t,$(TOOL_SRCS:tests/tools/%.c=%),$(eval $(call TOOL_RULE,$(t))))

# libFuzzer targets: tests/fuzz/fuzz_<name>.c links the leaves and the
# modules in tests/fuzz/fuzz_<name>.deps, built by clang into build/fuzz.
FUZZ_SRCS	= $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS	= $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)
FUZZ_CC		?= clang
FUZZ_FLAGS	= -g -O1 -fsanitize=fuzzer,address,undefined \
		  -fno-sanitize-recover=all
FUZZ_SECONDS	?= 60
fuzz_mods	= $(LEAVES) $(1:fuzz_%=%) $(shell cat tests/fuzz/$(1).deps 2>/dev/null)

define FUZZ_RULE
build/fuzz/$(1): tests/fuzz/$(1).c $(LIB_SRCS) $(wildcard include/*.h)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(ALL_CPPFLAGS) -std=c11 $$(WARNINGS) $$(PKG_CFLAGS) \
	    $$(FUZZ_FLAGS) -o $$@ tests/fuzz/$(1).c \
	    $$(foreach m,$$(call fuzz_mods,$(1)),$$(filter daemon/$$(m).c daemon/$$(m)_%.c,$$(LIB_SRCS))) \
	    $$(LIBS)
endef
$(foreach t,$(FUZZ_SRCS:tests/fuzz/%.c=%),$(eval $(call FUZZ_RULE,$(t))))

$(B)/bench/%.o: tests/bench/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/bench/%: $(B)/bench/%.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

.PRECIOUS: $(B)/obj/%.o $(B)/tests/%.o $(B)/bench/%.o

# Installs the Debian packages the build, the tests and the demo need
# (only those missing).
deps:
	@sh tests/deps.sh

# The whole test suite (tests/all.sh): a sanitizer build runs the unit and
# integration tests, the plain build runs the end-to-end test under
# valgrind, and every fuzz target runs for FUZZ_SECONDS.
test: deps
	MAKE="$(MAKE)" sh tests/all.sh

check: $(PROGS) $(UNIT_BINS) $(TOOL_BINS)
	sh tests/run.sh $(B)

unit: $(PROGS) $(UNIT_BINS) $(TOOL_BINS)
	sh tests/run.sh $(B) unit

integration: $(PROGS) $(UNIT_BINS) $(TOOL_BINS)
	sh tests/run.sh $(B) integration

# Source checks, also part of `make check`: KNF style (no formatter
# writes KNF's tab-aligned declarations, so the rules are checked, not
# applied) and functions over 100 lines against tests/data/*-allow.txt.
static:
	sh tests/run.sh $(B) static

style:
	sh tests/tools/style.sh

fnlen:
	sh tests/tools/fnlen.sh

demo: deps
	$(MAKE) SAN=0 all $(TOOL_BINS)
	sh tests/demo.sh build

# Benchmarks (not tests): every tests/bench/bench_*.sh, each printing its
# own results table.  BENCH=name runs one.
BENCH		?=
bench: all $(TOOL_BINS) $(BENCH_BINS)
	sh tests/bench/run.sh $(B) $(BENCH)

# Outside CI: the one-hour soak (SOAK_SECONDS to change) and long fuzzing
# of every target (FUZZ_HOURS each, default 1).
soak: all $(TOOL_BINS)
	sh tests/bench/run.sh $(B) soak

fuzz-long:
	sh tests/fuzz/long.sh

# Feed-parser conformance against feedparser's output in ../shared.
conformance: all
	sh tests/conformance.sh $(B)

# Short libFuzzer runs of every target (FUZZ_SECONDS each).
fuzz: $(FUZZ_BINS)
	sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

compdb:
	bear -- $(MAKE) -B all

clean:
	rm -rf build

MANPAGES	= daemon/claimwatchd.8 daemon/claimwatch.1 daemon/claimwatch.conf.5

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(DATADIR)/lexicon $(DESTDIR)$(DATADIR)/gazetteer \
	    $(DESTDIR)$(DATADIR)/examples \
	    $(DESTDIR)$(SYSCONFDIR)/claimwatch $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(B)/claimwatchd $(DESTDIR)$(SBINDIR)/claimwatchd
	install -m 755 $(B)/claimwatch $(DESTDIR)$(BINDIR)/claimwatch
	install -m 644 config/lexicon/* $(DESTDIR)$(DATADIR)/lexicon/
	install -m 644 config/gazetteer/* $(DESTDIR)$(DATADIR)/gazetteer/
	install -m 644 config/claimwatch.conf config/feeds.txt \
	    config/feeds.opml $(DESTDIR)$(DATADIR)/examples/
	@# An existing configuration is the operator's: never overwrite it.
	test -e $(DESTDIR)$(SYSCONFDIR)/claimwatch/claimwatch.conf || \
	    install -m 644 config/claimwatch.conf \
	    $(DESTDIR)$(SYSCONFDIR)/claimwatch/claimwatch.conf
	test -e $(DESTDIR)$(SYSCONFDIR)/claimwatch/feeds.txt || \
	    install -m 644 config/feeds.txt \
	    $(DESTDIR)$(SYSCONFDIR)/claimwatch/feeds.txt
	sed -e 's|/usr/local/sbin|$(SBINDIR)|g' \
	    -e 's|/etc/claimwatch|$(SYSCONFDIR)/claimwatch|g' \
	    systemd/claimwatch.service \
	    >$(DESTDIR)$(UNITDIR)/claimwatch.service
	chmod 644 $(DESTDIR)$(UNITDIR)/claimwatch.service
	sed -e 's|/usr/local/bin|$(BINDIR)|g' \
	    -e 's|/etc/claimwatch|$(SYSCONFDIR)/claimwatch|g' \
	    systemd/claimwatch-notify.service \
	    >$(DESTDIR)$(UNITDIR)/claimwatch-notify.service
	chmod 644 $(DESTDIR)$(UNITDIR)/claimwatch-notify.service
	@# The pages name the default paths; they are the ones built in.
	for m in $(MANPAGES); do \
	    s=$${m##*.}; \
	    sed -e 's|/usr/local/share/claimwatch|$(DATADIR)|g' \
	        -e 's|/etc/claimwatch|$(SYSCONFDIR)/claimwatch|g' $$m \
	        >$(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; \
	    chmod 644 $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; \
	done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/claimwatchd $(DESTDIR)$(BINDIR)/claimwatch
	rm -f $(DESTDIR)$(UNITDIR)/claimwatch.service \
	    $(DESTDIR)$(UNITDIR)/claimwatch-notify.service
	rm -f $(DESTDIR)$(MANDIR)/man8/claimwatchd.8 \
	    $(DESTDIR)$(MANDIR)/man1/claimwatch.1 \
	    $(DESTDIR)$(MANDIR)/man5/claimwatch.conf.5
	rm -rf $(DESTDIR)$(DATADIR)
	@echo "uninstall: kept $(DESTDIR)$(SYSCONFDIR)/claimwatch (your configuration)"

-include $(LIB_OBJS:.o=.d) $(PROGS_SRCS:daemon/%.c=$(B)/obj/%.d)
-include $(wildcard $(B)/tests/*.d $(B)/bench/*.d)
