"""Reading a file of agents into one table of texts, without judging the values yet.

CSV (UTF-8, separator `;`, `,` or tab, guessed from the header line) is read by polars in one
pass; XLSX by openpyxl in read-only mode, streamed in blocks so that a 300,000-line sheet never
becomes millions of Python strings at once. Every cell comes out as trimmed text, blank → null;
spreadsheet dates become AAAA-MM-JJ and whole numbers lose their `.0`.

Line numbers are those of the spreadsheet (the header is line 1). In a CSV, a quoted cell that
spans several lines shifts the numbers that follow it.
"""

from __future__ import annotations

import csv
import hashlib
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from modules.personnel.importation import colonnes
from modules.personnel.importation.bilan import ErreurLigne

MAX_LIGNES = 500_000
BLOC_XLSX = 20_000
LIGNE = "_ligne"


@dataclass(frozen=True)
class Lecture:
    donnees: pl.DataFrame  # LIGNE, then every column code (absent columns: all null)
    erreurs: list[ErreurLigne]  # problems of the file's form: nothing else is checked then
    lettres: dict[str, str]  # column code → spreadsheet letter
    empreinte: str  # SHA-256 of the file's bytes
    presentes: frozenset[str]


def empreinte(chemin: Path) -> str:
    sha = hashlib.sha256()
    with chemin.open("rb") as fichier:
        while bloc := fichier.read(1 << 20):
            sha.update(bloc)
    return sha.hexdigest()


def _vide() -> pl.DataFrame:
    return pl.DataFrame(schema={LIGNE: pl.Int64, **dict.fromkeys(colonnes.CODES, pl.String)})


def _echec(probleme: str, correction: str, sha: str) -> Lecture:
    return Lecture(_vide(), [ErreurLigne(0, "", "", probleme, correction)], {}, sha, frozenset())


def _entetes(titres: Sequence[object]) -> tuple[dict[int, str], dict[str, str], list[ErreurLigne]]:
    """Column index → code, code → letter, and the header's problems."""
    positions: dict[int, str] = {}
    lettres: dict[str, str] = {}
    erreurs: list[ErreurLigne] = []
    possibles = ", ".join(colonnes.CODES)
    for index, titre in enumerate(titres):
        texte = "" if titre is None else str(titre).strip()
        if not texte:
            continue
        code = colonnes.colonne_du_titre(texte)
        lettre = colonnes.lettre(index)
        if code is None:
            erreurs.append(
                ErreurLigne(
                    1,
                    lettre,
                    texte,
                    _("Colonne inconnue."),
                    _("Renommez-la d'après le modèle ou supprimez-la. Colonnes possibles : %(c)s.")
                    % {"c": possibles},
                )
            )
        elif code in lettres:
            erreurs.append(
                ErreurLigne(
                    1,
                    lettre,
                    texte,
                    _("La colonne « %(code)s » figure deux fois (déjà en %(l)s).")
                    % {"code": code, "l": lettres[code]},
                    _("Gardez une seule de ces colonnes."),
                )
            )
        else:
            positions[index] = code
            lettres[code] = lettre
    for code in colonnes.OBLIGATOIRES:
        if code not in lettres:
            erreurs.append(
                ErreurLigne(
                    1,
                    code,
                    "",
                    _("La colonne obligatoire « %(code)s » manque.") % {"code": code},
                    _("Ajoutez-la à la ligne d'en-tête (voir le modèle)."),
                )
            )
    return positions, lettres, erreurs


def _completer(donnees: pl.DataFrame) -> pl.DataFrame:
    """Trimmed texts, blank → null, every column of the template present, in its order."""
    presentes = [c for c in colonnes.CODES if c in donnees.columns]
    donnees = donnees.with_columns(
        pl.col(c).cast(pl.String).str.strip_chars().replace("", None) for c in presentes
    )
    manquantes = [
        pl.lit(None, dtype=pl.String).alias(c) for c in colonnes.CODES if c not in presentes
    ]
    if manquantes:
        donnees = donnees.with_columns(manquantes)
    donnees = donnees.select(LIGNE, *colonnes.CODES)
    # Lines where every cell is blank are not agents (a spreadsheet's trailing rows).
    return donnees.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in colonnes.CODES))


def _separateur(premiere_ligne: str) -> str:
    comptes = {sep: premiere_ligne.count(sep) for sep in (";", ",", "\t")}
    return max(comptes, key=lambda sep: comptes[sep])


def _lire_csv(chemin: Path, sha: str) -> Lecture:
    with chemin.open("rb") as fichier:
        debut = fichier.read(64 * 1024)
    try:
        texte = debut.decode("utf-8-sig")
    except UnicodeDecodeError as erreur:
        if erreur.start < len(debut) - 4:  # not just a character cut by the 64 KiB window
            return _echec(
                _("Le fichier n'est pas encodé en UTF-8."),
                _("Enregistrez-le au format « CSV UTF-8 » depuis votre tableur."),
                sha,
            )
        texte = debut[: erreur.start].decode("utf-8-sig")
    if "\x00" in texte:
        return _echec(
            _("Le fichier n'est pas un fichier texte CSV."),
            _("Déposez un fichier .csv (texte, UTF-8) ou .xlsx."),
            sha,
        )
    premiere = texte.split("\n", 1)[0].rstrip("\r")
    separateur = _separateur(premiere)
    titres = next(csv.reader([premiere], delimiter=separateur), [])
    positions, lettres, erreurs = _entetes(titres)
    if erreurs:
        return Lecture(_vide(), erreurs, lettres, sha, frozenset(lettres))
    try:
        brut = pl.read_csv(
            chemin,
            separator=separateur,
            has_header=True,
            new_columns=[f"c{i}" for i in range(len(titres))],
            infer_schema=False,
            encoding="utf8",
            quote_char='"',
            raise_if_empty=False,
        )
    except pl.exceptions.ComputeError as erreur:
        message = str(erreur)
        if "utf-8" in message.lower():
            return _echec(
                _("Le fichier n'est pas encodé en UTF-8."),
                _("Enregistrez-le au format « CSV UTF-8 » depuis votre tableur."),
                sha,
            )
        if "more fields" in message:
            return _echec(
                _("Une ligne compte plus de cellules que la ligne d'en-tête."),
                _(
                    "Mettez entre guillemets les cellules qui contiennent le séparateur "
                    "« %(sep)s » (une adresse par exemple), ou ajoutez l'en-tête manquant."
                )
                % {"sep": separateur},
                sha,
            )
        return _echec(
            _("Le fichier CSV est illisible."),
            _("Vérifiez les guillemets et le séparateur, ou déposez un fichier .xlsx."),
            sha,
        )
    brut = brut.with_row_index(LIGNE, offset=2).with_columns(pl.col(LIGNE).cast(pl.Int64))
    donnees = brut.select(LIGNE, *(pl.col(f"c{i}").alias(code) for i, code in positions.items()))
    return _fin(donnees, lettres, sha)


def _cellule(valeur: object) -> str | None:
    if valeur is None:
        return None
    if isinstance(valeur, str):
        return valeur
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime):
        return valeur.date().isoformat()
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur)


def _blocs_xlsx(
    rangees: Iterator[tuple[object, ...]], positions: dict[int, str]
) -> Iterator[pl.DataFrame]:
    """Blocks of BLOC_XLSX lines as small data frames (numbered from line 2)."""
    numero = 1
    while True:
        lignes: list[int] = []
        cellules: dict[str, list[str | None]] = {code: [] for code in positions.values()}
        for rangee in rangees:
            numero += 1
            lignes.append(numero)
            for index, code in positions.items():
                cellules[code].append(_cellule(rangee[index]) if index < len(rangee) else None)
            if len(lignes) >= BLOC_XLSX:
                break
        if not lignes:
            return
        yield pl.DataFrame(
            {LIGNE: lignes, **cellules},
            schema={LIGNE: pl.Int64, **dict.fromkeys(cellules, pl.String)},
        )
        if len(lignes) < BLOC_XLSX:
            return


def _lire_xlsx(chemin: Path, sha: str) -> Lecture:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        classeur = load_workbook(chemin, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return _echec(
            _("Le classeur XLSX est illisible."),
            _("Enregistrez-le de nouveau au format « Classeur Excel (.xlsx) »."),
            sha,
        )
    try:
        feuille = classeur["agents"] if "agents" in classeur.sheetnames else classeur.worksheets[0]
        rangees = feuille.iter_rows(values_only=True)
        titres = next(rangees, ())
        positions, lettres, erreurs = _entetes(titres)
        if erreurs:
            return Lecture(_vide(), erreurs, lettres, sha, frozenset(lettres))
        blocs = list(_blocs_xlsx(rangees, positions))
    finally:
        classeur.close()
    donnees = pl.concat(blocs) if blocs else _vide().select(LIGNE, *lettres)
    return _fin(donnees, lettres, sha)


def _fin(donnees: pl.DataFrame, lettres: dict[str, str], sha: str) -> Lecture:
    donnees = _completer(donnees)
    if donnees.height > MAX_LIGNES:
        return _echec(
            _("Le fichier compte %(n)d agents, plus que les %(max)d admis en un import.")
            % {"n": donnees.height, "max": MAX_LIGNES},
            _("Découpez-le en plusieurs fichiers (par unité par exemple)."),
            sha,
        )
    if donnees.height == 0:
        return Lecture(
            donnees,
            [
                ErreurLigne(
                    0,
                    "",
                    "",
                    _("Le fichier ne contient aucun agent."),
                    _("Ajoutez une ligne par agent sous la ligne d'en-tête."),
                )
            ],
            lettres,
            sha,
            frozenset(lettres),
        )
    return Lecture(donnees, [], lettres, sha, frozenset(lettres))


def lire(chemin: Path) -> Lecture:
    """The file's agents as a table of texts, or the reason it cannot be read."""
    sha = empreinte(chemin)
    with chemin.open("rb") as fichier:
        magique = fichier.read(4)
    if magique == b"PK\x03\x04":
        return _lire_xlsx(chemin, sha)
    if chemin.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        return _echec(
            _("Ce fichier n'est pas un classeur XLSX."),
            _("Enregistrez-le au format « Classeur Excel (.xlsx) » ou « CSV UTF-8 »."),
            sha,
        )
    return _lire_csv(chemin, sha)
