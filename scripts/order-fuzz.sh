#!/usr/bin/env bash
# Model-based fuzzing of the order flow through real sockets (scripts/order_fuzz.py): starts `vega-oms` on a fresh
# database (paper broker with moving prices and partial fills, so that orders rest, fill in parts, get replaced and
# cancelled), drives it with random well-formed orders, cancels, replaces and status requests as the demo client
# while the drop copy listens, checking every ExecutionReport against a model of the order; then kills the server
# with SIGKILL, starts it again on the same database (odd seeds: kills it once more during the start's recovery)
# and checks that nothing was lost.
#
# usage: scripts/order-fuzz.sh
# environment:
#   BIN=.build/debug    folder holding vega-oms (built with `swift build --product vega-oms` if missing)
#   COUNT=1500          requests per seed
#   SEEDS="1 2"         one server (fresh database), trade phase, stop and restart phase per seed (odd seeds: SIGKILL;
#                       even seeds: SIGTERM, and the paper broker answers after 3 ms)
#   PAPER_EXTRA=""      more paper-broker options for every seed (e.g. "--paper-latency-ms 20")
#   KEEP_TMP=0          1: keep the temporary folder (database, FIX logs)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${BIN:-.build/debug}"
COUNT="${COUNT:-1500}"
SEEDS="${SEEDS:-1 2}"
KEEP_TMP="${KEEP_TMP:-0}"
log() { echo "order-fuzz: $*" >&2; }

# shellcheck source=scripts/lib/quickfix.sh
. "$ROOT/scripts/lib/quickfix.sh"   # wait_for_line, stop
# shellcheck source=scripts/lib/vega.sh
. "$ROOT/scripts/lib/vega.sh"       # vega_binary, vega_start, vega_cleanup

VEGA="$(vega_binary "$BIN")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/vega-order-fuzz.XXXXXX")"
VEGA_PID=""
trap vega_cleanup EXIT
PAPER_EXTRA="${PAPER_EXTRA:-}"
# shellcheck disable=SC2206  # PAPER_EXTRA is split into options on purpose
PAPER=(--paper-max-fill 3 --paper-volatility-bps 25 $PAPER_EXTRA)

FAILED=0
for seed in $SEEDS; do
    dir="$WORK/seed-$seed"
    mkdir -p "$dir"
    # Even seeds: the paper broker answers after 3 ms, so that cancels and replaces meet orders still pending.
    if [ $((seed % 2)) -eq 0 ]; then PAPER+=(--paper-latency-ms 3); fi
    vega_start "$VEGA" "$dir" "${PAPER[@]}" || exit 1
    log "seed $seed: $COUNT requests to port $VEGA_FIX_PORT"
    # The trade phase ends by killing the server with SIGKILL while it works on a burst of orders.
    if ! timeout 600 python3 scripts/order_fuzz.py trade "$VEGA_FIX_PORT" "$VEGA_HTTP_PORT" "$seed" "$COUNT" \
        "$dir/model.json" "$VEGA_PID"; then
        log "seed $seed FAILED (trade)"; FAILED=1; stop "$VEGA_PID"; continue
    fi
    # Odd seeds were killed with SIGKILL, even ones stopped with SIGTERM (a graceful stop has 60 s).
    for _ in $(seq 1 600); do kill -0 "$VEGA_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$VEGA_PID" 2>/dev/null && log "seed $seed: vega-oms had not stopped 60 s after the signal" && FAILED=1
    wait "$VEGA_PID" 2>/dev/null || true
    log "seed $seed: stopped ($( [ $((seed % 2)) -eq 1 ] && echo SIGKILL || echo SIGTERM )), starting again on the same database"
    mv "$dir/out.txt" "$dir/out-before-kill.txt"
    vega_start "$VEGA" "$dir" "${PAPER[@]}" || { KEEP_TMP=1; exit 1; }
    if [ $((seed % 2)) -eq 1 ]; then
        # Odd seeds: killed again while the start recovers (open orders looked up at the broker, reports for
        # clients not logged on yet), then started a third time: recovery must survive a crash of its own.
        sleep "0.$((RANDOM % 5))"
        kill -9 "$VEGA_PID"; wait "$VEGA_PID" 2>/dev/null || true
        log "seed $seed: killed again (SIGKILL) during the start's recovery, starting a third time"
        mv "$dir/out.txt" "$dir/out-recovery-kill.txt"
        vega_start "$VEGA" "$dir" "${PAPER[@]}" || { KEEP_TMP=1; exit 1; }
    fi
    if ! timeout 300 python3 scripts/order_fuzz.py restart "$VEGA_FIX_PORT" "$VEGA_HTTP_PORT" "$dir/model.json"; then
        log "seed $seed FAILED (after the restart)"; FAILED=1
    fi
    stop "$VEGA_PID"
    VEGA_PID=""
    # shellcheck disable=SC2206
    PAPER=(--paper-max-fill 3 --paper-volatility-bps 25 $PAPER_EXTRA)
done
if [ "$FAILED" -ne 0 ]; then KEEP_TMP=1; exit 1; fi
log "passed"
