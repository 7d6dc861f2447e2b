# shellcheck shell=bash
# infra/lib/postgres.sh: our own PostgreSQL 15 cluster (sourced by services.sh).
#
# We do not use Debian's default cluster or pg_ctlcluster: our cluster lives
# in the state dir, on its own port, with its own config, so it cannot clash
# with (or be changed by) a system PostgreSQL on the same machine.

PG_BIN=/usr/lib/postgresql/15/bin
PG_DATA="$INDIMAJ_STATE_DIR/pg15"
PG_LOG="$LOG_DIR/postgres.log"
# shellcheck source=infra/lib/wal.sh
source "$(dirname "${BASH_SOURCE[0]}")/wal.sh"

# App and Keycloak roles/databases; the Django settings use the same names.
PG_APP_ROLE=indimaj
PG_APP_PASSWORD=indimaj
PG_KC_ROLE=keycloak
PG_KC_PASSWORD=keycloak

# PostgreSQL refuses to run as root, so every server-side command runs as the
# `postgres` system user (created by the Debian package). `cd /` first: root's
# cwd is often unreadable for postgres, which makes initdb/psql complain.
as_postgres() {
    (cd / && runuser -u postgres -- "$@")
}

pg_ensure_installed() {
    [[ -x "$PG_BIN/pg_ctl" ]] && id postgres >/dev/null 2>&1 && return 0
    apt_ensure "${PKGS_POSTGRES[@]}"
    [[ -x "$PG_BIN/pg_ctl" ]] || die "postgres: $PG_BIN/pg_ctl still missing after installing ${PKGS_POSTGRES[*]}"
}

# The socket dir is shared with our pid files: postgres must create AND
# delete (at shutdown) its socket and socket lock file there. Group postgres
# + sticky bit: postgres can write but not delete root's pid files.
pg_prepare_run_dir() {
    chgrp postgres "$RUN_DIR"
    chmod 1775 "$RUN_DIR"
}

pg_prepare_dirs() {
    pg_prepare_run_dir
    # pg_ctl (as postgres) appends to the log, so postgres must own it.
    rotate_log "$PG_LOG"
    touch "$PG_LOG"
    chown postgres:postgres "$PG_LOG"
}

pg_init_cluster() {
    if [[ -f "$PG_DATA/PG_VERSION" ]]; then
        local version
        version=$(<"$PG_DATA/PG_VERSION")
        [[ "$version" == 15 ]] ||
            die "postgres: $PG_DATA holds a PostgreSQL $version cluster, not 15: move it away (or set INDIMAJ_STATE_DIR) and retry"
    else
        if [[ -d "$PG_DATA" ]] && [[ -n "$(ls -A "$PG_DATA")" ]]; then
            die "postgres: $PG_DATA exists but is not a PostgreSQL cluster (no PG_VERSION): move it away and retry"
        fi
        info "postgres: creating cluster in $PG_DATA"
        install -d -o postgres -g postgres -m 700 "$PG_DATA"
        # C.UTF-8 always exists on Debian (no locales package needed) and
        # gives UTF8 databases with byte-order collation, stable across hosts.
        as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres \
            --encoding=UTF8 --locale=C.UTF-8 \
            --auth-local=peer --auth-host=scram-sha-256 >>"$PG_LOG" 2>&1 ||
            die_with_log "$PG_LOG" "postgres: initdb failed"
        # Our settings go in a separate file rewritten at each start, so the
        # stock postgresql.conf stays untouched apart from this one line.
        echo "include_if_exists = 'indimaj.conf'" >>"$PG_DATA/postgresql.conf"
    fi
    # Repair ownership/mode if someone copied the dir as root: PostgreSQL
    # refuses to start on a data dir that is not 0700 and owned by it.
    chown postgres:postgres "$PG_DATA"
    chmod 700 "$PG_DATA"
}

# Rewritten at every start so a changed port or setting in this script (or
# in INDIMAJ_*) takes effect without re-creating the cluster.
pg_write_config() {
    cat >"$PG_DATA/indimaj.conf" <<EOF
# Written by infra/lib/postgres.sh at every start: edits here are lost.
listen_addresses = '127.0.0.1'
port = $INDIMAJ_PG_PORT
unix_socket_directories = '$RUN_DIR'
max_connections = 200
# Sized for the 2-core / 24 GiB dev machine; fsync stays on (data safety
# costs little here and the suite does not depend on it being off).
shared_buffers = 512MB
effective_cache_size = 8GB
work_mem = 16MB
maintenance_work_mem = 256MB
# Bulk writes (a payroll month, a yearly advancement campaign: gigabytes of WAL): checkpoints
# spaced by time rather than forced by volume, fewer full-page images, and those compressed.
max_wal_size = 4GB
checkpoint_timeout = 15min
wal_compression = lz4
wal_buffers = 64MB
password_encryption = scram-sha-256
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'UTC'
timezone = 'UTC'
$(wal_config_lines)
EOF
    # Socket: postgres (superuser) by peer; every other role by password.
    # TCP only on 127.0.0.1, by password (that is what Django and Keycloak use).
    cat >"$PG_DATA/pg_hba.conf" <<'EOF'
# Written by infra/lib/postgres.sh at every start: edits here are lost.
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 peer
# pg_basebackup (infra/backup.sh) as postgres through the socket
local   replication postgres               peer
local   all       all                      scram-sha-256
host    all       all       127.0.0.1/32   scram-sha-256
EOF
    chown postgres:postgres "$PG_DATA/indimaj.conf" "$PG_DATA/pg_hba.conf"
    chmod 600 "$PG_DATA/indimaj.conf" "$PG_DATA/pg_hba.conf"
}

# Pid of our postmaster, from postmaster.pid, if that process really is a
# postgres on our data dir. (pg_ctl status trusts any live pid: a zombie or
# a reused pid would pass as "running".)
pg_postmaster_pid() {
    [[ -f "$PG_DATA/postmaster.pid" ]] || return 1
    live_pid_from_file <(head -n 1 "$PG_DATA/postmaster.pid") "postgres -D $PG_DATA"
}

pg_is_running() {
    pg_postmaster_pid >/dev/null
}

# postmaster.pid left by a server that was killed (end of a session, crash).
# PostgreSQL removes it itself when its pid is dead, but not when the pid is
# a not-yet-reaped zombie or was reused by another process: then it refuses
# to start. Called only when our server is down and the port is free.
pg_clear_stale_pidfile() {
    [[ -f "$PG_DATA/postmaster.pid" ]] || return 0
    warn "postgres: removing stale $PG_DATA/postmaster.pid (server not running)"
    rm -f "$PG_DATA/postmaster.pid"
}

# A socket lock file left by a postmaster that died (or whose exit PID 1 has
# not reaped yet: a zombie still "exists" for PostgreSQL's kill(pid, 0)
# check) blocks the next start with "lock file ... already exists". Called
# only when our server is down and the port is free, so it is stale.
pg_clear_stale_socket_lock() {
    local lock="$RUN_DIR/.s.PGSQL.$INDIMAJ_PG_PORT.lock" pid
    [[ -f "$lock" ]] || return 0
    pid=$(head -n 1 "$lock" | tr -dc '0-9')
    if [[ -n "$pid" ]] && pid_matches "$pid" postgres; then
        return 0   # a live postgres holds it: let PostgreSQL report that
    fi
    warn "postgres: removing stale $lock (pid ${pid:-?} is gone)"
    rm -f "$lock" "$RUN_DIR/.s.PGSQL.$INDIMAJ_PG_PORT"
}

pg_psql() {
    as_postgres "$PG_BIN/psql" -X -q -h "$RUN_DIR" -p "$INDIMAJ_PG_PORT" \
        -d postgres -v ON_ERROR_STOP=1
}

# Roles and databases, idempotent: run at every start (cheap) so a cluster
# created by an older version of this script gets what is missing. Passwords
# are reset each time so they always match what the settings expect.
pg_ensure_roles() {
    pg_psql >>"$PG_LOG" 2>&1 <<SQL || die_with_log "$PG_LOG" "postgres: creating roles/databases failed"
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_APP_ROLE') THEN
    CREATE ROLE $PG_APP_ROLE;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_KC_ROLE') THEN
    CREATE ROLE $PG_KC_ROLE;
  END IF;
END
\$\$;
-- CREATEDB: Django's test runner creates and drops test_* databases.
ALTER ROLE $PG_APP_ROLE WITH LOGIN CREATEDB PASSWORD '$PG_APP_PASSWORD';
ALTER ROLE $PG_KC_ROLE WITH LOGIN PASSWORD '$PG_KC_PASSWORD';
SELECT 'CREATE DATABASE $PG_APP_ROLE OWNER $PG_APP_ROLE'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_APP_ROLE')\gexec
SELECT 'CREATE DATABASE $PG_KC_ROLE OWNER $PG_KC_ROLE'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_KC_ROLE')\gexec
ALTER DATABASE $PG_APP_ROLE OWNER TO $PG_APP_ROLE;
ALTER DATABASE $PG_KC_ROLE OWNER TO $PG_KC_ROLE;
SQL
}

pg_url() {
    printf 'postgresql://%s:%s@127.0.0.1:%s/%s' \
        "$PG_APP_ROLE" "$PG_APP_PASSWORD" "$INDIMAJ_PG_PORT" "$PG_APP_ROLE"
}

postgres_start() {
    pg_ensure_installed
    pg_prepare_dirs
    if pg_is_running; then
        local running_port
        running_port=$(sed -n 4p "$PG_DATA/postmaster.pid")
        [[ "$running_port" == "$INDIMAJ_PG_PORT" ]] ||
            die "postgres: already running on port $running_port, but INDIMAJ_PG_PORT=$INDIMAJ_PG_PORT: run 'infra/services.sh restart postgres' to move it"
        # Still make sure roles exist: cheap, and keycloak relies on it.
        pg_ensure_roles
        status_line postgres up "already running: $(pg_url)"
        return 0
    fi
    ensure_port_free postgres "$INDIMAJ_PG_PORT" INDIMAJ_PG_PORT
    pg_clear_stale_socket_lock
    pg_clear_stale_pidfile
    pg_init_cluster
    pg_write_config
    wal_prepare_archive
    printf '\n=== %s: starting postgres on 127.0.0.1:%s ===\n' "$(date -Is)" \
        "$INDIMAJ_PG_PORT" >>"$PG_LOG"
    # -w -t 60: pg_ctl itself waits until the server accepts connections.
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -s start ||
        die_with_log "$PG_LOG" "postgres: pg_ctl could not start the server (or it was not ready within 60 s)"
    pg_ensure_roles
    status_line postgres up "$(pg_url)"
}

postgres_stop() {
    if ! pg_is_running; then
        status_line postgres down "not running"
        return 0
    fi
    pg_prepare_run_dir   # so postgres can remove its socket files on exit
    # fast: roll back open transactions and disconnect clients (the default
    # "smart" would wait forever for a connected dev server or Keycloak).
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 -s stop ||
        die_with_log "$PG_LOG" "postgres: did not stop within 60 s; try '$PG_BIN/pg_ctl -D $PG_DATA -m immediate stop' as user postgres"
    status_line postgres down "stopped"
    # Keycloak's connection pool does not validate connections: after a
    # postgres restart its first requests fail on dead pooled connections.
    if declare -F kc_pid >/dev/null && kc_pid >/dev/null; then
        warn "keycloak is still running: after postgres is back, its first requests may fail on stale DB connections ('infra/services.sh restart keycloak' avoids that)"
    fi
}

postgres_status() {
    if pg_is_running && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$INDIMAJ_PG_PORT" -t 5; then
        status_line postgres up "$(pg_url)"
        return 0
    fi
    if pg_is_running; then
        status_line postgres down "process running but not accepting connections on 127.0.0.1:$INDIMAJ_PG_PORT: see $PG_LOG"
    else
        status_line postgres down "not running"
    fi
    return 1
}
