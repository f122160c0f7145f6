#!/bin/sh
# profile_point.sh — where the point read's CPU goes: the same load as point_read.sh (wrk,
# GET /v1/objectives/{id} with a reader token) while perf samples the server and PostgreSQL,
# and strace counts the server's system calls per request.
#   CONNS=32 DURATION=10 sh bench/profile_point.sh
# Prints perf's top symbols per process class and the system calls per request. Profiles are
# proportions: they need no quiet machine, but the load is printed with them.
. "$(dirname "$0")/lib.sh"
CONNS=${CONNS:-32}
command -v perf >/dev/null 2>&1 || { echo "bench: perf is missing (Debian: linux-perf)" >&2; exit 1; }
bench_pg
set -- $(seed_plan POINT 20 10000 0 0)
ENTITY=$1 FIRST=$3 LAST=$4
READER=$(token reader "$ENTITY")
cat >"$TMP/point.lua" <<LUA
math.randomseed(os.time())
wrk.headers["Authorization"] = "Bearer $READER"
request = function()
  return wrk.format("GET", "/v1/objectives/" .. math.random($FIRST, $LAST))
end
LUA
bench_serve CICLO_THREADS=${CICLO_THREADS:-8} CICLO_POOL_SIZE=${CICLO_POOL_SIZE:-16}
run_wrk "$CONNS" "$TMP/point.lua" / >/dev/null
machine
echo "load before: $(cat /proc/loadavg)"
perf record -q -F 999 -a -g -o "$TMP/perf.data" -- sleep "$DURATION" >/dev/null 2>&1 &
PERF_PID=$!
set -- $(run_wrk "$CONNS" "$TMP/point.lua" /)
wait "$PERF_PID" || true
echo "wrk under perf: $1 req/s p99 $2 ms errors $3"
echo "--- CPU by command (share of all samples)"
perf report -q -i "$TMP/perf.data" --no-children --sort comm --stdio -g none 2>/dev/null | grep -v '^$' | head -12
echo "--- the server (all its threads): top symbols, then by library"
perf report -q -i "$TMP/perf.data" --no-children --pid "$SERVER_PID" --sort dso,sym --stdio -g none 2>/dev/null | grep -v '^$' | head -25
perf report -q -i "$TMP/perf.data" --no-children --pid "$SERVER_PID" --sort dso --stdio -g none 2>/dev/null | grep -v '^$' | head -8
echo "--- postgres: top symbols"
perf report -q -i "$TMP/perf.data" --no-children --comm postgres --sort dso,sym --stdio -g none 2>/dev/null | grep -v '^$' | head -25
if command -v strace >/dev/null 2>&1; then
  strace -c -f -q -o "$TMP/strace.txt" -p "$SERVER_PID" &
  ST=$!
  sleep 1
  set -- $(DURATION=5 run_wrk "$CONNS" "$TMP/point.lua" /)
  kill -INT "$ST" 2>/dev/null; wait "$ST" 2>/dev/null || true
  n=$(awk -v r="$1" 'BEGIN {printf "%d", r * 5}')
  echo "--- server system calls per request (strace, $n requests; strace slows the server)"
  awk -v n="$n" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ {printf "%-18s %.2f\n", $NF, $4 / n}' "$TMP/strace.txt" | sort -k2 -gr | head -15
fi
echo "load after: $(cat /proc/loadavg)"
