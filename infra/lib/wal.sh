# shellcheck shell=bash
# shellcheck disable=SC2034  # PG_BASEBACKUPS is used by infra/backup.sh
# infra/lib/wal.sh: continuous WAL archiving of our PostgreSQL cluster, the base of
# whole-platform physical backups and point-in-time recovery (docs/operations/sauvegardes.md).
# Sourced by postgres.sh (so `infra/services.sh start postgres` sets it up on any machine) and
# by infra/backup.sh.
#
# Each finished 16 MiB WAL segment is gzipped into $PG_WAL_ARCHIVE by PostgreSQL itself
# (archive_command, run as the postgres user): written under a temporary name, then renamed,
# so a segment in the archive is always whole. archive_mode needs a server restart: a cluster
# that was running before this file existed archives from its next restart on.

PG_WAL_ARCHIVE="${INDIMAJ_PG_WAL_ARCHIVE:-$INDIMAJ_STATE_DIR/wal-archive}"
PG_BASEBACKUPS="${INDIMAJ_PG_BASEBACKUPS:-$INDIMAJ_STATE_DIR/basebackups}"
# Force a segment switch at least this often, so an idle platform still archives its last
# transactions: the most one can lose with the archive alone (RPO). 0 = only when full.
: "${INDIMAJ_PG_ARCHIVE_TIMEOUT:=300}"
# on (default, every machine) | off: a throwaway machine that never takes base backups may
# spare the disk; production keeps it on.
: "${INDIMAJ_PG_ARCHIVE_MODE:=on}"

# The lines appended to indimaj.conf. %p/%f are PostgreSQL's: path and file name of the segment.
wal_config_lines() {
    cat <<EOF
# Continuous archiving (infra/lib/wal.sh): base backups + these segments = PITR.
wal_level = replica
archive_mode = ${INDIMAJ_PG_ARCHIVE_MODE}
archive_timeout = ${INDIMAJ_PG_ARCHIVE_TIMEOUT}
archive_command = 'gzip -1 < %p > $PG_WAL_ARCHIVE/%f.gz.part && mv $PG_WAL_ARCHIVE/%f.gz.part $PG_WAL_ARCHIVE/%f.gz'
max_wal_senders = 4
EOF
}

# The cluster's identity (pg_controldata), to tell one cluster's segments from another's:
# the names restart from 000000010000000000000001 after an initdb.
wal_system_id() {
    "$PG_BIN/pg_controldata" "$PG_DATA" 2>/dev/null | awk -F: '/Database system identifier/ {gsub(/ /, "", $2); print $2}'
}

# Called before each start: the archive directory exists, belongs to postgres, and holds
# this cluster's segments only (another cluster's archive is moved aside, never mixed in).
wal_prepare_archive() {
    local system_id marker="$PG_WAL_ARCHIVE/SYSTEM_ID" previous
    [[ -d "$PG_WAL_ARCHIVE" ]] || install -d -o postgres -g postgres -m 700 "$PG_WAL_ARCHIVE"
    chown postgres:postgres "$PG_WAL_ARCHIVE"
    system_id=$(wal_system_id)
    [[ -n "$system_id" ]] || return 0
    if [[ -f "$marker" ]]; then
        previous=$(<"$marker")
        if [[ "$previous" != "$system_id" ]]; then
            local aside
            aside="$PG_WAL_ARCHIVE.cluster-$previous"
            warn "postgres: the WAL archive belongs to another cluster ($previous): moved to $aside"
            mv "$PG_WAL_ARCHIVE" "$aside"
            install -d -o postgres -g postgres -m 700 "$PG_WAL_ARCHIVE"
        fi
    fi
    printf '%s\n' "$system_id" >"$marker"
    chown postgres:postgres "$marker"
}

# WAL file name (timeline + 16 MiB segment) holding an LSN such as 0/3000028.
wal_segment_of() {
    local timeline="$1" lsn="$2" high low
    high=$((16#${lsn%/*}))
    low=$((16#${lsn#*/}))
    printf '%08X%08X%08X\n' "$timeline" "$high" $((low >> 24))
}
