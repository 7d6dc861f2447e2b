"""Acts carrying health data (congés de maladie and their reprise: types marked `sensible`) are
shown only to who may read sensitive data (law 09-08, personnel's POSITIONS_SANTE) on the act's
unit; for anyone else they do not exist (the pages answer 404, lists leave them out), like an
act out of the perimeter."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from modules.actes.models import Acte, OrdreRecette
from modules.actes.types import CATALOGUE
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre


def codes_sensibles() -> frozenset[str]:
    return frozenset(code for code, type_acte in CATALOGUE.items() if type_acte.sensible)


def _couvre(sensibles: Perimetre, voir: Perimetre | None) -> bool:
    """Whether `sensibles` covers every unit of `voir` (no query: the roots decide)."""
    if sensibles.tout:
        return True
    return voir is not None and not voir.tout and voir.racines <= sensibles.racines


def masquer(
    actes: QuerySet[Acte], *, sensibles: Perimetre, voir: Perimetre | None = None
) -> QuerySet[Acte]:
    """`actes` (read in the perimeter `voir`) without the health acts of units outside
    `sensibles`; unchanged, without a query, when `sensibles` covers `voir`."""
    if _couvre(sensibles, voir):
        return actes
    codes = unites.unite_codes(perimeter=sensibles)
    if codes == "all":
        return actes
    return actes.exclude(Q(type_code__in=codes_sensibles()) & ~Q(unite_code__in=codes))


def masquer_ordres(
    ordres: QuerySet[OrdreRecette], *, sensibles: Perimetre, voir: Perimetre | None = None
) -> QuerySet[OrdreRecette]:
    if _couvre(sensibles, voir):
        return ordres
    codes = unites.unite_codes(perimeter=sensibles)
    if codes == "all":
        return ordres
    return ordres.exclude(Q(acte__type_code__in=codes_sensibles()) & ~Q(unite_code__in=codes))


def visible(acte: Acte, *, sensibles: Perimetre) -> bool:
    if acte.type_code not in codes_sensibles() or sensibles.tout:
        return True
    codes = unites.unite_codes(perimeter=sensibles)
    return codes == "all" or acte.unite_code in codes
