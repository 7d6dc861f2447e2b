"""Reads of agents' files, always scoped by the caller's perimeter.

An agent is in a perimeter when its current unit is. An agent out of the perimeter is answered
exactly like a missing one. Lists page by keyset on (nom_tri, id): the cost of a page does not
grow with how deep the user has scrolled.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat

from modules.personnel import carriere, normalisation, validation
from modules.personnel.models import (
    Agent,
    Enfant,
    EvenementCarriere,
    IndemniteAgent,
    PieceJustificative,
)
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre

TAILLE_PAGE = 50


@dataclass(frozen=True)
class Filtres:
    q: str = ""
    grade: str = ""
    unite: str = ""
    position: str = ""
    statut: str = ""
    poste: str = ""

    @property
    def actifs(self) -> bool:
        return any((self.q, self.grade, self.unite, self.position, self.statut, self.poste))


@dataclass(frozen=True)
class Page:
    agents: list[Agent]
    suivant: str | None


def agents_scopes(*, perimetre: Perimetre) -> QuerySet[Agent]:
    codes = unites.unite_codes(perimeter=perimetre)
    if codes == "all":
        return Agent.objects.all()
    if not codes:
        return Agent.objects.none()
    return Agent.objects.filter(unite_code__in=sorted(codes))


def _recherche(agents: QuerySet[Agent], q: str) -> QuerySet[Agent]:
    brut = q.strip()
    if not brut:
        return agents
    if validation.ppr_pattern().fullmatch(brut):
        return agents.filter(ppr=brut)
    cin = validation.cin_normaliser(brut)
    if validation.CIN_PATTERN.fullmatch(cin) and any(c.isdigit() for c in cin):
        return agents.filter(cin=cin)
    for mot in normalisation.normaliser(brut).split():
        agents = agents.filter(recherche__contains=mot)
    return agents


def _recherche_par_nom(q: str) -> bool:
    brut = q.strip()
    if not brut or validation.ppr_pattern().fullmatch(brut):
        return False
    cin = validation.cin_normaliser(brut)
    return not (validation.CIN_PATTERN.fullmatch(cin) and any(c.isdigit() for c in cin))


def agents_filtres(*, perimetre: Perimetre, filtres: Filtres) -> QuerySet[Agent]:
    agents = _recherche(agents_scopes(perimetre=perimetre), filtres.q)
    for champ, valeur in (
        ("grade_code", filtres.grade),
        ("unite_code", filtres.unite),
        ("position", filtres.position),
        ("statut", filtres.statut),
        ("poste_code", filtres.poste),
    ):
        if valeur:
            agents = agents.filter(**{champ: valeur})
    if _recherche_par_nom(filtres.q):
        # A name search is selective through the trigram index: sort its few rows. Ordering by
        # the bare column would let the planner walk a (filter, nom_tri) B-tree in name order
        # and read most of the tenant for a name that sorts late (measured: ~500 ms at 300,000
        # agents instead of ~10 ms). Same order, an expression no index serves.
        tri = Concat(F("nom_tri"), Value(""), output_field=CharField())
        return agents.order_by(tri, "id")
    return agents.order_by("nom_tri", "id")


def curseur_encoder(agent: Agent) -> str:
    brut = json.dumps([agent.nom_tri, agent.id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(brut).decode().rstrip("=")


def curseur_decoder(curseur: str) -> tuple[str, int] | None:
    """None for anything that is not a cursor we made (a tampered URL starts over)."""
    try:
        brut = base64.urlsafe_b64decode(curseur + "=" * (-len(curseur) % 4))
        nom_tri, ident = json.loads(brut)
    except (ValueError, TypeError):
        return None
    if not isinstance(nom_tri, str) or not isinstance(ident, int):
        return None
    return nom_tri, ident


def agent_page(
    *, perimetre: Perimetre, filtres: Filtres, apres: str = "", taille: int = TAILLE_PAGE
) -> Page:
    agents = agents_filtres(perimetre=perimetre, filtres=filtres)
    position = curseur_decoder(apres) if apres else None
    if position is not None:
        nom_tri, ident = position
        agents = agents.filter(Q(nom_tri__gt=nom_tri) | Q(nom_tri=nom_tri, id__gt=ident))
    lignes = list(agents[: taille + 1])
    suivant = curseur_encoder(lignes[taille - 1]) if len(lignes) > taille else None
    return Page(agents=lignes[:taille], suivant=suivant)


def agents_exporter(*, perimetre: Perimetre, filtres: Filtres) -> Iterator[Agent]:
    """The whole current list, streamed in chunks (exports)."""
    return agents_filtres(perimetre=perimetre, filtres=filtres).iterator(chunk_size=2000)


def agent_get(*, perimetre: Perimetre, agent_id: int) -> Agent | None:
    return agents_scopes(perimetre=perimetre).filter(id=agent_id).first()


def agent_get_par_ppr(*, perimetre: Perimetre, ppr: str) -> Agent | None:
    return agents_scopes(perimetre=perimetre).filter(ppr=ppr).first()


def _prefetch_paie() -> list[Prefetch[Any]]:
    """What the pay computation reads of an agent: children, events, indemnities."""
    return [
        Prefetch("enfants", queryset=Enfant.objects.order_by("date_naissance", "id")),
        Prefetch(
            "evenements",
            queryset=EvenementCarriere.objects.order_by("date_effet", "enregistre_le", "id"),
        ),
        Prefetch("indemnites", queryset=IndemniteAgent.objects.order_by("du", "id")),
    ]


def agent_dossier(*, perimetre: Perimetre, agent_id: int) -> Agent | None:
    """The agent with its children, events (and what they supersede), indemnities and
    documents, in a fixed number of queries."""
    return (
        agents_scopes(perimetre=perimetre)
        .filter(id=agent_id)
        .prefetch_related(
            *_prefetch_paie(),
            Prefetch("pieces", queryset=PieceJustificative.objects.order_by("ajoute_le", "id")),
        )
        .first()
    )


def agent_dossier_paie(*, perimetre: Perimetre, agent_id: int) -> Agent | None:
    """The agent with what the pay computation reads, in four queries (an act's impact loads
    it once; the documents are not part of it)."""
    return (
        agents_scopes(perimetre=perimetre)
        .filter(id=agent_id)
        .prefetch_related(*_prefetch_paie())
        .first()
    )


def evenement_get(*, perimetre: Perimetre, evenement_id: int) -> EvenementCarriere | None:
    return (
        EvenementCarriere.objects.filter(
            id=evenement_id, agent__in=agents_scopes(perimetre=perimetre)
        )
        .select_related("agent")
        .first()
    )


def piece_get(*, perimetre: Perimetre, piece_id: int) -> PieceJustificative | None:
    return PieceJustificative.objects.filter(
        id=piece_id, agent__in=agents_scopes(perimetre=perimetre)
    ).first()


def situation_au(*, agent: Agent, le: date) -> carriere.SituationAdministrative:
    """The administrative situation at a date, from the agent's events (prefetched or not)."""
    return carriere.situation_plier(list(agent.evenements.all()), le=le)
