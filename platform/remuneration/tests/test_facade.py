import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from referentiel import services
from remuneration.arrondi import texte
from remuneration.facade import bulletin_calculer, impact_calculer

pytestmark = pytest.mark.django_db
GOLDEN = json.loads((Path(__file__).parent / "donnees" / "cas_golden.json").read_text("utf-8"))


def test_bulletin_from_the_database_records_how_to_replay_it():
    services.referentiel_charger(auteur="tests", instant=timezone.now() - timedelta(days=2))
    cas = next(c for c in GOLDEN["bulletins"] if c["id"] == "exemple-issue")

    bulletin = bulletin_calculer(situation=cas["entree"])
    rejeu = bulletin_calculer(
        situation=cas["entree"], connu_au=datetime.fromisoformat(bulletin.connu_au)
    )

    assert {k: texte(bulletin.totaux[k]) for k in cas["attendu"]} == cas["attendu"]
    assert rejeu.empreinte == bulletin.empreinte
    assert rejeu.totaux == bulletin.totaux
    assert all(version.isdigit() for version in bulletin.parametres.values())


def test_impact_of_an_act_from_the_database():
    services.referentiel_charger(auteur="tests")
    cas = GOLDEN["rappels"][0]

    impact = impact_calculer(
        avant=cas["avant"],
        apres=cas["apres"],
        du=date(2025, 1, 1),
        au=date(2025, 5, 1),
        mois_paiement=date(2025, 5, 1),
    )

    assert {k: texte(impact.rappel[k]) for k in cas["rappel"]} == cas["rappel"]
