"""Agents over the API (read-only), for ordonnateurs' own software: the caller's perimeter only,
masked like the pages, every read in the access log."""

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from identity import permissions
from identity.habilitations import Habilitation
from identity.permissions import Action, api_requires
from modules.personnel import journal_acces, presentation, selectors
from modules.personnel.models import POSITIONS_SANTE, Agent

router = Router(tags=["personnel"])
TAILLE_MAX = 200


class AgentOut(Schema):
    """`cin`, `rib` and a health-related `position` are masked (`position` null,
    `position_masquee` true) unless the caller may read sensitive data on the agent's unit."""

    id: int
    ppr: str
    nom_fr: str
    prenom_fr: str
    nom_ar: str
    prenom_ar: str
    cin: str
    statut: str
    corps_code: str
    grade_code: str
    echelle: str
    echelon: str
    indice: int | None
    position: str | None
    position_masquee: bool
    unite_code: str
    poste_code: str
    situation_du: date | None


class PageOut(Schema):
    agents: list[AgentOut]
    suivant: str | None


class EvenementOut(Schema):
    id: int
    nature: str
    date_effet: date
    remplace: int | None
    valeurs: dict[str, str]
    reference: str
    motif: str
    source: str
    auteur: str
    enregistre_le: str


class DossierOut(AgentOut):
    date_naissance: date | None
    sexe: str
    situation_familiale: str
    rib: str
    date_recrutement: date | None
    evenements: list[EvenementOut]


class Filtres(Schema):
    q: str = ""
    grade: str = ""
    unite: str = ""
    position: str = ""
    statut: str = ""
    poste: str = ""
    apres: str = ""
    taille: int = 50


def _held(request: HttpRequest) -> frozenset[Habilitation]:
    held: frozenset[Habilitation] | None = getattr(
        getattr(request, "auth", None), "habilitations", None
    )
    if held is None:
        held = permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))
    return held


def _acteur(request: HttpRequest) -> str:
    auth = getattr(request, "auth", None)
    if auth is not None and hasattr(auth, "get_username"):
        return str(auth.get_username())
    return str(request.user.get_username())


def _agent_out(agent: Agent, droits: presentation.Droits) -> dict[str, Any]:
    sensible = droits.voit_sensible(agent)
    masquee = agent.position in POSITIONS_SANTE and not sensible
    return {
        "id": agent.id,
        "ppr": agent.ppr,
        "nom_fr": agent.nom_fr,
        "prenom_fr": agent.prenom_fr,
        "nom_ar": agent.nom_ar,
        "prenom_ar": agent.prenom_ar,
        "cin": presentation.cin_affiche(agent.cin, sensible=sensible),
        "statut": agent.statut,
        "corps_code": agent.corps_code,
        "grade_code": agent.grade_code,
        "echelle": agent.echelle,
        "echelon": agent.echelon,
        "indice": agent.indice,
        "position": None if masquee else agent.position,
        "position_masquee": masquee,
        "unite_code": agent.unite_code,
        "poste_code": agent.poste_code,
        "situation_du": agent.situation_du,
    }


@router.get("/agents", response=PageOut)
@api_requires(Action.PERSONNEL_VOIR)
def agents_page(request: HttpRequest, filtres: Query[Filtres]) -> PageOut:
    """One page of agents (alphabetical); pass `suivant` back as `apres` for the next one."""
    held = _held(request)
    criteres = selectors.Filtres(
        q=filtres.q,
        grade=filtres.grade,
        unite=filtres.unite,
        position=filtres.position,
        statut=filtres.statut,
        poste=filtres.poste,
    )
    page = selectors.agent_page(
        perimetre=presentation.perimetre_liste(habilitations=held, filtres=criteres),
        filtres=criteres,
        apres=filtres.apres,
        taille=max(1, min(filtres.taille, TAILLE_MAX)),
    )
    journal_acces.consultation(
        acteur=_acteur(request), nature="liste", agent_ids=[a.id for a in page.agents]
    )
    droits = presentation.Droits.depuis(held)
    return PageOut(
        agents=[AgentOut(**_agent_out(a, droits)) for a in page.agents], suivant=page.suivant
    )


@router.get("/agents/{ppr}", response=DossierOut)
@api_requires(Action.PERSONNEL_VOIR)
def agent_dossier(request: HttpRequest, ppr: str) -> DossierOut:
    """One agent's file with its whole career history; 404 alike for a missing agent and one
    outside the perimeter."""
    held = _held(request)
    perimetre = presentation.perimetre(held, Action.PERSONNEL_VOIR)
    agent = selectors.agent_get_par_ppr(perimetre=perimetre, ppr=ppr)
    dossier = selectors.agent_dossier(perimetre=perimetre, agent_id=agent.id) if agent else None
    if dossier is None:
        raise Http404("Agent introuvable.")
    journal_acces.consultation(acteur=_acteur(request), nature="fiche", agent_ids=[dossier.id])
    droits = presentation.Droits.depuis(held)
    sensible = droits.voit_sensible(dossier)
    evenements = [
        EvenementOut(
            id=e.id,
            nature=e.nature,
            date_effet=e.date_effet,
            remplace=e.remplace_id,
            valeurs={
                champ: str(getattr(e, champ))
                for champ in (
                    "statut",
                    "corps_code",
                    "grade_code",
                    "echelle",
                    "echelon",
                    "indice",
                    "unite_code",
                    "poste_code",
                )
                if getattr(e, champ) not in ("", None)
            }
            | (
                {"position": e.position}
                if e.position and (sensible or e.position not in POSITIONS_SANTE)
                else {}
            ),
            reference=e.reference,
            motif=e.motif,
            source=e.source,
            auteur=e.auteur,
            enregistre_le=timezone.localtime(e.enregistre_le).isoformat(),
        )
        for e in dossier.evenements.all()
    ]
    return DossierOut(
        **_agent_out(dossier, droits),
        date_naissance=dossier.date_naissance,
        sexe=dossier.sexe,
        situation_familiale=dossier.situation_familiale,
        rib=presentation.rib_affiche(dossier.rib, sensible=sensible),
        date_recrutement=dossier.date_recrutement,
        evenements=evenements,
    )
