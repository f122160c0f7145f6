#!/bin/sh
# scores.sh — GET /v1/plans/{id}/scores on a synthetic plan of 200 structures, 5,000
# objectives, 20,000 indicators (each with two measurements) and 15,000 phases (each
# with progress). Times REQUESTS sequential requests on one keep-alive connection, reads
# the server's own split from the Server-Timing header (sql = store_plan_rows, rules =
# plan_model_build + rules_plan_score, json = encoding), then CONC concurrent clients with
# wrk (everyone reading scores at the deadline).
# Target: under 150 ms per request; the last line prints the ratio to it.
#   REQUESTS=30 CONC=8 sh bench/scores.sh
# DISTINCT_RULES=1 gives every indicator a rule text of its own (the default plan has two).
# PERF_OUT=/tmp/scores.perf records the server with perf during the sequential requests.
. "$(dirname "$0")/lib.sh"
bench_wait_quiet
REQUESTS=${REQUESTS:-30}
CONC=${CONC:-8}
bench_pg
set -- $(seed_plan SCORES 200 5000 4 3)
ENTITY=$1 PLAN=$2
ADMIN=$(token admin)
bench_serve CICLO_THREADS=${CICLO_THREADS:-8} CICLO_POOL_SIZE=${CICLO_POOL_SIZE:-8} ${SERVER_ENV_EXTRA:-}
machine
echo "plan $PLAN: $(sql -c "SELECT (SELECT count(*) FROM structures WHERE entity_id = $ENTITY) || ' structures, ' ||
  (SELECT count(*) FROM objectives WHERE plan_id = $PLAN) || ' objectives, ' ||
  (SELECT count(*) FROM indicators WHERE plan_id = $PLAN) || ' indicators, ' ||
  (SELECT count(*) FROM measurements WHERE plan_id = $PLAN) || ' measurements, ' ||
  (SELECT count(*) FROM phases WHERE plan_id = $PLAN) || ' phases, ' ||
  (SELECT count(*) FROM progress WHERE plan_id = $PLAN) || ' progress entries'")"
if [ -n "${PERF_OUT:-}" ]; then
  perf record -F 499 -g -p "$SERVER_PID" -o "$PERF_OUT" >/dev/null 2>&1 &
  PERF_PID=$!
  sleep 1
fi
round_begin
python3 - "$URL" "/v1/plans/$PLAN/scores?as_of=2024-12-31" "$ADMIN" "$REQUESTS" >"$TMP/scores.out" <<'EOF'
import http.client, re, statistics, sys, time, urllib.parse
url, path, token, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
hdr = {"Authorization": "Bearer " + token}
walls, parts, size = [], {"sql": [], "rules": [], "json": []}, 0
for i in range(n + 2):
    t0 = time.perf_counter()
    conn.request("GET", path, headers=hdr)
    r = conn.getresponse()
    body = r.read()
    wall = (time.perf_counter() - t0) * 1000
    if r.status != 200:
        sys.exit("scores answered %d: %s" % (r.status, body[:300]))
    if i < 2:
        continue  # warm-up: statements prepared, caches filled
    walls.append(wall)
    size = len(body)
    for name, dur in re.findall(r"(\w+);dur=([\d.]+)", r.getheader("Server-Timing") or ""):
        parts.setdefault(name, []).append(float(dur))
walls.sort()
med = statistics.median(walls)
p90 = walls[int(len(walls) * 0.9) - 1]
split = {k: statistics.median(v) for k, v in parts.items() if v}
server = sum(split.values())
print("sequential: %d requests, %.1f MB each; wall median %.1f ms, p90 %.1f ms, min %.1f, max %.1f" %
      (n, size / 1e6, med, p90, walls[0], walls[-1]))
print("server split (medians): " + ", ".join("%s %.1f ms (%.0f%%)" % (k, v, 100 * v / server) for k, v in split.items())
      + "; transfer and client %.1f ms" % (med - server))
print("RESULT %.1f %.1f %.1f %.1f %.1f" % (med, p90, split.get("sql", 0), split.get("rules", 0), split.get("json", 0)))
EOF
round_end
seq_load=$R_LOAD
[ -z "${PERF_OUT:-}" ] || { kill -INT "$PERF_PID"; wait "$PERF_PID" || true; }
grep -v '^RESULT' "$TMP/scores.out" | sed "1s/\$/ | $seq_load/"
set -- $(sed -n 's/^RESULT //p' "$TMP/scores.out")
med=$1 p90=$2 sqlms=$3 rulesms=$4 jsonms=$5
cat >"$TMP/scores.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $ADMIN"
EOF
round_begin
set -- $(WRK_THREADS=1 WRK_TIMEOUT=10 run_wrk "$CONC" "$TMP/scores.lua" "/v1/plans/$PLAN/scores?as_of=2024-12-31")
round_end
echo "concurrent: $CONC clients for ${DURATION}s: $1 req/s, p50 $4 ms, p99 $2 ms, errors $3 | $R_LOAD"
echo "scores of a 5,000-objective plan$( [ "${DISTINCT_RULES:-0}" = 1 ] && echo ' (distinct rules)'): median $med ms, p90 $p90 ms (sql $sqlms, rules $rulesms, json $jsonms ms); ratio to the 150 ms target $(fair_summary "$(ratio "$med" 150)") (<= 1 meets it; sequential: $seq_load); $CONC concurrent: $1 req/s"
