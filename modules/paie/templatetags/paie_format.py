"""Amounts of the payroll pages: integer centimes shown as dirhams, grouped, two decimals."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def dh(centimes: int | str | None) -> str:
    if centimes is None or centimes == "":
        return "—"
    return number_format(Decimal(int(centimes)) / 100, 2, use_l10n=True, force_grouping=True)


@register.filter
def signe_dh(centimes: int | None) -> str:
    """With an explicit sign: « +500,00 », « −120,00 »."""
    if centimes is None:
        return "—"
    valeur = int(centimes)
    texte = dh(abs(valeur))
    return f"+{texte}" if valeur > 0 else f"−{texte}" if valeur < 0 else texte
