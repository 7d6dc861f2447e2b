"""A worker killed with SIGKILL in the middle of ingesting a file: nothing partial remains,
the file is still in the inbox, and the next run applies it whole (issue 8, faults)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from exchange.models import Fichier, Sequence, Statut
from tests.support.processes import REPO, Child, child_env

PILOTE = REPO / "tests" / "exchange" / "ingestion_interrompue.py"


def piloter(*args: str) -> str:
    resultat = subprocess.run(
        [sys.executable, str(PILOTE), *args], env=child_env(), cwd=REPO,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    return resultat.stdout


def lignes_appliquees(racine: str, schema: str) -> int:
    return int(piloter("compter", racine, schema))


@pytest.mark.django_db
def test_sigkill_au_milieu_puis_reprise(tmp_path: Path, tenant_a):
    schema = tenant_a.schema_name
    racine = str(tmp_path)
    inbox = tmp_path / "ORD-test-a" / "inbox"
    try:
        piloter("preparer", racine, schema)
        assert len(list(inbox.glob("*.sig"))) == 1
        (REPO / "artifacts" / "ingestion-interrompue.log").unlink(missing_ok=True)
        enfant = Child(
            "ingestion-interrompue",
            [sys.executable, str(PILOTE), "recevoir", racine, schema, "--lent"],
            child_env(),
        )
        enfant.wait_for(
            lambda: "ligne 5 " in enfant.log_path.read_text(),
            timeout=60,
            what="5 lignes appliquées",
        )
        os.killpg(enfant.process.pid, signal.SIGKILL)
        enfant.process.wait(10)
        enfant.log.close()
        assert enfant.process.returncode == -signal.SIGKILL
        journal = enfant.log_path.read_text()
        assert 5 <= journal.count("ligne ") < 20  # killed in the middle, after 5 lines applied
        # Nothing partial: no line, no receipt, the sequence unmoved, the file still waiting.
        assert lignes_appliquees(racine, schema) == 0
        assert not Fichier.objects.filter(emetteur="TGR:ESSAI", sens="entrant").exists()
        assert not Sequence.objects.filter(
            emetteur="TGR:ESSAI", sens="entrant", derniere__gt=0
        ).exists()
        assert len(list(inbox.glob("*.sig"))) == 1
        # The next run applies it whole.
        sortie = piloter("recevoir", racine, schema)
        assert sortie.strip().endswith("integre")
        assert lignes_appliquees(racine, schema) == 20
        recu = Fichier.objects.get(emetteur="TGR:ESSAI", sens="entrant")
        assert (recu.statut, recu.resultat["appliques"]) == (Statut.INTEGRE, 20)
        assert Sequence.objects.get(emetteur="TGR:ESSAI", sens="entrant").derniere == 1
        assert list(inbox.glob("*.sig")) == []
    finally:
        piloter("nettoyer", racine, schema)
