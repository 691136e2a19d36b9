#!/usr/bin/env bash
# Interop with QuickFIX C++ (Debian's libquickfix-dev; examples from libquickfix-doc), both directions:
#   (a) QuickFIX's own `executor` example (acceptor)  <- `fix-interop order-client` (Vega initiator)
#   (b) `fix-interop executor` (Vega acceptor)         <- scripts/interop/qf_order_client.cpp (QuickFIX initiator)
#   (c) QuickFIX's own `executor` example (acceptor)  <- `fix-interop venue-client` (Vega's FIXVenueBroker adapter)
# In each, the initiator logs on (FIX 4.4, ResetOnLogon=Y), sends COUNT limit NewOrderSingle and waits for a
# filled ExecutionReport (150=F, 39=2) matching each order, then logs out. In (c) the orders go through the
# BrokerAdapter API (place) and the check is on the adapter's events: acknowledged, then fills adding up to
# each order's quantity at its limit price.
#
# usage: scripts/interop-quickfix.sh
# environment:
#   BIN=.build/debug      folder holding fix-interop (built with `swift build --product fix-interop` if missing)
#   SWIFT_BUILD_ARGS=     extra arguments for that build, e.g. "--scratch-path .build-interop"
#   COUNT=10              orders per direction
#   TIMEOUT=30            seconds each initiator waits for logon and all fills
#   HEARTBTINT=30         HeartBtInt each initiator sends on Logon
#   HOLD=0                seconds each initiator stays logged on after the last fill (e.g. HEARTBTINT=1 HOLD=5
#                         to see heartbeats cross both ways) before logging out
#   KEEP_TMP=0            1: keep the temporary folder (configs, logs, QuickFIX binaries) even on success
# Ends with "interop: N passed, M failed"; exits non-zero if any direction failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="${BIN:-.build/debug}"
SWIFT_BUILD_ARGS="${SWIFT_BUILD_ARGS:-}"
COUNT="${COUNT:-10}"
TIMEOUT="${TIMEOUT:-30}"
HEARTBTINT="${HEARTBTINT:-30}"
HOLD="${HOLD:-0}"
KEEP_TMP="${KEEP_TMP:-0}"
DICT="$ROOT/specs/FIX44.xml"
# Hard limit for each initiator process, past its own TIMEOUT (it should never be reached).
HARD_LIMIT="$(awk -v t="$TIMEOUT" -v h="$HOLD" 'BEGIN { print t + h + 30 }')"

log() { echo "interop: $*" >&2; }

# shellcheck source=scripts/lib/quickfix.sh
. "$ROOT/scripts/lib/quickfix.sh"
qf_install

# --- fix-interop ----------------------------------------------------------------------------------------
# Built when missing, or when it is an old build without the executor, order-client and venue-client subcommands.
if [ ! -x "$BIN/fix-interop" ] || ! "$BIN/fix-interop" venue-client --help > /dev/null 2>&1; then
    log "building fix-interop (swift build --product fix-interop $SWIFT_BUILD_ARGS)"
    # shellcheck disable=SC2086
    swift build --product fix-interop $SWIFT_BUILD_ARGS
fi
"$BIN/fix-interop" venue-client --help > /dev/null 2>&1 || { log "no usable fix-interop in $BIN (set BIN to the build folder)"; exit 1; }
FIX_INTEROP="$(cd "$BIN" && pwd)/fix-interop"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vega-interop.XXXXXX")"
PIDS=()
FAILED=0
cleanup() {
    local rc=$?
    for pid in "${PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    if [ "$KEEP_TMP" = 1 ] || [ "$FAILED" -ne 0 ] || [ "$rc" -ne 0 ]; then
        log "logs and configs kept in $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Build QuickFIX's executor example and our QuickFIX order client -------------------------------------
log "building QuickFIX executor example and qf_order_client"
qf_build_executor "$WORK/qf/executor"
g++ "${QF_CXXFLAGS[@]}" -o "$WORK/qf/qf_order_client" "$ROOT/scripts/interop/qf_order_client.cpp" "${QF_LIBS[@]}"

show_tail() {
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        echo "----- $f (last 20 lines)" >&2
        tail -n 20 "$f" | tr '\001' '|' >&2
    done
}

PASSED=0
result() {   # result NAME OK(0/1) SUMMARY
    if [ "$2" -eq 0 ]; then
        PASSED=$((PASSED + 1))
        echo "interop: ($1) PASS: $3"
    else
        FAILED=$((FAILED + 1))
        echo "interop: ($1) FAIL: ${3:-no summary}"
    fi
}

# --- QuickFIX executor <- a Vega initiator (directions a and c) -------------------------------------------
# against_qf_executor NAME LABEL SUBCOMMAND SUMMARY_REGEX [extra fix-interop options...]
# Starts QuickFIX's executor (EXECUTOR for VEGA) on a free port and runs `fix-interop SUBCOMMAND` against it.
against_qf_executor() {
    local name=$1 label=$2 sub=$3 pattern=$4
    shift 4
    local dir="$WORK/$name" port pid ok=1 summary=""
    mkdir -p "$dir/store" "$dir/log"
    QF_DIR=$dir
    if start_on_free_port qf_executor_on; then
        port=$STARTED_PORT
        pid=$STARTED_PID
        log "($name) QuickFIX executor on 127.0.0.1:$port <- fix-interop $sub, $COUNT orders"
        if timeout "$HARD_LIMIT" "$FIX_INTEROP" "$sub" --host 127.0.0.1 --port "$port" --sender VEGA --target EXECUTOR \
            --count "$COUNT" --timeout "$TIMEOUT" --heart-bt-int "$HEARTBTINT" "$@" \
            --dictionary "$DICT" --log-dir "$dir/vega-log" \
            > "$dir/$sub.out" 2> "$dir/$sub.err"; then
            ok=0
        fi
        summary="$(grep -E "$pattern" "$dir/$sub.out" | tail -n 1 || true)"
        stop "$pid"
    else
        summary="QuickFIX executor did not start listening (5 ports tried)"
    fi
    result "$name" "$ok" "$label: $summary"
    if [ "$ok" -ne 0 ]; then
        show_tail "$dir/$sub.err" "$dir/executor.out" "$dir"/vega-log/*.messages.log "$dir"/vega-log/*.event.log
    fi
}

# qf_executor_on PORT: QuickFIX's executor (EXECUTOR for VEGA) on PORT with its files in QF_DIR; sets STARTED_PID.
qf_executor_on() {
    local port=$1 dir=$QF_DIR
    cat > "$dir/executor.cfg" <<EOF
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
DataDictionary=$DICT
ResetOnLogon=Y

[SESSION]
BeginString=FIX.4.4
SenderCompID=EXECUTOR
TargetCompID=VEGA
EOF
    "$WORK/qf/executor/executor" "$dir/executor.cfg" > "$dir/executor.out" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}

# --- (a) QuickFIX executor <- Vega order-client -----------------------------------------------------------
against_qf_executor a "QuickFIX executor <- Vega order-client" order-client '^sent [0-9]+ orders' --hold "$HOLD"

# --- (b) Vega executor <- QuickFIX qf_order_client ------------------------------------------------------
B="$WORK/b"
mkdir -p "$B/store" "$B/log"
# The executor binds a port the system picks (--port 0) and prints it: no race for a port probed beforehand.
"$FIX_INTEROP" executor --host 127.0.0.1 --port 0 --sender VEGA --target QFCLIENT \
    --dictionary "$DICT" --log-dir "$B/vega-log" > "$B/executor.out" 2> "$B/executor.err" &
VEGA_EXECUTOR=$!
PIDS+=("$VEGA_EXECUTOR")
ok=1
summary=""
if wait_for_line "$B/executor.out" "listening on" "$VEGA_EXECUTOR"; then
    PORT_B="$(sed -n 's/.* listening on [^ ]*:\([0-9]*\) .*/\1/p' "$B/executor.out" | head -n 1)"
    log "(b) fix-interop executor on 127.0.0.1:$PORT_B <- QuickFIX qf_order_client, $COUNT orders"
    cat > "$B/client.cfg" <<EOF
[DEFAULT]
ConnectionType=initiator
SocketConnectHost=127.0.0.1
SocketConnectPort=$PORT_B
FileStorePath=$B/store
FileLogPath=$B/log
StartTime=00:00:00
EndTime=00:00:00
HeartBtInt=$HEARTBTINT
ReconnectInterval=1
SocketNodelay=Y
ResetOnLogon=Y
UseDataDictionary=Y
DataDictionary=$DICT

[SESSION]
BeginString=FIX.4.4
SenderCompID=QFCLIENT
TargetCompID=VEGA
EOF
    if timeout "$HARD_LIMIT" "$WORK/qf/qf_order_client" "$B/client.cfg" "$COUNT" "$TIMEOUT" "$HOLD" > "$B/qf-client.out" 2> "$B/qf-client.err"; then
        ok=0
    fi
    summary="$(grep -E '^sent [0-9]+ orders' "$B/qf-client.out" | tail -n 1 || true)"
else
    summary="fix-interop executor did not start listening"
fi
stop "$VEGA_EXECUTOR"
result b "$ok" "Vega executor <- QuickFIX qf_order_client: $summary"
if [ "$ok" -ne 0 ]; then
    show_tail "$B/qf-client.err" "$B/executor.err" "$B"/log/*messages*.log "$B"/vega-log/*.event.log
fi

# --- (c) QuickFIX executor <- Vega FIXVenueBroker (venue-client) -----------------------------------------
against_qf_executor c "QuickFIX executor <- Vega FIXVenueBroker" venue-client '^placed [0-9]+ orders'

echo "interop: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
