#!/bin/sh
# install.sh — installs the contract tools pinned by package-lock.json (Redocly CLI,
# openapi-typescript, TypeScript) into tools/contract/node_modules (not committed), from the npm
# registry with `npm ci`, unless that folder already holds exactly this lock. Needs node and npm
# (tools/install-deps.sh installs them).
set -eu
cd "$(dirname "$0")"
command -v npm >/dev/null 2>&1 || { echo "contract: npm is not installed (make deps)" >&2; exit 2; }
if [ -f node_modules/.ciclo-lock ] && cmp -s package-lock.json node_modules/.ciclo-lock; then
  exit 0
fi
echo "contract: npm ci (tools/contract/package-lock.json)" >&2
npm ci --no-audit --no-fund --loglevel=error >&2
cp package-lock.json node_modules/.ciclo-lock
