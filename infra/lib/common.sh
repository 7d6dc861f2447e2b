# shellcheck shell=bash
# shellcheck disable=SC2034  # PKGS_* and others are used by the sourcing scripts
# infra/lib/common.sh: defaults and helpers shared by infra/services.sh,
# infra/install-system.sh and infra/lib/<service>.sh. Sourced, never executed.
#
# Every setting is an environment variable with a default below; the Django
# settings read the same names, so exporting one of them before starting the
# services and the app is enough to move a port or a directory.

# Repo root, from this file's location, so the scripts work from any cwd and
# in any clone (CI runs in a fresh clone in another folder).
INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="$(cd "$INFRA_DIR/.." && pwd)"

# State lives outside the clone: a fresh clone (CI) or `git clean` must not
# wipe the databases, and the clone stays free of root-owned data files.
: "${INDIMAJ_STATE_DIR:=/var/lib/indimaj}"
# Downloads and the built Keycloak are re-creatable and shared by clones.
: "${INDIMAJ_CACHE_DIR:=/var/cache/indimaj}"
: "${INDIMAJ_PG_PORT:=55432}"
: "${INDIMAJ_REDIS_PORT:=56379}"
: "${INDIMAJ_SMTP_PORT:=51025}"
: "${INDIMAJ_KC_PORT:=58080}"
: "${INDIMAJ_KC_MGMT_PORT:=59000}"
# The project venv's interpreter runs the mail sink (it needs aiosmtpd).
: "${INDIMAJ_PYTHON:=$REPO/.venv/bin/python}"
export INDIMAJ_STATE_DIR INDIMAJ_CACHE_DIR INDIMAJ_PG_PORT INDIMAJ_REDIS_PORT \
    INDIMAJ_SMTP_PORT INDIMAJ_KC_PORT INDIMAJ_KC_MGMT_PORT INDIMAJ_PYTHON

LOG_DIR="$INDIMAJ_STATE_DIR/log"
RUN_DIR="$INDIMAJ_STATE_DIR/run"   # pid files, lock, PostgreSQL's unix socket

# Debian packages, grouped so services.sh installs only what a service needs
# and install-system.sh can install everything (or one group) up front.
PKGS_POSTGRES=(postgresql-15 postgresql-contrib)
PKGS_REDIS=(redis-server)
PKGS_BROWSER=(chromium)
# Official documents (platform/documents): WeasyPrint needs pango; Noto Naskh Arabic and Noto
# Serif come from fonts-noto-core; pdftotext (poppler-utils) reads the PDFs back in the tests.
PKGS_FONTS=(fonts-dejavu-core fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
# Tools the scripts themselves call (ss, runuser/flock, pgrep, curl).
PKGS_TOOLS=(iproute2 util-linux procps curl)

# ---------------------------------------------------------------- messages

info() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Show the end of a log file, so a failure message comes with its cause.
show_log_tail() {
    local file="$1" lines="${2:-25}"
    if [[ -s "$file" ]]; then
        printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
        tail -n "$lines" "$file" >&2 || true
        printf -- '----- end of %s -----\n' "$file" >&2
    fi
}

# die, after showing the log the user has to read.
die_with_log() {
    local file="$1"
    shift
    show_log_tail "$file"
    die "$* (full log: $file)"
}

# ------------------------------------------------------------------- setup

require_root() {
    # apt-get, runuser and writing /var/lib need root; say so up front
    # rather than failing halfway with a permission error.
    [[ $EUID -eq 0 ]] || die "run this as root (e.g. sudo $0 $*)"
}

# Create missing dirs only: never reset the mode of an existing one. RUN_DIR
# is made group-writable for postgres (postgres.sh); resetting it to 755 here
# once made PostgreSQL unable to delete its socket lock file at shutdown, and
# the next start failed on the stale lock.
ensure_state_dirs() {
    local dir
    for dir in "$INDIMAJ_STATE_DIR" "$LOG_DIR" "$RUN_DIR" "$INDIMAJ_CACHE_DIR"; do
        [[ -d "$dir" ]] || install -d -m 755 "$dir"
    done
}

# Rotate a log that grew past 50 MiB: logs are appended across restarts so a
# failed start keeps the previous run's lines, but must not grow forever.
rotate_log() {
    local file="$1" size
    [[ -f "$file" ]] || return 0
    size=$(stat -c %s "$file")
    if ((size > 50 * 1024 * 1024)); then
        mv -f "$file" "$file.1"
    fi
}

# ------------------------------------------------------------ apt packages

pkg_installed() {
    local status
    status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
    [[ "$status" == "install ok installed" ]]
}

APT_UPDATED=0
# Install the given Debian packages that are missing. `apt-get update` runs
# only when something is missing (and once per run): it is slow, and on a
# machine that has everything it must not be needed at all.
apt_ensure() {
    local missing=() pkg
    for pkg in "$@"; do
        pkg_installed "$pkg" || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    info "installing Debian packages: ${missing[*]}"
    if ((!APT_UPDATED)); then
        DEBIAN_FRONTEND=noninteractive apt-get update -q ||
            die "apt-get update failed: check the network/apt sources, then retry"
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}" ||
        die "apt-get install ${missing[*]} failed: read apt's output above, fix, and retry"
}

# Tools every service script uses; cheap no-op when present.
ensure_tools() {
    command -v ss >/dev/null && command -v runuser >/dev/null &&
        command -v flock >/dev/null && command -v pgrep >/dev/null &&
        command -v curl >/dev/null && return 0
    apt_ensure "${PKGS_TOOLS[@]}"
}

# Fonts, pango and pdftotext for the PDF documents: no service pulls them in, but the app and
# its tests need them on every machine, and `make test`/`make demo` always run `start`.
ensure_document_packages() {
    apt_ensure "${PKGS_FONTS[@]}"
}

# ------------------------------------------------------------------- ports

# Lines of `ss` for TCP listeners on PORT, any address (a listener on
# 0.0.0.0 or :: blocks our 127.0.0.1 bind just as well).
port_listeners() {
    ss -Hltnp "sport = :$1" 2>/dev/null || true
}

# Pids owning a listener on PORT (one per line, maybe none).
port_pids() {
    port_listeners "$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u || true
}

port_is_listening() {
    [[ -n "$(port_listeners "$1")" ]]
}

# True if PID (or, with a process tree like kc.sh -> java, one of its
# descendants) owns a listener on PORT.
port_owned_by() {
    local port="$1" pid="$2" owner
    for owner in $(port_pids "$port"); do
        while [[ -n "$owner" && "$owner" -gt 1 ]]; do
            [[ "$owner" == "$pid" ]] && return 0
            owner=$(ps -o ppid= -p "$owner" 2>/dev/null | tr -d ' ')
        done
    done
    return 1
}

# Our ports are inside the kernel's ephemeral range: where we may (root), reserve them so no
# outgoing connection draws one of them as its source port. Best effort, silent otherwise.
reserve_ports() {
    local ports
    ports=$(IFS=,; echo "$*")
    [[ -w /proc/sys/net/ipv4/ip_local_reserved_ports ]] || return 0
    local current
    current=$(</proc/sys/net/ipv4/ip_local_reserved_ports)
    echo "${current:+$current,}$ports" >/proc/sys/net/ipv4/ip_local_reserved_ports 2>/dev/null || true
}

# Refuse to start SERVICE if something else already listens on PORT: the
# service would fail with a less clear error, or (worse) tests would talk to
# the foreign process. Only called once we know our own service is down.
ensure_port_free() {
    local service="$1" port="$2" var="$3" listeners who
    listeners=$(port_listeners "$port")
    [[ -z "$listeners" ]] && return 0
    who=$(grep -o 'users:(([^)]*))' <<<"$listeners" | head -n 3 | tr '\n' ' ')
    die "$service: port $port is taken by another process (${who:-unknown process}): stop it or set $var to a free port"
}

# ---------------------------------------------------------------- processes

# Print the pid stored in FILE if that process is alive and its command line
# contains PATTERN (guards against a stale pid file whose pid was reused).
live_pid_from_file() {
    local file="$1" pattern="$2" pid
    [[ -r "$file" ]] || return 1
    pid=$(tr -dc '0-9' <"$file")
    [[ -n "$pid" ]] || return 1
    pid_matches "$pid" "$pattern" || return 1
    printf '%s\n' "$pid"
}

pid_matches() {
    local pid="$1" pattern="$2" cmdline
    kill -0 "$pid" 2>/dev/null || return 1
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ "$cmdline" == *"$pattern"* ]]
}

# Run CMD... every WAIT_INTERVAL s (default 0.25) until it succeeds or
# TIMEOUT seconds pass.
# Returns 1 on timeout. If WATCH_PID is set and that process dies, returns 2
# at once: no point waiting 3 minutes for a server that already crashed.
wait_until() {
    local timeout="$1"
    shift
    local deadline=$((SECONDS + timeout))
    while ! "$@" >/dev/null 2>&1; do
        if [[ -n "${WATCH_PID:-}" ]] && pid_gone "$WATCH_PID"; then
            return 2
        fi
        ((SECONDS < deadline)) || return 1
        sleep "${WAIT_INTERVAL:-0.25}"
    done
}

# A dead daemon stays a zombie until PID 1 reaps it, which on these machines
# can take seconds (PID 1 is not a real init), and kill -0 succeeds on a
# zombie: so a zombie (state Z in /proc/PID/stat) counts as gone.
pid_gone() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    stat=${stat##*) }   # drop "pid (comm) ": comm may contain spaces
    [[ "${stat%% *}" == Z ]]
}

# TERM PID, wait up to TIMEOUT s, then KILL it and its process group (our
# daemons are started with setsid, so their group is theirs alone: KILL on
# the group also takes children such as the JVM under kc.sh).
terminate_pid() {
    local name="$1" pid="$2" timeout="$3"
    kill -TERM "$pid" 2>/dev/null || return 0
    if wait_until "$timeout" pid_gone "$pid"; then
        return 0
    fi
    warn "$name (pid $pid) did not stop within ${timeout}s after SIGTERM: sending SIGKILL"
    if [[ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" == "$pid" ]]; then
        kill -KILL -- "-$pid" 2>/dev/null || true
    else
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait_until 10 pid_gone "$pid" || die "$name (pid $pid) survived SIGKILL: check 'ps -p $pid'"
}

# Start CMD... detached in the background: own session (setsid) so that it
# outlives the calling shell/terminal and its group can be killed as a whole,
# nohup for good measure, stdin from /dev/null, output appended to LOG.
# Writes the pid to PIDFILE. Not a subshell, so $! is the daemon itself
# (setsid does not fork when the caller is not a group leader).
spawn_daemon() {
    local pidfile="$1" log="$2"
    shift 2
    nohup setsid "$@" >>"$log" 2>&1 </dev/null &
    printf '%s\n' "$!" >"$pidfile"
}

# One status line per service, aligned.
status_line() {
    printf '%-9s %-5s %s\n' "$1" "$2" "${3:-}"
}
