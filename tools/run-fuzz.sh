#!/bin/sh
# run-fuzz.sh — runs libFuzzer binaries for a while each, on a copy of their corpus.
#
# usage: sh tools/run-fuzz.sh SECONDS BIN...
# Each BIN (e.g. build/fuzz/fuzz_formula) runs for SECONDS with the seeds of
# fuzz/corpus/<name>/ copied to a temporary directory, so the repository is
# never modified. Exits non-zero when any target finds a crash (the reproducer
# is kept in the temporary directory, whose path is printed).
set -u
if [ $# -lt 2 ]; then
    echo "usage: sh tools/run-fuzz.sh SECONDS BIN..." >&2
    exit 2
fi
secs=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ciclo-fuzz.XXXXXX")
status=0
for bin in "$@"; do
    name=$(basename "$bin")
    corpus="$work/$name/corpus"
    artifacts="$work/$name/artifacts/"
    mkdir -p "$corpus" "$artifacts"
    if [ -d "$root/fuzz/corpus/$name" ]; then
        cp -R "$root/fuzz/corpus/$name/." "$corpus/" 2>/dev/null || true
    fi
    printf '%s: %ss ... ' "$name" "$secs"
    if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts" "$corpus" >"$work/$name/log" 2>&1; then
        runs=$(grep -Eo 'Done [0-9]+ runs' "$work/$name/log" | tail -1)
        echo "ok (${runs:-done})"
    else
        echo "CRASH: see $work/$name/log and $artifacts"
        tail -30 "$work/$name/log" >&2
        status=1
    fi
done
if [ "$status" -eq 0 ]; then
    rm -rf "$work"
fi
exit "$status"
