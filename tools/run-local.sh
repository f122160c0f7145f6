#!/bin/sh
# run-local.sh — `make run`: a private PostgreSQL under ./var, migrations, the demo plans
# of examples/, an admin token, and the server in the foreground.
# With DATABASE_URL set, that database is used instead of the private one.
set -eu
cd "$(dirname "$0")/.."
BIN=build/ciclo
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(sh tools/pg.sh start var/pg "${CICLO_PG_PORT:-54329}")
  export DATABASE_URL
  trap 'sh tools/pg.sh stop var/pg' EXIT INT TERM
  echo "private PostgreSQL under ./var/pg ($DATABASE_URL)"
fi
"$BIN" migrate
export CICLO_LISTEN=${CICLO_LISTEN:-127.0.0.1:8080}
if [ -d examples ] && ls examples/*.json >/dev/null 2>&1 && "$BIN" 2>&1 | grep -q "ciclo import"; then
  # a file named *-rN.json with N > 1 is revision N of the plan of *-r1.json (Caluso 2022:
  # adopted by G.C. 8/2022, revised by G.C. 100/2022): it is loaded after the plans, as the
  # next revision of its adopted plan (`ciclo import --revise`)
  for f in examples/*.json; do
    case "$f" in *-r[2-9].json) continue ;; esac
    "$BIN" import "$f" >/dev/null 2>&1 && echo "demo plan loaded: $f" || echo "demo plan $f: already loaded or not importable (see '$BIN import $f')"
  done
  for f in examples/*-r[2-9].json; do
    [ -f "$f" ] || continue
    "$BIN" import --revise "$f" >/dev/null 2>&1 && echo "demo plan revision loaded: $f" || echo "demo plan revision $f: already loaded or not applicable (see '$BIN import --revise $f')"
  done
fi
TOKEN=$("$BIN" token create --role admin --name "make run" | tail -n 1)
cat <<MSG

Ciclo is starting on http://$CICLO_LISTEN  (stop it with Ctrl-C)
Admin token (shown once): $TOKEN

Try:
  curl -s -H "Authorization: Bearer $TOKEN" http://$CICLO_LISTEN/v1/plans

MSG
"$BIN" serve
