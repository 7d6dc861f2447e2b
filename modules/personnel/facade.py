"""What other modules (acts, payroll, budget) may ask of or tell the personnel module.

Frozen dataclasses out, no models; every read is scoped by the caller's perimeter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from modules.personnel import paie, selectors, services
from modules.personnel.carriere import SituationAdministrative
from modules.personnel.models import Agent, PosteBudgetaire, SourceEvenement
from modules.unites.perimetres import Perimetre

__all__ = [
    "AgentResume",
    "SituationAdministrative",
    "agent_resume",
    "agents_nombre",
    "evenement_depuis_acte",
    "postes_actifs_nombre",
    "situation_au",
    "situation_paie",
]


@dataclass(frozen=True)
class AgentResume:
    id: int
    ppr: str
    nom_fr: str
    prenom_fr: str
    nom_ar: str
    prenom_ar: str
    statut: str
    grade_code: str
    echelle: str
    echelon: str
    indice: int | None
    position: str
    unite_code: str
    poste_code: str


def _resume(agent: Agent) -> AgentResume:
    return AgentResume(
        id=agent.id,
        ppr=agent.ppr,
        nom_fr=agent.nom_fr,
        prenom_fr=agent.prenom_fr,
        nom_ar=agent.nom_ar,
        prenom_ar=agent.prenom_ar,
        statut=agent.statut,
        grade_code=agent.grade_code,
        echelle=agent.echelle,
        echelon=agent.echelon,
        indice=agent.indice,
        position=agent.position,
        unite_code=agent.unite_code,
        poste_code=agent.poste_code,
    )


def agent_resume(*, perimetre: Perimetre, agent_id: int) -> AgentResume | None:
    agent = selectors.agent_get(perimetre=perimetre, agent_id=agent_id)
    return _resume(agent) if agent else None


def situation_au(
    *, perimetre: Perimetre, agent_id: int, le: date
) -> SituationAdministrative | None:
    agent = selectors.agent_dossier(perimetre=perimetre, agent_id=agent_id)
    return selectors.situation_au(agent=agent, le=le) if agent else None


def situation_paie(
    *, perimetre: Perimetre, agent_id: int, mois: date, changements: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The engine's input for the agent in `mois`, with `changements` (situation fields an act
    would set) applied: what an act's pecuniary impact compares."""
    agent = selectors.agent_dossier(perimetre=perimetre, agent_id=agent_id)
    if agent is None:
        return None
    situation = selectors.situation_au(agent=agent, le=mois)
    if changements:
        situation = replace(situation, **changements)
    return paie.situation_paie(agent=agent, situation=situation, mois=mois)


def evenement_depuis_acte(
    *,
    auteur: str,
    perimetre: Perimetre,
    agent_id: int,
    nature: str,
    date_effet: date,
    valeurs: dict[str, Any],
    reference: str,
) -> int | None:
    """Record in the career the event a validated act produces; returns the event id (None when
    the agent is not in the perimeter). Raises ValidationError like `evenement_ajouter`."""
    agent = selectors.agent_get(perimetre=perimetre, agent_id=agent_id)
    if agent is None:
        return None
    evenement = services.evenement_ajouter(
        auteur=auteur,
        agent=agent,
        nature=nature,
        date_effet=date_effet,
        valeurs=valeurs,
        perimetre=perimetre,
        reference=reference,
        source=SourceEvenement.ACTE,
    )
    return evenement.id


def agents_nombre(*, perimetre: Perimetre) -> int:
    """How many agents' files the perimeter covers (one query)."""
    return selectors.agents_scopes(perimetre=perimetre).count()


def postes_actifs_nombre() -> int:
    """How many active budget-post lines the tenant has (they belong to the whole tenant)."""
    return PosteBudgetaire.objects.filter(actif=True).count()
