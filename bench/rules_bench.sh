#!/bin/sh
# rules_bench.sh — builds the rules library and bench/rules_bench.c (optimised,
# no sanitizers) and runs it on one core. The last line is the ratio to the
# 5 ms target for scoring the whole synthetic plan.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${BUILD:-build}/bench
mkdir -p "$out"
make -s BUILD="${BUILD:-build}" rules >/dev/null
${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror \
    -Iinclude -o "$out/rules_bench" bench/rules_bench.c "${BUILD:-build}/libciclo_rules.a"
if command -v taskset >/dev/null 2>&1; then
    exec taskset -c 0 "$out/rules_bench"
fi
exec "$out/rules_bench"
