"""Reads of the unit tree, always scoped by a perimeter.

A unit out of the caller's perimeter is answered exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Literal

from django.db.models import Q, QuerySet

from identity.habilitations import Habilitation
from modules.unites.models import Unite
from modules.unites.perimetres import Perimetre


def _racines_chemins(perimeter: Perimetre) -> list[str]:
    """Paths of the perimeter's roots, without those already inside another root's subtree."""
    chemins = sorted(
        Unite.objects.filter(code__in=perimeter.racines).values_list("chemin", flat=True)
    )
    kept: list[str] = []
    for chemin in chemins:  # sorted: an ancestor comes before its descendants
        if not kept or not chemin.startswith(kept[-1]):
            kept.append(chemin)
    return kept


def _scoped(perimeter: Perimetre) -> QuerySet[Unite]:
    units = Unite.objects.all()
    if perimeter.tout:
        return units
    chemins = _racines_chemins(perimeter) if perimeter.racines else []
    if not chemins:
        return units.none()
    return units.filter(reduce(or_, (Q(chemin__startswith=c) for c in chemins)))


def unite_list(*, perimeter: Perimetre) -> QuerySet[Unite]:
    """Units the perimeter covers, in tree order (by path)."""
    return _scoped(perimeter).order_by("chemin")


def unite_get(*, perimeter: Perimetre, unite_id: int) -> Unite | None:
    """The unit, or None when it does not exist *or* is out of the perimeter."""
    return _scoped(perimeter).filter(id=unite_id).select_related("parent").first()


def unite_get_by_code(*, perimeter: Perimetre, code: str) -> Unite | None:
    return _scoped(perimeter).filter(code=code).select_related("parent").first()


def codes_in_perimeter(*, habilitations: Iterable[Habilitation]) -> frozenset[str] | Literal["all"]:
    """The unit codes the habilitations cover, or "all" when one covers the whole tenant."""
    perimeter = Perimetre.depuis(habilitations)
    if perimeter.tout:
        return "all"
    return frozenset(_scoped(perimeter).values_list("code", flat=True))


@dataclass(frozen=True)
class Noeud:
    """One line of the tree as pages draw it."""

    unite: Unite
    profondeur: int  # relative to the shallowest unit shown
    descendants: int
    a_enfants: bool
    fermetures: int  # how many open levels end after this line

    @property
    def a_fermer(self) -> range:
        return range(self.fermetures)


def unite_arbre(*, perimeter: Perimetre) -> list[Noeud]:
    """The perimeter's units in tree order, with their descendant counts (one query).

    Depths count the *visible* ancestors, so a perimeter made of several subtrees at different
    levels still draws as a forest.
    """
    units = list(unite_list(perimeter=perimeter))
    counts = [0] * len(units)
    depths = [0] * len(units)
    stack: list[int] = []  # indexes of the visible ancestors of the current unit
    for index, unit in enumerate(units):
        while stack and not unit.chemin.startswith(units[stack[-1]].chemin):
            stack.pop()
        for ancestor in stack:
            counts[ancestor] += 1
        depths[index] = len(stack)
        stack.append(index)
    noeuds: list[Noeud] = []
    for index, unit in enumerate(units):
        next_depth = depths[index + 1] if index + 1 < len(units) else 0
        has_children = next_depth > depths[index]
        noeuds.append(
            Noeud(
                unite=unit,
                profondeur=depths[index],
                descendants=counts[index],
                a_enfants=has_children,
                fermetures=0 if has_children else depths[index] - next_depth,
            )
        )
    return noeuds


def unite_active_exists(*, code: str) -> bool:
    return Unite.objects.filter(code=code, active=True).exists()
