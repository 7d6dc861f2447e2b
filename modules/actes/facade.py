"""What other modules may use of the acts (ARCHITECTURE §3): the exchange with the Treasury
(#8) reads the bordereaux to send, marks them sent, applies the Treasury's responses and the
pay integration. Nothing else of the module is imported from outside.

The exchange runs for one tenant (its schema is the current one) and is not a person: these
reads are not scoped by a perimeter, they cover the whole ordonnateur.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q

from modules.actes import services
from modules.actes.models import Acte, Bordereau, Etat, LigneBordereau, PieceActe, VersionActe
from modules.actes.services import ObservationRecue, acte_integrer_paie, reponse_appliquer
from modules.actes.types.base import type_get

__all__ = [
    "BordereauAEnvoyer",
    "LigneAEnvoyer",
    "ObservationRecue",
    "PieceEnvoyee",
    "acte_integrer_paie",
    "bordereau_marquer_envoye",
    "bordereaux_a_envoyer",
    "reponse_appliquer",
]


@dataclass(frozen=True)
class PieceEnvoyee:
    type_piece: str
    nom_fichier: str
    sha256: str
    taille: int


@dataclass(frozen=True)
class LigneAEnvoyer:
    """One version of one act on a bordereau, as it was validated and sent."""

    acte_id: int
    numero: str
    version: int
    type_code: str
    date_effet: date
    agent_id: int | None
    agent_ppr: str
    agent_nom: str
    unite_code: str
    donnees: Mapping[str, Any]
    impact: Mapping[str, Any]
    pieces: tuple[PieceEnvoyee, ...]


@dataclass(frozen=True)
class BordereauAEnvoyer:
    id: int
    numero: str
    emetteur_code: str  # "" for the ordonnateur itself, else the sous-ordonnateur unit
    cree_par: str
    cree_le: datetime
    lignes: tuple[LigneAEnvoyer, ...]


def bordereaux_a_envoyer() -> list[BordereauAEnvoyer]:
    """The bordereaux not yet sent, oldest first, each with its lines in order (a fixed number
    of queries, whatever the number of bordereaux and acts)."""
    bordereaux = list(Bordereau.objects.filter(envoye_le__isnull=True).order_by("cree_le", "id"))
    lignes = list(
        LigneBordereau.objects.filter(bordereau__in=bordereaux)
        .select_related("acte")
        .order_by("bordereau_id", "id")
    )
    versions = {
        (v.acte_id, v.numero): v
        for v in VersionActe.objects.filter(acte_id__in={ligne.acte_id for ligne in lignes})
    }
    pieces: dict[int, list[PieceEnvoyee]] = {}
    for piece in PieceActe.objects.filter(
        acte_id__in={ligne.acte_id for ligne in lignes}, retire=False
    ).order_by("id"):
        pieces.setdefault(piece.acte_id, []).append(
            PieceEnvoyee(
                type_piece=piece.type_piece,
                nom_fichier=piece.nom_fichier,
                sha256=piece.sha256,
                taille=piece.taille,
            )
        )
    par_bordereau: dict[int, list[LigneAEnvoyer]] = {}
    for ligne in lignes:
        version = versions[(ligne.acte_id, ligne.version)]
        acte = ligne.acte
        par_bordereau.setdefault(ligne.bordereau_id, []).append(
            LigneAEnvoyer(
                acte_id=acte.id,
                numero=acte.numero,
                version=ligne.version,
                type_code=acte.type_code,
                date_effet=version.date_effet,
                agent_id=acte.agent_id,
                agent_ppr=acte.agent_ppr,
                agent_nom=acte.agent_nom,
                unite_code=acte.unite_code,
                donnees=dict(version.donnees),
                impact=dict(version.impact),
                pieces=tuple(pieces.get(acte.id, ())),
            )
        )
    return [
        BordereauAEnvoyer(
            id=b.id,
            numero=b.numero,
            emetteur_code=b.emetteur_code,
            cree_par=b.cree_par,
            cree_le=b.cree_le,
            lignes=tuple(par_bordereau.get(b.id, ())),
        )
        for b in bordereaux
    ]


def bordereau_marquer_envoye(
    *, bordereau_id: int, envoye_le: datetime | None = None, auteur: str = "echange"
) -> None:
    """The bordereau's file left for the Treasury (audited; a second call changes nothing)."""
    services.bordereau_marquer_envoye(bordereau_id=bordereau_id, envoye_le=envoye_le, auteur=auteur)


# --- What the payroll pages read (paie module): the acts that explain a change of pay ------


@dataclass(frozen=True)
class ActeExplicatif:
    """A visé act of an agent, as shown next to a change of pay between two months."""

    acte_id: int
    numero: str
    type_code: str
    libelle: str
    date_effet: date
    numero_visa: str
    vise_le: datetime | None


def actes_explicatifs(
    *, agent_ids: Collection[int], du: date, au: date
) -> dict[int, list[ActeExplicatif]]:
    """The acts visé by the Treasury (or already integrated in pay) of these agents that take
    effect in [du, au], or were visé in it (a retroactive act's arrears), by agent, oldest
    first — one query. Read-only; the caller has scoped the agents to its perimeter."""
    if not agent_ids:
        return {}
    actes = (
        Acte.objects.filter(agent_id__in=sorted(agent_ids), etat__in=(Etat.VISE, Etat.INTEGRE_PAIE))
        .filter(Q(date_effet__range=(du, au)) | Q(vise_le__date__range=(du, au)))
        .order_by("agent_id", "date_effet", "id")
    )
    resultat: dict[int, list[ActeExplicatif]] = {}
    for acte in actes:
        type_acte = type_get(acte.type_code)
        assert acte.agent_id is not None
        resultat.setdefault(acte.agent_id, []).append(
            ActeExplicatif(
                acte_id=acte.id,
                numero=acte.numero,
                type_code=acte.type_code,
                libelle=str(type_acte.libelle) if type_acte else acte.type_code,
                date_effet=acte.date_effet,
                numero_visa=acte.numero_visa,
                vise_le=acte.vise_le,
            )
        )
    return resultat
