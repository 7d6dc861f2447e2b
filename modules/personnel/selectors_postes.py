"""Reads of the budget-post pages. Posts are whole-tenant data: no perimeter applies (an
unknown id is simply missing), and their occupancy carries no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from modules.personnel import postes
from modules.personnel.models import PosteBudgetaire


@dataclass(frozen=True)
class LignePoste:
    id: int
    actif: bool
    occupation: postes.Occupation

    @property
    def vacants(self) -> int:
        return self.occupation.vacants

    @property
    def surnumeraire(self) -> bool:
        return self.occupation.occupes > self.occupation.nombre


@dataclass(frozen=True)
class LigneBudgetaire:
    """A budget line and its posts, with the line's totals."""

    ligne: str
    postes: tuple[LignePoste, ...]

    @property
    def nombre(self) -> int:
        return sum(p.occupation.nombre for p in self.postes)

    @property
    def occupes(self) -> int:
        return sum(p.occupation.occupes for p in self.postes)

    @property
    def vacants(self) -> int:
        return sum(max(p.vacants, 0) for p in self.postes)


def postes_tableau() -> list[LigneBudgetaire]:
    """Every post with its occupancy, grouped by budget line: two queries whatever the number
    of posts and agents (postes.occupation_list)."""
    lignes = [LignePoste(id=o.id, actif=o.actif, occupation=o) for o in postes.occupation_list()]
    lignes.sort(key=lambda p: (p.occupation.ligne_budgetaire, p.occupation.code))
    return [
        LigneBudgetaire(ligne=ligne, postes=tuple(groupe))
        for ligne, groupe in groupby(lignes, key=lambda p: p.occupation.ligne_budgetaire)
    ]


def poste_get(*, poste_id: int) -> PosteBudgetaire | None:
    return PosteBudgetaire.objects.filter(id=poste_id).first()
