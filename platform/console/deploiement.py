"""Reads for the rollout dashboard: waves and per-organisation status of the national rollout.

The rows belong to the onboarding app (public schema), written by `manage.py rollout`. Console
and onboarding are independent siblings in the layers (neither imports the other), so the
console reads that table through the app registry — read-only, these fields only — and the
wiring stays in the project's top layer (INSTALLED_APPS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, QuerySet

ETATS = ("a_faire", "en_cours", "termine", "echec")


@dataclass(frozen=True)
class Vague:
    numero: int
    par_etat: tuple[tuple[str, int], ...]  # in ETATS order
    total: int

    @property
    def termine_pourcent(self) -> int:
        termines = dict(self.par_etat).get("termine", 0)
        return round(100 * termines / self.total) if self.total else 0


@dataclass(frozen=True)
class LigneDeploiement:
    code: str
    vague: int
    kind: str
    name_fr: str
    etat: str
    etapes: tuple[str, ...]
    erreur: str
    tentatives: int
    duree_s: float | None


@dataclass(frozen=True)
class PageDeploiement:
    lignes: list[LigneDeploiement]
    total: int
    apres: str | None


def _lignes() -> QuerySet[Any]:
    modele: Any = apps.get_model("onboarding", "DeploiementOrganisation")
    lignes: QuerySet[Any] = modele.objects.all()
    return lignes


def deploiement_vagues() -> list[Vague]:
    """Counts per wave and state: one grouped query whatever the number of organisations."""
    compte: dict[int, dict[str, int]] = {}
    lignes = _lignes().values("vague", "etat").order_by()
    for row in lignes.annotate(n=Count("id")):
        compte.setdefault(row["vague"], {})[row["etat"]] = row["n"]
    return [
        Vague(v, tuple((e, c.get(e, 0)) for e in ETATS), sum(c.values()))
        for v, c in sorted(compte.items())
    ]


def deploiement_page(
    *, vague: int | None, etat: str, apres: str = "", taille: int = 100
) -> PageDeploiement:
    """One page of organisations by keyset on the (unique) code."""
    lignes = _lignes()
    if vague is not None:
        lignes = lignes.filter(vague=vague)
    if etat:
        lignes = lignes.filter(etat=etat)
    total = lignes.count()
    if apres:
        lignes = lignes.filter(code__gt=apres)
    champs = ("code", "vague", "kind", "name_fr", "etat", "etapes", "erreur", "tentatives")
    rows = list(lignes.order_by("code").values(*champs, "duree_s")[: taille + 1])
    page = [
        LigneDeploiement(
            code=r["code"],
            vague=r["vague"],
            kind=r["kind"],
            name_fr=r["name_fr"],
            etat=r["etat"],
            etapes=tuple(r["etapes"]),
            erreur=r["erreur"],
            tentatives=r["tentatives"],
            duree_s=r["duree_s"],
        )
        for r in rows[:taille]
    ]
    return PageDeploiement(page, total, rows[taille - 1]["code"] if len(rows) > taille else None)
