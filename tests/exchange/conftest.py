"""The acts fixtures (units, posts, agents of tenant A; `rediger`) for the exchange suites, and
the Treasury simulator as a real separate process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from exchange import cles
from exchange.depot import Depot
from modules.actes.tests.conftest import postes_a, rediger  # noqa: F401  (fixtures)
from modules.personnel.tests.conftest import (  # noqa: F401  (fixtures)
    creer_agent,
    dans_a,
    referentiel,
    unites_a,
)

REPO = Path(__file__).resolve().parents[2]
TRESOR = "TGR:WADEF"


def attendre(condition: Callable[[], bool], quoi: str, delai: float = 60.0) -> None:
    fin = time.monotonic() + delai
    while not condition():
        if time.monotonic() > fin:
            raise AssertionError(f"délai dépassé en attendant {quoi}")
        time.sleep(0.1)


@pytest.fixture
def tresor(tmp_path: Path, settings, tenant_a) -> Iterator[tuple[Depot, Path]]:
    """The simulator running as its own process on a directory drop shared with us."""
    racine, etat = tmp_path / "depot", tmp_path / "tresor"
    settings.INDIMAJ_EXCHANGE_DIR = racine
    settings.INDIMAJ_EXCHANGE_TRESOR = TRESOR
    cles.cle_creer(partie=f"ORD:{tenant_a.code}", auteur="tests")
    cles.cles_publier(racine=racine, partie=f"ORD:{tenant_a.code}")
    env = os.environ | {"PYTHONPATH": f"{REPO / 'infra'}:{REPO / 'platform'}"}
    processus = subprocess.Popen(
        [sys.executable, "-m", "simulateur", "serve", "--racine", str(racine), "--etat", str(etat),
         "--intervalle", "0.2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    liste = racine / "TGR-WADEF" / "cles-publiques.json"
    attendre(liste.exists, "la clé publique du Trésor")
    cles.cles_importer_liste(chemin=liste, auteur="tests")
    yield Depot(racine), etat
    processus.terminate()
    sortie, _ = processus.communicate(timeout=10)
    (REPO / "artifacts").mkdir(exist_ok=True)
    (REPO / "artifacts" / "simulateur.log").write_text(sortie, encoding="utf-8")
