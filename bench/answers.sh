#!/bin/sh
# answers.sh — peak resident memory (VmHWM, reset through clear_refs before each request) of
# the server while it answers one large read of a plan of OBJECTIVES objectives (default
# 100,000, 200 structures, 2 indicators and 1 phase each: bench/lib.sh seed_plan), with every
# answer held in memory (CICLO_SPOOL_BYTES=0) and with the default threshold (1 MiB: the
# answer's text goes to a temporary file, issue 21), the two servers one after the other in
# each round. Reads: the scores, the report as JSON, CSV, HTML and XLSX, the plan document, the
# export (READS="scores document" to choose). The client
# reads each answer whole as fast as it can; SLOW=1 makes it read 64 KiB every 10 ms instead,
# as a slow client would, which keeps an answer held in memory for its whole transfer.
#   OBJECTIVES=100000 ROUNDS=2 sh bench/answers.sh
. "$(dirname "$0")/lib.sh"
bench_wait_quiet
OBJECTIVES=${OBJECTIVES:-100000}
ROUNDS=${ROUNDS:-2}
bench_pg
set -- $(seed_plan ANSWERS 200 "$OBJECTIVES" 2 1)
PLAN=$2
ADMIN=$(token admin)
machine
hwm() { awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
# get PATH → "status bytes seconds", the whole answer read and dropped
get() {
  python3 - "$URL" "$ADMIN" "$1" "${SLOW:-0}" <<'EOF'
import http.client, sys, time, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
t0 = time.perf_counter()
c.request("GET", sys.argv[3], headers={"Authorization": "Bearer " + sys.argv[2]})
r = c.getresponse()
n = 0
while True:
    chunk = r.read(65536)
    if not chunk:
        break
    n += len(chunk)
    if sys.argv[4] == "1":
        time.sleep(0.01)
print("%d %d %.2f" % (r.status, n, time.perf_counter() - t0))
EOF
}
# READS: which reads of the plan (default all)
PATHS=
for read in ${READS:-scores report report?format=csv report?format=html report?format=xlsx document export}; do
  PATHS="$PATHS /v1/plans/$PLAN/$read"
done
: >"$TMP/answers.out"
r=1
while [ $r -le "$ROUNDS" ]; do
  for spool in 0 default; do
    if [ "$spool" = 0 ]; then bench_serve CICLO_SPOOL_BYTES=0; else bench_serve; fi
    get "/v1/plans/$PLAN/scores" >/dev/null # warm: the first read of a plan pays PostgreSQL's cache
    for p in $PATHS; do
      sleep 1
      echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null || true # VmHWM := VmRSS
      before=$(rss)
      round_begin
      res=$(get "$p")
      round_end
      echo "round $r spool=$spool $p: $res; peak RSS $(awk -v a="$before" -v b="$(hwm)" 'BEGIN {printf "%.1f -> %.1f MB", a / 1024, b / 1024}') | $R_LOAD" |
        tee -a "$TMP/answers.out"
    done
    bench_stop_server
  done
  r=$((r + 1))
done
python3 - "$TMP/answers.out" <<'EOF'
import re, sys, collections
peak = collections.defaultdict(list)
for line in open(sys.argv[1]):
    m = re.match(r"round \d+ spool=(\S+) (\S+): \d+ \d+ [\d.]+; peak RSS [\d.]+ -> ([\d.]+) MB", line)
    if m:
        peak[(m.group(2), m.group(1))].append(float(m.group(3)))
parts = []
for path in dict.fromkeys(k[0] for k in peak):
    name = path.split("/")[-1]
    a, b = min(peak[(path, "0")] or [0]), min(peak[(path, "default")] or [0])
    parts.append("%s %.0f -> %.0f MB" % (name, a, b))
print("peak RSS of one answer, in memory -> from a file (least of the rounds): " + "; ".join(parts))
EOF
