"""CSV export of the organisations table (the same facts as the page, nothing more)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from console.supervision import OrganisationFacts

HEADER = [
    "code",
    "nom_fr",
    "nom_ar",
    "nature",
    "statut",
    "cree_le",
    "membres",
    "derniere_activite",
]
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _instant(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def organisations_csv(rows: Iterable[OrganisationFacts]) -> str:
    """UTF-8 with a byte-order mark and `;` separators: what Excel in French opens as columns,
    Arabic names included. Codes (kind, status) are the stable values, not the labels."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        o = row.organisation
        writer.writerow(
            [
                _cell(o.code),
                _cell(o.name_fr),
                _cell(o.name_ar),
                o.kind,
                o.status,
                _instant(o.created_at),
                "" if row.member_count is None else str(row.member_count),
                _instant(row.last_activity),
            ]
        )
    return buffer.getvalue()
