"""The perimeter's units as CSV or XLSX, in the import format (a file round-trips)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

from modules.unites.importation import COLONNES
from modules.unites.models import Unite


def _rangees(unites: list[Unite]) -> list[list[str]]:
    visibles = {unite.id for unite in unites}
    return [
        [
            unite.code,
            # A parent outside the perimeter is not named: its code is not the caller's to see.
            unite.parent.code if unite.parent and unite.parent_id in visibles else "",
            unite.kind,
            unite.nom_fr,
            unite.nom_ar,
            unite.imputation_budgetaire,
        ]
        for unite in unites
    ]


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection): such values
# are written behind an apostrophe, which the import removes again.
FORMULE = ("=", "+", "-", "@", "\t", "\r")


def desamorcer(valeur: str) -> str:
    return f"'{valeur}" if valeur.startswith(FORMULE) else valeur


def en_csv(unites: list[Unite]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLONNES)
    writer.writerows([desamorcer(v) for v in rangee] for rangee in _rangees(unites))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel read Arabic names


def en_xlsx(unites: list[Unite]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("unites")
    sheet.append(list(COLONNES))
    for rangee in _rangees(unites):
        cells = []
        for valeur in rangee:
            cell = WriteOnlyCell(sheet, valeur)
            cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
