#!/bin/sh
# memory.sh — resident memory (VmRSS, /proc/PID/status) of the server idle, then with
# OPEN keep-alive connections open at once, each having made one authenticated point read
# (so that every connection has been through authentication, the pool and the answer),
# then after a burst of scores requests. Default server settings (CICLO_THREADS=8,
# CICLO_POOL_SIZE=8) unless given in the environment.
# Then (issue 21) the RSS 2 s after that burst (the server gives free memory back once idle:
# target under 100 MB), and the peak RSS (VmHWM, reset first through clear_refs) of the
# import of a dense document of IMPORT_OBJECTIVES objectives (default 20,000; 0 skips it),
# the one of tests/integration/test_import.py (2 assignments, 4 phases, 4 indicators each,
# about 29 MB): target under 200 MiB.
# Target: under 64 MB at 1,000 connections; the last line prints the ratio to it.
#   OPEN=1000 IMPORT_OBJECTIVES=20000 sh bench/memory.sh
. "$(dirname "$0")/lib.sh"
bench_wait_quiet
OPEN=${OPEN:-1000}
bench_pg
set -- $(seed_plan MEMORY 20 2000 2 1)
ENTITY=$1 PLAN=$2 FIRST=$3 LAST=$4
READER=$(token reader "$ENTITY")
bench_serve CICLO_MAX_CONNECTIONS=$((OPEN + 100)) CICLO_CONNECTION_TIMEOUT=120 ${SERVER_ENV_EXTRA:-}
machine
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
threads() { awk '/Threads/ {print $2}' "/proc/$SERVER_PID/status"; }
idle=$(rss)
round_begin
python3 - "$HTTP_PORT" "$OPEN" "$READER" "$FIRST" "$LAST" "$SERVER_PID" >"$TMP/memory.out" <<'EOF'
import asyncio, random, sys
port, n, token, first, last, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]

def rss():
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmRSS"):
            return int(line.split()[1])

async def one(i, opened, hold):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write(("GET /v1/objectives/%d HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" %
             (random.randint(first, last), token)).encode())
    await w.drain()
    head = await r.readuntil(b"\r\n\r\n")
    length = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    await r.readexactly(length)
    ok = head.startswith(b"HTTP/1.1 200")
    opened.append(ok)
    await hold.wait()
    w.close()
    return ok

async def main():
    opened, hold = [], asyncio.Event()
    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(one(i, opened, hold)))
        if i % 50 == 49:
            await asyncio.sleep(0.01)
    while len(opened) < n:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    print("open %d %d %d" % (n, sum(opened), rss()))
    hold.set()
    await asyncio.gather(*tasks)

asyncio.run(main())
EOF
set -- $(cat "$TMP/memory.out")
open_ok=$3 at_open=$4
cat >"$TMP/scores.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $(token admin)"
EOF
DURATION=5 WRK_THREADS=1 WRK_TIMEOUT=10 run_wrk 8 "$TMP/scores.lua" "/v1/plans/$PLAN/scores" >/dev/null
after_scores=$(rss)
round_end
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
sleep 2
at_rest=$(rss)
IMPORT_OBJECTIVES=${IMPORT_OBJECTIVES:-20000}
import_line="import: skipped (IMPORT_OBJECTIVES=0)"
if [ "$IMPORT_OBJECTIVES" -gt 0 ]; then
  python3 - "$TMP/dense.json" "$IMPORT_OBJECTIVES" <<'EOF'
import json, sys
sys.path.insert(0, "tests/integration")
import test_import
doc = test_import.dense_document("DENSE", int(sys.argv[2]))
open(sys.argv[1], "w").write(json.dumps(doc, separators=(",", ":")))
EOF
  hwm() { awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status"; }
  echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null || true # VmHWM := VmRSS
  hwm0=$(hwm)
  round_begin
  post_import "$(token admin)" "$TMP/dense.json" >"$TMP/import.out"
  round_end
  hwm1=$(hwm)
  sleep 2
  set -- $(cat "$TMP/import.out")
  import_line="import of $IMPORT_OBJECTIVES dense objectives ($3 MB): answered $1 in $2 s; peak RSS $(mb "$hwm0") -> $(mb "$hwm1") MB, $(mb "$(rss)") MB 2 s later; ratio to the 200 MiB target $(fair_ratio "$hwm1" 204800) (<= 1 meets it) | $R_LOAD"
fi
echo "idle: $(mb "$idle") MB; $OPEN keep-alive connections open ($open_ok answered 200): $(mb "$at_open") MB ($(threads) threads); after 5 s of 8 concurrent scores of a 2,000-objective plan: $(mb "$after_scores") MB, $(mb "$at_rest") MB 2 s later (target under 100 MB)"
echo "$import_line"
echo "memory at $OPEN connections: $(mb "$at_open") MB (idle $(mb "$idle") MB); ratio to the 64 MB target $(fair_summary "$(ratio "$(mb "$at_open")" 64)") (<= 1 meets it)"
