# rostra: build, test, demo, benchmarks.
# `make` builds lua/rostra/core.so; `make test` runs the C unit tests and the
# busted specs and ends with one line "N passed, N failed".

LUA      ?= lua5.4
BUSTED   ?= busted
PKGS     := lua5.4 yaml-0.1 libutf8proc libxxhash libpcre2-8 icu-uc
CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wpedantic -std=c99
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs yaml-0.1 libutf8proc libxxhash libpcre2-8 icu-uc 2>/dev/null)
XCFLAGS  := $(WARN) -fPIC -D_POSIX_C_SOURCE=200809L $(PKG_CFLAGS)
LIBS     := $(PKG_LIBS) -lstemmer -lpthread -lm
# run Lua from the repo: the module from lua/, the core from lua/rostra/core.so
LUA_ENV  := LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="lua/?.so;;"

# Debian packages the build, tests and demo need
DEB_PKGS := lua5.4 liblua5.4-dev lua-lpeg libyaml-dev lua-busted luarocks \
            libutf8proc-dev libstemmer-dev libxxhash-dev libpcre2-dev libicu-dev lua-cjson lua-argparse lua-check \
            lua-readline lua-ldoc lua-markdown pkg-config gcc make
# and what `make test` also uses: headless Chromium and xmllint check the
# plots and reports, python3-scipy reads the DFM back (those specs skip with a
# message without them)
TEST_PKGS := chromium libxml2-utils python3-scipy

# bindings include lrostra.h (and lua.h); engines do not
BINDING_SRC := $(shell grep -l '"lrostra.h"' csrc/*.c)
ENGINE_SRC  := $(filter-out $(BINDING_SRC),$(wildcard csrc/*.c))
BUILD       := build
ENGINE_OBJ  := $(ENGINE_SRC:csrc/%.c=$(BUILD)/%.o)
BINDING_OBJ := $(BINDING_SRC:csrc/%.c=$(BUILD)/%.o)
CTEST_SRC   := $(wildcard csrc/test/test_*.c)
CTEST_BIN   := $(CTEST_SRC:csrc/test/%.c=$(BUILD)/%)
CORE        := lua/rostra/core.so

.PHONY: all deps test test-run ctest spec sanitize demo demo-run bench lint clean examples doc fuzz valgrind
all: $(CORE)

$(BUILD):
	mkdir -p $(BUILD)

$(BUILD)/%.o: csrc/%.c csrc/*.h | $(BUILD)
	$(CC) $(CFLAGS) $(XCFLAGS) -c $< -o $@

$(CORE): $(ENGINE_OBJ) $(BINDING_OBJ)
	$(CC) $(CFLAGS) -shared -o $@ $^ $(LIBS)

$(BUILD)/test_%: csrc/test/test_%.c $(ENGINE_OBJ) csrc/test/check.h
	$(CC) $(CFLAGS) $(WARN) $(PKG_CFLAGS) -Icsrc -o $@ $< $(ENGINE_OBJ) $(LIBS)

# install missing Debian packages when root, else print the line and stop
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing Debian packages; run as root:"; \
	    echo "  apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

ctest: $(CTEST_BIN)
	@for t in $(CTEST_BIN); do $$t || true; done

# deps first, then a second make: the pkg-config flags above are read when
# make starts, so on a fresh machine they must be read after deps has run
test:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS) $(TEST_PKGS)"
	@$(MAKE) --no-print-directory test-run

test-run: $(CORE) $(CTEST_BIN)
	@LUA="$(LUA)" BUSTED="$(BUSTED)" sh tools/runtests.sh $(CTEST_BIN)

spec: $(CORE)
	$(BUSTED) --lua=$(LUA)

demo: deps
	@$(MAKE) --no-print-directory demo-run

demo-run: $(CORE)
	@$(LUA_ENV) $(LUA) examples/demo.lua

bench: $(CORE)
	$(CC) -O2 $(WARN) -D_POSIX_C_SOURCE=200809L $(PKG_CFLAGS) -Icsrc -o $(BUILD)/bench bench/bench.c $(ENGINE_OBJ) $(LIBS)
	$(LUA_ENV) $(LUA) bench/bench.lua

# the core built with ASan and UBSan, the whole spec suite run under it
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# (the ASan core is removed again whatever the outcome, so that later
# targets do not load it without its runtime)
sanitize:
	$(MAKE) clean-core
	$(MAKE) CFLAGS="$(SAN_FLAGS)" BUILD=build-san $(CORE)
	LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(BUSTED) --lua=$(LUA) -o utfTerminal; rc=$$?; $(MAKE) clean-core; exit $$rc

# libFuzzer targets (clang, ASan + UBSan), FUZZ_SECONDS each; crashes are
# kept in spec/fixtures/crashes/ (see fuzz/README.md)
FUZZ_SECONDS ?= 60
fuzz:
	sh fuzz/run.sh $(FUZZ_SECONDS)

# the spec suite under valgrind memcheck (specs needing the full corpora skip)
valgrind: $(CORE)
	$(LUA_ENV) sh tools/valgrind.sh

lint:
	luacheck lua spec examples bench bin/rostra

# every script of examples/ (those that need ../shared skip without it)
examples: $(CORE)
	@$(LUA_ENV) LUA="$(LUA)" sh tools/run_examples.sh

# the API reference from the comments of lua/rostra (doc/api, git-ignored);
# ldoc exits 0 on warnings, so its output is checked too
doc:
	@command -v ldoc >/dev/null || { echo "make doc: ldoc is missing; run as root: apt-get install -y lua-ldoc lua-markdown"; exit 1; }
	@out=$$(ldoc . 2>&1); rc=$$?; printf '%s\n' "$$out"; \
	if [ $$rc -ne 0 ] || printf '%s\n' "$$out" | grep -v -E '^(reading configuration from|output written to|format: )' | grep -q .; then \
	  echo "make doc: ldoc failed or warned (see above)"; exit 1; fi

clean-core:
	rm -f $(CORE)

clean:
	rm -rf build build-san build-fuzz $(CORE)
