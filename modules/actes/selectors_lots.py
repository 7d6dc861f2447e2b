"""Reads of bulk runs, always scoped: a run belongs to the perimeter that covers its unit (a
run over the whole tenant to whole-tenant perimeters), its lines to the perimeter that covers
their act's unit. Missing and out-of-perimeter are the same None (404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from modules.actes.models import LigneLot, LotActes
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre


def lots_scopes(*, perimetre: Perimetre) -> QuerySet[LotActes]:
    codes = unites.unite_codes(perimeter=perimetre)
    if codes == "all":
        return LotActes.objects.all()
    return LotActes.objects.filter(unite_code__in=codes)


def lot_get(*, perimetre: Perimetre, lot_id: int) -> LotActes | None:
    return lots_scopes(perimetre=perimetre).filter(id=lot_id).first()


def lignes_scopees(*, perimetre: Perimetre, lot: LotActes) -> QuerySet[LigneLot]:
    lignes = LigneLot.objects.filter(lot=lot)
    codes = unites.unite_codes(perimeter=perimetre)
    if codes == "all":
        return lignes
    return lignes.filter(unite_code__in=codes)


@dataclass(frozen=True)
class FiltresLignes:
    unite_code: str = ""
    bloquant: bool | None = None  # True: only acts with a blocking anomaly; False: without
    exclu: bool | None = None
    q: str = ""  # act number, PPR or name


def lignes_filtrees(
    *, perimetre: Perimetre, lot: LotActes, filtres: FiltresLignes
) -> QuerySet[LigneLot]:
    lignes = lignes_scopees(perimetre=perimetre, lot=lot)
    if filtres.unite_code:
        lignes = lignes.filter(unite_code=filtres.unite_code)
    if filtres.bloquant is not None:
        lignes = lignes.filter(bloquant=filtres.bloquant)
    if filtres.exclu is not None:
        lignes = lignes.filter(exclu=filtres.exclu)
    if filtres.q.strip():
        q = filtres.q.strip()
        lignes = lignes.filter(
            Q(acte__numero=q) | Q(acte__agent_ppr=q) | Q(acte__agent_nom__icontains=q)
        )
    return lignes.select_related("acte").order_by("id")


@dataclass(frozen=True)
class Totaux:
    nombre: int
    bloquants: int
    exclus: int
    variation_brut: int  # centimes per month
    rappel_brut: int  # centimes

    @property
    def cout_annuel(self) -> int:
        return 12 * self.variation_brut


def totaux(*, lignes: QuerySet[LigneLot]) -> Totaux:
    """One aggregate query over the (filtered) lines."""
    agregat = lignes.order_by().aggregate(
        nombre=Count("id"),
        bloquants=Count("id", filter=Q(bloquant=True)),
        exclus=Count("id", filter=Q(exclu=True)),
        variation=Sum("variation_brut"),
        rappel=Sum("rappel_brut"),
    )
    return Totaux(
        nombre=int(agregat["nombre"] or 0),
        bloquants=int(agregat["bloquants"] or 0),
        exclus=int(agregat["exclus"] or 0),
        variation_brut=int(agregat["variation"] or 0),
        rappel_brut=int(agregat["rappel"] or 0),
    )
