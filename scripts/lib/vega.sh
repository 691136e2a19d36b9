# Shared by scripts/api-fuzz.sh and scripts/fix-fuzz.sh: a `vega-oms` on a fresh database and free ports.
# Needs scripts/lib/quickfix.sh sourced first (free_port, wait_for_line) and a `log` function.

# vega_binary BIN: the absolute path of BIN/vega-oms, built (`swift build --product vega-oms`) when missing.
vega_binary() {
    local bin=$1
    if [ ! -x "$bin/vega-oms" ]; then
        log "building vega-oms"
        swift build --product vega-oms >&2
    fi
    echo "$(cd "$bin" && pwd)/vega-oms"
}

# vega_start VEGA DIR: starts VEGA with its database and logs in DIR, seeded demo data, the paper broker; returns
# once its banner is out. Sets VEGA_PID, VEGA_HTTP_PORT and VEGA_FIX_PORT.
vega_start() {
    local vega=$1 dir=$2
    VEGA_HTTP_PORT="$(free_port)"
    VEGA_FIX_PORT="$(free_port)"
    "$vega" --db "$dir/vega_trade.db" --fix-port "$VEGA_FIX_PORT" --http-port "$VEGA_HTTP_PORT" --log-dir "$dir/log" \
        > "$dir/out.txt" 2> "$dir/err.txt" &
    VEGA_PID=$!
    wait_for_line "$dir/out.txt" "FIX 4.4 acceptor on port" "$VEGA_PID" \
        || { log "vega-oms did not start"; cat "$dir/err.txt" >&2; return 1; }
}
