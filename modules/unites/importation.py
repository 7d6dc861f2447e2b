"""Reading and checking a file of new units (CSV or XLSX), then creating them set-based.

Format (also what the export writes): a header line, then one unit per line, columns
`code`, `code_parent`, `type`, `nom_fr`, `nom_ar`, `imputation_budgetaire` (`code`, `code_parent`
and `nom_fr` are required columns; `code_parent` is empty for a root unit). A parent may be a unit
already in the organisation or another line of the file, before or after its children.

Every problem is reported by line and column, in words that say what to fix; the service applies
the file only when there is none.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from modules.unites import selectors
from modules.unites.models import CODE_MAX_LENGTH, CODE_PATTERN, Unite, UniteKind
from modules.unites.perimetres import Perimetre

COLONNES = ("code", "code_parent", "type", "nom_fr", "nom_ar", "imputation_budgetaire")
COLONNES_OBLIGATOIRES = ("code", "code_parent", "nom_fr")
LONGUEURS = {"nom_fr": 200, "nom_ar": 200, "imputation_budgetaire": 50}
MAX_LIGNES = 50_000
CHEMIN_MAX_LENGTH = 2000
TYPES = {value: value for value in UniteKind.values} | {"sous-ordonnateur": "sous_ordonnateur"}
TAILLE_LOT = 1000

Progression = Callable[[int, int], None]


@dataclass(frozen=True, order=True)
class ErreurImport:
    ligne: int  # 0: the file as a whole; 1: the header line
    lettre: str = ""  # spreadsheet column letter
    colonne: str = ""  # header name
    message: str = ""

    def __str__(self) -> str:
        if self.ligne == 0:
            return _("Fichier : %(m)s") % {"m": self.message}
        if not self.colonne:
            return _("Ligne %(l)d : %(m)s") % {"l": self.ligne, "m": self.message}
        return _("Ligne %(l)d, colonne %(x)s (%(c)s) : %(m)s") % {
            "l": self.ligne,
            "x": self.lettre,
            "c": self.colonne,
            "m": self.message,
        }


@dataclass(frozen=True)
class LigneLue:
    ligne: int
    valeurs: dict[str, str]


@dataclass(frozen=True)
class Lecture:
    lignes: list[LigneLue]
    erreurs: list[ErreurImport]
    lettres: dict[str, str]  # column name → letter
    empreinte: str  # SHA-256 of the file


@dataclass(frozen=True)
class LignePlan:
    ligne: int
    code: str
    code_parent: str
    kind: str
    nom_fr: str
    nom_ar: str
    imputation_budgetaire: str
    chemin: str

    @property
    def profondeur(self) -> int:
        return self.chemin.count("/") - 2


@dataclass
class Plan:
    lignes: list[LignePlan]
    erreurs: list[ErreurImport]
    empreinte: str
    applique: bool = False
    existants: dict[str, int] = field(default_factory=dict)  # parent code → id, in the database


def _lettre(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _normalise(header: object) -> str:
    return re.sub(r"\s+", "_", str(header or "").strip().lower())


def _texte(value: str) -> str:
    """Undo the export's guard against formulas: `'=x` → `=x`."""
    value = value.strip()
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
        return value[1:]
    return value


def _cellule(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rangees_csv(contenu: bytes) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells): a quoted cell may span several lines."""
    text = contenu.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    for row in reader:
        yield previous + 1, row
        previous = reader.line_num


def _rangees_xlsx(contenu: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    workbook = load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for numero, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield numero, [_cellule(value) for value in row]
    finally:
        workbook.close()


def lire(*, contenu: bytes, nom_fichier: str) -> Lecture:
    """The file's lines as dictionaries keyed by column, and the problems of its form."""
    empreinte = hashlib.sha256(contenu).hexdigest()
    xlsx = nom_fichier.lower().endswith(".xlsx")
    try:
        rangees = list(_rangees_xlsx(contenu) if xlsx else _rangees_csv(contenu))
    except UnicodeDecodeError:
        message = _("le fichier n'est pas en UTF-8 : enregistrez-le au format « CSV UTF-8 ».")
        return Lecture([], [ErreurImport(0, message=message)], {}, empreinte)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, csv.Error):
        message = _("le fichier est illisible : fournissez un fichier CSV ou XLSX valide.")
        return Lecture([], [ErreurImport(0, message=message)], {}, empreinte)
    if not rangees or not any(rangees[0][1]):
        message = _("le fichier est vide : la première ligne doit nommer les colonnes %(c)s.")
        return Lecture(
            [], [ErreurImport(0, message=message % {"c": ", ".join(COLONNES)})], {}, empreinte
        )
    headers = [_normalise(h) for h in rangees[0][1]]
    erreurs: list[ErreurImport] = []
    lettres: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        if header not in COLONNES:
            erreurs.append(
                ErreurImport(
                    1,
                    _lettre(index),
                    header,
                    _("colonne inconnue : les colonnes possibles sont %(c)s.")
                    % {"c": ", ".join(COLONNES)},
                )
            )
        elif header in lettres:
            erreurs.append(
                ErreurImport(1, _lettre(index), header, _("cette colonne figure deux fois."))
            )
        else:
            lettres[header] = _lettre(index)
    for required in COLONNES_OBLIGATOIRES:
        if required not in lettres:
            erreurs.append(
                ErreurImport(1, message=_("la colonne « %(c)s » manque.") % {"c": required})
            )
    if len(rangees) - 1 > MAX_LIGNES:
        erreurs.append(
            ErreurImport(
                0, message=_("plus de %(n)d lignes : découpez le fichier.") % {"n": MAX_LIGNES}
            )
        )
    if erreurs:
        return Lecture([], erreurs, lettres, empreinte)
    positions = {name: headers.index(name) for name in lettres}
    lignes = [
        LigneLue(
            numero,
            {
                name: (_texte(rangee[pos]) if pos < len(rangee) else "")
                for name, pos in positions.items()
            },
        )
        for numero, rangee in rangees[1:]
        if any(cell.strip() for cell in rangee)
    ]
    if not lignes:
        erreurs.append(ErreurImport(0, message=_("aucune unité dans le fichier.")))
    return Lecture(lignes, erreurs, lettres, empreinte)


def planifier(*, lecture: Lecture, perimeter: Perimetre) -> Plan:
    """Check every line against the file and the organisation; compute each new unit's path."""
    plan = Plan([], list(lecture.erreurs), lecture.empreinte)
    if plan.erreurs:
        return plan

    def erreur(ligne: LigneLue, colonne: str, message: str) -> None:
        plan.erreurs.append(
            ErreurImport(ligne.ligne, lecture.lettres.get(colonne, ""), colonne, message)
        )

    premieres: dict[str, LigneLue] = {}
    for ligne in lecture.lignes:
        _verifier_champs(ligne, erreur)
        code = ligne.valeurs["code"]
        if code in premieres:
            erreur(
                ligne,
                "code",
                _("le code « %(code)s » figure déjà ligne %(l)d : chaque code doit être unique.")
                % {"code": code, "l": premieres[code].ligne},
            )
        elif code:
            premieres[code] = ligne
    for code in Unite.objects.filter(code__in=list(premieres)).values_list("code", flat=True):
        erreur(
            premieres[code],
            "code",
            _(
                "le code « %(code)s » existe déjà dans l'organisation : retirez cette ligne ou "
                "changez de code."
            )
            % {"code": code},
        )
    parents_hors_fichier = {
        ligne.valeurs["code_parent"]
        for ligne in premieres.values()
        if ligne.valeurs["code_parent"] and ligne.valeurs["code_parent"] not in premieres
    }
    existants = {
        unite.code: unite
        for unite in selectors.unite_list(perimeter=perimeter).filter(
            code__in=list(parents_hors_fichier)
        )
    }
    plan.existants = {code: unite.id for code, unite in existants.items()}
    chemins = _chemins(premieres, existants, perimeter, erreur)
    if plan.erreurs:
        plan.erreurs.sort()
        return plan
    plan.lignes = sorted(
        (
            LignePlan(
                ligne=ligne.ligne,
                code=code,
                code_parent=ligne.valeurs["code_parent"],
                kind=TYPES.get(ligne.valeurs.get("type", "").lower(), "") or UniteKind.AUTRE,
                nom_fr=ligne.valeurs["nom_fr"],
                nom_ar=ligne.valeurs.get("nom_ar", ""),
                imputation_budgetaire=ligne.valeurs.get("imputation_budgetaire", ""),
                chemin=chemins[code],
            )
            for code, ligne in premieres.items()
        ),
        key=lambda ligne: ligne.chemin,
    )
    return plan


def _verifier_champs(ligne: LigneLue, erreur: Callable[[LigneLue, str, str], None]) -> None:
    valeurs = ligne.valeurs
    code = valeurs["code"]
    if not code:
        erreur(ligne, "code", _("le code est vide : chaque unité doit avoir un code."))
    elif len(code) > CODE_MAX_LENGTH or not re.fullmatch(CODE_PATTERN, code):
        erreur(
            ligne,
            "code",
            _(
                "« %(code)s » n'est pas un code valide : utilisez des lettres majuscules sans "
                "accent, des chiffres et des tirets (par exemple « DR-FES »), %(max)d caractères "
                "au plus."
            )
            % {"code": code, "max": CODE_MAX_LENGTH},
        )
    if not valeurs["nom_fr"]:
        erreur(ligne, "nom_fr", _("le nom en français est obligatoire."))
    kind = valeurs.get("type", "")
    if kind and kind.lower() not in TYPES:
        erreur(
            ligne,
            "type",
            _("type « %(t)s » inconnu : indiquez direction, service, sous_ordonnateur ou autre.")
            % {"t": kind},
        )
    for column, limit in LONGUEURS.items():
        if len(valeurs.get(column, "")) > limit:
            erreur(
                ligne,
                column,
                _("%(n)d caractères au plus (la valeur en compte %(m)d).")
                % {"n": limit, "m": len(valeurs[column])},
            )


def _chemins(
    premieres: dict[str, LigneLue],
    existants: dict[str, Unite],
    perimeter: Perimetre,
    erreur: Callable[[LigneLue, str, str], None],
) -> dict[str, str]:
    """Each new unit's path, following parents through the file; reports unknown parents,
    inactive parents, roots outside the perimeter and cycles."""
    chemins: dict[str, str] = {}
    en_faute: set[str] = set()
    for code, ligne in premieres.items():
        parent = ligne.valeurs["code_parent"]
        if not parent:
            if not perimeter.tout:
                erreur(
                    ligne,
                    "code_parent",
                    _(
                        "vous ne pouvez créer une unité qu'à l'intérieur de votre périmètre : "
                        "indiquez un code parent."
                    ),
                )
                en_faute.add(code)
            continue
        if parent == code:
            erreur(
                ligne,
                "code_parent",
                _("cycle : l'unité « %(code)s » est indiquée comme son propre parent.")
                % {"code": code},
            )
            en_faute.add(code)
        elif parent in existants and not existants[parent].active:
            erreur(
                ligne,
                "code_parent",
                _(
                    "l'unité parente « %(p)s » est désactivée : réactivez-la ou choisissez-en une "
                    "autre."
                )
                % {"p": parent},
            )
            en_faute.add(code)
        elif parent not in premieres and parent not in existants:
            erreur(
                ligne,
                "code_parent",
                _(
                    "le code parent « %(p)s » n'existe ni dans le fichier ni dans l'organisation : "
                    "corrigez-le ou ajoutez une ligne pour cette unité."
                )
                % {"p": parent},
            )
            en_faute.add(code)
    for code in premieres:
        if code in chemins or code in en_faute:
            continue
        trail: list[str] = []
        current = code
        while (
            current in premieres
            and current not in chemins
            and current not in en_faute
            and current not in trail
        ):
            trail.append(current)
            current = premieres[current].valeurs["code_parent"]
        if current in trail:  # a loop through the file's own lines
            _cycle(trail[trail.index(current) :], premieres, erreur)
            en_faute.update(trail)
            continue
        if current in en_faute:  # below a line in error: that line's message is enough
            en_faute.update(trail)
            continue
        base = chemins.get(current) or (existants[current].chemin if current else "/")
        for member in reversed(trail):
            base = f"{base}{member}/"
            chemins[member] = base
            if len(base) > CHEMIN_MAX_LENGTH:
                erreur(premieres[member], "code_parent", _("l'arborescence est trop profonde."))
    return chemins


def _cycle(
    membres: list[str],
    premieres: dict[str, LigneLue],
    erreur: Callable[[LigneLue, str, str], None],
) -> None:
    """One message for the whole loop, on its first line in the file."""
    ordered = sorted(membres, key=lambda c: premieres[c].ligne)
    start = membres.index(ordered[0])
    chaine = [*membres[start:], *membres[:start], ordered[0]]
    erreur(
        premieres[ordered[0]],
        "code_parent",
        _(
            "cycle entre les lignes %(lignes)s (%(chaine)s) : l'une de ces unités doit avoir un "
            "parent hors de ce cycle."
        )
        % {
            "lignes": ", ".join(str(premieres[c].ligne) for c in ordered),
            "chaine": " → ".join(chaine),
        },
    )


def creer(*, plan: Plan, progression: Progression | None = None) -> None:
    """Create the plan's units, parents first: one bulk INSERT per depth and batch."""
    ids = dict(plan.existants)
    total, done = len(plan.lignes), 0
    by_depth: dict[int, list[LignePlan]] = {}
    for ligne in plan.lignes:
        by_depth.setdefault(ligne.profondeur, []).append(ligne)
    for depth in sorted(by_depth):
        level = by_depth[depth]
        for start in range(0, len(level), TAILLE_LOT):
            batch = level[start : start + TAILLE_LOT]
            created = Unite.objects.bulk_create(
                Unite(
                    code=ligne.code,
                    parent_id=ids[ligne.code_parent] if ligne.code_parent else None,
                    kind=ligne.kind,
                    nom_fr=ligne.nom_fr,
                    nom_ar=ligne.nom_ar,
                    imputation_budgetaire=ligne.imputation_budgetaire,
                    chemin=ligne.chemin,
                )
                for ligne in batch
            )
            ids.update({unite.code: unite.id for unite in created})
            done += len(batch)
            if progression:
                progression(done, total)
