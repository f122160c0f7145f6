#!/bin/sh
# load-demo.sh [BIN] — loads the demo plans of examples/*.json into $DATABASE_URL with
# `ciclo import` (what `make run` does; tests/integration/test_readme.py does the same).
# A file named *-rN.json with N > 1 is revision N of the plan of *-r1.json (Caluso 2022:
# adopted by G.C. 8/2022, revised by G.C. 100/2022): it is loaded after the plans, as the
# next revision of its adopted plan (`ciclo import --revise`). A plan already loaded is
# reported and skipped, so running it again is harmless. examples/piao/ holds the PIAO example.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:-build/ciclo}
for f in examples/*.json examples/piao/*.json; do
  case "$f" in *-r[2-9].json) continue ;; esac
  "$BIN" import "$f" >/dev/null 2>&1 && echo "demo plan loaded: $f" || echo "demo plan $f: already loaded or not importable (see '$BIN import $f')"
done
for f in examples/*-r[2-9].json; do
  [ -f "$f" ] || continue
  "$BIN" import --revise "$f" >/dev/null 2>&1 && echo "demo plan revision loaded: $f" || echo "demo plan revision $f: already loaded or not applicable (see '$BIN import --revise $f')"
done
