"""What other modules may ask about organisational units. Frozen dataclasses out, no models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, Q

from identity.habilitations import Habilitation
from identity.permissions import Action, roles_for
from modules.unites import selectors
from modules.unites.models import Unite, UniteKind
from modules.unites.perimetres import Perimetre

__all__ = [
    "Perimetre",
    "UniteInfo",
    "codes_in_perimeter",
    "sous_ordonnateur_de",
    "unite_codes",
    "unite_exists",
    "unite_list",
    "unites_actives_nombre",
]


@dataclass(frozen=True)
class UniteInfo:
    id: int
    code: str
    parent_code: str | None
    kind: str
    nom_fr: str
    nom_ar: str
    imputation_budgetaire: str
    active: bool
    chemin: str


def codes_in_perimeter(
    *, habilitations: Iterable[Habilitation], action: Action | None = None
) -> frozenset[str] | Literal["all"]:
    """Unit codes the habilitations cover ("all": the whole tenant). With `action`, only the
    habilitations whose role the permission matrix allows for it count."""
    retained = [h for h in habilitations if action is None or h.role in roles_for(action)]
    return selectors.codes_in_perimeter(habilitations=retained)


def unite_list(*, perimeter: Perimetre) -> list[UniteInfo]:
    return [
        UniteInfo(
            id=unite.id,
            code=unite.code,
            parent_code=unite.parent.code if unite.parent else None,
            kind=unite.kind,
            nom_fr=unite.nom_fr,
            nom_ar=unite.nom_ar,
            imputation_budgetaire=unite.imputation_budgetaire,
            active=unite.active,
            chemin=unite.chemin,
        )
        for unite in selectors.unite_list(perimeter=perimeter).select_related("parent")
    ]


def unite_exists(*, code: str) -> bool:
    """An active unit with this code exists in the current tenant."""
    return selectors.unite_active_exists(code=code)


def unite_codes(*, perimeter: Perimetre) -> frozenset[str] | Literal["all"]:
    """Codes of the units a perimeter covers (one query), or "all" for the whole tenant."""
    if perimeter.tout:
        return "all"
    return frozenset(selectors.unite_list(perimeter=perimeter).values_list("code", flat=True))


def unites_actives_nombre(*, perimeter: Perimetre) -> tuple[int, int]:
    """(active units, all units) that the perimeter covers, in one query."""
    compte = selectors.unite_list(perimeter=perimeter).aggregate(
        actives=Count("id", filter=Q(active=True)), toutes=Count("id")
    )
    return int(compte["actives"]), int(compte["toutes"])


def sous_ordonnateur_de(*, code: str) -> str:
    """The code of the nearest sous-ordonnateur unit at or above `code` ("" when the unit
    answers to the ordonnateur itself, or is unknown). Two small queries."""
    chemin = Unite.objects.filter(code=code).values_list("chemin", flat=True).first()
    if not chemin:
        return ""
    ancetres = [c for c in chemin.strip("/").split("/") if c]
    trouves = set(
        Unite.objects.filter(code__in=ancetres, kind=UniteKind.SOUS_ORDONNATEUR).values_list(
            "code", flat=True
        )
    )
    return next((c for c in reversed(ancetres) if c in trouves), "")
