#!/usr/bin/env bash
# Property-based tests of the REST API against its own OpenAPI document (specs/openapi.yaml) with Schemathesis:
# starts `vega-oms` (seeded demo data, paper broker) on a fresh database and ports of its own choosing, and sends it generated
# requests, valid and invalid, for every operation. Each answer must be no 5xx, carry a status, content type,
# headers and body the document lists for it, refuse what the schema rules out, and answer an undeclared
# method with 405 and `Allow`. Not checked: that every schema-valid request succeeds (a REST order for an unknown
# symbol is valid JSON and still a 422; cross-field rules such as "an option needs PutOrCall" are not in the
# schema).
#
# usage: scripts/api-fuzz.sh
# environment:
#   BIN=.build/debug    folder holding vega-oms (built with `swift build --product vega-oms` if missing)
#   EXAMPLES=50         generated cases per operation and phase
#   SEED=20261126       Schemathesis seed (a failure reproduces with the same seed)
#   KEEP_TMP=0          1: keep the temporary folder (database, logs, report)
# Installs Schemathesis 4.32.5 from PyPI (pip --user) when `st` is missing. Exits non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${BIN:-.build/debug}"
EXAMPLES="${EXAMPLES:-50}"
SEED="${SEED:-20261126}"
KEEP_TMP="${KEEP_TMP:-0}"
log() { echo "api-fuzz: $*" >&2; }

# shellcheck source=scripts/lib/quickfix.sh
. "$ROOT/scripts/lib/quickfix.sh"   # wait_for_line, stop
# shellcheck source=scripts/lib/vega.sh
. "$ROOT/scripts/lib/vega.sh"       # vega_binary, vega_start_in_tmp

if ! command -v st > /dev/null 2>&1; then
    log "installing schemathesis 4.32.5 (pip)"
    # --user where it is allowed (its scripts go to the user base's bin), else into the environment (a venv).
    python3 -m pip install --quiet --disable-pip-version-check --user 'schemathesis==4.32.5' >&2 \
        || python3 -m pip install --quiet --disable-pip-version-check 'schemathesis==4.32.5' >&2
    export PATH="$(python3 -m site --user-base)/bin:$PATH"
fi
ST="$(command -v st)" || { log "schemathesis (st) not found after installing it"; exit 1; }

VEGA="$(vega_binary "$BIN")"

vega_start_in_tmp api-fuzz "$VEGA" || exit 1

log "vega-oms on HTTP port $VEGA_HTTP_PORT; schemathesis, $EXAMPLES cases per operation, seed $SEED"
set +e
# One worker: Schemathesis 4.32's coverage phase is not thread-safe (it fails inside Python's `ast` with two).
# Run from the temporary folder: Schemathesis keeps its example database (.schemathesis/) in the current one.
(cd "$WORK" && "$ST" run "$ROOT/specs/openapi.yaml" --url "http://127.0.0.1:$VEGA_HTTP_PORT" --checks all \
    --exclude-checks positive_data_acceptance --max-examples "$EXAMPLES" --seed "$SEED" --workers 1 \
    --request-timeout 30 --no-color --report junit --report-dir "$WORK/report" > "$WORK/st.txt" 2>&1)
RC=$?
set -e
sed -n '/^=* *\(FAILURES\|ERRORS\) *=*$/,$p' "$WORK/st.txt"
tail -n 3 "$WORK/st.txt"
kill -0 "$VEGA_PID" 2>/dev/null || { log "vega-oms died during the run"; tail -n 20 "$WORK/err.txt" >&2; exit 1; }
if [ "$RC" -ne 0 ]; then
    log "FAILED (exit $RC); full output: $WORK/st.txt"
    KEEP_TMP=1
    exit 1
fi
log "passed"
