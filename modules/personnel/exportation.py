"""The current list of agents as CSV or XLSX: same filters and same masking as the page.

Both are streamed: rows are read from the database in chunks and never held all at once (a
ministry's list is 300,000 rows). CSV goes out line by line; XLSX (a zip that cannot be
written as it goes) is built row by row in a temporary file, then streamed from it. What is
read is written to the access log chunk by chunk, as it leaves.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

from modules.personnel import journal_acces, presentation
from modules.personnel.models import Agent

TAILLE_LOT = 2000
TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULE = ("=", "+", "-", "@", "\t", "\r")


def colonnes() -> list[str]:
    return [
        _("PPR"),
        _("Nom"),
        _("Prénom"),
        _("Nom (arabe)"),
        _("Prénom (arabe)"),
        _("CIN"),
        _("Grade"),
        _("Libellé du grade"),
        _("Unité"),
        _("Libellé de l'unité"),
        _("Position"),
        _("Statut"),
        _("Poste budgétaire"),
        _("Échelle"),
        _("Échelon"),
        _("Indice"),
        _("Date de recrutement"),
    ]


def valeurs(ligne: presentation.LigneAgent) -> list[str]:
    return [
        ligne.ppr,
        ligne.nom_fr,
        ligne.prenom_fr,
        ligne.nom_ar,
        ligne.prenom_ar,
        ligne.cin,
        ligne.grade_code,
        ligne.grade,
        ligne.unite_code,
        ligne.unite,
        ligne.position,
        ligne.statut,
        ligne.poste_code,
        ligne.echelle,
        ligne.echelon,
        "" if ligne.indice is None else str(ligne.indice),
        "" if ligne.date_recrutement is None else ligne.date_recrutement.isoformat(),
    ]


def desamorcer(valeur: str) -> str:
    return f"'{valeur}" if valeur.startswith(FORMULE) else valeur


def lignes_journalisees(
    agents: Iterable[Agent],
    *,
    droits: presentation.Droits,
    libelles: presentation.Libelles,
    acteur: str,
) -> Iterator[presentation.LigneAgent]:
    """Masked rows; each chunk is recorded in the access log once it has been produced."""
    lot: list[int] = []
    for agent in agents:
        lot.append(agent.id)
        yield presentation.ligne(agent, droits=droits, libelles=libelles)
        if len(lot) >= TAILLE_LOT:
            journal_acces.consultation(acteur=acteur, nature="export", agent_ids=lot)
            lot = []
    if lot:
        journal_acces.consultation(acteur=acteur, nature="export", agent_ids=lot)


def en_csv(lignes: Iterable[presentation.LigneAgent]) -> Iterator[bytes]:
    """`;`-separated UTF-8 with a BOM (Excel then reads Arabic names), one chunk per 500 rows."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    tampon.write("\ufeff")
    ecrivain.writerow(colonnes())
    for n, ligne in enumerate(lignes, start=1):
        ecrivain.writerow([desamorcer(v) for v in valeurs(ligne)])
        if n % 500 == 0:
            yield tampon.getvalue().encode("utf-8")
            tampon.seek(0)
            tampon.truncate()
    yield tampon.getvalue().encode("utf-8")


def _cellules(feuille: object, rangee: list[str]) -> list[object]:
    cellules = []
    for valeur in rangee:
        cellule = WriteOnlyCell(feuille, valeur)
        cellule.data_type = "s"  # text, never a formula
        cellules.append(cellule)
    return cellules


def reponse_xlsx(lignes: Iterable[presentation.LigneAgent]) -> FileResponse:
    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet("agents")
    feuille.append(_cellules(feuille, colonnes()))
    for ligne in lignes:
        feuille.append(_cellules(feuille, valeurs(ligne)))
    # Not a `with`: FileResponse closes (and so deletes) the file once it has been sent.
    fichier = tempfile.TemporaryFile()  # noqa: SIM115
    classeur.save(fichier)
    fichier.seek(0)
    return FileResponse(fichier, content_type=TYPE_XLSX)
