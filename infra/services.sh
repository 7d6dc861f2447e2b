#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# infra/services.sh: start/stop/check the services the project needs on a dev
# machine or in CI: PostgreSQL, Redis, an SMTP sink and Keycloak.
#
#   infra/services.sh start|stop|status|restart [postgres|redis|mail|keycloak|all]
#
# Nothing runs at boot on these machines, so every session/CI run calls
# `start`: it installs what is missing, is a no-op for a service already up,
# and fails with a message naming the log to read. `status` exits non-zero
# if any requested service is down. Settings: INDIMAJ_* variables, defaults
# in infra/lib/common.sh.
set -euo pipefail

LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
# shellcheck source=lib/common.sh
source "$LIB_DIR/common.sh"
# shellcheck source=lib/postgres.sh
source "$LIB_DIR/postgres.sh"
# shellcheck source=lib/redis.sh
source "$LIB_DIR/redis.sh"
# shellcheck source=lib/mail.sh
source "$LIB_DIR/mail.sh"
# shellcheck source=lib/keycloak.sh
source "$LIB_DIR/keycloak.sh"

# Start order: keycloak last, as it needs postgres. Stop runs it backwards.
ALL_SERVICES=(postgres redis mail keycloak)

usage() {
    cat >&2 <<EOF
usage: infra/services.sh start|stop|status|restart [postgres|redis|mail|keycloak|all]  (default: all)
EOF
    exit 2
}

reverse() {
    local i
    for ((i = $# ; i > 0 ; i--)); do printf '%s\n' "${!i}"; done
}

main() {
    local action="${1:-}" target="${2:-all}"
    [[ $# -le 2 ]] || usage
    local services=()
    case "$target" in
        all) services=("${ALL_SERVICES[@]}") ;;
        postgres | redis | mail | keycloak) services=("$target") ;;
        *) usage ;;
    esac

    local svc rc=0
    case "$action" in
        start)
            reserve_ports "$INDIMAJ_PG_PORT" "$INDIMAJ_REDIS_PORT" "$INDIMAJ_SMTP_PORT" \
                "$INDIMAJ_KC_PORT" "$INDIMAJ_KC_MGMT_PORT"
            for svc in "${services[@]}"; do "${svc}_start"; done
            ;;
        stop)
            for svc in $(reverse "${services[@]}"); do "${svc}_stop"; done
            ;;
        restart)
            for svc in $(reverse "${services[@]}"); do "${svc}_stop"; done
            reserve_ports "$INDIMAJ_PG_PORT" "$INDIMAJ_REDIS_PORT" "$INDIMAJ_SMTP_PORT" \
                "$INDIMAJ_KC_PORT" "$INDIMAJ_KC_MGMT_PORT"
            for svc in "${services[@]}"; do "${svc}_start"; done
            ;;
        status)
            for svc in "${services[@]}"; do "${svc}_status" || rc=1; done
            ;;
        *) usage ;;
    esac
    return "$rc"
}

SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"

# start/stop/restart run under a lock so two callers (a developer and the
# test suite restarting redis, say) cannot interleave. The script re-runs
# itself under `flock -o`: -o keeps the lock fd out of the script, so the
# daemons it starts do not inherit (and hold) the lock after it exits. The
# marker variable is dropped at once so their environment does not carry it.
run_locked() {
    ensure_state_dirs
    local rc=0
    INDIMAJ_SERVICES_LOCKED=1 flock -o -w 900 -E 75 "$RUN_DIR/services.lock" \
        bash "$SELF" "$@" || rc=$?
    ((rc == 75)) && die "another infra/services.sh start/stop held $RUN_DIR/services.lock for 15 min: check 'ps aux | grep services.sh'"
    exit "$rc"
}

case "${1:-}" in
    start | stop | restart)
        require_root "$@"
        if [[ -z "${INDIMAJ_SERVICES_LOCKED:-}" ]]; then
            run_locked "$@"
        fi
        unset INDIMAJ_SERVICES_LOCKED
        ensure_state_dirs
        ensure_tools
        [[ "$1" == stop ]] || ensure_document_packages
        ;;
    status)
        # Checking PostgreSQL runs pg_ctl as the postgres user: needs root.
        require_root "$@"
        ;;
    *) usage ;;
esac

main "$@"
