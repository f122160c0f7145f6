#!/bin/sh
# install-deps.sh — installs the Debian packages Ciclo needs to build, run and test,
# when any is missing. Needs root (or sudo) only when something must be installed.
set -eu
PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev libpq-dev libgnutls28-dev check \
libcjose-dev libcurl4-gnutls-dev libxlsxwriter-dev python3-jwt python3-cryptography python3-icalendar \
postgresql postgresql-client clang clang-format python3 python3-yaml python3-jsonschema curl openssl wrk \
libreoffice-calc-nogui chromium poppler-utils"
# libreoffice-calc-nogui: tests/integration/test_documents_xlsx.py opens the Relazione workbook as
# its readers do (soffice --headless --convert-to csv) and compares its figures with the JSON report.
# chromium, poppler-utils: tests/integration/test_documents.py prints the Piano and the Relazione to PDF
# (chromium --headless --print-to-pdf) and reads the pages back (pdfinfo, pdftotext).
# node and npm run the contract tools of tools/contract (make check-contract); a machine that has
# them from elsewhere (NodeSource's nodejs bundles npm) keeps its own.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
