#!/bin/sh
# run-integration.sh — starts a throwaway PostgreSQL and the real server, then runs the
# HTTP integration suite (tests/integration). Environment:
#   CICLO_BIN   the binary to test (default build/ciclo; check-asan uses build-asan/ciclo)
#   CICLO_WRAP  a command to run the server under (e.g. valgrind ...)
#   TESTS       a substring to select test names
set -eu
cd "$(dirname "$0")/.."
BIN=${CICLO_BIN:-build/ciclo}
TMP=$(mktemp -d /tmp/ciclo-it.XXXXXX)
chmod 755 "$TMP"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PGPORT=$(free_port)
cleanup() {
  sh tools/pg.sh stop "$TMP/pg" || true
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
OWNER_URL=$(PG_FSYNC=off sh tools/pg.sh start "$TMP/pg" "$PGPORT")
# migrations as the cluster's owner; the server (and the suite's ciclo commands) as the service
# role, which cannot rewrite the audit log (docs/SECURITY.md)
CICLO_SERVICE_ROLE=ciclo_service DATABASE_URL=$OWNER_URL "$BIN" migrate >/dev/null
URL=$(echo "$OWNER_URL" | sed 's|://ciclo@|://ciclo_service@|')
python3 tests/integration/run.py --bin "$BIN" --database-url "$URL" --owner-url "$OWNER_URL" --tmp "$TMP" \
  ${TESTS:+--filter "$TESTS"}
