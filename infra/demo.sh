#!/usr/bin/env bash
# infra/demo.sh start|stop|status — the demo's own processes: web server (gunicorn),
# dramatiq worker and scheduler. The services (PostgreSQL, Redis, Keycloak, mail) are
# infra/services.sh's; `make demo` starts those first and migrates.
set -euo pipefail
# shellcheck source=infra/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

: "${INDIMAJ_WEB_PORT:=8000}"
: "${INDIMAJ_APEX:=indimaj.localhost}"
export INDIMAJ_WEB_PORT INDIMAJ_APEX DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"
VENV_BIN="$REPO/.venv/bin"
DEMO_RUN="$RUN_DIR/demo"

start_process() {
    local name="$1" pattern="$2"
    shift 2
    local pidfile="$DEMO_RUN/$name.pid" log="$LOG_DIR/demo-$name.log"
    if pid=$(live_pid_from_file "$pidfile" "$pattern"); then
        info "$name: already running (pid $pid), restarting to pick up code changes"
        stop_process "$name" "$pattern"
    fi
    rotate_log "$log"
    # $! is the program itself (bash execs a simple command in the forked child).
    (
        cd "$REPO"
        nohup "$@" >>"$log" 2>&1 &
        echo $! >"$pidfile"
    )
    sleep 0.5
    live_pid_from_file "$pidfile" "$pattern" >/dev/null || die_with_log "$log" "$name did not start"
}

stop_process() {
    local name="$1" pattern="$2"
    local pidfile="$DEMO_RUN/$name.pid" pid
    pid=$(live_pid_from_file "$pidfile" "$pattern") || {
        rm -f "$pidfile"
        return 0
    }
    # gunicorn's master, dramatiq's main process and the scheduler stop their children on TERM.
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
        pid_matches "$pid" "$pattern" || break
        sleep 0.25
    done
    pid_matches "$pid" "$pattern" && kill -KILL "$pid" 2>/dev/null
    true
    rm -f "$pidfile"
    info "$name: stopped"
}

web_ready() {
    curl -fsS -o /dev/null -H "Host: $INDIMAJ_APEX:$INDIMAJ_WEB_PORT" "http://127.0.0.1:$INDIMAJ_WEB_PORT/healthz"
}

start() {
    install -d -m 755 "$DEMO_RUN"
    if ! live_pid_from_file "$DEMO_RUN/web.pid" gunicorn >/dev/null; then
        ensure_port_free web "$INDIMAJ_WEB_PORT" INDIMAJ_WEB_PORT
    fi
    "$VENV_BIN/python" "$REPO/manage.py" demo_provision >"$DEMO_RUN/logins.txt"
    # Agents of the demo tenants, generated and imported through the real importer (about 6 s
    # each, mostly Django's start-up); a second run changes nothing. One after the other: the
    # second tenant's PPRs avoid the first one's (the national registry refuses a PPR twice).
    local spec code log
    for spec in sante:3000 commune-fes:300; do
        code=${spec%%:*}
        log="$LOG_DIR/demo-personnel-$code.log"
        rotate_log "$log"
        "$VENV_BIN/python" "$REPO/manage.py" personnel demo --tenant "$code" --agents "${spec#*:}" \
            >>"$log" 2>&1 || die_with_log "$log" "personnel demo $code failed"
        # A handful of acts in every state, by the demo roles (a second run changes nothing).
        "$VENV_BIN/python" "$REPO/manage.py" actes_demo --tenant "$code" \
            >>"$log" 2>&1 || die_with_log "$log" "actes demo $code failed"
    done
    # The Treasury simulator: its own process, storage and keys; only the protocol between us.
    local echanges="${INDIMAJ_EXCHANGE_DIR:-$INDIMAJ_STATE_DIR/exchange}"
    local tresor_etat="$INDIMAJ_STATE_DIR/simulateur"
    install -d -m 755 "$echanges" "$tresor_etat"
    [[ -f "$tresor_etat/config.json" ]] ||
        printf '{"partie": "TGR:WADEF", "taux_rejet": 0.1, "delai_reponse": 10}\n' >"$tresor_etat/config.json"
    start_process simulateur "simulateur serve" env PYTHONPATH="$REPO/infra:$REPO/platform" \
        "$VENV_BIN/python" -m simulateur serve --racine "$echanges" --etat "$tresor_etat" --intervalle 5
    wait_until 20 test -f "$echanges/TGR-WADEF/cles-publiques.json" ||
        die_with_log "$LOG_DIR/demo-simulateur.log" "the Treasury simulator did not publish its key"
    INDIMAJ_EXCHANGE_DIR="$echanges" "$VENV_BIN/python" "$REPO/manage.py" echange preparer \
        --tresor TGR:WADEF >>"$LOG_DIR/demo-simulateur.log" 2>&1 ||
        die_with_log "$LOG_DIR/demo-simulateur.log" "exchange keys could not be prepared"
    # The Treasury's own copy of each demo tenant's population (once), then one month of pay
    # emitted for it; the scheduler's inbox job ingests it within a minute. Later months follow
    # the simulator's calendar (cut-off on the 20th).
    local simulateur=(env PYTHONPATH="$REPO/infra:$REPO/platform" "$VENV_BIN/python" -m simulateur)
    local journal="$LOG_DIR/demo-simulateur.log"
    for code in sante commune-fes; do
        [[ -f "$tresor_etat/reprise-$code.jsonl" ]] && continue
        if ! "$VENV_BIN/python" "$REPO/manage.py" echange reprise_tresor --tenant "$code" \
            --sortie "$tresor_etat/reprise-$code.tmp" >>"$journal" 2>&1; then
            die_with_log "$journal" "the population of $code could not be exported"
        fi
        if ! "${simulateur[@]}" reprise "$tresor_etat/reprise-$code.tmp" --etat "$tresor_etat" \
            >>"$journal" 2>&1; then
            die_with_log "$journal" "the Treasury could not load the population of $code"
        fi
        if ! "${simulateur[@]}" paie --racine "$echanges" --etat "$tresor_etat" \
            --mois "$(date +%Y-%m)" --ordonnateur "ORD:$code" >>"$journal" 2>&1; then
            die_with_log "$journal" "the Treasury could not run the payroll of $code"
        fi
        mv "$tresor_etat/reprise-$code.tmp" "$tresor_etat/reprise-$code.jsonl"
    done
    # (the calendar only now: it must not pay a month before the populations are loaded)
    "${simulateur[@]}" config --etat "$tresor_etat" paie_calendrier=true >>"$journal" 2>&1 ||
        die_with_log "$journal" "the simulator's calendar could not be set"
    local binds=(-b "127.0.0.1:$INDIMAJ_WEB_PORT")
    # Chromium may try ::1 first for *.localhost: listen there too when the host has IPv6.
    [[ -n "$(ip -6 addr show lo 2>/dev/null)" ]] && binds+=(-b "[::1]:$INDIMAJ_WEB_PORT")
    start_process web gunicorn "$VENV_BIN/gunicorn" config.wsgi "${binds[@]}" \
        --workers 2 --threads 4 --access-logfile - --graceful-timeout 5
    start_process worker dramatiq "$VENV_BIN/dramatiq" tenants.worker --processes 1 --threads 4
    start_process scheduler run_scheduler "$VENV_BIN/python" manage.py run_scheduler
    WATCH_PID=$(tr -dc '0-9' <"$DEMO_RUN/web.pid") wait_until 30 web_ready ||
        die_with_log "$LOG_DIR/demo-web.log" "the web server did not answer on port $INDIMAJ_WEB_PORT"
    cat <<MSG

INDIMAJ demo is up.
  platform:  http://$INDIMAJ_APEX:$INDIMAJ_WEB_PORT/        (health: /healthz)
  Keycloak:  http://localhost:$INDIMAJ_KC_PORT/admin/      (admin / admin)
  mail sink: $INDIMAJ_STATE_DIR/mail/
  Treasury:  simulator on $INDIMAJ_STATE_DIR/exchange (state in $INDIMAJ_STATE_DIR/simulateur)
  logs:      $LOG_DIR/demo-{web,worker,scheduler,simulateur}.log
$(sed 's/^/  /' "$DEMO_RUN/logins.txt")
Stop with: make stop
MSG
}

stop() {
    stop_process simulateur "simulateur serve"
    stop_process scheduler run_scheduler
    stop_process worker dramatiq
    stop_process web gunicorn
}

status() {
    local rc=0 name pattern
    for spec in web:gunicorn worker:dramatiq scheduler:run_scheduler "simulateur:simulateur serve"; do
        name=${spec%%:*} pattern=${spec#*:}
        if pid=$(live_pid_from_file "$DEMO_RUN/$name.pid" "$pattern"); then
            printf '%-10s up    pid %s\n' "$name" "$pid"
        else
            printf '%-10s down\n' "$name"
            rc=1
        fi
    done
    return $rc
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
*) die "usage: infra/demo.sh start|stop|status" ;;
esac
