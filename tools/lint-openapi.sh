#!/bin/sh
# lint-openapi.sh [FILE] — the strict lint of the OpenAPI document (default
# openapi/openapi.yaml), part of `make test` (tools/check-contract.sh):
#   1. no mapping repeats a key (tools/contract/duplicate_keys.py): YAML loaders disagree on
#      which of two equal keys counts, and openapi-typescript and Redocly refuse the file;
#   2. Redocly's lint with the rules of tools/contract/redocly.yaml, run from the version pinned
#      in tools/contract/package-lock.json (installed by tools/contract/install.sh).
# Exit status: 0 when both pass, non-zero otherwise.
set -eu
cd "$(dirname "$0")/.."
doc=${1:-openapi/openapi.yaml}
python3 tools/contract/duplicate_keys.py "$doc"
sh tools/contract/install.sh
tools/contract/node_modules/.bin/redocly lint --format=stylish --config tools/contract/redocly.yaml "$doc"
