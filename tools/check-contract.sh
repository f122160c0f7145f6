#!/bin/sh
# check-contract.sh — `make check-contract` (part of `make test`): the API contract as a front end
# meets it (issue 18).
#   1. tools/lint-openapi.sh on openapi/openapi.yaml: no repeated key, Redocly's lint clean;
#   2. the lint refuses a copy of the document with a repeated key (so step 1 cannot pass by
#      accident);
#   3. openapi-typescript generates the client types (build/contract/api.d.ts) and
#      tools/contract/client.ts, which uses them for real calls, compiles with `tsc --strict`.
set -eu
cd "$(dirname "$0")/.."
out=${BUILD:-build}/contract
mkdir -p "$out"
bin=tools/contract/node_modules/.bin

sh tools/lint-openapi.sh openapi/openapi.yaml

# a document whose components.schemas repeats Problem must be refused
python3 - openapi/openapi.yaml "$out/duplicate.yaml" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"^    Problem:\n(?:(?:      .*)?\n)+", text, re.M)
assert m, "components.schemas.Problem not found"
open(sys.argv[2], "w", encoding="utf-8").write(text.replace(m.group(0), m.group(0) * 2, 1))
PY
if python3 tools/contract/duplicate_keys.py "$out/duplicate.yaml" 2>/dev/null; then
  echo "check-contract: the lint accepted a document with a repeated key" >&2
  exit 1
fi

# openapi-typescript: properties with a default stay optional in request bodies
"$bin/openapi-typescript" openapi/openapi.yaml --default-non-nullable false -o "$out/api.d.ts" >&2
# client.ts imports ./api: compile a copy beside the generated types
cp tools/contract/client.ts "$out/client.ts"
"$bin/tsc" --strict --noEmit --noUnusedLocals --target es2022 --module es2022 \
  --moduleResolution bundler --lib es2022,dom "$out/client.ts"
echo "check-contract: lint clean, TypeScript client compiles (tsc --strict)"
