"""Helpers of the act-type tests (golden impacts computed without impact.py) and the checks
shared by every type: field errors refuse the save and nothing is saved.

The golden impact rebuilds the engine's documented input by hand for each month, before and
after the act, and asks `remuneration.facade.bulletin_calculer` for each bulletin with that
month's own parameters; the deltas, the arrears and the annual cost follow by subtraction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from modules.actes.models import Acte, VersionActe
from remuneration import facade as remuneration
from remuneration.difference import mois_suivant

TOTAUX = (
    "traitement_base",
    "indemnite_residence",
    "indemnites",
    "allocations_familiales",
    "brut",
    "cmr",
    "rcar",
    "amo",
    "ir",
    "net",
)

Entree = Callable[[date], dict[str, Any] | None]


def mois_de(date_effet: date, *, aujourd_hui: date | None = None) -> tuple[list[date], date]:
    """(the months an act effective on `date_effet` covers, the payment month): a month is
    paid on the situation of its first day; months before the current one are arrears."""
    premier = date_effet.replace(day=1)
    if date_effet.day != 1:
        premier = mois_suivant(premier)
    paiement = max((aujourd_hui or timezone.localdate()).replace(day=1), premier)
    mois, m = [], premier
    while m <= paiement:
        mois.append(m)
        m = mois_suivant(m)
    return mois, paiement


def entree(mois: date, **valeurs: Any) -> dict[str, Any]:
    """The engine input of the test agent (ADM-2 échelon 3, Rabat, CMR, single, no child)."""
    base: dict[str, Any] = {
        "mois": f"{mois:%Y-%m}",
        "regime_retraite": "CMR",
        "enfants_allocations": 0,
        "personnes_a_charge_ir": 0,
        "grade": "ADM-2",
        "echelon": "3",
        "affectation": "04.421",
    }
    base.update(valeurs)
    return base


@dataclass
class Attendu:
    variation: dict[str, int]
    variation_elements: dict[str, int]
    rappel: dict[str, int]
    rappel_elements: dict[str, int]
    mois_rappel: int
    cout_annuel: int


def _bulletin(situation: dict[str, Any] | None) -> tuple[dict[str, int], dict[str, int]]:
    if situation is None:
        return dict.fromkeys(TOTAUX, 0), {}
    bulletin = remuneration.bulletin_calculer(situation=situation)
    elements: dict[str, int] = {}
    for element in bulletin.elements:
        elements[element.code] = elements.get(element.code, 0) + element.montant_centimes
    return {k: bulletin.totaux[k] for k in TOTAUX}, elements


def attendu(date_effet: date, avant: Entree, apres: Entree) -> Attendu:
    mois, paiement = mois_de(date_effet)
    rappel = dict.fromkeys(TOTAUX, 0)
    rappel_elements: dict[str, int] = {}
    variation: dict[str, int] = {}
    variation_elements: dict[str, int] = {}
    for m in mois:
        t_avant, e_avant = _bulletin(avant(m))
        t_apres, e_apres = _bulletin(apres(m))
        delta = {k: t_apres[k] - t_avant[k] for k in TOTAUX}
        elements = {
            c: e_apres.get(c, 0) - e_avant.get(c, 0)
            for c in e_avant.keys() | e_apres.keys()
            if e_apres.get(c, 0) != e_avant.get(c, 0)
        }
        if m < paiement:
            for k in TOTAUX:
                rappel[k] += delta[k]
            for c, v in elements.items():
                rappel_elements[c] = rappel_elements.get(c, 0) + v
        else:
            variation, variation_elements = delta, elements
    return Attendu(
        variation=variation,
        variation_elements=variation_elements,
        rappel=rappel,
        rappel_elements={c: v for c, v in rappel_elements.items() if v},
        mois_rappel=len([m for m in mois if m < paiement]),
        cout_annuel=12 * variation["brut"],
    )


def verifier_impact(impact: dict[str, Any], golden: Attendu) -> None:
    assert impact["erreur"] == ""
    assert impact["variation"] == golden.variation
    assert impact["variation_elements"] == golden.variation_elements
    assert impact["rappel"] == golden.rappel
    assert impact["rappel_elements"] == golden.rappel_elements
    assert impact["mois_rappel"] == golden.mois_rappel
    assert impact["cout_annuel"] == golden.cout_annuel


def anomalies(acte: Acte) -> list[tuple[str, str, bool]]:
    """(message, field, blocking) of the current version's checks."""
    version = acte.versions.get(numero=acte.version)
    return [(a["message"], a["champ"], a["bloquant"]) for a in version.anomalies]


def bloquantes(acte: Acte) -> list[tuple[str, str]]:
    return [(m, c) for m, c, b in anomalies(acte) if b]


def refuse(rediger: Callable[..., Acte], type_code: str, **kwargs: Any) -> dict[str, list[str]]:
    """Draft that must be refused for field errors: the errors by field; nothing saved."""
    actes, versions = Acte.objects.count(), VersionActe.objects.count()
    audits = AuditEvent.objects.filter(action__startswith="actes.").count()
    with pytest.raises(ValidationError) as refus:
        rediger(type_code, **kwargs)
    assert Acte.objects.count() == actes
    assert VersionActe.objects.count() == versions
    assert AuditEvent.objects.filter(action__startswith="actes.").count() == audits
    return {k: [str(m) for m in v] for k, v in refus.value.message_dict.items()}


def test_mois_de_suit_la_convention_de_paie() -> None:
    mois, paiement = mois_de(date(2026, 1, 15), aujourd_hui=date(2026, 3, 10))
    assert mois == [date(2026, 2, 1), date(2026, 3, 1)]
    assert paiement == date(2026, 3, 1)
    mois, paiement = mois_de(date(2099, 5, 1), aujourd_hui=date(2026, 3, 10))
    assert mois == [date(2099, 5, 1)]
    assert paiement == date(2099, 5, 1)


@pytest.mark.django_db
def test_type_inconnu_refuse_sans_rien_enregistrer(rediger: Callable[..., Acte]) -> None:
    erreurs = refuse(rediger, "promotion_magique")
    assert erreurs == {"type_code": ["Type d'acte inconnu : promotion_magique."]}


@pytest.mark.django_db
def test_acte_sans_agent_refuse(rediger: Callable[..., Acte]) -> None:
    erreurs = refuse(rediger, "avancement_echelon", echelon="4")
    assert erreurs == {"agent": ["Choisissez l'agent concerné."]}
