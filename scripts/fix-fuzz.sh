#!/usr/bin/env bash
# Mutation fuzzing of the FIX acceptor through a real socket (scripts/fix_fuzz.py): starts `vega-oms` on a fresh
# database on ports of its own choosing, sends it thousands of mutated messages as the demo client, then checks that the server
# is alive, `/health` answers, nothing it sent was malformed and a clean order is still answered.
#
# usage: scripts/fix-fuzz.sh
# environment:
#   BIN=.build/debug    folder holding vega-oms (built with `swift build --product vega-oms` if missing)
#   COUNT=3000          messages per seed
#   SEEDS="1 2 3"       one run (a fresh connection, the same server) per seed; a failure reproduces with its seed
#   KEEP_TMP=0          1: keep the temporary folder (database, FIX logs)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${BIN:-.build/debug}"
COUNT="${COUNT:-3000}"
SEEDS="${SEEDS:-1 2 3}"
KEEP_TMP="${KEEP_TMP:-0}"
log() { echo "fix-fuzz: $*" >&2; }

# shellcheck source=scripts/lib/quickfix.sh
. "$ROOT/scripts/lib/quickfix.sh"   # wait_for_line, stop
# shellcheck source=scripts/lib/vega.sh
. "$ROOT/scripts/lib/vega.sh"       # vega_binary, vega_start_in_tmp

VEGA="$(vega_binary "$BIN")"

vega_start_in_tmp fix-fuzz "$VEGA" || exit 1

FAILED=0
for seed in $SEEDS; do
    log "seed $seed: $COUNT messages to port $VEGA_FIX_PORT"
    if ! timeout 600 python3 scripts/fix_fuzz.py "$VEGA_FIX_PORT" "$COUNT" "$seed"; then
        log "seed $seed FAILED"
        FAILED=1
    fi
    if ! kill -0 "$VEGA_PID" 2>/dev/null; then
        log "vega-oms died (seed $seed)"; tail -n 30 "$WORK/err.txt" >&2; KEEP_TMP=1; exit 1
    fi
done
if ! python3 -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:$VEGA_HTTP_PORT/health', timeout=5).read() == b'ok' else 1)"; then
    log "/health did not answer ok"; FAILED=1
fi
if [ "$FAILED" -ne 0 ]; then KEEP_TMP=1; exit 1; fi
log "passed"
