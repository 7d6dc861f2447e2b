"""Checking every line of a file: formats, required values, enums, dates, reference data,
duplicates inside the file. Nothing here reads the tenant's agents (see `rapprochement`).

Checks run column by column on the whole table (polars), so their cost hardly depends on the
number of problems; messages are built only for the problems listed in the report. Each check
says what is wrong and how to fix it, in French through gettext.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.personnel import validation
from modules.personnel.importation import colonnes, typage
from modules.personnel.importation import enfants as colonne_enfants
from modules.personnel.importation.erreurs import Erreurs, Message, fixe
from modules.personnel.importation.lecture import LIGNE, Lecture
from modules.personnel.importation.typage import IDX
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre
from referentiel import selectors as referentiel

AUTRES_LIGNES_CITEES = 5


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


@dataclass
class Verification:
    type: pl.DataFrame  # IDX, LIGNE, then typed values (see `_typer`)
    enfants: pl.DataFrame  # IDX, prenom, date_naissance: the children that parse
    erreurs: Erreurs


def _obligatoires(brut: pl.DataFrame, t: pl.DataFrame, erreurs: Erreurs) -> None:
    for code in colonnes.OBLIGATOIRES:
        colonne = colonnes.PAR_CODE[code]
        erreurs.ajouter(
            brut[code].is_null(),
            code,
            None,
            fixe(
                _("%(libelle)s est obligatoire.") % {"libelle": colonne.libelle},
                _("Remplissez la colonne « %(code)s » (%(format)s).")
                % {"code": code, "format": colonne.format},
            ),
        )
    erreurs.ajouter(
        brut["grade"].is_null() & t["statut"].is_in(["titulaire", "stagiaire"]),
        "grade",
        None,
        fixe(
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
        fixe(
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
        fixe(
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
        fixe(
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
        fixe(
            _("Ce n'est pas un numéro de téléphone."),
            _("Écrivez 6 à 15 chiffres, éventuellement précédés de +."),
        ),
    )
    email = t["email"]
    erreurs.ajouter(
        email.is_not_null() & ~email.str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
        "email",
        brut["email"],
        fixe(
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
            fixe(
                _("Valeur inconnue pour « %(libelle)s ».") % {"libelle": colonne.libelle},
                _("Écrivez : %(format)s.") % {"format": colonne.format},
            ),
        )
    erreurs.ajouter(
        brut["conjoint_a_charge"].is_not_null() & t["conjoint_a_charge"].is_null(),
        "conjoint_a_charge",
        brut["conjoint_a_charge"],
        fixe(_("Valeur inconnue pour « conjoint à charge »."), _("Écrivez oui ou non.")),
    )
    erreurs.ajouter(
        brut["echelle"].is_not_null() & t["echelle"].is_null(),
        "echelle",
        brut["echelle"],
        fixe(_("Échelle inconnue."), _("Écrivez un nombre de 1 à 11, ou HE (hors échelle).")),
    )
    echelon = t["echelon"]
    erreurs.ajouter(
        echelon.is_not_null() & ~echelon.str.contains(r"^[0-9A-Z]{1,5}$"),
        "echelon",
        brut["echelon"],
        fixe(_("Échelon illisible."), _("Écrivez 1 à 5 chiffres ou lettres (ex. 3 ou EXC).")),
    )
    erreurs.ajouter(
        brut["indice"].is_not_null() & (t["indice"].is_null() | (t["indice"] <= 0)),
        "indice",
        brut["indice"],
        fixe(_("L'indice n'est pas un entier positif."), _("Écrivez l'indice en chiffres.")),
    )
    erreurs.ajouter(
        t["conjoint_a_charge"].fill_null(False)
        & (t["situation_familiale"] != "marie").fill_null(True),
        "conjoint_a_charge",
        brut["conjoint_a_charge"],
        fixe(
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
            fixe(
                _("Date illisible ou inexistante."),
                _("Écrivez la date au format JJ/MM/AAAA ou AAAA-MM-JJ (ex. 03/04/2012)."),
            ),
        )
        erreurs.ajouter(
            valeurs > aujourdhui,
            code,
            brut[code],
            fixe(_("La date est dans le futur."), _("Vérifiez le jour, le mois et l'année.")),
        )
        erreurs.ajouter(
            valeurs < date(1900, 1, 1),
            code,
            brut[code],
            fixe(_("La date est antérieure à 1900."), _("Écrivez l'année sur quatre chiffres.")),
        )
    erreurs.ajouter(
        t["date_recrutement"] <= t["date_naissance"],
        "date_recrutement",
        brut["date_recrutement"],
        fixe(
            _("La date de recrutement n'est pas après la date de naissance."),
            _("Vérifiez ces deux dates (jour et mois inversés ?)."),
        ),
    )
    erreurs.ajouter(
        t["date_effet_situation"] < t["date_recrutement"],
        "date_effet_situation",
        brut["date_effet_situation"],
        fixe(
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
        fixe(
            _("Grade inconnu du référentiel."),
            _("Choisissez un code de grade de la nomenclature (ex. ADM-2)."),
        ),
    )
    corps = brut["corps"]
    erreurs.ajouter(
        corps.is_not_null() & ~corps.is_in(sorted(r.corps)),
        "corps",
        corps,
        fixe(_("Corps inconnu du référentiel."), _("Choisissez un code de corps (ex. ADM).")),
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
        fixe(
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
        fixe(
            _("Cette unité n'existe pas ou est désactivée."),
            _("Écrivez le code d'une unité active de l'organisation."),
        ),
    )
    if r.unites_perimetre is not None:
        erreurs.ajouter(
            unite.is_not_null() & ~inconnue & ~unite.is_in(sorted(r.unites_perimetre)),
            "unite",
            unite,
            fixe(
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
        fixe(
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


def verifier(lecture: Lecture, reference: Reference) -> Verification:
    """Every check that needs only the file and the reference data."""
    brut = lecture.donnees.with_row_index(IDX)
    erreurs = Erreurs(brut[LIGNE].to_numpy())
    t = typage.typer(brut, reference.corps_du_grade)
    _obligatoires(brut, t, erreurs)
    _longueurs(brut, erreurs)
    _identifiants(brut, t, erreurs)
    _codes(brut, t, erreurs)
    _dates(brut, t, erreurs)
    _references(brut, t, reference, erreurs)
    _doublons(brut, t, "ppr", erreurs)
    _doublons(brut, t, "cin", erreurs)
    enfants = colonne_enfants.verifier(brut, t, erreurs)
    return Verification(type=t, enfants=enfants, erreurs=erreurs)
