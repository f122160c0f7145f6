# bench/lib.sh — sourced by the bench scripts (bench/*.sh). A throwaway PostgreSQL under
# /tmp (Unix socket only), the server, tokens, wrk and pgbench helpers, the ratio printers.
# Environment (all optional):
#   CICLO_BIN  the server binary (default build/ciclo)
#   ROUNDS     how many side-by-side rounds (default 3)
#   DURATION   seconds of each wrk / pgbench run (default 10)
#   PG_FSYNC   fsync of the throwaway cluster (default on: writes pay the real commit)
#   KEEP=1     keep the temporary folder (logs, seed SQL) for inspection
#   MAX_LOAD   the load average above which a run is not fair (default 1)
#   MAX_OTHERS the CPU (in cores) other processes may use during a round (default 0.1)
#   WAIT_QUIET the wait-quiet tool (default ../shared/tools/wait-quiet: skipped when absent)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
BIN=${CICLO_BIN:-build/ciclo}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
[ -x "$BIN" ] || { echo "bench: $BIN is missing: run make first" >&2; exit 1; }
for tool in wrk pgbench psql python3; do
  command -v $tool >/dev/null 2>&1 || { echo "bench: $tool is missing: run sh tools/install-deps.sh (Debian: apt-get install wrk postgresql-client python3)" >&2; exit 1; }
done
TMP=$(mktemp -d /tmp/ciclo-bench.XXXXXX)
chmod 755 "$TMP"
SERVER_PID=
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

BASE_PID=
bench_cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$BASE_PID" ] && kill "$BASE_PID" 2>/dev/null && wait "$BASE_PID" 2>/dev/null || true
  sh tools/pg.sh stop "$TMP/pg" || true
  if [ "${KEEP:-0}" = 1 ]; then echo "bench: kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap bench_cleanup EXIT INT TERM

# Starts the cluster; sets PGDIR, PGPORT, DATABASE_URL (the service role); migrates; inits
# pgbench's tables.
bench_pg() {
  PGPORT=$(free_port)
  OWNER_URL=$(PG_FSYNC=${PG_FSYNC:-on} sh tools/pg.sh start "$TMP/pg" "$PGPORT")
  PGDIR=$TMP/pg
  # migrations as the owner; the server and its tokens as ciclo_service, the role production
  # runs as, so that row-level security is measured too (a superuser bypasses it)
  CICLO_SERVICE_ROLE=ciclo_service DATABASE_URL=$OWNER_URL "$BIN" migrate >"$TMP/migrate.log" 2>&1 ||
    { cat "$TMP/migrate.log" >&2; exit 1; }
  DATABASE_URL=$(echo "$OWNER_URL" | sed 's|://ciclo@|://ciclo_service@|')
  export DATABASE_URL
  pgbench -h "$PGDIR" -p "$PGPORT" -U ciclo -i -q -s "${PGBENCH_SCALE:-10}" ciclo >"$TMP/pgbench-init.log" 2>&1 ||
    { cat "$TMP/pgbench-init.log" >&2; exit 1; }
}

# psql on the cluster: sql FILE-or-"-c QUERY" ...
sql() { psql -h "$PGDIR" -p "$PGPORT" -U ciclo -d ciclo -v ON_ERROR_STOP=1 -Atq "$@"; }

# A token: token ROLE [ENTITY] → the secret.
token() {
  if [ -n "${2:-}" ]; then "$BIN" token create --role "$1" --entity "$2" --name "bench $1" | tail -1
  else "$BIN" token create --role "$1" --name "bench $1" | tail -1; fi
}

# POSTs a plan document to /v1/plans:import: post_import TOKEN FILE prints one line, "status
# seconds MB head-of-answer" (the answer's first 200 characters, on one line).
post_import() {
  python3 - "$URL" "$1" "$2" <<'EOF'
import http.client, sys, time, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
body = open(sys.argv[3], "rb").read()
c = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
t0 = time.perf_counter()
c.request("POST", "/v1/plans:import", body=body, headers={"Authorization": "Bearer " + sys.argv[2],
                                                           "Content-Type": "application/json"})
r = c.getresponse()
text = r.read()
print("%d %.2f %.1f %s" % (r.status, time.perf_counter() - t0, len(body) / 1e6,
                           text[:200].decode(errors="replace").replace("\n", " ")))
EOF
}

# Starts the server with the environment given as arguments (CICLO_THREADS=4 ...); sets URL.
bench_serve() {
  HTTP_PORT=$(free_port)
  URL=http://127.0.0.1:$HTTP_PORT
  # every load comes from 127.0.0.1: no per-address cap unless the caller sets one
  env CICLO_LISTEN=127.0.0.1:$HTTP_PORT CICLO_LOG_LEVEL=${CICLO_LOG_LEVEL:-warn} CICLO_PER_IP_CONNECTIONS=0 "$@" \
    "$BIN" serve 2>>"$TMP/server.log" &
  SERVER_PID=$!
  i=0
  until python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1]+'/healthz', timeout=1)" "$URL" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "bench: the server did not start" >&2; cat "$TMP/server.log" >&2; exit 1; }
    sleep 0.1
  done
}
# A second server from another binary (BASELINE_BIN), for before/after runs side by side; sets BASE_URL.
bench_serve_baseline() {
  BASE_PORT=$(free_port)
  BASE_URL=http://127.0.0.1:$BASE_PORT
  env CICLO_LISTEN=127.0.0.1:$BASE_PORT CICLO_LOG_LEVEL=${CICLO_LOG_LEVEL:-warn} CICLO_PER_IP_CONNECTIONS=0 "$@" \
    "$BASELINE_BIN" serve \
    2>>"$TMP/baseline.log" &
  BASE_PID=$!
  i=0
  until python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1]+'/healthz', timeout=1)" "$BASE_URL" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "bench: the baseline server did not start" >&2; exit 1; }
    sleep 0.1
  done
}
bench_stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# wrk with a Lua script: run_wrk CONNECTIONS SCRIPT PATH → "rps p99_ms errors p50_ms" on stdout;
# the full wrk output goes to $TMP/wrk.last.
run_wrk() {
  wrk -t "${WRK_THREADS:-2}" -c "$1" -d "${DURATION}s" --timeout "${WRK_TIMEOUT:-2}" --latency -s "$2" "${WRK_URL:-$URL}$3" >"$TMP/wrk.last" 2>&1 || true
  python3 - "$TMP/wrk.last" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
def ms(s):
    m = re.match(r"([\d.]+)(us|ms|s)", s)
    v = float(m.group(1)); return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", t).group(1))
p50 = ms(re.search(r"\s50%\s+(\S+)", t).group(1))
err = 0
m = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
if m: err += int(m.group(1))
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
if m: err += sum(int(x) for x in m.groups())
print("%.0f %.2f %d %.2f" % (rps, p99, err, p50))
EOF
}

# pgbench: run_pgbench CLIENTS ARGS... → "tps p99_ms" (tps without the initial connection
# time; p99 from the per-transaction log).
run_pgbench() {
  c=$1; shift
  rm -f "$TMP"/pgl.*
  pgbench -h "$PGDIR" -p "$PGPORT" -U ciclo -c "$c" -j "${PGBENCH_THREADS:-2}" -T "$DURATION" -n \
    -l --log-prefix="$TMP/pgl" "$@" ciclo >"$TMP/pgbench.last" 2>&1 || { cat "$TMP/pgbench.last" >&2; exit 1; }
  t=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$TMP/pgbench.last" | cut -d. -f1)
  p99=$(cat "$TMP"/pgl.* 2>/dev/null | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {k = int(NR * 0.99); if (k < 1) k = 1; printf "%.2f", NR ? a[k] / 1000 : 0}')
  rm -f "$TMP"/pgl.*
  echo "${t:-0} $p99"
}

# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# ratio A B → A/B with 3 decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b + 0 > 0) ? a / b : 0}'; }
# min / max of the arguments
minof() { printf '%s\n' "$@" | sort -g | head -1; }
maxof() { printf '%s\n' "$@" | sort -g | tail -1; }

# The machine, for the record.
machine() {
  printf 'machine: %s, %s cores, %s GiB, load %s; PostgreSQL %s; %s\n' \
    "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" "$(nproc)" \
    "$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$(sql -c 'SHOW server_version' 2>/dev/null || echo '?')" "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
}

# A synthetic plan, set-based: seed_plan CODE STRUCTURES OBJECTIVES INDICATORS_PER_OBJECTIVE
# PHASES_PER_OBJECTIVE → prints "ENTITY_ID PLAN_ID". Every structure has a manager (one
# person leads two), every objective one structure (weights total 100 per structure),
# every indicator a bands or linear rule and two measurements (the later one counts),
# every phase a deadline and a progress entry. Ids are explicit, then the sequences move on.
# Codes are zero-padded to the width of the largest number (lpad cuts longer texts: a fixed
# width of 5 made OB10000 twice at 100,000 objectives).
# DISTINCT_RULES=1: every indicator gets a rule text of its own (the target or the first band
# moves with the id), so that nothing the server could share between equal rules helps.
seed_plan() {
  sql -v code="$1" -v ns="$2" -v no="$3" -v ni="$4" -v np="$5" -v distinct="${DISTINCT_RULES:-0}" >"$TMP/seed.out" <<'EOF2'
BEGIN;
INSERT INTO entities (code, name) VALUES (:'code', 'Comune di ' || :'code');
SELECT id AS e FROM entities WHERE code = :'code' \gset
SELECT coalesce(max(id), 0) AS p0 FROM people \gset
SELECT coalesce(max(id), 0) AS s0 FROM structures \gset
SELECT coalesce(max(id), 0) AS o0 FROM objectives \gset
SELECT coalesce(max(id), 0) AS i0 FROM indicators \gset
SELECT coalesce(max(id), 0) AS f0 FROM phases \gset
INSERT INTO people (entity_id, id, name, external_id, role)
  SELECT :e, :p0 + g, 'Dirigente ' || g, 'P' || g, 'dirigente' FROM generate_series(1, (:ns + 1) / 2) g;
INSERT INTO structures (entity_id, id, code, name, kind, manager_id, interim)
  SELECT :e, :s0 + g, 'S' || lpad(g::text, greatest(4, length(:ns::text)), '0'), 'Settore ' || g, 'settore', :p0 + (g + 1) / 2, g % 2 = 0
  FROM generate_series(1, :ns) g;
INSERT INTO plans (entity_id, year, title) VALUES (:e, 2024, 'Piano bench ' || :'code');
SELECT id AS plan FROM plans WHERE entity_id = :e AND year = 2024 \gset
INSERT INTO objectives (entity_id, id, plan_id, code, title, start_year, end_year)
  SELECT :e, :o0 + g, :plan, 'OB' || lpad(g::text, greatest(5, length(:no::text)), '0'), 'Obiettivo numero ' || g || ' del piano', 2024, 2024
  FROM generate_series(1, :no) g;
-- objective g goes to structure ((g - 1) % ns) + 1; each structure gets no/ns objectives
INSERT INTO assignments (entity_id, plan_id, objective_id, structure_id, weight)
  SELECT :e, :plan, :o0 + g, :s0 + ((g - 1) % :ns) + 1, round(100.0 / (:no / :ns), 2)
  FROM generate_series(1, :no) g;
INSERT INTO indicators (entity_id, id, plan_id, objective_id, code, name, value_type, weight, rule)
  SELECT :e, :i0 + (g - 1) * :ni + k, :plan, :o0 + g, 'I' || g || '.' || k, 'Indicatore ' || k, 'number',
         round(100.0 / greatest(:ni, 1), 2),
         CASE WHEN k % 2 = 1
              THEN '{"kind":"bands","bands":[{"min":90,"score":100},{"min":85,"max":90,"score":80},{"min":0,"max":85,"score":0}]}'::jsonb
              ELSE '{"kind":"linear","target":60,"baseline":0}'::jsonb END
  FROM generate_series(1, :no) g, generate_series(1, :ni) k;
UPDATE indicators SET rule = CASE WHEN rule->>'kind' = 'linear' THEN jsonb_set(rule, '{target}', to_jsonb(60 + id))
                                   ELSE jsonb_set(rule, '{bands,0,min}', to_jsonb(90 + id)) END
  WHERE :distinct = 1 AND entity_id = :e AND plan_id = :plan;
INSERT INTO phases (entity_id, id, plan_id, objective_id, seq, description, deadline, weight)
  SELECT :e, :f0 + (g - 1) * :np + k, :plan, :o0 + g, k, 'Fase ' || k, date '2024-03-31' + 60 * k,
         round(100.0 / greatest(:np, 1), 2)
  FROM generate_series(1, :no) g, generate_series(1, :np) k;
INSERT INTO measurements (entity_id, plan_id, objective_id, indicator_id, value, as_of, actor_name, actor_role)
  SELECT entity_id, plan_id, objective_id, id, to_jsonb(50 + (id * 7) % 50), d, 'bench', 'admin'
  FROM indicators, (VALUES (date '2024-03-31'), (date '2024-06-30')) v(d) WHERE entity_id = :e AND plan_id = :plan;
INSERT INTO progress (entity_id, plan_id, objective_id, phase_id, percent_complete, completed_on, as_of, actor_name, actor_role)
  SELECT entity_id, plan_id, objective_id, id, CASE WHEN seq = 1 THEN 100 ELSE 40 END,
         CASE WHEN seq = 1 THEN deadline - 3 END, date '2024-06-30', 'bench', 'admin'
  FROM phases WHERE entity_id = :e AND plan_id = :plan;
SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT max(id) FROM people));
SELECT setval(pg_get_serial_sequence('structures', 'id'), (SELECT max(id) FROM structures));
SELECT setval(pg_get_serial_sequence('objectives', 'id'), (SELECT max(id) FROM objectives));
SELECT setval(pg_get_serial_sequence('indicators', 'id'), (SELECT max(id) FROM indicators));
SELECT setval(pg_get_serial_sequence('phases', 'id'), (SELECT max(id) FROM phases));
COMMIT;
ANALYZE;
SELECT 'SEED', :e, :plan, :o0 + 1, :o0 + :no, :i0 + 1, :i0 + :no * :ni;
EOF2
  sed -n 's/^SEED|//p' "$TMP/seed.out" | tr '|' ' '
}

# CPU ticks (1/100 s, see getconf CLK_TCK) used so far by a process and its threads.
proc_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# CPU ticks of this shell's reaped children (wrk, pgbench: run in the foreground, waited for).
child_cpu() { awk '{print $16 + $17}' "/proc/$$/stat"; }
# CPU ticks used so far by the whole cluster: the postmaster, its live backends, and the
# backends it has reaped (cutime/cstime), so that pgbench's short-lived ones count too.
pg_cpu() {
  pm=$(head -1 "$PGDIR/data/postmaster.pid")
  t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for c in $(pgrep -P "$pm"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
# microseconds of CPU per operation: per_op TICKS OPS_PER_SECOND
per_op() { awk -v t="$1" -v r="$2" -v d="$DURATION" 'BEGIN {printf "%.0f", (r > 0) ? t * 10000 / (r * d) : 0}'; }

# --- Fairness: was the machine quiet? ------------------------------------------------------
# A ratio is fair only when both sides ran on the same idle cores. Every round records the
# 1-minute load average before and after it, and the CPU that processes other than the
# bench's own (the server, PostgreSQL, wrk, pgbench, this shell's children) used meanwhile
# (/proc/stat's busy time minus ours). The load average after a round counts the bench's
# own clients (32 pgbench backends make it climb over 1 on an idle machine), so a round is
# fair when the machine was quiet when the bench began (after wait-quiet: a load average at
# most MAX_LOAD, or, since that average lags a minute behind, at most MAX_OTHERS cores busy
# over 2 s while the bench ran nothing) and others used at most MAX_OTHERS cores during the
# round. Otherwise the figure
# is printed marked "NOT FAIR: load X" and its ratio is not reported as valid.
MAX_LOAD=${MAX_LOAD:-1}
MAX_OTHERS=${MAX_OTHERS:-0.1}
START_LOAD= START_BUSY=
load1() { cut -d' ' -f1 /proc/loadavg; }
# waits (at most 300 s) for a quiet machine with ../shared/tools/wait-quiet when that tool
# exists (the project never depends on it), then records the starting load and how many
# cores were busy over 2 s (the bench runs nothing yet: all of it is others').
bench_wait_quiet() {
  wq=${WAIT_QUIET:-$root/../shared/tools/wait-quiet}
  if [ -x "$wq" ]; then "$wq" "$MAX_LOAD" "${WAIT_QUIET_SECONDS:-300}" >&2 || true; fi
  START_LOAD=$(load1)
  b0=$(busy_ticks)
  sleep 2
  START_BUSY=$(awk -v b="$(($(busy_ticks) - b0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", b / hz / 2}')
  echo "bench: load $START_LOAD, $START_BUSY cores busy before the bench" >&2
}
# user + nice + system: irq and softirq time (loopback traffic) is charged to no process
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4}' /proc/stat; }
# ticks of the bench's own processes: this shell and its reaped children (wrk, pgbench,
# psql, python3), the servers, the cluster.
own_ticks() {
  t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$$/stat")
  for p in $SERVER_PID $BASE_PID ${PERF_PID:-}; do t=$((t + $(proc_cpu "$p" 2>/dev/null || echo 0))); done
  [ -z "${PGDIR:-}" ] || t=$((t + $(pg_cpu)))
  echo "$t"
}
round_begin() {
  [ -n "$START_LOAD" ] || START_LOAD=$(load1) START_BUSY=${START_BUSY:-$MAX_LOAD}
  R_L0=$(load1) R_B0=$(busy_ticks) R_O0=$(own_ticks) R_T0=$(date +%s.%N)
}
# sets R_LOAD (the figures, to print with the round) and R_FAIR (1 or 0).
round_end() {
  R_L1=$(load1) b1=$(busy_ticks) o1=$(own_ticks) t1=$(date +%s.%N)
  R_OTHERS=$(awk -v b="$((b1 - R_B0))" -v o="$((o1 - R_O0))" -v t0="$R_T0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {d = (b - o) / hz / (t1 - t0); printf "%.2f", d < 0 ? 0 : d}')
  R_LOAD="load $R_L0 -> $R_L1, others $R_OTHERS cores"
  R_FAIR=$(awk -v s="$START_LOAD" -v sb="${START_BUSY:-9}" -v o="$R_OTHERS" -v ml="$MAX_LOAD" -v mo="$MAX_OTHERS" \
    'BEGIN {print ((s + 0 <= ml || sb + 0 <= mo) && o + 0 <= mo) ? 1 : 0}')
  [ "$R_FAIR" = 1 ] || UNFAIR="$UNFAIR $R_L0"
}
UNFAIR=
# fair_ratio A B → the ratio A/B when the last round was fair, else "NOT FAIR: load X (raw R)".
fair_ratio() {
  if [ "${R_FAIR:-0}" = 1 ]; then ratio "$1" "$2"; else echo "NOT FAIR: load $R_L0 -> $R_L1 (start $START_LOAD, $START_BUSY cores busy), others $R_OTHERS cores (raw $(ratio "$1" "$2"))"; fi
}
# fair_summary VALUE → VALUE when every round so far was fair, else VALUE marked NOT FAIR
# with the highest load seen before an unfair round.
fair_summary() {
  if [ -z "$UNFAIR" ]; then echo "$1"; else echo "NOT FAIR: load up to $(maxof $UNFAIR) (start $START_LOAD, $START_BUSY cores busy) (raw $1)"; fi
}
