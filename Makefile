# Ciclo — build, test and run. See README.md.
CC       ?= cc
CSTD     := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
OPT      ?= -O2 -g
PKGS     := libmicrohttpd jansson libpq gnutls cjose libcurl xlsxwriter
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
SAN      ?=
CFLAGS   += $(CSTD) $(WARN) $(OPT) $(SAN) -Iinclude -Isrc -MMD -MP
LDFLAGS  += $(SAN)

BUILD    ?= build
RULES_SRC  := $(wildcard src/rules/*.c)
CODEC_SRC  := $(wildcard src/codec/*.c)
RENDER_SRC := $(wildcard src/render/*.c)
SERVER_SRC := $(wildcard src/core/*.c src/http/*.c src/api/*.c src/store/*.c) $(CODEC_SRC) $(RENDER_SRC)
MAIN_SRC   := src/main.c
UNIT_SRC   := $(wildcard tests/unit/*.c)

RULES_OBJ  := $(RULES_SRC:%.c=$(BUILD)/%.o)
SERVER_OBJ := $(SERVER_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ   := $(MAIN_SRC:%.c=$(BUILD)/%.o)
UNIT_OBJ   := $(UNIT_SRC:%.c=$(BUILD)/%.o)
GEN_OBJ    := $(BUILD)/gen/embedded.o

RULES_LIB  := $(BUILD)/libciclo_rules.a
BIN        := $(BUILD)/ciclo
UNIT_BIN   := $(BUILD)/unit_tests

.PHONY: all rules server unit check-unit check-integration check-docs test check-asan check-valgrind \
        run fuzz bench fmt clean deps

all: $(RULES_LIB) $(BIN)

rules: $(RULES_LIB)
server: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(RULES_LIB): $(RULES_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# SQL migrations and the OpenAPI document are compiled into the binary.
$(BUILD)/gen/embedded.c: tools/embed.sh $(sort $(wildcard sql/*.sql)) openapi/openapi.yaml
	@mkdir -p $(dir $@)
	sh tools/embed.sh $@ openapi/openapi.yaml $(sort $(wildcard sql/*.sql))

$(GEN_OBJ): $(BUILD)/gen/embedded.c
	$(CC) $(CFLAGS) -c $< -o $@

$(BIN): $(MAIN_OBJ) $(SERVER_OBJ) $(GEN_OBJ) $(RULES_LIB)
	$(CC) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(SERVER_OBJ) $(GEN_OBJ) $(RULES_LIB) $(PKG_LIBS) -lpthread -lm

# Unit tests: the rules library, the pure JSON codecs of src/codec and the renderers of src/render
# (no database, no HTTP).
CODEC_OBJ := $(CODEC_SRC:%.c=$(BUILD)/%.o) $(RENDER_SRC:%.c=$(BUILD)/%.o) $(BUILD)/src/core/buf.o $(BUILD)/src/core/text.o
$(UNIT_BIN): $(UNIT_OBJ) $(CODEC_OBJ) $(RULES_LIB)
	$(CC) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(CODEC_OBJ) $(RULES_LIB) $(CHECK_LIBS) $(PKG_LIBS) -lpthread -lm

unit: $(UNIT_BIN)

deps:
	sh tools/install-deps.sh

check-unit: $(UNIT_BIN)
	$(UNIT_BIN)

check-integration: all
	sh tests/run-integration.sh

# The README's test command: installs what is missing, builds, runs every test.
test: deps
	$(MAKE) all unit
	$(MAKE) check-unit
	$(MAKE) check-integration
	$(MAKE) fuzz-smoke
	$(MAKE) check-docs

# Every link and file the documentation mentions exists in the repository (issue 18).
check-docs:
	python3 tools/check-links.py

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
check-asan: deps
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" all unit
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  $(MAKE) BUILD=build-asan SAN="-fsanitize=address,undefined" check-unit check-integration-asan

check-integration-asan:
	CICLO_BIN=build-asan/ciclo sh tests/run-integration.sh

check-valgrind: all unit
	CK_FORK=no valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite $(UNIT_BIN)
	CICLO_WRAP="valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite" sh tests/run-integration.sh

# libFuzzer targets (clang). fuzz runs each for FUZZ_SECONDS; fuzz-smoke for a few seconds.
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := $(CSTD) -g -O1 -Iinclude -Isrc -fsanitize=fuzzer,address,undefined
# The pure parts of the request path (no libpq or libmicrohttpd calls) are linked too.
FUZZ_LINK := src/core/buf.c src/core/text.c src/core/problem.c src/api/validate.c src/store/model.c
$(BUILD)/fuzz/%: fuzz/%.c $(RULES_SRC) $(CODEC_SRC) $(FUZZ_LINK)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -o $@ $< $(RULES_SRC) $(CODEC_SRC) $(FUZZ_LINK) $(PKG_LIBS) -lm

fuzz-build: $(FUZZ_BIN)
fuzz: $(FUZZ_BIN)
	sh tools/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)
fuzz-smoke: $(FUZZ_BIN)
	sh tools/run-fuzz.sh 5 $(FUZZ_BIN)

# The README's first command: a private PostgreSQL under ./var, demo data, a token, serve.
run: deps all
	sh tools/run-local.sh

bench: all
	sh bench/rules_bench.sh

fmt:
	clang-format -i $(wildcard src/*.c src/*/*.c src/*/*.h include/*.h tests/unit/*.c fuzz/*.c bench/*.c)

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
