# shellcheck shell=bash
# infra/lib/mail.sh: the dev/test SMTP sink, infra/mailsink.py (sourced by
# services.sh). Every message it receives is stored as an .eml file in
# $INDIMAJ_STATE_DIR/mail/, so tests and developers can read what was sent.

MAIL_DIR="$INDIMAJ_STATE_DIR/mail"
MAIL_PIDFILE="$RUN_DIR/mailsink.pid"
MAIL_LOG="$LOG_DIR/mailsink.log"
MAIL_SCRIPT="$INFRA_DIR/mailsink.py"

# The sink needs aiosmtpd (smtpd left the stdlib in 3.12), which comes with
# the project venv; we do not pip-install into the venv behind its back.
mail_check_python() {
    [[ -x "$INDIMAJ_PYTHON" ]] ||
        die "mail: Python interpreter $INDIMAJ_PYTHON not found: create the project venv ($REPO/.venv, with its requirements) or set INDIMAJ_PYTHON to a python that has aiosmtpd"
    "$INDIMAJ_PYTHON" -c 'import aiosmtpd' 2>/dev/null ||
        die "mail: $INDIMAJ_PYTHON cannot import aiosmtpd: run '$INDIMAJ_PYTHON -m pip install aiosmtpd' (or install the venv's requirements), or set INDIMAJ_PYTHON"
}

mail_pid() {
    live_pid_from_file "$MAIL_PIDFILE" mailsink.py
}

mail_listening() {
    local pid
    pid=$(mail_pid) && port_owned_by "$INDIMAJ_SMTP_PORT" "$pid"
}

mail_url() {
    printf 'smtp://127.0.0.1:%s (messages in %s)' "$INDIMAJ_SMTP_PORT" "$MAIL_DIR"
}

mail_start() {
    if mail_pid >/dev/null; then
        status_line mail up "already running: $(mail_url)"
        return 0
    fi
    mail_check_python
    ensure_port_free mail "$INDIMAJ_SMTP_PORT" INDIMAJ_SMTP_PORT
    install -d -m 755 "$MAIL_DIR"
    rotate_log "$MAIL_LOG"
    spawn_daemon "$MAIL_PIDFILE" "$MAIL_LOG" \
        "$INDIMAJ_PYTHON" "$MAIL_SCRIPT" \
        --host 127.0.0.1 --port "$INDIMAJ_SMTP_PORT" --dir "$MAIL_DIR"
    local rc=0
    WATCH_PID=$(<"$MAIL_PIDFILE") wait_until 15 mail_listening || rc=$?
    if ((rc)); then
        ((rc == 2)) && die_with_log "$MAIL_LOG" "mail: the sink exited during startup"
        die_with_log "$MAIL_LOG" "mail: nothing listening on 127.0.0.1:$INDIMAJ_SMTP_PORT after 15 s"
    fi
    status_line mail up "$(mail_url)"
}

mail_stop() {
    local pid
    if ! pid=$(mail_pid); then
        rm -f "$MAIL_PIDFILE"
        status_line mail down "not running"
        return 0
    fi
    terminate_pid mail "$pid" 10
    rm -f "$MAIL_PIDFILE"
    status_line mail down "stopped"
}

mail_status() {
    if mail_listening; then
        status_line mail up "$(mail_url)"
        return 0
    fi
    if mail_pid >/dev/null; then
        status_line mail down "process running but not listening on 127.0.0.1:$INDIMAJ_SMTP_PORT: see $MAIL_LOG"
    else
        status_line mail down "not running"
    fi
    return 1
}
