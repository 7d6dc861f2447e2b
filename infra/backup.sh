#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# infra/backup.sh: whole-platform physical backups of our PostgreSQL cluster
# (docs/operations/sauvegardes.md).
#
#   infra/backup.sh base                  base backup now (pg_basebackup, tar + gzip)
#   infra/backup.sh list                  base backups and the WAL archive
#   infra/backup.sh prune [KEEP]          keep the KEEP newest base backups (default 7) and
#                                         the archived WAL they need; delete the rest
#   infra/backup.sh restore BACKUP DATADIR [TARGET_TIME]
#                                         unpack BACKUP into the empty DATADIR, set up recovery
#                                         from the WAL archive up to TARGET_TIME (e.g.
#                                         '2026-11-28 10:15:00+00'; default: the archive's end).
#                                         Starting the server there is left to the operator.
#
# WAL archiving itself is part of the cluster's normal configuration (infra/lib/wal.sh).
# Settings: the INDIMAJ_* variables of infra/lib/common.sh, INDIMAJ_PG_WAL_ARCHIVE and
# INDIMAJ_PG_BASEBACKUPS.
set -euo pipefail

LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
# shellcheck source=lib/common.sh
source "$LIB_DIR/common.sh"
# shellcheck source=lib/postgres.sh
source "$LIB_DIR/postgres.sh"

usage() {
    sed -n '4,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

backup_base() {
    pg_is_running || die "postgres is not running: start it with 'infra/services.sh start postgres'"
    local archive_mode
    archive_mode=$(as_postgres "$PG_BIN/psql" -X -At -h "$RUN_DIR" -p "$INDIMAJ_PG_PORT" \
        -d postgres -c 'SHOW archive_mode')
    [[ "$archive_mode" == on ]] ||
        die "archive_mode is '$archive_mode': WAL archiving starts at the next restart of postgres ('infra/services.sh restart postgres' when nobody uses it); a base backup without the archive cannot be rolled forward"
    local stamp target
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    target="$PG_BASEBACKUPS/$stamp"
    install -d -o postgres -g postgres -m 700 "$PG_BASEBACKUPS"
    info "base backup to $target"
    # -X stream: the WAL written during the copy is in the backup, so it is consistent alone;
    # later transactions come from the archive. -c fast: do not wait for the next checkpoint.
    as_postgres "$PG_BIN/pg_basebackup" -h "$RUN_DIR" -p "$INDIMAJ_PG_PORT" -U postgres \
        -D "$target" -F tar -z -X stream -c fast -l "indimaj $stamp" --progress ||
        die "pg_basebackup failed (see above)"
    local start_lsn timeline
    start_lsn=$(awk -F'"' '/"Start-LSN"/ {print $(NF-1)}' "$target/backup_manifest" | head -n 1)
    timeline=$(grep -o '"Timeline": *[0-9]*' "$target/backup_manifest" | head -n 1 | grep -o '[0-9]*$')
    wal_segment_of "$timeline" "$start_lsn" >"$target/WAL_START"
    chown postgres:postgres "$target/WAL_START"
    as_postgres "$PG_BIN/pg_verifybackup" -n "$target" >/dev/null 2>&1 ||
        info "(pg_verifybackup cannot read tar backups in PostgreSQL 15: checked at restore)"
    info "done: $target (first WAL segment needed: $(<"$target/WAL_START"))"
}

backup_list() {
    local dir
    info "base backups in $PG_BASEBACKUPS:"
    for dir in "$PG_BASEBACKUPS"/*/; do
        [[ -f "$dir/WAL_START" ]] || continue
        printf '  %s  %s  WAL from %s\n' "$(basename "$dir")" "$(du -sh "$dir" | cut -f1)" \
            "$(<"$dir/WAL_START")"
    done
    info "WAL archive $PG_WAL_ARCHIVE: $(find "$PG_WAL_ARCHIVE" -name '*.gz' 2>/dev/null | wc -l) segments, $(du -sh "$PG_WAL_ARCHIVE" 2>/dev/null | cut -f1)"
}

backup_prune() {
    local keep="${1:-7}" backups=() index oldest
    [[ "$keep" =~ ^[1-9][0-9]*$ ]] || die "prune: KEEP must be a positive number, not '$keep'"
    mapfile -t backups < <(find "$PG_BASEBACKUPS" -mindepth 1 -maxdepth 1 -type d | sort)
    ((${#backups[@]})) || die "prune: no base backup in $PG_BASEBACKUPS: nothing would be restorable, nothing deleted"
    for ((index = 0; index < ${#backups[@]} - keep; index++)); do
        info "deleting base backup ${backups[index]}"
        rm -rf "${backups[index]}"
    done
    oldest="${backups[$(( ${#backups[@]} > keep ? ${#backups[@]} - keep : 0 ))]}"
    [[ -f "$oldest/WAL_START" ]] || die "prune: $oldest has no WAL_START: archive left as is"
    info "deleting archived WAL older than $(<"$oldest/WAL_START") (needed by $(basename "$oldest"))"
    "$PG_BIN/pg_archivecleanup" -x .gz "$PG_WAL_ARCHIVE" "$(<"$oldest/WAL_START")"
}

backup_restore() {
    local backup="${1:-}" datadir="${2:-}" target_time="${3:-}"
    [[ -f "$backup/base.tar.gz" ]] || die "restore: $backup/base.tar.gz not found (give a directory listed by 'infra/backup.sh list')"
    [[ -n "$datadir" ]] || usage
    if [[ -d "$datadir" ]] && [[ -n "$(ls -A "$datadir")" ]]; then
        die "restore: $datadir is not empty: restore into a new directory, never over a live cluster"
    fi
    install -d -o postgres -g postgres -m 700 "$datadir"
    as_postgres tar -xzf "$backup/base.tar.gz" -C "$datadir"
    as_postgres tar -xzf "$backup/pg_wal.tar.gz" -C "$datadir/pg_wal"
    # Recovery: fetch archived segments, stop at the target, then open for writes (promote).
    {
        printf "\n# infra/backup.sh restore, %s\n" "$(date -Is)"
        printf "restore_command = 'gunzip -c %s/%%f.gz > %%p'\n" "$PG_WAL_ARCHIVE"
        if [[ -n "$target_time" ]]; then
            printf "recovery_target_time = '%s'\n" "$target_time"
            printf "recovery_target_action = 'promote'\n"
        fi
    } | as_postgres tee -a "$datadir/postgresql.auto.conf" >/dev/null
    as_postgres touch "$datadir/recovery.signal"
    info "restored into $datadir; recovery ${target_time:+up to $target_time }starts with the server:"
    info "  runuser -u postgres -- $PG_BIN/pg_ctl -D $datadir -l $datadir/recovery.log start"
}

main() {
    case "${1:-}" in
        base) backup_base ;;
        list) backup_list ;;
        prune) backup_prune "${2:-7}" ;;
        restore) shift; backup_restore "$@" ;;
        *) usage ;;
    esac
}

require_root "$@"
ensure_state_dirs
main "$@"
