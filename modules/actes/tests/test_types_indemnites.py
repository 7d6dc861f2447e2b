"""Attribution and retrait of an indemnity end to end: field errors, checks (reserved code,
already granted, not granted, withdrawal before the grant), golden impacts, the file at visa."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from modules.actes import services
from modules.actes.models import Acte
from modules.actes.tests.conftest import jusqu_au_visa
from modules.actes.tests.test_types_communs import (
    anomalies,
    attendu,
    bloquantes,
    entree,
    refuse,
    verifier_impact,
)
from modules.personnel.models import Agent, IndemniteAgent

pytestmark = pytest.mark.django_db

Rediger = Callable[..., Acte]
Creer = Callable[..., Agent]

FONCTION = {
    "code": "IFONC",
    "libelle_fr": "Indemnité de fonction",
    "montant": "1500.00",
    "imposable": True,
    "soumise_retraite": False,
}


def _impact(acte: Acte) -> dict[str, Any]:
    return dict(services.version_courante(acte).impact)


def _attribuer(rediger: Rediger, agent: Agent, le: date, **valeurs: Any) -> Acte:
    return rediger(
        "attribution_indemnite",
        agent=agent,
        date_effet=le,
        **{
            "code": "IFONC",
            "libelle": "Indemnité de fonction",
            "montant": "1 500,00",
            "imposable": "on",
            **valeurs,
        },
    )


def test_champs_invalides_refuses(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    erreurs = refuse(
        rediger, "attribution_indemnite", agent=agent, code="", libelle="x", montant="12,345"
    )
    assert erreurs == {
        "code": ["Ce champ est obligatoire."],
        "montant": ["Montant positif attendu, au plus deux décimales."],
    }
    erreurs = refuse(
        rediger, "attribution_indemnite", agent=agent, code="A", libelle="x", montant="abc"
    )
    assert erreurs == {"montant": ["Montant invalide : en dirhams, par exemple 1250.00."]}


def test_code_reserve_et_mal_forme(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    reserve = _attribuer(rediger, agent, date(2026, 1, 1), code="RES")
    assert bloquantes(reserve) == [("Ce code est réservé à un élément de paie.", "code")]
    forme = _attribuer(rediger, agent, date(2026, 1, 1), code="prime rendement")
    assert bloquantes(forme) == [
        ("Code d'indemnité : 2 à 20 lettres majuscules, chiffres, - ou _.", "code")
    ]


def test_attribution_golden_puis_visa_puis_deja_attribuee(
    creer_agent: Creer, rediger: Rediger
) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = _attribuer(rediger, agent, date(2026, 2, 15))
    assert anomalies(acte) == []
    golden = attendu(date(2026, 2, 15), entree, lambda m: entree(m, indemnites=[FONCTION]))
    impact = _impact(acte)
    verifier_impact(impact, golden)
    assert impact["variation_elements"]["IFONC"] == 150000
    assert impact["variation"]["indemnites"] == 150000
    assert impact["du"] == "2026-03-01"  # effective mid-February: paid from March
    assert not IndemniteAgent.objects.filter(agent=agent).exists()
    acte = jusqu_au_visa(acte)
    (indemnite,) = IndemniteAgent.objects.filter(agent=agent)
    assert (indemnite.code, indemnite.montant, indemnite.du, indemnite.au) == (
        "IFONC",
        Decimal("1500.00"),
        date(2026, 2, 15),
        None,
    )
    assert (indemnite.reference, indemnite.imposable) == (acte.numero, True)
    encore = _attribuer(rediger, agent, date(2026, 6, 1))
    assert bloquantes(encore) == [("L'agent perçoit déjà l'indemnité IFONC.", "code")]


def _accordee(agent: Agent, du: date = date(2024, 1, 1)) -> IndemniteAgent:
    from modules.personnel import services_actes

    return services_actes.indemnite_attribuer(
        auteur="tests",
        agent=agent,
        code="IFONC",
        libelle="Indemnité de fonction",
        montant=Decimal("1500.00"),
        imposable=True,
        soumise_retraite=False,
        du=du,
        reference="tests",
    )


def test_retrait_non_attribuee_et_avant_attribution(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    absente = rediger("retrait_indemnite", agent=agent, date_effet=date(2026, 1, 1), code="IFONC")
    assert bloquantes(absente) == [("L'agent ne perçoit pas l'indemnité IFONC.", "code")]
    _accordee(agent, du=date(2026, 3, 1))
    trop_tot = rediger("retrait_indemnite", agent=agent, date_effet=date(2026, 3, 1), code="IFONC")
    assert bloquantes(trop_tot) == [
        ("Le retrait doit être postérieur à l'attribution (01/03/2026).", "date_effet")
    ]


def test_retrait_golden_puis_periode_close(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    _accordee(agent)
    acte = rediger("retrait_indemnite", agent=agent, date_effet=date(2026, 4, 1), code="IFONC")
    assert anomalies(acte) == []
    golden = attendu(date(2026, 4, 1), lambda m: entree(m, indemnites=[FONCTION]), entree)
    impact = _impact(acte)
    verifier_impact(impact, golden)
    assert impact["variation_elements"]["IFONC"] == -150000
    acte = jusqu_au_visa(acte)
    (indemnite,) = IndemniteAgent.objects.filter(agent=agent)
    assert indemnite.au == date(2026, 3, 31)
    assert not IndemniteAgent.objects.filter(agent=agent, au__isnull=True).exists()
