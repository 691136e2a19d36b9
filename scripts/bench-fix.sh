#!/usr/bin/env bash
# End-to-end FIX benchmark: vega-oms (release build, fresh database, whole pipeline, paper broker, SQLite
# store) against QuickFIX C++'s executor example (file store) as the reference, both driven by
# ../shared/tools/fixload on this machine in the same run, so that the ratio holds on a noisy machine.
#
#   throughput: --window 200, COUNT orders        latency: --rate 5000, RATE_COUNT orders
#
# usage: scripts/bench-fix.sh
# environment:
#   COUNT=200000        orders in each throughput run
#   RATE_COUNT=50000    orders in each --rate 5000 run
#   RUNS=3              runs of each measurement (medians are printed)
#   DURABILITY="full normal"   vega-oms --durability values to measure
#   SCRATCH=.build-release     SwiftPM scratch path of the release build
#   KEEP_TMP=0          1: keep the temporary folder
# Prints one JSON line per run and a summary table (medians) at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
COUNT="${COUNT:-200000}"
RATE_COUNT="${RATE_COUNT:-50000}"
RUNS="${RUNS:-3}"
DURABILITY="${DURABILITY:-full normal}"
SCRATCH="${SCRATCH:-.build-release}"
KEEP_TMP="${KEEP_TMP:-0}"
FIXLOAD_SRC="$ROOT/../shared/tools/fixload"
log() { echo "bench: $*" >&2; }

# shellcheck source=scripts/lib/quickfix.sh
. "$ROOT/scripts/lib/quickfix.sh"   # free ports, start_on_free_port, stop
# shellcheck source=scripts/lib/vega.sh
. "$ROOT/scripts/lib/vega.sh"       # vega_start
qf_install

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vega-bench.XXXXXX")"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do stop "$pid"; done
    if [ "$KEEP_TMP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building vega-oms (release, --scratch-path $SCRATCH)"
swift build -c release --product vega-oms --scratch-path "$SCRATCH" >&2
VEGA="$ROOT/$SCRATCH/release/vega-oms"
log "building fixload and fixecho"
make -s -C "$FIXLOAD_SRC" OUT="$WORK/fixload" >&2
FIXLOAD="$WORK/fixload/fixload"
log "building the QuickFIX executor example"
qf_build_executor "$WORK/qf" >&2

# The paper market stands still (volatility 0) at RELIANCE's band midpoint, 1542.30: fixload's buys and
# sells at that price both fill, so every order gets PendingNew, New and Fill and no position or open-order
# count grows. Account CLIENT1 is the demo client with seeded risk limits (the whole pipeline runs).
ORDER=(--symbols RELIANCE --price 1542.30 --qty 1 --account CLIENT1 --extra '207=NSE|5001=MIS')

RESULTS="$WORK/results.txt"
: > "$RESULTS"
run_fixload() {   # run_fixload NAME PORT SENDER TARGET AUTH... -- PACING...
    local name=$1 port=$2 sender=$3 target=$4
    shift 4
    local out
    out="$("$FIXLOAD" --port "$port" --sender "$sender" --target "$target" --reset "${ORDER[@]}" "$@" | tail -n 1)"
    echo "$name $out" | tee -a "$RESULTS"
}

start_quickfix() {   # sets QF_PID, QF_PORT
    start_on_free_port qf_executor_on || { log "QuickFIX executor did not start"; exit 1; }
    QF_PID=$STARTED_PID
    QF_PORT=$STARTED_PORT
}

qf_executor_on() {   # qf_executor_on PORT; sets STARTED_PID
    local port=$1
    local dir="$WORK/qf-run-$port"
    mkdir -p "$dir/store" "$dir/log"
    cat > "$dir/executor.cfg" <<CFG
[DEFAULT]
ConnectionType=acceptor
SocketAcceptHost=127.0.0.1
SocketAcceptPort=$port
SocketReuseAddress=Y
SocketNodelay=Y
FileStorePath=$dir/store
FileLogPath=$dir/log
StartTime=00:00:00
EndTime=00:00:00
UseDataDictionary=Y
DataDictionary=$ROOT/specs/FIX44.xml
ResetOnLogon=Y

[SESSION]
BeginString=FIX.4.4
SenderCompID=OMS
TargetCompID=CLIENT1
CFG
    "$WORK/qf/executor" "$dir/executor.cfg" > "$dir/out.txt" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}

VEGA_RUNS=0
start_vega() {   # start_vega DURABILITY; sets VEGA_PID, VEGA_PORT
    VEGA_RUNS=$((VEGA_RUNS + 1))
    local dir="$WORK/vega-run-$VEGA_RUNS"
    mkdir -p "$dir"
    vega_start "$VEGA" "$dir" --durability "$1" --paper-volatility-bps 0 || exit 1
    PIDS+=("$VEGA_PID")
    VEGA_PORT=$VEGA_FIX_PORT
}

for run in $(seq 1 "$RUNS"); do
    log "run $run/$RUNS: QuickFIX executor"
    start_quickfix
    run_fixload "quickfix:window200" "$QF_PORT" CLIENT1 OMS --window 200 --count "$COUNT"
    stop "$QF_PID"
    start_quickfix
    run_fixload "quickfix:rate5000" "$QF_PORT" CLIENT1 OMS --rate 5000 --count "$RATE_COUNT"
    stop "$QF_PID"
    for d in $DURABILITY; do
        log "run $run/$RUNS: vega-oms --durability $d"
        start_vega "$d"
        run_fixload "vega-$d:window200" "$VEGA_PORT" CLIENT1 VEGA --username CLIENT1 --password demo --window 200 --count "$COUNT"
        stop "$VEGA_PID"
        start_vega "$d"
        run_fixload "vega-$d:rate5000" "$VEGA_PORT" CLIENT1 VEGA --username CLIENT1 --password demo --rate 5000 --count "$RATE_COUNT"
        stop "$VEGA_PID"
    done
done

echo
echo "medians over $RUNS runs (orders/s at --window 200; p50/p99 µs at --rate 5000):"
python3 - "$RESULTS" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, js = line.split(" ", 1)
    rows.setdefault(name, []).append(json.loads(js))
def med(name, key):
    v = [r[key] for r in rows.get(name, []) if key in r]
    return statistics.median(v) if v else float("nan")
systems = sorted({n.split(":")[0] for n in rows}, key=lambda s: (s != "quickfix", s))
qf = med("quickfix:window200", "orders_per_s")
print(f"{'system':<14}{'orders/s':>12}{'x QuickFIX':>12}{'rate p50 us':>14}{'rate p99 us':>14}{'rejected':>10}")
for s in systems:
    t = med(f"{s}:window200", "orders_per_s")
    rej = sum(r.get("rejected", 0) for k in (f"{s}:window200", f"{s}:rate5000") for r in rows.get(k, []))
    print(f"{s:<14}{t:>12.0f}{t / qf:>12.2f}{med(f'{s}:rate5000', 'p50_us'):>14.1f}{med(f'{s}:rate5000', 'p99_us'):>14.1f}{rej:>10}")
PY
