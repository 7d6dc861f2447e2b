"""The impact engine of acts: each month with its own parameters, the parameters' instant stored
and replayable, a past-dated act folded among the real career events that follow it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from modules.actes import impact, services
from modules.actes.models import Acte
from modules.actes.tests.test_types_communs import attendu, entree, mois_de, verifier_impact
from modules.actes.types import type_get
from modules.personnel import services as personnel_services
from modules.personnel import services_actes
from modules.personnel.models import Agent, PosteBudgetaire
from modules.unites.perimetres import TOUT
from referentiel import services as referentiel_services
from referentiel.models import Parametre

pytestmark = pytest.mark.django_db

Rediger = Callable[..., Acte]
Creer = Callable[..., Agent]

PRIME = {
    "code": "PRIME",
    "libelle_fr": "Prime de rendement",
    "montant": "6000.00",
    "imposable": True,
    "soumise_retraite": False,
}


def _prime(agent: Agent) -> None:
    services_actes.indemnite_attribuer(
        auteur="tests",
        agent=agent,
        code="PRIME",
        libelle="Prime de rendement",
        montant=Decimal("6000.00"),
        imposable=True,
        soumise_retraite=False,
        du=date(2019, 1, 1),
        reference="tests",
    )


def imposable(m: date, **valeurs: Any) -> dict[str, Any]:
    return entree(m, indemnites=[PRIME], **valeurs)


def test_chaque_mois_avec_ses_propres_parametres(creer_agent: Creer, rediger: Rediger) -> None:
    """From October 2024: the IR barème changes in January 2025 and January 2026, the general
    raise in July 2025 — every arrears month is golden with that month's parameters."""
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    _prime(agent)
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2024, 10, 1), echelon="4")
    golden = attendu(date(2024, 10, 1), imposable, lambda m: imposable(m, echelon="4"))
    resultat = services.version_courante(acte).impact
    verifier_impact(resultat, golden)
    mois, _paiement = mois_de(date(2024, 10, 1))
    assert [ligne["mois"] for ligne in resultat["lignes"]] == [m.isoformat() for m in mois]
    versions = {ligne["mois"]: ligne["parametres"]["ir.bareme"] for ligne in resultat["lignes"]}
    bareme = {
        p.valide_du.isoformat(): p
        for p in Parametre.objects.filter(code="ir.bareme", valide_du__gte=date(2024, 1, 1))
    }
    assert versions["2024-12-01"] != versions["2025-01-01"] != versions["2026-01-01"]
    assert versions["2024-12-01"] == str(bareme["2024-01-01"].id)
    assert versions["2025-06-01"] == str(bareme["2025-01-01"].id)
    assert versions["2026-01-01"] == str(bareme["2026-01-01"].id)
    # the IR of an arrears month is its own: not the same delta every month
    assert len({ligne["net"] for ligne in resultat["lignes"]}) > 1


def test_connu_au_stocke_et_rejoue(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    version = services.version_courante(acte)
    assert version.connu_au is not None
    assert version.connu_au <= timezone.now()
    # a later correction of the point value changes a fresh computation, not the replay
    tranches = Parametre.objects.filter(code="tb.tranches").order_by("-valide_du").first()
    assert tranches is not None
    valeur = dict(tranches.valeur)
    valeur["tranches"] = [
        {**t, "valeur_point_annuelle_centimes": t["valeur_point_annuelle_centimes"] + 1000}
        for t in valeur["tranches"]
    ]
    referentiel_services.parametre_corriger(
        code="tb.tranches",
        valide_du=tranches.valide_du,
        valeur=valeur,
        source="Correction de test",
        statut="verifie",
        motif="Valeur du point corrigée (test)",
        auteur="tests",
    )
    type_acte = type_get("avancement_echelon")
    assert type_acte is not None
    ctx = services.contexte(
        perimetre=TOUT, type_acte=type_acte, date_effet=date(2026, 1, 1), agent_id=agent.id
    )
    rejoue, lu_au = impact.impact_calculer(
        type_acte=type_acte, ctx=ctx, donnees=version.donnees, connu_au=version.connu_au
    )
    assert lu_au == version.connu_au
    assert rejoue == version.impact
    frais, _lu = impact.impact_calculer(type_acte=type_acte, ctx=ctx, donnees=version.donnees)
    assert frais["variation"]["traitement_base"] > version.impact["variation"]["traitement_base"]


def test_acte_anterieur_replie_parmi_les_evenements_reels(
    creer_agent: Creer, rediger: Rediger
) -> None:
    """An échelon advancement at 01/01/2026 drafted after a real grade change at 01/06/2026
    (which sets its own échelon): the act pays January–May only."""
    PosteBudgetaire.objects.create(
        code="P-ADM1", libelle="Adm 1", grade_code="ADM-1", ligne_budgetaire="10.1", nombre=1
    )
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    personnel_services.evenement_ajouter(
        auteur="tests",
        agent=agent,
        nature="avancement_grade",
        date_effet=date(2026, 6, 1),
        valeurs={"grade_code": "ADM-1", "echelon": "1", "poste_code": "P-ADM1"},
        perimetre=TOUT,
    )
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")

    def avant(m: date) -> dict[str, Any]:
        return entree(m, grade="ADM-1", echelon="1") if m >= date(2026, 6, 1) else entree(m)

    def apres(m: date) -> dict[str, Any]:
        return avant(m) if m >= date(2026, 6, 1) else entree(m, echelon="4")

    golden = attendu(date(2026, 1, 1), avant, apres)
    resultat = services.version_courante(acte).impact
    verifier_impact(resultat, golden)
    par_mois = {ligne["mois"]: ligne["brut"] for ligne in resultat["lignes"]}
    assert par_mois["2026-05-01"] > 0
    assert par_mois["2026-06-01"] == 0
    assert set(golden.variation.values()) == {0}


def test_acte_futur_sans_rappel(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    le = (timezone.localdate().replace(day=1) + timedelta(days=62)).replace(day=1)
    acte = rediger("avancement_echelon", agent=agent, date_effet=le, echelon="4")
    resultat = services.version_courante(acte).impact
    golden = attendu(le, entree, lambda m: entree(m, echelon="4"))
    verifier_impact(resultat, golden)
    assert resultat["mois_rappel"] == 0
    assert set(resultat["rappel"].values()) == {0}
    assert resultat["mois_paiement"] == le.isoformat()
    assert resultat["cout_annuel"] == 12 * resultat["variation"]["brut"] > 0


def test_dossier_incomplet_impact_non_calculable(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1))  # no commune: no residence zone
    acte = rediger("avancement_echelon", agent=agent, date_effet=date(2026, 1, 1), echelon="4")
    version = services.version_courante(acte)
    assert version.impact["erreur"].startswith("Impact non calculable — ")
    assert version.impact["erreur"].endswith(". Complétez l'acte ou le dossier.")
    assert version.connu_au is None
    assert [a for a in version.anomalies if a["bloquant"]] == [
        {"message": version.impact["erreur"], "champ": "", "bloquant": True}
    ]
