# shellcheck shell=bash
# Shared by scripts/interop-quickfix.sh and scripts/bench-fix.sh: QuickFIX C++ from Debian, its executor
# example built from libquickfix-doc, and small process/port helpers. Source it; it defines functions only.
# The caller defines log().

# Installs libquickfix-dev, libquickfix-doc and g++ when missing.
qf_install() {
    local missing=() p status
    for p in libquickfix-dev libquickfix-doc g++; do
        status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
        [ "$status" = "install ok installed" ] || missing+=("$p")
    done
    if ((${#missing[@]})); then
        log "installing ${missing[*]}"
        local SUDO=""
        [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO apt-get update -qq
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
    fi
}

# QuickFIX 1.15 headers use dynamic exception specifications: C++14 is the newest standard that allows them.
QF_CXXFLAGS=(-std=gnu++14 -O2 -Wno-deprecated -Wno-deprecated-declarations)
QF_LIBS=(-lquickfix -lpthread)

# Builds QuickFIX's C++ executor example into $1/executor (the sources ship in libquickfix-doc, partly gzipped).
qf_build_executor() {
    local dir=$1 f
    mkdir -p "$dir"
    local files
    files="$(dpkg -L libquickfix-doc | grep -E '/examples/executor/C\+\+/(executor\.cpp|Application\.cpp|Application\.h)(\.gz)?$' || true)"
    [ -n "$files" ] || { log "QuickFIX executor example sources not found in libquickfix-doc"; return 1; }
    while IFS= read -r f; do
        case "$f" in
            *.gz) gunzip -c "$f" > "$dir/$(basename "${f%.gz}")" ;;
            *) cp "$f" "$dir/" ;;
        esac
    done <<< "$files"
    for f in executor.cpp Application.cpp Application.h; do
        [ -s "$dir/$f" ] || { log "QuickFIX example file $f missing from libquickfix-doc"; return 1; }
    done
    : > "$dir/config.h"   # the example includes the QuickFIX build's config.h; nothing in it is needed
    g++ "${QF_CXXFLAGS[@]}" -I"$dir" -o "$dir/executor" "$dir/executor.cpp" "$dir/Application.cpp" "${QF_LIBS[@]}"
}

# A TCP port on 127.0.0.1 that nothing listens on (and not handed out twice in this run).
USED_PORTS=" "
free_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 40000))
        case "$USED_PORTS" in *" $p "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            USED_PORTS+="$p "
            echo "$p"
            return 0
        fi
    done
    log "no free port found"
    return 1
}

# start_on_free_port START_FN: calls `START_FN PORT` (which starts a server on PORT in the background and sets
# STARTED_PID) with a free port until the server listens there, up to 5 ports. A port probed free can be taken by
# another process before the server binds it (QuickFIX cannot be told to pick its own); the server then exits, and
# the next port is tried. Sets STARTED_PORT.
start_on_free_port() {
    local fn=$1
    for _ in 1 2 3 4 5; do
        STARTED_PORT="$(free_port)" || return 1
        "$fn" "$STARTED_PORT"
        # Listening, and still alive a moment later: not another process's listener while ours failed to bind.
        if wait_for_port "$STARTED_PORT" "$STARTED_PID" && sleep 0.3 && kill -0 "$STARTED_PID" 2>/dev/null; then
            return 0
        fi
        stop "$STARTED_PID"
        log "the server did not listen on port $STARTED_PORT (taken by another process?); trying another port"
    done
    return 1
}

# Waits until something listens on 127.0.0.1:$1 while process $2 is alive.
wait_for_port() {
    local port=$1 pid=$2
    for _ in $(seq 1 200); do
        kill -0 "$pid" 2>/dev/null || return 1
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    return 1
}

# Waits until file $1 contains $2 while process $3 is alive.
wait_for_line() {
    local file=$1 text=$2 pid=$3
    for _ in $(seq 1 200); do
        grep -q "$text" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

stop() {
    local pid=$1
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
}

