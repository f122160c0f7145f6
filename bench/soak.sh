#!/bin/sh
# soak.sh — mixed reads and writes against one server for a set time; prints the server's
# resident memory at the start (after a warm-up) and at the end, sampled along the way, and
# the error count. Memory must be flat: a leak of a few bytes per request shows here as
# megabytes. Exits 1 on any error or when memory grows.
#
# The mix (wrk, bench/soak.lua): reads of single objectives, objective lists, an indicator's
# measurements and one objective's score; writes of measurements, progress and objective
# titles (merge patch); and error paths (malformed JSON → 400, unknown ids → 404, a bad
# If-Match → 412), which allocate and free on paths that the happy path never takes.
#
#   SOAK_SECONDS=300 CONNS=16 sh bench/soak.sh
# Environment: SOAK_SECONDS (default 60), CONNS (default 16), CICLO_BIN (default build/ciclo),
# CICLO_THREADS / CICLO_POOL_SIZE (default 4 / 8), MAX_GROWTH_KIB (default 4096: the growth
# allowed from idle after the warm-up to idle after the soak), KEEP=1 to keep the logs.
. "$(dirname "$0")/lib.sh"
bench_wait_quiet
SOAK_SECONDS=${SOAK_SECONDS:-60}
CONNS=${CONNS:-16}
MAX_GROWTH_KIB=${MAX_GROWTH_KIB:-4096}
THREADS=${CICLO_THREADS:-4}
POOL=${CICLO_POOL_SIZE:-8}

# A cluster of our own (without lib.sh's pgbench tables), fsync off: the soak is about the server.
PGPORT=$(free_port)
DATABASE_URL=$(PG_FSYNC=off sh tools/pg.sh start "$TMP/pg" "$PGPORT")
PGDIR=$TMP/pg
export DATABASE_URL
"$BIN" migrate >"$TMP/migrate.log" 2>&1 || { cat "$TMP/migrate.log" >&2; exit 1; }

# 20 structures, 400 objectives, 2 indicators and 2 phases each, with history.
set -- $(seed_plan SOAK 20 400 2 2)
ENTITY=$1 PLAN=$2 OFIRST=$3 OLAST=$4 IFIRST=$5 ILAST=$6
PFIRST=$(sql -c "SELECT min(id) FROM phases WHERE plan_id = $PLAN")
PLAST=$(sql -c "SELECT max(id) FROM phases WHERE plan_id = $PLAN")
PLANNER=$(token planner "$ENTITY")

sed -e "s/@TOKEN@/$PLANNER/" -e "s/@PLAN@/$PLAN/" -e "s/@OFIRST@/$OFIRST/" -e "s/@OLAST@/$OLAST/" \
  -e "s/@IFIRST@/$IFIRST/" -e "s/@ILAST@/$ILAST/" -e "s/@PFIRST@/$PFIRST/" -e "s/@PLAST@/$PLAST/" \
  bench/soak.lua >"$TMP/soak.lua"

bench_serve CICLO_THREADS="$THREADS" CICLO_POOL_SIZE="$POOL"
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
machine
echo "soak: ${SOAK_SECONDS}s, $CONNS connections, CICLO_THREADS=$THREADS CICLO_POOL_SIZE=$POOL, plan of 400 objectives"

# Warm-up: every thread, pooled connection and prepared statement exists before the first sample.
rss_boot=$(rss)
wrk -t 2 -c "$CONNS" -d 5s -s "$TMP/soak.lua" "$URL" >"$TMP/wrk.warmup" 2>&1 || true
rss_start=$(rss)
echo "rss: ${rss_boot} KiB at start-up, ${rss_start} KiB after a 5 s warm-up (the start of the soak)"

# The soak, sampled every tenth of its length.
round_begin
wrk -t 2 -c "$CONNS" -d "${SOAK_SECONDS}s" -s "$TMP/soak.lua" "$URL" >"$TMP/wrk.soak" 2>&1 &
WRK_PID=$!
samples=""
step=$((SOAK_SECONDS / 10))
[ "$step" -ge 1 ] || step=1
t=0
while kill -0 "$WRK_PID" 2>/dev/null; do
  sleep "$step"
  t=$((t + step))
  kill -0 "$WRK_PID" 2>/dev/null && samples="$samples $(rss)" && echo "  t=${t}s rss $(rss) KiB"
done
wait "$WRK_PID" || true
round_end
sleep 1
rss_end=$(rss)
echo "rss: ${rss_end} KiB idle after the soak"
sed -n '/Requests\/sec\|requests in\|Socket errors\|status /p' "$TMP/wrk.soak" | sed 's/^/  wrk: /'

# Errors: socket errors, and any answer the mix does not expect (see soak.lua's done()).
errors=$(sed -n 's/^unexpected: \([0-9]*\)$/\1/p' "$TMP/wrk.soak")
sockerr=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$TMP/wrk.soak" |
  awk '{print $1 + $2 + $3 + $4}')
requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$TMP/wrk.soak")
errors=$((${errors:-1} + ${sockerr:-0}))
conns=$(sql -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ciclo'")

# Growth: idle after the warm-up → idle after the soak (both with no request in flight, so transient
# buffers do not count; the warm-up absorbs one-time growth: threads, pooled connections, statements).
# The samples under load are printed for the record, with the medians of their first and last thirds.
growth=$((rss_end - rss_start))
set -- $samples
third=$(( ($# + 2) / 3 ))
load_first=$(median $(echo $samples | tr ' ' '\n' | head -n "$third"))
load_last=$(median $(echo $samples | tr ' ' '\n' | tail -n "$third"))
echo "rss under load: median ${load_first} KiB in the first third, ${load_last} KiB in the last third"
kill "$SERVER_PID"
code=0
wait "$SERVER_PID" || code=$?
SERVER_PID=
echo "rss_start_kib=$rss_start rss_end_kib=$rss_end growth_kib=$growth requests=${requests:-0} errors=$errors db_connections=$conns/$POOL"
fail=0
[ "$errors" -eq 0 ] || { echo "soak: FAIL: $errors error(s)"; fail=1; }
[ "$growth" -le "$MAX_GROWTH_KIB" ] || { echo "soak: FAIL: memory grew by $growth KiB (limit $MAX_GROWTH_KIB)"; fail=1; }
[ "$conns" -le "$POOL" ] || { echo "soak: FAIL: $conns database connections for a pool of $POOL"; fail=1; }
[ "$code" -eq 0 ] || { echo "soak: FAIL: the server exited with $code on SIGTERM"; fail=1; }
if grep -q "ERROR" "$TMP/server.log"; then
  echo "soak: server errors:"; grep "ERROR" "$TMP/server.log" | sort | uniq -c | sort -rn | head -5
fi
# The last line: the figures and the ratio of the growth to the limit (<= 1 is flat enough).
echo "soak: $([ "$fail" -eq 0 ] && echo OK || echo FAIL): ${requests:-0} requests, $errors errors, rss ${rss_start} -> ${rss_end} KiB (growth ${growth} KiB); ratio to the ${MAX_GROWTH_KIB} KiB limit $(ratio "$growth" "$MAX_GROWTH_KIB") (<= 1 meets it); $R_LOAD"
exit "$fail"
