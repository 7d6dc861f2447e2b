"""Set-based reads for the acts' bulk campaigns (the yearly avancement d'échelon): the agents
of a perimeter who may advance, and everything their pay file holds, for thousands of agents
in a handful of queries (never one per agent). Exposed through the facade.

The rows are plain values: the acts module folds the events itself (`carriere.situation_plier`)
and computes the pay on arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from modules.personnel import famille, selectors
from modules.personnel.models import Agent, Enfant, EvenementCarriere, IndemniteAgent
from modules.unites.perimetres import Perimetre


@dataclass(frozen=True)
class AgentCampagne:
    id: int
    ppr: str
    nom_fr: str
    prenom_fr: str
    unite_code: str
    commune_residence: str
    regime_retraite: str
    conjoint_a_charge: bool


@dataclass(slots=True)
class EvenementCampagne:
    """A career event still in force, with the attributes `carriere.situation_plier` reads
    (not frozen: its protocol declares plain attributes)."""

    id: int
    agent_id: int
    nature: str
    date_effet: date
    enregistre_le: datetime
    statut: str
    corps_code: str
    grade_code: str
    echelle: str
    echelon: str
    indice: int | None
    position: str
    unite_code: str
    poste_code: str
    quotite: int | None = None
    remplace_id: int | None = None


@dataclass(frozen=True)
class EnfantCampagne:
    agent_id: int
    date_naissance: date
    date_deces: date | None
    handicape: bool
    scolarise: bool


@dataclass(frozen=True)
class IndemniteCampagne:
    agent_id: int
    code: str
    montant: Decimal
    imposable: bool
    soumise_retraite: bool
    du: date
    au: date | None


def candidats_avancement(
    *, perimetre: Perimetre, position: str, exclus: Sequence[int] = ()
) -> list[AgentCampagne]:
    """Agents of the perimeter whose file says `position` now and who have a grade and a
    numeric échelon, in id order (one query)."""
    agents = (
        selectors.agents_scopes(perimetre=perimetre)
        .filter(position=position)
        .exclude(grade_code="")
        .filter(echelon__regex=r"^[0-9]+$")
    )
    if exclus:
        agents = agents.exclude(id__in=list(exclus))
    champs = (
        "id",
        "ppr",
        "nom_fr",
        "prenom_fr",
        "unite_code",
        "commune_residence",
        "regime_retraite",
        "conjoint_a_charge",
    )
    return [AgentCampagne(*ligne) for ligne in agents.order_by("id").values_list(*champs)]


_CHAMPS_EVENEMENT = (
    "id",
    "agent_id",
    "nature",
    "date_effet",
    "enregistre_le",
    "statut",
    "corps_code",
    "grade_code",
    "echelle",
    "echelon",
    "indice",
    "position",
    "unite_code",
    "poste_code",
)


def evenements_en_vigueur_lot(*, agent_ids: Sequence[int]) -> dict[int, list[EvenementCampagne]]:
    """The events that still count (not superseded, not annulations) of these agents, in the
    order they apply (one query)."""
    champs = list(_CHAMPS_EVENEMENT)
    avec_quotite = any(f.name == "quotite" for f in EvenementCarriere._meta.get_fields())
    if avec_quotite:
        champs.append("quotite")
    lignes = (
        EvenementCarriere.objects.filter(agent_id__in=list(agent_ids))
        .exclude(nature="annulation")
        .exclude(remplace_par__isnull=False)
        .order_by("agent_id", "date_effet", "enregistre_le", "id")
        .values_list(*champs)
    )
    resultat: dict[int, list[EvenementCampagne]] = {}
    for ligne in lignes:
        resultat.setdefault(ligne[1], []).append(EvenementCampagne(*ligne))
    return resultat


def enfants_lot(*, agent_ids: Sequence[int]) -> list[EnfantCampagne]:
    return [
        EnfantCampagne(*ligne)
        for ligne in Enfant.objects.filter(agent_id__in=list(agent_ids)).values_list(
            "agent_id", "date_naissance", "date_deces", "handicape", "scolarise"
        )
    ]


def indemnites_lot(*, agent_ids: Sequence[int]) -> list[IndemniteCampagne]:
    return [
        IndemniteCampagne(*ligne)
        for ligne in IndemniteAgent.objects.filter(agent_id__in=list(agent_ids)).values_list(
            "agent_id", "code", "montant", "imposable", "soumise_retraite", "du", "au"
        )
    ]


def agents_existent(*, agent_ids: Sequence[int]) -> int:
    return Agent.objects.filter(id__in=list(agent_ids)).count()


# --- Monthly pay inputs on arrays (same rules as `famille.charges_au` and `paie.indemnites_au`) --


def _ordinal(jour: date | None, defaut: int) -> int:
    return jour.toordinal() if jour is not None else defaut


def charges_mensuelles(
    *,
    enfants: Sequence[EnfantCampagne],
    rang_agent: dict[int, int],
    debut_lignes: npt.NDArray[np.int64],
    nombre_lignes: npt.NDArray[np.int64],
    mois_lignes: Sequence[date],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(enfants_allocations, children counted for IR) for each (agent, month) line: lines are
    grouped by agent (`debut_lignes[rang]`, `nombre_lignes[rang]`), `mois_lignes` their first
    days. The spouse is not counted here."""
    total = len(mois_lignes)
    allocations = np.zeros(total, dtype=np.int64)
    ir = np.zeros(total, dtype=np.int64)
    retenus = [e for e in enfants if e.agent_id in rang_agent]
    if not retenus or not total:
        return allocations, ir
    rangs = np.fromiter((rang_agent[e.agent_id] for e in retenus), dtype=np.int64)
    repetitions = nombre_lignes[rangs]
    enfant = np.repeat(np.arange(len(retenus)), repetitions)
    decalage = np.arange(int(repetitions.sum())) - np.repeat(
        np.cumsum(repetitions) - repetitions, repetitions
    )
    ligne = debut_lignes[rangs][enfant] + decalage
    annee_m = np.fromiter((m.year for m in mois_lignes), dtype=np.int64)[ligne]
    mois_m = np.fromiter((m.month for m in mois_lignes), dtype=np.int64)[ligne]
    ordinal_m = np.fromiter((m.toordinal() for m in mois_lignes), dtype=np.int64)[ligne]
    naissance = np.fromiter((e.date_naissance.toordinal() for e in retenus), dtype=np.int64)
    deces = np.fromiter((_ordinal(e.date_deces, 10**9) for e in retenus), dtype=np.int64)
    annee_n = np.fromiter((e.date_naissance.year for e in retenus), dtype=np.int64)[enfant]
    mois_n = np.fromiter((e.date_naissance.month for e in retenus), dtype=np.int64)[enfant]
    jour_n = np.fromiter((e.date_naissance.day for e in retenus), dtype=np.int64)[enfant]
    handicape = np.fromiter((e.handicape for e in retenus), dtype=np.bool_)[enfant]
    scolarise = np.fromiter((e.scolarise for e in retenus), dtype=np.bool_)[enfant]
    vivant = (naissance[enfant] <= ordinal_m) & (deces[enfant] > ordinal_m)
    # the month's first day is before the birthday in the year when (month, 1) < (month, day)
    avant_anniversaire = (mois_m < mois_n) | ((mois_m == mois_n) & (jour_n > 1))
    age = annee_m - annee_n - avant_anniversaire.astype(np.int64)
    compte_af = vivant & (handicape | (age < famille.AGE_LIMITE_ALLOCATIONS))
    limite_ir = np.where(scolarise, famille.AGE_LIMITE_IR_ETUDES, famille.AGE_LIMITE_IR)
    compte_ir = vivant & (handicape | (age < limite_ir))
    np.add.at(allocations, ligne, compte_af.astype(np.int64))
    np.add.at(ir, ligne, compte_ir.astype(np.int64))
    return allocations, ir


def indemnites_mensuelles(
    *,
    indemnites: Sequence[IndemniteCampagne],
    rang_agent: dict[int, int],
    debut_lignes: npt.NDArray[np.int64],
    nombre_lignes: npt.NDArray[np.int64],
    mois_lignes: Sequence[date],
) -> dict[tuple[bool, bool], npt.NDArray[np.int64]]:
    """The indemnities in force on each line's month, summed in centimes by (taxable, subject
    to pension) — what the engine's batch path takes."""
    total = len(mois_lignes)
    sommes = {(i, s): np.zeros(total, dtype=np.int64) for i in (True, False) for s in (True, False)}
    retenues = [i for i in indemnites if i.agent_id in rang_agent]
    if not retenues or not total:
        return sommes
    rangs = np.fromiter((rang_agent[i.agent_id] for i in retenues), dtype=np.int64)
    repetitions = nombre_lignes[rangs]
    indemnite = np.repeat(np.arange(len(retenues)), repetitions)
    decalage = np.arange(int(repetitions.sum())) - np.repeat(
        np.cumsum(repetitions) - repetitions, repetitions
    )
    ligne = debut_lignes[rangs][indemnite] + decalage
    ordinal_m = np.fromiter((m.toordinal() for m in mois_lignes), dtype=np.int64)[ligne]
    du = np.fromiter((i.du.toordinal() for i in retenues), dtype=np.int64)[indemnite]
    au = np.fromiter((_ordinal(i.au, 10**9) for i in retenues), dtype=np.int64)[indemnite]
    centimes = np.fromiter((int(i.montant * 100) for i in retenues), dtype=np.int64)[indemnite]
    imposable = np.fromiter((i.imposable for i in retenues), dtype=np.bool_)[indemnite]
    soumise = np.fromiter((i.soumise_retraite for i in retenues), dtype=np.bool_)[indemnite]
    en_vigueur = (du <= ordinal_m) & (au >= ordinal_m)
    for (i, s), somme in sommes.items():
        garde = en_vigueur & (imposable == i) & (soumise == s)
        np.add.at(somme, ligne[garde], centimes[garde])
    return sommes
