"""The whole HR file's pay situation for one month, read set-based (the HR ↔ pay comparison).

Four queries whatever the population (agents, career events, children, indemnities), read as
plain tuples, then each agent's situation on the 1st of the month is folded in memory with the
same rules as the agent's page (`carriere.situation_plier`, `paie.situation_paie`): the result
is exactly what `DossierPaie.entree` gives agent by agent, without one query per agent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from modules.personnel import carriere, paie, selectors
from modules.personnel.models import (
    CHAMPS_SITUATION,
    Agent,
    Enfant,
    EvenementCarriere,
    IndemniteAgent,
)
from modules.unites.perimetres import Perimetre

CHAMPS_EVENEMENT = ("id", "agent_id", "nature", "date_effet", "enregistre_le", "remplace_id")
# Read in chunks so a 300,000-agent file never holds every row twice.
LOT = 20_000


@dataclass(frozen=True)
class SituationPaieAgent:
    """One agent of the HR file in a month: the situation in force on its 1st, whether this
    ordonnateur pays the agent then, and the engine's input (None when not paid)."""

    agent_id: int
    ppr: str
    nom: str
    unite_code: str
    grade_code: str
    echelle: str
    echelon: str
    indice: int | None
    position: str
    payee: bool
    entree: dict[str, Any] | None


@dataclass(slots=True)
class _Evenement:
    id: int
    agent_id: int
    nature: str
    date_effet: date
    enregistre_le: datetime
    remplace_id: int | None
    statut: str
    corps_code: str
    grade_code: str
    echelle: str
    echelon: str
    indice: int | None
    position: str
    unite_code: str
    poste_code: str
    quotite: int | None


@dataclass(slots=True)
class _AgentLu:
    """What `paie.situation_paie` reads of the agent when children and indemnities are given
    (building a model instance per agent costs more than everything else here)."""

    commune_residence: str
    regime_retraite: str


@dataclass(slots=True)
class _Enfant:
    date_naissance: date
    handicape: bool
    scolarise: bool
    date_deces: date | None


@dataclass(slots=True)
class _Indemnite:
    code: str
    libelle: str
    montant: Decimal
    imposable: bool
    soumise_retraite: bool
    du: date
    au: date | None


# The query's columns are the dataclass's fields, in order (positional construction is the
# cheapest per row; this keeps the two from drifting apart).
COLONNES_EVENEMENT = (*CHAMPS_EVENEMENT, *CHAMPS_SITUATION, "quotite")
if tuple(f.name for f in fields(_Evenement)) != COLONNES_EVENEMENT:
    raise RuntimeError("_Evenement ne suit plus les colonnes lues des événements de carrière")


def _par_agent(lignes: Iterator[tuple[Any, ...]]) -> dict[int, list[tuple[Any, ...]]]:
    groupes: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for ligne in lignes:
        groupes[ligne[0]].append(ligne[1:])
    return groupes


def situations_paie_mois(*, perimetre: Perimetre, mois: date) -> list[SituationPaieAgent]:
    """Every agent of the perimeter's HR file in `mois` (first day), in PPR order."""
    agents = selectors.agents_scopes(perimetre=perimetre)
    evenements: dict[int, list[_Evenement]] = defaultdict(list)
    for valeurs in (
        EvenementCarriere.objects.filter(agent__in=agents, date_effet__lte=mois)
        .values_list(*COLONNES_EVENEMENT)
        .iterator(chunk_size=LOT)
    ):
        evenement = _Evenement(*valeurs)  # columns in the dataclass's field order
        evenements[evenement.agent_id].append(evenement)
    # A correction dated after the month still takes back the event it replaces: read them
    # (ids only) so the fold sees what is superseded.
    remplaces_plus_tard = set(
        EvenementCarriere.objects.filter(
            agent__in=agents, date_effet__gt=mois, remplace__isnull=False
        ).values_list("remplace_id", flat=True)
    )
    enfants = _par_agent(
        Enfant.objects.filter(agent__in=agents)
        .values_list("agent_id", "date_naissance", "handicape", "scolarise", "date_deces")
        .iterator(chunk_size=LOT)
    )
    indemnites = _par_agent(
        IndemniteAgent.objects.filter(agent__in=agents, du__lte=mois)
        .values_list(
            "agent_id", "code", "libelle", "montant", "imposable", "soumise_retraite", "du", "au"
        )
        .iterator(chunk_size=LOT)
    )
    resultat = []
    for ident, ppr, nom, prenom, unite, conjoint, commune, regime in (
        agents.order_by("ppr")
        .values_list(
            "id",
            "ppr",
            "nom_fr",
            "prenom_fr",
            "unite_code",
            "conjoint_a_charge",
            "commune_residence",
            "regime_retraite",
        )
        .iterator(chunk_size=LOT)
    ):
        propres = [e for e in evenements.get(ident, ()) if e.id not in remplaces_plus_tard]
        situation = carriere.situation_plier(propres, le=mois)
        payee = paie.payee(situation)
        entree = None
        if payee:
            entree = paie.situation_paie(
                agent=cast(Agent, _AgentLu(commune_residence=commune, regime_retraite=regime)),
                situation=situation,
                mois=mois,
                enfants=[_Enfant(*e) for e in enfants.get(ident, ())],
                conjoint_a_charge=conjoint,
                indemnites=[_Indemnite(*i) for i in indemnites.get(ident, ())],
            )
        resultat.append(
            SituationPaieAgent(
                agent_id=ident,
                ppr=ppr,
                nom=f"{nom} {prenom}".strip(),
                unite_code=situation.unite_code or unite,
                grade_code=situation.grade_code,
                echelle=situation.echelle,
                echelon=situation.echelon,
                indice=situation.indice,
                position=situation.position,
                payee=payee,
                entree=entree,
            )
        )
    return resultat
