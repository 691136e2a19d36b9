# shellcheck shell=bash
# Shared by scripts/api-fuzz.sh, scripts/fix-fuzz.sh and scripts/bench-fix.sh: a `vega-oms` on a fresh database
# and ports the system picks.
# Needs scripts/lib/quickfix.sh sourced first (wait_for_line, stop) and a `log` function.

# vega_binary BIN: the absolute path of BIN/vega-oms, built (`swift build --product vega-oms`) when missing.
vega_binary() {
    local bin=$1
    if [ ! -x "$bin/vega-oms" ]; then
        log "building vega-oms"
        swift build --product vega-oms >&2
    fi
    echo "$(cd "$bin" && pwd)/vega-oms"
}

# vega_start VEGA DIR [OPTION...]: starts VEGA (with OPTIONs) with its database and logs in DIR, seeded demo data,
# the paper broker, on ports the system picks (`--fix-port 0 --http-port 0`: no race with another process for a
# port chosen beforehand); returns once its banner is out (everything started, not merely a port bound). Sets
# VEGA_PID, VEGA_HTTP_PORT and VEGA_FIX_PORT (read from the banner).
vega_start() {
    local vega=$1 dir=$2
    shift 2
    "$vega" --db "$dir/vega_trade.db" --fix-port 0 --http-port 0 --log-dir "$dir/log" "$@" \
        > "$dir/out.txt" 2> "$dir/err.txt" &
    VEGA_PID=$!
    wait_for_line "$dir/out.txt" "HTTP API on port" "$VEGA_PID" \
        || { log "vega-oms did not start"; cat "$dir/err.txt" >&2; return 1; }
    VEGA_FIX_PORT="$(sed -n 's/^ *FIX 4.4 acceptor on port \([0-9]*\).*/\1/p' "$dir/out.txt")"
    VEGA_HTTP_PORT="$(sed -n 's/^ *HTTP API on port \([0-9]*\).*/\1/p' "$dir/out.txt")"
    [ -n "$VEGA_FIX_PORT" ] && [ -n "$VEGA_HTTP_PORT" ] \
        || { log "no ports in the banner of vega-oms"; cat "$dir/out.txt" >&2; return 1; }
}

# vega_start_in_tmp NAME VEGA: a temporary folder WORK (vega-NAME.XXXXXX) with VEGA started in it (vega_start);
# at exit the server is stopped and WORK removed, unless KEEP_TMP=1 (set it on a failure to keep the logs).
vega_start_in_tmp() {
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/vega-$1.XXXXXX")"
    VEGA_PID=""
    trap vega_cleanup EXIT
    vega_start "$2" "$WORK"
}

vega_cleanup() {
    [ -n "$VEGA_PID" ] && stop "$VEGA_PID"
    if [ "${KEEP_TMP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
