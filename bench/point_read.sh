#!/bin/sh
# point_read.sh — GET /v1/objectives/{id} with a reader token of the entity (random ids
# among 10,000 objectives), against `pgbench -S -M prepared` (one primary-key SELECT per
# transaction) on the same PostgreSQL with the same number of clients: the physical limit
# of one indexed read per request. Rounds alternate pgbench and wrk so that the noise of
# the machine falls on both; every round prints its own ratio.
# Target (issue 21): >= 0.8x pgbench's rate, zero errors, p99 < 5 ms at 32 connections.
# Also prints the CPU (server + PostgreSQL) per request against pgbench's PostgreSQL CPU per
# transaction: less sensitive than the rates to what else the machine runs.
#   CONNS="32 256" ROUNDS=3 DURATION=10 sh bench/point_read.sh
# The ceiling is the ratio ciclo would reach if its own process took no CPU: pgbench's
# PostgreSQL and client CPU per transaction over ciclo's PostgreSQL and wrk CPU per request.
# On a machine where the clients, the server and PostgreSQL share the cores, no server can
# pass it.
# BASELINE_BIN=/path/to/an/older/ciclo adds that binary to every round (before/after).
. "$(dirname "$0")/lib.sh"
bench_wait_quiet
CONNS=${CONNS:-32 256}
bench_pg
set -- $(seed_plan POINT 20 10000 0 0)
ENTITY=$1 FIRST=$3 LAST=$4
READER=$(token reader "$ENTITY")
# every request text is built once, before the run: the load generator's CPU counts against
# ciclo's rate on a shared machine, as pgbench's client (C, prepared) counts against its own
cat >"$TMP/point.lua" <<EOF
local reqs = {}
init = function(args)
  math.randomseed(os.time())
  wrk.headers["Authorization"] = "Bearer $READER"
  for id = $FIRST, $LAST do reqs[#reqs + 1] = wrk.format("GET", "/v1/objectives/" .. id) end
end
request = function() return reqs[math.random(#reqs)] end
EOF
# threads: one per core, a pool as large as PostgreSQL can use (more only queues in it).
SERVER_ENV="CICLO_THREADS=${CICLO_THREADS:-8} CICLO_POOL_SIZE=${CICLO_POOL_SIZE:-16}"
bench_serve $SERVER_ENV
[ -z "${BASELINE_BIN:-}" ] || bench_serve_baseline $SERVER_ENV
code=$(python3 -c "import urllib.request,sys; r=urllib.request.Request(sys.argv[1], headers={'Authorization':'Bearer '+sys.argv[2]}); print(urllib.request.urlopen(r).status)" "$URL/v1/objectives/$FIRST" "$READER")
[ "$code" = 200 ] || { echo "bench: the point read answers $code" >&2; exit 1; }
machine
echo "server: $SERVER_ENV; wrk -t${WRK_THREADS:-2}, pgbench -j${PGBENCH_THREADS:-2}; ${DURATION}s per run, $ROUNDS rounds"
summary=
for c in $CONNS; do
  ratios= cratios= bratios= p99s= pgp99s= errs=0 ceilings=
  run_wrk "$c" "$TMP/point.lua" / >/dev/null # warm-up: prepare statements on every pooled connection
  [ -z "${BASELINE_BIN:-}" ] || WRK_URL=$BASE_URL run_wrk "$c" "$TMP/point.lua" / >/dev/null
  for r in $(seq 1 "$ROUNDS"); do
    round_begin
    t0=$(pg_cpu) k0=$(child_cpu)
    set -- $(run_pgbench "$c" -S -M prepared)
    pg=$1 pg99=$2
    t1=$(pg_cpu) s1=$(proc_cpu "$SERVER_PID") k1=$(child_cpu)
    set -- $(run_wrk "$c" "$TMP/point.lua" /)
    t2=$(pg_cpu) s2=$(proc_cpu "$SERVER_PID") k2=$(child_cpu)
    rps=$1 p99=$2 err=$3 p50=$4
    pg_us=$(per_op $((t1 - t0)) "$pg")
    ci_us=$(per_op $((t2 - t1 + s2 - s1)) "$rps")
    # the ceiling: the ratio ciclo would reach if its own process took no CPU at all, with the
    # two sides' clients (pgbench, wrk) and PostgreSQL sharing the same cores
    pgc_us=$(per_op $((k1 - k0)) "$pg") wrk_us=$(per_op $((k2 - k1)) "$rps")
    cpg_us=$(per_op $((t2 - t1)) "$rps") srv_us=$(per_op $((s2 - s1)) "$rps")
    ceil=$(ratio $((pg_us + pgc_us)) $((cpg_us + wrk_us)))
    ceilings="$ceilings $ceil"
    x=$(ratio "$rps" "$pg") cx=$(ratio "$pg_us" "$ci_us")
    round_end
    ratios="$ratios $x" cratios="$cratios $cx" p99s="$p99s $p99" pgp99s="$pgp99s $pg99" errs=$((errs + err))
    line="c=$c round $r: pgbench -S ${pg} tps p99 ${pg99} ms (${pg_us} us PostgreSQL + ${pgc_us} us pgbench CPU/tx) | ciclo ${rps} req/s p50 ${p50} ms p99 ${p99} ms errors ${err} (${cpg_us} us PostgreSQL + ${srv_us} us server + ${wrk_us} us wrk CPU/req) | ratio $(fair_ratio "$rps" "$pg"), CPU ratio $cx, ceiling $ceil | $R_LOAD"
    if [ -n "${BASELINE_BIN:-}" ]; then
      set -- $(WRK_URL=$BASE_URL run_wrk "$c" "$TMP/point.lua" /)
      b=$(ratio "$1" "$pg") bratios="$bratios $b"
      line="$line | baseline $1 req/s p99 $2 ms errors $3 ratio $b"
    fi
    echo "$line"
  done
  summary="$summary c=$c: ratio $(fair_summary "$(median $ratios)") (min $(minof $ratios), max $(maxof $ratios)), CPU ratio $(median $cratios), ceiling $(median $ceilings), p99 median $(median $p99s) ms (pgbench's $(median $pgp99s) ms), errors $errs${bratios:+ [baseline ratio $(median $bratios)]};"
done
echo "point read vs pgbench -S (target >= 0.8, p99 < 5 ms at 32):$summary"
