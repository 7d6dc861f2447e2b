"""Whole-platform physical backup, tried once: base backup + WAL archive → point in time.

A throwaway cluster (own state dir, port 55442) started by the normal `infra/services.sh start
postgres`, so its WAL archiving is the configuration every machine gets. Rows before the base
backup, rows after it, a noted instant, rows after that; the restore to the noted instant has
the first two and not the third. The platform's own cluster is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.processes import REPO

pytestmark = [pytest.mark.services, pytest.mark.timeout(300)]

PORT = "55442"
STATE = Path("/var/lib/indimaj/pitr-test")
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _env() -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
        "INDIMAJ_STATE_DIR": str(STATE),
        "INDIMAJ_PG_PORT": PORT,
        "INDIMAJ_PG_ARCHIVE_TIMEOUT": "0",
    }


def _run(*argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        list(argv), cwd=REPO, env=_env(), capture_output=True, text=True, timeout=180, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{argv} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _sql(sql: str) -> str:
    return _run(
        "runuser",
        "-u",
        "postgres",
        "--",
        str(PG_BIN / "psql"),
        "-X",
        "-At",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        str(STATE / "run"),
        "-p",
        PORT,
        "-d",
        "postgres",
        "-c",
        sql,
    ).stdout.strip()


def _pg_ctl(datadir: Path, *args: str) -> None:
    _run("runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(datadir), *args)


def _wait(condition, *, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def throwaway_cluster():
    if os.geteuid() != 0:
        pytest.skip("PostgreSQL runs as the postgres user: this test needs root, as CI has")
    _run("bash", "infra/services.sh", "stop", "postgres", check=False)
    shutil.rmtree(STATE, ignore_errors=True)
    STATE.mkdir(parents=True)
    STATE.chmod(0o755)
    _run("bash", "infra/services.sh", "start", "postgres")
    yield
    for datadir in (STATE / "pg15", STATE / "restauree"):
        if (datadir / "postmaster.pid").exists():
            _run(
                "runuser",
                "-u",
                "postgres",
                "--",
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(datadir),
                "-m",
                "immediate",
                "-w",
                "stop",
                check=False,
            )
    shutil.rmtree(STATE, ignore_errors=True)


def test_restore_to_a_point_in_time(throwaway_cluster):
    assert _sql("SHOW archive_mode") == "on"
    assert _sql("SHOW wal_level") == "replica"
    _sql("CREATE TABLE essai (quand text PRIMARY KEY)")
    _sql("INSERT INTO essai VALUES ('avant la sauvegarde')")

    base = _run("bash", "infra/backup.sh", "base")
    backups = sorted((STATE / "basebackups").iterdir())
    assert len(backups) == 1
    assert "done: " in base.stdout
    assert {"base.tar.gz", "pg_wal.tar.gz", "backup_manifest", "WAL_START"} <= {
        p.name for p in backups[0].iterdir()
    }

    _sql("INSERT INTO essai VALUES ('entre sauvegarde et cible')")
    target = _sql("SELECT now()")  # committed before: the target is after the middle row
    time.sleep(1.2)
    _sql("INSERT INTO essai VALUES ('apres la cible')")
    last = _sql("SELECT pg_walfile_name(pg_current_wal_lsn())")
    _sql("SELECT pg_switch_wal()")
    _wait(
        lambda: (STATE / "wal-archive" / f"{last}.gz").exists(),
        what=f"segment {last} in the archive",
    )
    listing = _run("bash", "infra/backup.sh", "list").stdout
    assert backups[0].name in listing

    # prune keeps what the newest backup needs, and only that
    start = (backups[0] / "WAL_START").read_text().strip()
    archive = STATE / "wal-archive"
    segments = sorted(p.name[:24] for p in archive.glob("*.gz") if len(p.name) == 27)
    assert segments[0] < start <= segments[-1]
    _run("bash", "infra/backup.sh", "prune", "1")
    kept = sorted(p.name[:24] for p in archive.glob("*.gz") if len(p.name) == 27)
    assert kept == [s for s in segments if s >= start]
    assert backups[0].exists()

    _run("bash", "infra/services.sh", "stop", "postgres")
    restored = STATE / "restauree"
    _run("bash", "infra/backup.sh", "restore", str(backups[0]), str(restored), target)
    log_path = STATE / "restauree.log"
    log_path.touch()
    shutil.chown(log_path, "postgres", "postgres")
    _pg_ctl(restored, "-l", str(log_path), "-w", "-t", "120", "start")
    _wait(lambda: _sql("SELECT pg_is_in_recovery()") == "f", what="end of recovery")

    rows = _sql("SELECT string_agg(quand, '|' ORDER BY quand) FROM essai")
    assert rows.split("|") == ["avant la sauvegarde", "entre sauvegarde et cible"]
    log = log_path.read_text()
    assert "recovery stopping before commit" in log
    # the restored cluster is writable (promoted) and archives on a new timeline
    _sql("INSERT INTO essai VALUES ('apres restauration')")
    assert _sql("SELECT pg_walfile_name(pg_current_wal_lsn())").startswith("00000002")
