#!/bin/sh
# rules_bench.sh — builds the rules library and bench/rules_bench.c (optimised,
# no sanitizers) and runs it on one core. The last line is the ratio to the
# 5 ms target for scoring the whole synthetic plan, with the load average before and
# after; above MAX_LOAD (default 1) the ratio is marked NOT FAIR. Waits for a quiet
# machine with ../shared/tools/wait-quiet when that tool exists (WAIT_QUIET to change).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${BUILD:-build}/bench
mkdir -p "$out"
make -s BUILD="${BUILD:-build}" rules >/dev/null
${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror \
    -Iinclude -o "$out/rules_bench" bench/rules_bench.c "${BUILD:-build}/libciclo_rules.a"
wq=${WAIT_QUIET:-$root/../shared/tools/wait-quiet}
[ ! -x "$wq" ] || "$wq" "${MAX_LOAD:-1}" "${WAIT_QUIET_SECONDS:-300}" >&2 || true
l0=$(cut -d' ' -f1 /proc/loadavg)
pin=
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"
rc=0
$pin "$out/rules_bench" >"$out/rules_bench.out" || rc=$?
l1=$(cut -d' ' -f1 /proc/loadavg)
if awk -v a="$l0" -v b="$l1" -v m="${MAX_LOAD:-1}" 'BEGIN {exit !(a + 0 <= m && b + 0 <= m)}'; then
    sed "\$s/\$/; load $l0 -> $l1/" "$out/rules_bench.out"
else
    sed "\$s/: ratio /: NOT FAIR: load $l0 -> $l1, raw ratio /" "$out/rules_bench.out"
fi
exit "$rc"
