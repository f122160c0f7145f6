#!/bin/sh
# writes.sh — POST /v1/indicators/{id}/measurements from CONNS concurrent clients (each
# request its own transaction: the measurement and its audit row), against `pgbench -N`
# (one UPDATE, one SELECT, one INSERT per transaction) on the same PostgreSQL with the same
# number of clients: the limit of small committed transactions on this disk. Rounds
# alternate the two. Then the whole-plan import (POST /v1/plans:import) of a generated
# document of 20,000 objectives, when the server has that route.
#   CONNS=32 ROUNDS=3 DURATION=10 IMPORT_OBJECTIVES=20000 sh bench/writes.sh
. "$(dirname "$0")/lib.sh"
bench_wait_quiet
CONNS=${CONNS:-32}
IMPORT_OBJECTIVES=${IMPORT_OBJECTIVES:-20000}
bench_pg
set -- $(seed_plan WRITES 20 2000 2 0)
ENTITY=$1 PLAN=$2 IFIRST=$5 ILAST=$6
PLANNER=$(token planner "$ENTITY")
cat >"$TMP/write.lua" <<EOF
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $PLANNER"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local body = '{"value": ' .. (50 + n % 50) .. ', "as_of": "2024-0' .. (1 + n % 9) .. '-15", "source": "bench"}'
  return wrk.format(nil, "/v1/indicators/" .. math.random($IFIRST, $ILAST) .. "/measurements", nil, body)
end
EOF
bench_serve CICLO_THREADS=${CICLO_THREADS:-8} CICLO_POOL_SIZE=${CICLO_POOL_SIZE:-16}
machine
echo "server: CICLO_THREADS=${CICLO_THREADS:-8} CICLO_POOL_SIZE=${CICLO_POOL_SIZE:-16}; fsync=${PG_FSYNC:-on}; ${DURATION}s per run, $ROUNDS rounds"
ratios=
before=$(sql -c "SELECT count(*) FROM measurements WHERE source = 'bench'")
for r in $(seq 1 "$ROUNDS"); do
  round_begin
  set -- $(run_pgbench "$CONNS" -N)
  pg=$1 pg99=$2
  set -- $(run_wrk "$CONNS" "$TMP/write.lua" /)
  x=$(ratio "$1" "$pg")
  round_end
  ratios="$ratios $x"
  echo "c=$CONNS round $r: pgbench -N $pg tps p99 $pg99 ms | ciclo $1 measurements/s p50 $4 ms p99 $2 ms errors $3 | ratio $(fair_ratio "$1" "$pg") | $R_LOAD"
done
after=$(sql -c "SELECT count(*) FROM measurements WHERE source = 'bench'")
audit=$(sql -c "SELECT count(*) FROM audit WHERE resource = 'measurements'")
echo "stored: $((after - before)) measurements, $audit audit rows"
import_line="import: no POST /v1/plans:import in this build"
if grep -q 'plans:import' src/api/routes.c 2>/dev/null; then
  ADMIN=$(token admin)
  python3 - "$TMP/plan.json" "$IMPORT_OBJECTIVES" <<'EOF'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
ns = 200
structures = [{"code": "S%03d" % s, "name": "Settore %d" % s, "kind": "settore", "manager": "P%03d" % (s // 2),
               "interim": s % 2 == 1} for s in range(ns)]
people = [{"external_id": "P%03d" % p, "name": "Dirigente %d" % p, "role": "dirigente"} for p in range(ns // 2)]
per = n // ns
objectives = []
for i in range(n):
    objectives.append({
        "code": "OB%05d" % i, "title": "Obiettivo %d del piano importato" % i,
        "start_year": 2025, "end_year": 2025,
        "assignments": [{"structure_code": "S%03d" % (i % ns), "weight": round(100 / per, 2)}],
        "indicators": [{"code": "OB%05d-I1" % i, "name": "Pratiche evase",
                        "rule": {"kind": "linear", "target": 100 + i % 50, "baseline": 0}}],
        "phases": [{"seq": 1, "description": "Fase unica", "deadline": "2025-12-31"}],
    })
json.dump({"format": "ciclo-plan/1", "entity": {"code": "IMPORTED", "name": "Comune importato", "kind": "comune"},
           "year": 2025, "kind": "performance", "title": "Piano importato", "structures": structures,
           "people": people, "objectives": objectives}, open(path, "w"))
EOF
  size=$(wc -c <"$TMP/plan.json")
  post_import "$ADMIN" "$TMP/plan.json" >"$TMP/import.out"
  set -- $(cat "$TMP/import.out")
  if [ "$1" = 201 ] || [ "$1" = 200 ]; then
    rows=$(sql -c "SELECT (SELECT count(*) FROM objectives o JOIN entities e ON e.id = o.entity_id WHERE e.code = 'IMPORTED')")
    import_line="import: $IMPORT_OBJECTIVES objectives (+ as many assignments, indicators, phases; $((size / 1024)) KiB) in $2 s ($rows objectives stored)"
  else
    import_line="import: answered $1 after $2 s: $(cut -d' ' -f4- "$TMP/import.out")"
  fi
fi
echo "$import_line"
echo "writes vs pgbench -N at c=$CONNS: ratio $(fair_summary "$(median $ratios)") (min $(minof $ratios), max $(maxof $ratios)); $import_line"
