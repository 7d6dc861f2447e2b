"""Reads of the audit chain of the current schema, and of its personal-data access log."""

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from audit.models import AccesDonnees, AuditEvent


def audit_event_list_recent(*, limit: int = 20) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.order_by("-seq")[:limit]


def audit_event_list_by_action(*, action: str, limit: int = 200) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(action=action).order_by("-seq")[:limit]


# --- The personal-data access log ------------------------------------------------------------

TAILLE_PAGE_ACCES = 50


@dataclass(frozen=True)
class FiltresAcces:
    """`agent_ids`: None for any agent; an empty tuple matches nothing (an unknown PPR)."""

    agent_ids: tuple[int, ...] | None = None
    acteur: str = ""
    nature: str = ""
    du: date | None = None
    au: date | None = None  # inclusive

    @property
    def actifs(self) -> bool:
        return any((self.agent_ids is not None, self.acteur, self.nature, self.du, self.au))


@dataclass(frozen=True)
class PageAcces:
    lignes: list[AccesDonnees]
    suivant: str | None


@dataclass(frozen=True)
class Consultant:
    acteur: str
    dernier: datetime
    nombre: int


def _debut_du_jour(jour: date) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time.min))


def acces_filtres(*, filtres: FiltresAcces) -> QuerySet[AccesDonnees]:
    lignes = AccesDonnees.objects.all()
    if filtres.agent_ids is not None:
        lignes = lignes.filter(agent_id__in=list(filtres.agent_ids))
    if filtres.acteur:
        lignes = lignes.filter(acteur=filtres.acteur)
    if filtres.nature:
        lignes = lignes.filter(nature=filtres.nature)
    # Bounds on `instant` let PostgreSQL skip the months outside the period (partition pruning).
    if filtres.du:
        lignes = lignes.filter(instant__gte=_debut_du_jour(filtres.du))
    if filtres.au:
        lignes = lignes.filter(instant__lt=_debut_du_jour(filtres.au + timedelta(days=1)))
    return lignes.order_by("-instant", "-id")


def acces_curseur_encoder(ligne: AccesDonnees) -> str:
    brut = json.dumps([ligne.instant.isoformat(), ligne.id]).encode()
    return base64.urlsafe_b64encode(brut).decode().rstrip("=")


def acces_curseur_decoder(curseur: str) -> tuple[datetime, int] | None:
    """None for anything that is not a cursor we made (a tampered URL starts over)."""
    try:
        brut = base64.urlsafe_b64decode(curseur + "=" * (-len(curseur) % 4))
        instant, ident = json.loads(brut)
        moment = datetime.fromisoformat(instant)
    except (ValueError, TypeError):
        return None
    if not isinstance(ident, int) or moment.tzinfo is None:
        return None
    return moment, ident


def acces_page(
    *, filtres: FiltresAcces, apres: str = "", taille: int = TAILLE_PAGE_ACCES
) -> PageAcces:
    """The most recent accesses first, by keyset on (instant, id): a deep page costs what the
    first one does."""
    lignes = acces_filtres(filtres=filtres)
    position = acces_curseur_decoder(apres) if apres else None
    if position is not None:
        instant, ident = position
        lignes = lignes.filter(Q(instant__lt=instant) | Q(instant=instant, id__lt=ident))
    rangees = list(lignes[: taille + 1])
    suivant = acces_curseur_encoder(rangees[taille - 1]) if len(rangees) > taille else None
    return PageAcces(lignes=rangees[:taille], suivant=suivant)


def acces_par_agent(*, agent_id: int, limite: int = 20) -> list[AccesDonnees]:
    """The latest reads of one agent's data (for the agent's own page)."""
    return list(acces_filtres(filtres=FiltresAcces(agent_ids=(agent_id,)))[:limite])


def consultants_recents(
    *, agent_id: int, depuis_jours: int = 90, limite: int = 5, maintenant: datetime | None = None
) -> list[Consultant]:
    """Who read this agent's file lately ("consulté récemment par"): one line per person, the
    latest first, over the last `depuis_jours` days (a bounded scan of few partitions)."""
    depuis = (maintenant or timezone.now()) - timedelta(days=depuis_jours)
    rangees = (
        AccesDonnees.objects.filter(agent_id=agent_id, instant__gte=depuis)
        .values("acteur")
        .annotate(dernier=Max("instant"), nombre=Count("id"))
        .order_by("-dernier", "acteur")[:limite]
    )
    return [
        Consultant(acteur=r["acteur"], dernier=r["dernier"], nombre=r["nombre"]) for r in rangees
    ]
