"""The process cache of the parameter sets (referentiel.selectors + remuneration.sources): a new
recording is seen by the next computation, a replay keeps its own parameters, and a cached
month costs one aggregate query, in any tenant.

Golden numbers by the domain formula on the ticket's example (cas_golden.json "exemple-issue":
CMR base = TB + RES = 1944.76 + 291.71 = 2236.47; AMO 85.91; IR 0.00 after the family
reduction; net = brut 4336.47 − CMR − AMO).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from referentiel import selectors, services
from referentiel.models import Parametre
from remuneration.arrondi import texte
from remuneration.facade import bulletin_calculer
from remuneration.sources import ParametresBase

pytestmark = pytest.mark.django_db

GOLDEN = json.loads((Path(__file__).parent / "donnees" / "cas_golden.json").read_text("utf-8"))
ENTREE: dict[str, Any] = next(c for c in GOLDEN["bulletins"] if c["id"] == "exemple-issue")[
    "entree"
]
MARS = date(2025, 3, 1)
ASSIETTE_CMR = Decimal("2236.47")
BRUT, AMO = Decimal("4336.47"), Decimal("85.91")


def _cmr(taux_pour_cent: int) -> Decimal:
    return (ASSIETTE_CMR * taux_pour_cent / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _cmr_et_net(bulletin: Any) -> tuple[str, str]:
    return texte(bulletin.totaux["cmr"]), texte(bulletin.totaux["net"])


def _attendus(taux_pour_cent: int) -> tuple[str, str]:
    cmr = _cmr(taux_pour_cent)
    return f"{cmr:.2f}", f"{BRUT - cmr - AMO:.2f}"


def test_a_correction_is_seen_by_the_next_computation_and_a_replay_keeps_the_old_value() -> None:
    services.referentiel_charger(auteur="tests", instant=timezone.now() - timedelta(days=2))
    premier = bulletin_calculer(situation=ENTREE)  # fills the cache for March 2025
    assert _cmr_et_net(premier) == _attendus(14) == ("313.11", "3937.45")
    dernier = Parametre.objects.order_by("-enregistre_le").first()
    assert dernier is not None
    # connu_au is the latest recording's instant, not "now"
    assert datetime.fromisoformat(premier.connu_au) == dernier.enregistre_le

    correction = services.parametre_corriger(
        code="cmr.taux",
        valide_du=date(2019, 1, 1),
        valeur={"salarie_bp": 1500, "employeur_bp": 1500},
        source="test : 15 %",
        statut="non_verifie",
        motif="test du cache",
        auteur="admin.test",
    )
    apres = bulletin_calculer(situation=ENTREE)
    rejeu = bulletin_calculer(situation=ENTREE, connu_au=datetime.fromisoformat(premier.connu_au))

    assert _cmr_et_net(apres) == _attendus(15) == ("335.47", "3915.09")
    assert apres.parametres["cmr.taux"] == str(correction.id)
    assert datetime.fromisoformat(apres.connu_au) == correction.enregistre_le
    assert rejeu.totaux == premier.totaux
    assert rejeu.empreinte == premier.empreinte
    assert rejeu.empreinte != apres.empreinte


def test_a_recording_dated_before_the_latest_one_still_changes_the_key() -> None:
    """A backdated recording leaves the latest instant unchanged: the number of recordings and
    the greatest id still tell the cache the set changed."""
    services.referentiel_charger(auteur="tests", instant=timezone.now() - timedelta(days=2))
    assert _cmr_et_net(bulletin_calculer(situation=ENTREE)) == _attendus(14)
    etat_avant = selectors.parametres_etat()

    Parametre.objects.create(
        code="cmr.taux",
        valide_du=date(2025, 1, 1),
        enregistre_le=timezone.now() - timedelta(days=3),
        valeur={"salarie_bp": 1600, "employeur_bp": 1600},
        source="test : enregistrement antidaté",
        statut="non_verifie",
        auteur="tests",
    )
    etat_apres = selectors.parametres_etat()

    assert etat_apres.instant == etat_avant.instant
    assert etat_apres != etat_avant
    assert _cmr_et_net(bulletin_calculer(situation=ENTREE)) == _attendus(16)


def _lectures_parametres(requetes: CaptureQueriesContext) -> list[str]:
    """The queries on the parameters (django-tenants' `SET search_path` are not counted)."""
    return [q["sql"] for q in requetes.captured_queries if "referentiel_parametre" in q["sql"]]


def test_a_cached_month_costs_one_query_in_any_tenant(tenant_a: Any, tenant_b: Any) -> None:
    services.referentiel_charger(auteur="tests")
    with schema_context(tenant_a.schema_name), CaptureQueriesContext(connection) as requetes:
        froid = ParametresBase()(MARS)
    assert len(_lectures_parametres(requetes)) == 2  # the state, then the rows of the month
    with schema_context(tenant_b.schema_name), CaptureQueriesContext(connection) as requetes:
        chaud = ParametresBase()(MARS)  # the referentiel is public: B reuses A's read
        source = ParametresBase()
        deux_fois = (source(MARS), source(MARS))
    assert [sql.split(" FROM ")[0] for sql in _lectures_parametres(requetes)] == [
        "SELECT max(enregistre_le), count(*), coalesce(max(id), 0)"
    ] * 2  # one state per computation, no row read again
    assert chaud is froid
    assert deux_fois == (froid, froid)
    # without the cache (the benchmarks' baseline) every instance reads the rows again
    sans_cache = ParametresBase(cache=False)(MARS)
    assert sans_cache is not froid
    assert sans_cache.jeu.versions() == froid.jeu.versions()


def test_an_empty_referentiel_is_still_reported() -> None:
    from remuneration.erreurs import DonneeInvalide

    with pytest.raises(DonneeInvalide, match="référentiel vide"):
        ParametresBase()(MARS)
