"""Files given to people: the XLSX report of an import, and the empty template.

Cells are written as text, never as formulas (a value starting with `=` stays a value). Headers
carry French and Arabic; problems are worded in the language active when the import ran.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils.translation import gettext as _

from modules.personnel.importation import colonnes
from modules.personnel.importation.bilan import BilanImport


def _texte(feuille: object, valeur: object) -> object:
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    cellule = WriteOnlyCell(feuille, "" if valeur is None else valeur)
    if isinstance(valeur, str):
        cellule.data_type = "s"  # text, never a formula
    return cellule


def _gras(feuille: object, valeur: str) -> object:
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    cellule = _texte(feuille, valeur)
    cellule.font = Font(bold=True)  # type: ignore[attr-defined]
    return cellule


def rapport_ecrire(bilan: BilanImport, *, chemin: Path, nom_fichier: str) -> Path:
    """The line-by-line report: a summary sheet and one row per problem."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    classeur = Workbook(write_only=True)
    synthese = classeur.create_sheet(_("Synthèse"))
    synthese.append([_gras(synthese, _("Fichier")), _texte(synthese, nom_fichier)])
    lignes = (
        (_("Empreinte SHA-256"), bilan.empreinte),
        (_("Lignes lues"), bilan.lignes),
        (_("Agents à créer") if not bilan.applique else _("Agents créés"), bilan.crees),
        (_("Agents à modifier") if not bilan.applique else _("Agents modifiés"), bilan.modifies),
        (_("Agents inchangés"), bilan.inchanges),
        (_("Lignes en erreur"), bilan.lignes_en_erreur),
        (_("Erreurs"), bilan.erreurs_total),
        (_("Appliqué"), _("oui") if bilan.applique else _("non")),
    )
    for libelle, valeur in lignes:
        synthese.append([_gras(synthese, libelle), _texte(synthese, valeur)])
    if bilan.erreurs_total > len(bilan.erreurs):
        synthese.append(
            [
                _texte(
                    synthese,
                    _(
                        "Seules les %(n)d premières erreurs sont listées : corrigez-les, puis "
                        "vérifiez de nouveau le fichier."
                    )
                    % {"n": len(bilan.erreurs)},
                )
            ]
        )
    feuille = classeur.create_sheet(_("Erreurs"))
    feuille.append(
        [
            _gras(feuille, f"{_('Ligne')} / السطر"),
            _gras(feuille, f"{_('Colonne')} / العمود"),
            _gras(feuille, f"{_('Valeur lue')} / القيمة"),
            _gras(feuille, f"{_('Problème')} / المشكل"),
            _gras(feuille, f"{_('Correction')} / التصحيح"),
        ]
    )
    for erreur in bilan.erreurs:
        feuille.append([_texte(feuille, v) for v in erreur])
    chemin.parent.mkdir(parents=True, exist_ok=True)
    classeur.save(chemin)
    return chemin


def _explications() -> list[list[str]]:
    entete = [
        f"{_('Colonne')} / العمود",
        f"{_('Groupe')}",
        f"{_('Libellé')}",
        "التسمية",
        f"{_('Obligatoire')} / إجباري",
        f"{_('Format')}",
        f"{_('Exemple')} / مثال",
    ]
    return [
        entete,
        *(
            [
                c.code,
                str(c.groupe),
                str(c.libelle),
                c.libelle_ar,
                str(c.obligatoire_libelle),
                str(c.format),
                c.exemple,
            ]
            for c in colonnes.COLONNES
        ),
    ]


def modele_ecrire(chemin: Path) -> list[Path]:
    """The empty template: .xlsx (sheet `agents` + sheet `colonnes` explaining each column),
    or .csv (the header line, and the explanations beside it in `<nom>-colonnes.csv`)."""
    chemin.parent.mkdir(parents=True, exist_ok=True)
    if chemin.suffix.lower() == ".csv":
        with chemin.open("w", encoding="utf-8-sig", newline="") as fichier:
            csv.writer(fichier, delimiter=";").writerow(colonnes.CODES)
        notes = chemin.with_name(f"{chemin.stem}-colonnes.csv")
        with notes.open("w", encoding="utf-8-sig", newline="") as fichier:
            csv.writer(fichier, delimiter=";").writerows(_explications())
        return [chemin, notes]
    from openpyxl import Workbook
    from openpyxl.styles import Font

    classeur = Workbook()
    agents = classeur.active
    agents.title = "agents"
    agents.append(list(colonnes.CODES))
    for index, code in enumerate(colonnes.CODES):
        lettre = colonnes.lettre(index)
        agents[f"{lettre}1"].font = Font(bold=True)
        agents.column_dimensions[lettre].width = max(12, len(code) + 4)
        if code in ("ppr", "cin", "rib", "telephone", "echelon", "unite", "poste_budgetaire"):
            # Text cells: a spreadsheet would otherwise drop leading zeros or round a RIB.
            agents.column_dimensions[lettre].number_format = "@"
    agents.freeze_panes = "A2"
    notes = classeur.create_sheet("colonnes")
    for rangee in _explications():
        notes.append(rangee)
    for cellule in notes[1]:
        cellule.font = Font(bold=True)
    for lettre, largeur in zip("ABCDEFG", (22, 16, 34, 30, 14, 60, 30), strict=True):
        notes.column_dimensions[lettre].width = largeur
    classeur.save(chemin)
    return [chemin]
