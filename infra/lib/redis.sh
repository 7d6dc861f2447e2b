# shellcheck shell=bash
# infra/lib/redis.sh: a private redis-server (sourced by services.sh).
#
# Started directly (not through Debian's init script/systemd unit, which
# would use the system config and port 6379). Cache only: no persistence, so
# stop/start is instant; the test suite stops and restarts it to test outages.

REDIS_DATA="$INDIMAJ_STATE_DIR/redis"
REDIS_PIDFILE="$RUN_DIR/redis.pid"
REDIS_LOG="$LOG_DIR/redis.log"

redis_ensure_installed() {
    command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
    apt_ensure "${PKGS_REDIS[@]}"
}

redis_pid() {
    live_pid_from_file "$REDIS_PIDFILE" redis-server
}

redis_cli() {
    redis-cli -h 127.0.0.1 -p "$INDIMAJ_REDIS_PORT" "$@"
}

redis_ping() {
    [[ "$(redis_cli ping 2>/dev/null)" == PONG ]]
}

redis_url() {
    printf 'redis://127.0.0.1:%s/0' "$INDIMAJ_REDIS_PORT"
}

redis_start() {
    redis_ensure_installed
    if redis_pid >/dev/null; then
        status_line redis up "already running: $(redis_url)"
        return 0
    fi
    ensure_port_free redis "$INDIMAJ_REDIS_PORT" INDIMAJ_REDIS_PORT
    rm -f "$REDIS_PIDFILE"
    install -d -m 700 "$REDIS_DATA"
    rotate_log "$REDIS_LOG"
    # All config on the command line (no config file): nothing to keep in
    # sync, and a changed port applies at the next start.
    # --daemonize: redis forks, writes its pid file and closes our stdio.
    redis-server \
        --port "$INDIMAJ_REDIS_PORT" \
        --bind 127.0.0.1 \
        --protected-mode yes \
        --daemonize yes \
        --dir "$REDIS_DATA" \
        --pidfile "$REDIS_PIDFILE" \
        --logfile "$REDIS_LOG" \
        --appendonly no \
        --save '' ||
        die_with_log "$REDIS_LOG" "redis: redis-server failed to start"
    if ! wait_until 15 redis_ping; then
        die_with_log "$REDIS_LOG" "redis: no PONG on 127.0.0.1:$INDIMAJ_REDIS_PORT within 15 s"
    fi
    status_line redis up "$(redis_url)"
}

redis_stop() {
    local pid
    if ! pid=$(redis_pid); then
        rm -f "$REDIS_PIDFILE"
        status_line redis down "not running"
        return 0
    fi
    # nosave: nothing to persist, and it makes shutdown immediate.
    redis_cli shutdown nosave >/dev/null 2>&1 || true
    if ! wait_until 10 pid_gone "$pid"; then
        warn "redis: 'shutdown nosave' did not stop pid $pid within 10 s, killing it"
        terminate_pid redis "$pid" 5
    fi
    rm -f "$REDIS_PIDFILE"
    status_line redis down "stopped"
}

redis_status() {
    if redis_pid >/dev/null && redis_ping; then
        status_line redis up "$(redis_url)"
        return 0
    fi
    if redis_pid >/dev/null; then
        status_line redis down "process running but no PONG on 127.0.0.1:$INDIMAJ_REDIS_PORT: see $REDIS_LOG"
    else
        status_line redis down "not running"
    fi
    return 1
}
