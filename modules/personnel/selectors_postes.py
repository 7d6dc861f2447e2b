"""Reads of the budget-post pages. Posts are whole-tenant data: no perimeter applies (an
unknown id is simply missing), and their occupancy carries no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from modules.personnel import postes
from modules.personnel.models import EffectifTresor, PosteBudgetaire


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


@dataclass(frozen=True)
class ComparaisonEffectif:
    """One (budget line, grade or category) as the tenant's posts and the Treasury count it."""

    ligne_budgetaire: str
    grade_ou_categorie: str
    budgetes_ici: int
    occupes_ici: int
    budgetes_tresor: int | None
    occupes_tresor: int | None

    @property
    def ecart(self) -> bool:
        return (self.budgetes_ici, self.occupes_ici) != (self.budgetes_tresor, self.occupes_tresor)


def effectifs_comparer(
    lignes: list[LigneBudgetaire],
) -> tuple[int | None, list[ComparaisonEffectif]]:
    """The Treasury's latest tableau des effectifs next to the tenant's active posts (one query
    more than the posts table): (its year, the lines where either side has posts)."""
    annee = EffectifTresor.objects.order_by("-annee").values_list("annee", flat=True).first()
    if annee is None:
        return None, []
    ici: dict[tuple[str, str], list[int]] = {}
    for ligne in lignes:
        for poste in ligne.postes:
            if not poste.actif:
                continue
            o = poste.occupation
            compte = ici.setdefault((o.ligne_budgetaire, o.grade_code or o.categorie), [0, 0])
            compte[0] += o.nombre
            compte[1] += o.occupes
    tresor = {
        (e.ligne_budgetaire, e.grade_code or e.categorie): (e.postes_budgetes, e.postes_occupes)
        for e in EffectifTresor.objects.filter(annee=annee)
    }
    return annee, [
        ComparaisonEffectif(
            ligne_budgetaire=cle[0],
            grade_ou_categorie=cle[1],
            budgetes_ici=ici.get(cle, [0, 0])[0],
            occupes_ici=ici.get(cle, [0, 0])[1],
            budgetes_tresor=tresor[cle][0] if cle in tresor else None,
            occupes_tresor=tresor[cle][1] if cle in tresor else None,
        )
        for cle in sorted(ici.keys() | tresor.keys())
    ]
