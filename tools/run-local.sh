#!/bin/sh
# run-local.sh — `make run`: a private PostgreSQL under ./var, migrations, the demo plans
# of examples/ with their illustrative monitoring (examples/monitoring/, made-up values loaded
# through the ERP feeds once the server answers), an admin token (kept in var/admin-token, mode
# 0600, and shown again on every run), and the server until Ctrl-C.
# With DATABASE_URL set, that database is used instead of the private one.
set -eu
cd "$(dirname "$0")/.."
BIN=build/ciclo
SERVER=
PRIVATE_PG=
# On exit (Ctrl-C included): stop the server gracefully, then the private PostgreSQL.
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  if [ -n "$PRIVATE_PG" ]; then sh tools/pg.sh stop var/pg; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "${DATABASE_URL:-}" ]; then
  OWNER_URL=$(sh tools/pg.sh start var/pg "${CICLO_PG_PORT:-54329}")
  PRIVATE_PG=1
  # migrations as the owner; everything else as ciclo_service, a role that may only append to
  # the audit log (docs/SECURITY.md)
  CICLO_SERVICE_ROLE=ciclo_service DATABASE_URL=$OWNER_URL "$BIN" migrate
  DATABASE_URL=$(echo "$OWNER_URL" | sed 's|://ciclo@|://ciclo_service@|')
  export DATABASE_URL
  echo "private PostgreSQL under ./var/pg (the service connects as $DATABASE_URL)"
else
  "$BIN" migrate
fi
export CICLO_LISTEN=${CICLO_LISTEN:-127.0.0.1:8080}
if [ -d examples ] && ls examples/*.json >/dev/null 2>&1 && "$BIN" 2>&1 | grep -q "ciclo import"; then
  sh tools/load-demo.sh "$BIN"
fi
"$BIN" serve &
SERVER=$!
ready=0
for _ in $(seq 1 100); do
  if curl -sf "http://$CICLO_LISTEN/readyz" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$SERVER" 2>/dev/null || break
  sleep 0.2
done
[ "$ready" = 1 ] || { echo "the server did not answer at http://$CICLO_LISTEN/readyz" >&2; exit 1; }
# the admin token is kept in var/admin-token (mode 0600) and shown again on every run
TOKEN=$(sh tools/admin-token.sh var/admin-token "http://$CICLO_LISTEN" "$BIN")
if [ -f examples/monitoring/monitoring.json ]; then
  # ILLUSTRATIVE monitoring at 30/06 and 31/12 (made-up values, not real results): see examples/monitoring/
  python3 tools/load-monitoring.py "http://$CICLO_LISTEN" "$TOKEN" examples/monitoring || echo "illustrative monitoring not loaded (see above)"
fi
cat <<MSG

Ciclo serves on http://$CICLO_LISTEN  (stop it with Ctrl-C)
Admin token: $TOKEN
  (kept in var/admin-token, readable by you only; the same one on every run)

Try:
  curl -s -H "Authorization: Bearer $TOKEN" http://$CICLO_LISTEN/v1/plans

The example plans carry an ILLUSTRATIVE monitoring at 30/06 and 31/12 (made-up values, not the
administrations' results; examples/monitoring/README.md). A plan's scores at the end of its year:
  curl -s -H "Authorization: Bearer $TOKEN" "http://$CICLO_LISTEN/v1/plans/{id}/scores?as_of={year}-12-31"

MSG
wait "$SERVER"
