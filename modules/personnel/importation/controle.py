"""Checking every line of a file: formats, required values, enums, dates, reference data,
duplicates inside the file. Nothing here reads the tenant's agents (see `rapprochement`).

Checks run column by column on the whole table (polars), so their cost hardly depends on the
number of problems; messages are built only for the problems listed in the report. Each check
says what is wrong and how to fix it, in French through gettext.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from modules.personnel import validation
from modules.personnel.importation import colonnes
from modules.personnel.importation.bilan import ErreurLigne
from modules.personnel.importation.lecture import LIGNE, Lecture
from modules.personnel.models import Position, Statut
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre
from referentiel import selectors as referentiel

MAX_ERREURS_LISTEES = 20_000
AUTRES_LIGNES_CITEES = 5
IDX = "_idx"
ORDRE_COLONNES = {code: rang for rang, code in enumerate(("", *colonnes.CODES))}

Message = Callable[[int], tuple[str, str]]  # row index → (problème, correction)


@dataclass(frozen=True)
class Reference:
    """What the lines are compared with, loaded once per import (a few queries)."""

    grades: frozenset[str]
    corps_du_grade: Mapping[str, str]
    territoires: frozenset[str]
    unites_actives: frozenset[str]
    unites_perimetre: frozenset[str] | None  # None: the whole tenant
    postes: Mapping[str, int]  # active budget posts: code → budgeted number

    @property
    def corps(self) -> frozenset[str]:
        return frozenset(self.corps_du_grade.values())


def reference_charger(*, perimetre: Perimetre, postes: Mapping[str, int]) -> Reference:
    grades = referentiel.grade_codes()
    corps_du_grade = {g: c for g in grades if (c := referentiel.grade_corps(code=g))}
    dans_perimetre = unites.unite_codes(perimeter=perimetre)
    return Reference(
        grades=grades,
        corps_du_grade=corps_du_grade,
        territoires=referentiel.territoire_codes(),
        unites_actives=frozenset(
            u.code for u in unites.unite_list(perimeter=Perimetre(tout=True)) if u.active
        ),
        unites_perimetre=None if dans_perimetre == "all" else dans_perimetre,
        postes=postes,
    )


class Erreurs:
    """Every problem found: kept compactly (row index, check), worded only when listed."""

    def __init__(self, lignes: np.ndarray) -> None:
        self.lignes = lignes
        self.masque = np.zeros(len(lignes), dtype=bool)
        self._index: list[np.ndarray] = []
        self._controles: list[np.ndarray] = []
        self._messages: list[tuple[str, pl.Series | None, Message]] = []

    def ajouter(
        self,
        mauvais: pl.Series | np.ndarray,
        colonne: str,
        valeurs: pl.Series | None,
        message: Message,
    ) -> None:
        """Lines where `mauvais` is true have the problem `message` describes, on `colonne`."""
        if isinstance(mauvais, pl.Series):
            mauvais = mauvais.fill_null(False).to_numpy()
        index = np.flatnonzero(mauvais)
        if index.size == 0:
            return
        self.masque[index] = True
        self._index.append(index)
        self._controles.append(np.full(index.size, len(self._messages), dtype=np.int32))
        self._messages.append((colonne, valeurs, message))

    @property
    def total(self) -> int:
        return int(sum(index.size for index in self._index))

    def liste(self, *, maximum: int = MAX_ERREURS_LISTEES) -> list[ErreurLigne]:
        """The first `maximum` problems, in the order of the file's lines and columns."""
        if not self._index:
            return []
        index = np.concatenate(self._index)
        controles = np.concatenate(self._controles)
        rangs = np.array([ORDRE_COLONNES.get(m[0], 0) for m in self._messages])[controles]
        ordre = np.lexsort((controles, rangs, index))[:maximum]
        erreurs = []
        for i, c in zip(index[ordre].tolist(), controles[ordre].tolist(), strict=True):
            colonne, valeurs, message = self._messages[c]
            valeur = valeurs[i] if valeurs is not None else None
            probleme, correction = message(i)
            erreurs.append(
                ErreurLigne(
                    int(self.lignes[i]),
                    colonne,
                    "" if valeur is None else str(valeur),
                    probleme,
                    correction,
                )
            )
        return erreurs


@dataclass
class Verification:
    type: pl.DataFrame  # IDX, LIGNE, then typed values (see `_typer`)
    enfants: pl.DataFrame  # IDX, prenom, date_naissance: the children that parse
    erreurs: Erreurs


def _fixe(probleme: str, correction: str) -> Message:
    return lambda _i: (probleme, correction)


def _cle_enum(valeur: str) -> str:
    return colonnes.cle(valeur)


def _correspondances() -> dict[str, dict[str, str]]:
    """Accepted spellings of each coded column (codes, French labels, usual abbreviations)."""
    with translation.override("fr"):
        positions = {_cle_enum(str(p.label)): str(p.value) for p in Position}
        statuts = {_cle_enum(str(s.label)): str(s.value) for s in Statut}
    positions |= {str(p.value): str(p.value) for p in Position}
    positions |= {"en_activite": "activite", "mad": "mise_a_disposition"}
    statuts |= {str(s.value): str(s.value) for s in Statut}
    echelles = {str(n): str(n) for n in range(1, 12)} | {f"{n:02d}": str(n) for n in range(1, 10)}
    echelles |= {"he": "HE", "hors_echelle": "HE"}
    return {
        "sexe": {
            "m": "M",
            "h": "M",
            "masculin": "M",
            "homme": "M",
            "ذكر": "M",
            "f": "F",
            "feminin": "F",
            "femme": "F",
            "انثى": "F",
        },
        "situation_familiale": {
            "c": "celibataire",
            "celibataire": "celibataire",
            "m": "marie",
            "marie": "marie",
            "mariee": "marie",
            "marie_e": "marie",
            "d": "divorce",
            "divorce": "divorce",
            "divorcee": "divorce",
            "divorce_e": "divorce",
            "v": "veuf",
            "veuf": "veuf",
            "veuve": "veuf",
            "veuf_veuve": "veuf",
        },
        "statut": statuts,
        "position": positions,
        "regime_retraite": {"cmr": "CMR", "rcar": "RCAR", "aucun": "AUCUN"},
        "echelle": echelles,
        "conjoint_a_charge": dict.fromkeys(
            ("oui", "o", "1", "vrai", "true", "x", "yes", "y", "نعم"), "1"
        )
        | dict.fromkeys(("non", "n", "0", "faux", "false", "no", "لا"), "0"),
    }


def _enum(brut: pl.Series, correspondances: Mapping[str, str]) -> pl.Series:
    """Each value mapped through its accepted spellings; null when unknown (or blank)."""
    uniques = brut.drop_nulls().unique().to_list()
    table = {u: correspondances.get(_cle_enum(u)) for u in uniques}
    return brut.replace_strict(table, default=None, return_dtype=pl.String)


_DATE_JJ_MM = r"^\d{1,2}/\d{1,2}/\d{4}$"
_DATE_ISO = r"^\d{4}-\d{1,2}-\d{1,2}$"


def _date(brut: pl.Series) -> pl.Series:
    cadre = pl.DataFrame({"v": brut})
    return cadre.select(
        pl.when(pl.col("v").str.contains(_DATE_JJ_MM))
        .then(pl.col("v").str.strptime(pl.Date, "%d/%m/%Y", strict=False))
        .when(pl.col("v").str.contains(_DATE_ISO))
        .then(pl.col("v").str.strptime(pl.Date, "%Y-%m-%d", strict=False))
        .otherwise(None)
        .alias("v")
    )["v"]


def _typer(brut: pl.DataFrame, reference: Reference) -> pl.DataFrame:
    """Normalised, typed values: codes for enums, dates, integers; null when unusable."""
    tables = _correspondances()
    c = brut
    conjoint = _enum(c["conjoint_a_charge"], tables["conjoint_a_charge"])
    grade = c["grade"]
    corps = pl.Series("corps", c["corps"]).fill_null(
        grade.replace_strict(dict(reference.corps_du_grade), default=None, return_dtype=pl.String)
    )
    return pl.DataFrame(
        {
            IDX: c[IDX],
            LIGNE: c[LIGNE],
            "ppr": c["ppr"],
            "cin": c["cin"].str.replace_all(r"\s+", "").str.to_uppercase(),
            "nom": c["nom"],
            "prenom": c["prenom"],
            "nom_ar": c["nom_ar"],
            "prenom_ar": c["prenom_ar"],
            "date_naissance": _date(c["date_naissance"]),
            "lieu_naissance": c["lieu_naissance"],
            "sexe": _enum(c["sexe"], tables["sexe"]),
            "situation_familiale": _enum(c["situation_familiale"], tables["situation_familiale"]),
            "conjoint_a_charge": conjoint.replace_strict(
                {"1": True, "0": False}, default=None, return_dtype=pl.Boolean
            ),
            "date_recrutement": _date(c["date_recrutement"]),
            "statut": _enum(c["statut"], tables["statut"]),
            "corps": corps,
            "grade": grade,
            "echelle": _enum(c["echelle"], tables["echelle"]),
            "echelon": c["echelon"].str.to_uppercase(),
            "indice": c["indice"].str.strip_prefix("+").cast(pl.Int64, strict=False),
            "position": _enum(c["position"], tables["position"]),
            "unite": c["unite"],
            "poste_budgetaire": c["poste_budgetaire"],
            "date_effet_situation": _date(c["date_effet_situation"]),
            "rib": c["rib"].str.replace_all(r"[\s.\-]+", ""),
            "banque": c["banque"],
            "adresse": c["adresse"],
            "commune_residence": c["commune_residence"],
            "telephone": c["telephone"].str.replace_all(r"[\s.\-()/]+", ""),
            "email": c["email"].str.to_lowercase(),
            "regime_retraite": _enum(c["regime_retraite"], tables["regime_retraite"]),
        }
    )


def _obligatoires(brut: pl.DataFrame, t: pl.DataFrame, erreurs: Erreurs) -> None:
    for code in colonnes.OBLIGATOIRES:
        colonne = colonnes.PAR_CODE[code]
        erreurs.ajouter(
            brut[code].is_null(),
            code,
            None,
            _fixe(
                _("%(libelle)s est obligatoire.") % {"libelle": colonne.libelle},
                _("Remplissez la colonne « %(code)s » (%(format)s).")
                % {"code": code, "format": colonne.format},
            ),
        )
    erreurs.ajouter(
        brut["grade"].is_null() & t["statut"].is_in(["titulaire", "stagiaire"]),
        "grade",
        None,
        _fixe(
            _("Le grade est obligatoire pour un titulaire ou un stagiaire."),
            _("Indiquez le code du grade au référentiel."),
        ),
    )


def _message_longueur(longueurs: pl.Series, maximum: int) -> Message:
    return lambda i: (
        _("Texte trop long : %(m)d caractères.") % {"m": longueurs[i]},
        _("Raccourcissez-le à %(n)d caractères au plus.") % {"n": maximum},
    )


def _longueurs(brut: pl.DataFrame, erreurs: Erreurs) -> None:
    for colonne in colonnes.COLONNES:
        if not colonne.longueur or colonne.code in ("cin", "rib", "telephone"):
            continue
        valeurs = brut[colonne.code]
        longueurs = valeurs.str.len_chars()
        erreurs.ajouter(
            longueurs > colonne.longueur,
            colonne.code,
            valeurs,
            _message_longueur(longueurs, colonne.longueur),
        )


def _identifiants(brut: pl.DataFrame, t: pl.DataFrame, erreurs: Erreurs) -> None:
    motif_ppr = validation.ppr_pattern()
    ppr = brut["ppr"]
    erreurs.ajouter(
        np.fromiter(
            (v is not None and motif_ppr.fullmatch(v) is None for v in ppr.to_list()),
            dtype=bool,
            count=len(ppr),
        ),
        "ppr",
        ppr,
        _fixe(
            _("Ce n'est pas un PPR valide."),
            _("Écrivez le numéro national de l'agent, en chiffres seulement (format : %(f)s).")
            % {"f": motif_ppr.pattern},
        ),
    )
    cin = t["cin"]
    erreurs.ajouter(
        cin.is_not_null() & ~cin.str.contains(validation.CIN_PATTERN.pattern),
        "cin",
        brut["cin"],
        _fixe(
            _("Ce n'est pas une CIN valide."),
            _("Écrivez une ou deux lettres puis 1 à 6 chiffres, sans espace (ex. AB123456)."),
        ),
    )
    rib = t["rib"]
    format_rib = rib.str.contains(validation.RIB_PATTERN.pattern)
    erreurs.ajouter(
        rib.is_not_null() & ~format_rib,
        "rib",
        brut["rib"],
        _fixe(
            _("Un RIB compte exactement 24 chiffres."),
            _(
                "Recopiez les 24 chiffres de l'attestation de RIB (banque 3, localité 3, compte "
                "16, clé 2), en cellule texte dans le tableur."
            ),
        ),
    )
    # 24 digits do not fit in 64 bits: the number mod 97 from its two halves of 12 digits.
    haut = rib.str.slice(0, 12).cast(pl.Int64, strict=False)
    bas = rib.str.slice(12, 12).cast(pl.Int64, strict=False)
    reste = ((haut % 97) * (10**12 % 97) + bas % 97) % 97
    erreurs.ajouter(
        format_rib & (reste != 0),
        "rib",
        brut["rib"],
        lambda i: (
            _("La clé du RIB est fausse (clé attendue : %(cle)s).")
            % {"cle": validation.rib_cle(str(rib[i])[:22])},
            _("Vérifiez les chiffres sur l'attestation de RIB."),
        ),
    )
    telephone = t["telephone"]
    erreurs.ajouter(
        telephone.is_not_null() & ~telephone.str.contains(r"^\+?[0-9]{6,15}$"),
        "telephone",
        brut["telephone"],
        _fixe(
            _("Ce n'est pas un numéro de téléphone."),
            _("Écrivez 6 à 15 chiffres, éventuellement précédés de +."),
        ),
    )
    email = t["email"]
    erreurs.ajouter(
        email.is_not_null() & ~email.str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
        "email",
        brut["email"],
        _fixe(
            _("Ce n'est pas une adresse électronique."),
            _("Écrivez une adresse de la forme nom@domaine.ma, ou laissez la cellule vide."),
        ),
    )


def _codes(brut: pl.DataFrame, t: pl.DataFrame, erreurs: Erreurs) -> None:
    for code in ("sexe", "situation_familiale", "statut", "position", "regime_retraite"):
        colonne = colonnes.PAR_CODE[code]
        erreurs.ajouter(
            brut[code].is_not_null() & t[code].is_null(),
            code,
            brut[code],
            _fixe(
                _("Valeur inconnue pour « %(libelle)s ».") % {"libelle": colonne.libelle},
                _("Écrivez : %(format)s.") % {"format": colonne.format},
            ),
        )
    erreurs.ajouter(
        brut["conjoint_a_charge"].is_not_null() & t["conjoint_a_charge"].is_null(),
        "conjoint_a_charge",
        brut["conjoint_a_charge"],
        _fixe(_("Valeur inconnue pour « conjoint à charge »."), _("Écrivez oui ou non.")),
    )
    erreurs.ajouter(
        brut["echelle"].is_not_null() & t["echelle"].is_null(),
        "echelle",
        brut["echelle"],
        _fixe(_("Échelle inconnue."), _("Écrivez un nombre de 1 à 11, ou HE (hors échelle).")),
    )
    echelon = t["echelon"]
    erreurs.ajouter(
        echelon.is_not_null() & ~echelon.str.contains(r"^[0-9A-Z]{1,5}$"),
        "echelon",
        brut["echelon"],
        _fixe(_("Échelon illisible."), _("Écrivez 1 à 5 chiffres ou lettres (ex. 3 ou EXC).")),
    )
    erreurs.ajouter(
        brut["indice"].is_not_null() & (t["indice"].is_null() | (t["indice"] <= 0)),
        "indice",
        brut["indice"],
        _fixe(_("L'indice n'est pas un entier positif."), _("Écrivez l'indice en chiffres.")),
    )
    erreurs.ajouter(
        t["conjoint_a_charge"].fill_null(False)
        & (t["situation_familiale"] != "marie").fill_null(True),
        "conjoint_a_charge",
        brut["conjoint_a_charge"],
        _fixe(
            _("Un conjoint à charge suppose un agent marié."),
            _("Indiquez « marié » en situation familiale, ou « non » ici."),
        ),
    )


def _dates(brut: pl.DataFrame, t: pl.DataFrame, erreurs: Erreurs) -> None:
    aujourdhui = timezone.localdate()
    for code in ("date_naissance", "date_recrutement", "date_effet_situation"):
        valeurs = t[code]
        erreurs.ajouter(
            brut[code].is_not_null() & valeurs.is_null(),
            code,
            brut[code],
            _fixe(
                _("Date illisible ou inexistante."),
                _("Écrivez la date au format JJ/MM/AAAA ou AAAA-MM-JJ (ex. 03/04/2012)."),
            ),
        )
        erreurs.ajouter(
            valeurs > aujourdhui,
            code,
            brut[code],
            _fixe(_("La date est dans le futur."), _("Vérifiez le jour, le mois et l'année.")),
        )
        erreurs.ajouter(
            valeurs < date(1900, 1, 1),
            code,
            brut[code],
            _fixe(_("La date est antérieure à 1900."), _("Écrivez l'année sur quatre chiffres.")),
        )
    erreurs.ajouter(
        t["date_recrutement"] <= t["date_naissance"],
        "date_recrutement",
        brut["date_recrutement"],
        _fixe(
            _("La date de recrutement n'est pas après la date de naissance."),
            _("Vérifiez ces deux dates (jour et mois inversés ?)."),
        ),
    )
    erreurs.ajouter(
        t["date_effet_situation"] < t["date_recrutement"],
        "date_effet_situation",
        brut["date_effet_situation"],
        _fixe(
            _("La situation prend effet avant le recrutement."),
            _("Donnez une date d'effet postérieure ou égale à la date de recrutement."),
        ),
    )


def _references(brut: pl.DataFrame, t: pl.DataFrame, r: Reference, erreurs: Erreurs) -> None:
    grade = t["grade"]
    erreurs.ajouter(
        grade.is_not_null() & ~grade.is_in(sorted(r.grades)),
        "grade",
        brut["grade"],
        _fixe(
            _("Grade inconnu du référentiel."),
            _("Choisissez un code de grade de la nomenclature (ex. ADM-2)."),
        ),
    )
    corps = brut["corps"]
    erreurs.ajouter(
        corps.is_not_null() & ~corps.is_in(sorted(r.corps)),
        "corps",
        corps,
        _fixe(_("Corps inconnu du référentiel."), _("Choisissez un code de corps (ex. ADM).")),
    )
    attendu = grade.replace_strict(dict(r.corps_du_grade), default=None, return_dtype=pl.String)
    erreurs.ajouter(
        corps.is_in(sorted(r.corps)) & attendu.is_not_null() & (corps != attendu),
        "corps",
        corps,
        lambda i: (
            _("Le grade %(g)s appartient au corps %(c)s.") % {"g": grade[i], "c": attendu[i]},
            _("Corrigez le corps ou le grade, ou laissez le corps vide."),
        ),
    )
    commune = brut["commune_residence"]
    erreurs.ajouter(
        commune.is_not_null() & ~commune.is_in(sorted(r.territoires)),
        "commune_residence",
        commune,
        _fixe(
            _("Code géographique inconnu du référentiel."),
            _("Écrivez le code HCP de la commune, ou laissez la cellule vide."),
        ),
    )
    unite = brut["unite"]
    inconnue = unite.is_not_null() & ~unite.is_in(sorted(r.unites_actives))
    erreurs.ajouter(
        inconnue,
        "unite",
        unite,
        _fixe(
            _("Cette unité n'existe pas ou est désactivée."),
            _("Écrivez le code d'une unité active de l'organisation."),
        ),
    )
    if r.unites_perimetre is not None:
        erreurs.ajouter(
            unite.is_not_null() & ~inconnue & ~unite.is_in(sorted(r.unites_perimetre)),
            "unite",
            unite,
            _fixe(
                _("Cette unité est hors de votre périmètre."),
                _(
                    "Affectez l'agent à une unité de votre périmètre, ou confiez cette ligne à "
                    "un gestionnaire habilité sur cette unité."
                ),
            ),
        )
    poste = brut["poste_budgetaire"]
    erreurs.ajouter(
        poste.is_not_null() & ~poste.is_in(sorted(r.postes)),
        "poste_budgetaire",
        poste,
        _fixe(
            _("Ce poste budgétaire n'existe pas ou n'est plus actif."),
            _("Écrivez le code d'un poste budgétaire actif, ou laissez la cellule vide."),
        ),
    )


def _doublons(brut: pl.DataFrame, t: pl.DataFrame, colonne: str, erreurs: Erreurs) -> None:
    """Every line of a value found on several lines (none is preferred to the others)."""
    valeurs = t[colonne]
    doubles = valeurs.is_not_null() & valeurs.is_duplicated()
    if not doubles.any():
        return
    groupes = (
        t.filter(doubles).group_by(colonne).agg(pl.col(LIGNE).sort().head(AUTRES_LIGNES_CITEES + 1))
    )
    lignes_de = dict(zip(groupes[colonne].to_list(), groupes[LIGNE].to_list(), strict=True))
    libelle = "PPR" if colonne == "ppr" else "CIN"

    def message(i: int) -> tuple[str, str]:
        ici = int(t[LIGNE][i])
        autres = [str(n) for n in lignes_de[valeurs[i]] if n != ici][:AUTRES_LIGNES_CITEES]
        return (
            _("Ce %(x)s figure aussi ligne(s) %(l)s.") % {"x": libelle, "l": ", ".join(autres)},
            _("Gardez une seule ligne par agent (un %(x)s par personne).") % {"x": libelle},
        )

    erreurs.ajouter(doubles, colonne, brut[colonne], message)


def _enfants(brut: pl.DataFrame, t: pl.DataFrame, erreurs: Erreurs) -> pl.DataFrame:
    """`Yassine:2012-04-03;Salma:21/09/2015` → rows (IDX, prenom, date_naissance); a line
    with a child that does not read is reported once, on its first such child."""
    aujourdhui = timezone.localdate()
    morceaux = (
        brut.select(IDX, pl.col("enfants").str.split(";").alias("morceau"))
        .filter(pl.col("morceau").is_not_null())
        .explode("morceau")
        .with_columns(
            pl.int_range(1, pl.len() + 1).over(IDX).alias("rang"),
            pl.col("morceau").str.strip_chars(),
        )
        .filter(pl.col("morceau") != "")
        .with_columns(
            pl.col("morceau").str.extract(r"^(.*):[^:]*$").str.strip_chars().alias("prenom"),
            pl.col("morceau").str.extract(r":([^:]*)$").str.strip_chars().alias("jour"),
        )
        .join(t.select(IDX, pl.col("date_naissance").alias("parent")), on=IDX, how="left")
    )
    naissance = _date(morceaux["jour"])
    morceaux = morceaux.with_columns(naissance.alias("date_naissance"))
    lisible = pl.col("jour").str.contains(_DATE_JJ_MM) | pl.col("jour").str.contains(_DATE_ISO)
    probleme = (
        pl.when(pl.col("prenom").fill_null("") == "")
        .then(pl.lit("forme"))
        .when(~lisible.fill_null(False))
        .then(pl.lit("forme"))
        .when(pl.col("date_naissance").is_null())
        .then(pl.lit("date"))
        .when(pl.col("date_naissance") > aujourdhui)
        .then(pl.lit("futur"))
        .when(pl.col("date_naissance") <= pl.col("parent"))
        .then(pl.lit("parent"))
        .when(pl.col("prenom").str.len_chars() > 100)
        .then(pl.lit("long"))
        .otherwise(None)
        .alias("probleme")
    )
    morceaux = morceaux.with_columns(probleme)
    fautes = (
        morceaux.filter(pl.col("probleme").is_not_null())
        .sort(IDX, "rang")
        .unique(IDX, keep="first", maintain_order=True)
    )
    textes = {
        "forme": _("enfant n° %(n)d « %(t)s » : écrivez prénom:date."),
        "date": _("enfant n° %(n)d « %(t)s » : la date n'existe pas."),
        "futur": _("enfant n° %(n)d « %(t)s » : naissance dans le futur."),
        "parent": _("enfant n° %(n)d « %(t)s » : né avant l'agent lui-même."),
        "long": _("enfant n° %(n)d « %(t)s » : prénom trop long."),
    }
    en_faute = {
        i: textes[code] % {"n": rang, "t": morceau[:60]}
        for i, code, rang, morceau in fautes.select(IDX, "probleme", "rang", "morceau").iter_rows()
    }
    mauvais = np.zeros(brut.height, dtype=bool)
    mauvais[list(en_faute)] = True
    erreurs.ajouter(
        mauvais,
        "enfants",
        brut["enfants"],
        lambda i: (
            en_faute[i],
            _(
                "Écrivez chaque enfant sous la forme prénom:date (JJ/MM/AAAA ou AAAA-MM-JJ), "
                "séparés par des points-virgules."
            ),
        ),
    )
    return morceaux.filter(pl.col("probleme").is_null()).select(IDX, "prenom", "date_naissance")


def verifier(lecture: Lecture, reference: Reference) -> Verification:
    """Every check that needs only the file and the reference data."""
    brut = lecture.donnees.with_row_index(IDX)
    erreurs = Erreurs(brut[LIGNE].to_numpy())
    t = _typer(brut, reference)
    _obligatoires(brut, t, erreurs)
    _longueurs(brut, erreurs)
    _identifiants(brut, t, erreurs)
    _codes(brut, t, erreurs)
    _dates(brut, t, erreurs)
    _references(brut, t, reference, erreurs)
    _doublons(brut, t, "ppr", erreurs)
    _doublons(brut, t, "cin", erreurs)
    enfants = _enfants(brut, t, erreurs)
    return Verification(type=t, enfants=enfants, erreurs=erreurs)
