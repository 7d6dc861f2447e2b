"""The import template: one column per field of a GIPE-Ordonnateur agent export.

The header line names the columns by their code (`ppr`, `nom`, …), in any order; unknown
columns are refused (a typo would otherwise silently drop data), missing optional columns are
fine. Column names are compared without case, accents or spaces, and a few spellings of the
application's own field names are accepted (`nom_fr`, `grade_code`, …).

A blank cell never erases what a file already holds: for an agent already in the tenant it
means "not given, keep", for a new agent the model's default.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Colonne:
    code: str
    groupe: Promise
    libelle: Promise
    libelle_ar: str
    format: Promise
    exemple: str
    obligatoire: bool = False
    longueur: int = 0  # maximal length of the text, 0: none checked here

    @property
    def obligatoire_libelle(self) -> Promise:
        return _("obligatoire") if self.obligatoire else _("facultatif")


IDENTIFICATION = _("Identification")
CARRIERE = _("Carrière")
FAMILLE = _("Famille")
BANQUE = _("Banque")
CONTACT = _("Contact")
RETRAITE = _("Retraite")

FORMAT_DATE = _("date JJ/MM/AAAA ou AAAA-MM-JJ (ou cellule date du tableur)")

COLONNES: Final[tuple[Colonne, ...]] = (
    Colonne(
        "ppr",
        IDENTIFICATION,
        _("PPR (numéro national de l'agent)"),
        "رقم التأجير",
        _("chiffres seulement, au format national configuré ; unique dans le fichier"),
        "1234567",
        obligatoire=True,
        longueur=20,
    ),
    Colonne(
        "cin",
        IDENTIFICATION,
        _("CIN"),
        "رقم البطاقة الوطنية للتعريف",
        _("1 ou 2 lettres puis 1 à 6 chiffres, sans espace ; unique dans le fichier"),
        "AB123456",
        longueur=12,
    ),
    Colonne(
        "nom",
        IDENTIFICATION,
        _("Nom (caractères latins)"),
        "الاسم العائلي (بالحروف اللاتينية)",
        _("texte, 100 caractères au plus"),
        "El Amrani",
        obligatoire=True,
        longueur=100,
    ),
    Colonne(
        "prenom",
        IDENTIFICATION,
        _("Prénom (caractères latins)"),
        "الاسم الشخصي (بالحروف اللاتينية)",
        _("texte, 100 caractères au plus"),
        "Fatima",
        obligatoire=True,
        longueur=100,
    ),
    Colonne(
        "nom_ar",
        IDENTIFICATION,
        _("Nom en arabe"),
        "الاسم العائلي بالعربية",
        _("texte, 100 caractères au plus"),
        "العمراني",
        longueur=100,
    ),
    Colonne(
        "prenom_ar",
        IDENTIFICATION,
        _("Prénom en arabe"),
        "الاسم الشخصي بالعربية",
        _("texte, 100 caractères au plus"),
        "فاطمة",
        longueur=100,
    ),
    Colonne(
        "date_naissance",
        IDENTIFICATION,
        _("Date de naissance"),
        "تاريخ الازدياد",
        FORMAT_DATE,
        "14/02/1985",
    ),
    Colonne(
        "lieu_naissance",
        IDENTIFICATION,
        _("Lieu de naissance"),
        "مكان الازدياد",
        _("texte, 100 caractères au plus"),
        "Fès",
        longueur=100,
    ),
    Colonne(
        "sexe",
        IDENTIFICATION,
        _("Sexe"),
        "الجنس",
        _("M ou F"),
        "F",
        obligatoire=True,
    ),
    Colonne(
        "situation_familiale",
        FAMILLE,
        _("Situation familiale"),
        "الحالة العائلية",
        _("célibataire, marié, divorcé ou veuf (ou C, M, D, V)"),
        "marié",
    ),
    Colonne(
        "conjoint_a_charge",
        FAMILLE,
        _("Conjoint à charge"),
        "الزوج(ة) في الكفالة",
        _("oui ou non (vide : non) ; oui seulement pour un agent marié"),
        "non",
    ),
    Colonne(
        "enfants",
        FAMILLE,
        _("Enfants"),
        "الأطفال",
        _("prénom:date de naissance, séparés par des points-virgules"),
        "Yassine:2012-04-03;Salma:21/09/2015",
    ),
    Colonne(
        "date_recrutement",
        CARRIERE,
        _("Date de recrutement"),
        "تاريخ التوظيف",
        FORMAT_DATE,
        "01/09/2010",
        obligatoire=True,
    ),
    Colonne(
        "statut",
        CARRIERE,
        _("Statut"),
        "الصفة (رسمي، متدرب، متعاقد)",
        _("titulaire, stagiaire ou contractuel"),
        "titulaire",
        obligatoire=True,
    ),
    Colonne(
        "corps",
        CARRIERE,
        _("Corps"),
        "الهيئة",
        _("code du corps au référentiel ; vide : celui du grade"),
        "ADM",
        longueur=32,
    ),
    Colonne(
        "grade",
        CARRIERE,
        _("Grade"),
        "الدرجة",
        _("code du grade au référentiel (obligatoire sauf pour un contractuel)"),
        "ADM-2",
        longueur=32,
    ),
    Colonne(
        "echelle",
        CARRIERE,
        _("Échelle"),
        "السلم",
        _("1 à 11 ou HE"),
        "11",
    ),
    Colonne(
        "echelon",
        CARRIERE,
        _("Échelon"),
        "الرتبة",
        _("1 à 5 lettres ou chiffres (par exemple 3 ou EXC)"),
        "3",
    ),
    Colonne(
        "indice",
        CARRIERE,
        _("Indice"),
        "الرقم الاستدلالي",
        _("nombre entier positif"),
        "509",
    ),
    Colonne(
        "position",
        CARRIERE,
        _("Position"),
        "الوضعية الإدارية",
        _(
            "activite, detachement, disponibilite, mise_a_disposition, conge_maladie_moyenne, "
            "conge_maladie_longue ou cessation (ou leur libellé)"
        ),
        "activite",
        obligatoire=True,
    ),
    Colonne(
        "unite",
        CARRIERE,
        _("Unité d'affectation"),
        "الوحدة الإدارية للتعيين",
        _("code d'une unité active de votre périmètre"),
        "DRH",
        obligatoire=True,
        longueur=30,
    ),
    Colonne(
        "poste_budgetaire",
        CARRIERE,
        _("Poste budgétaire"),
        "المنصب المالي",
        _("code d'un poste budgétaire actif ayant des postes vacants"),
        "PB-ADM-2",
        longueur=40,
    ),
    Colonne(
        "date_effet_situation",
        CARRIERE,
        _("Date d'effet de la situation"),
        "تاريخ سريان الوضعية",
        _("date (vide : la date de recrutement) ; pas dans le futur"),
        "01/01/2024",
    ),
    Colonne(
        "rib",
        BANQUE,
        _("RIB"),
        "رقم الحساب البنكي",
        _("24 chiffres, clé comprise (saisir en texte dans le tableur)"),
        "011780000012345678901296",
        longueur=24,
    ),
    Colonne(
        "banque",
        BANQUE,
        _("Banque"),
        "البنك",
        _("texte, 100 caractères au plus"),
        "Banque Populaire",
        longueur=100,
    ),
    Colonne(
        "adresse",
        CONTACT,
        _("Adresse"),
        "العنوان",
        _("texte"),
        "12, rue Ibn Khaldoun, Fès",
        longueur=500,
    ),
    Colonne(
        "commune_residence",
        CONTACT,
        _("Commune de résidence"),
        "جماعة الإقامة",
        _("code géographique HCP connu du référentiel"),
        "",
        longueur=32,
    ),
    Colonne(
        "telephone",
        CONTACT,
        _("Téléphone"),
        "الهاتف",
        _("6 à 15 chiffres, éventuellement précédés de +"),
        "0612345678",
        longueur=20,
    ),
    Colonne(
        "email",
        CONTACT,
        _("Courriel"),
        "البريد الإلكتروني",
        _("adresse électronique"),
        "f.elamrani@example.ma",
        longueur=254,
    ),
    Colonne(
        "regime_retraite",
        RETRAITE,
        _("Régime de retraite"),
        "نظام التقاعد",
        _("CMR, RCAR ou AUCUN (vide : CMR pour un nouvel agent)"),
        "CMR",
    ),
)

PAR_CODE: Final[dict[str, Colonne]] = {c.code: c for c in COLONNES}
CODES: Final[tuple[str, ...]] = tuple(c.code for c in COLONNES)
OBLIGATOIRES: Final[tuple[str, ...]] = tuple(c.code for c in COLONNES if c.obligatoire)

# Other spellings of a column name (the application's own field names, common variants).
ALIAS: Final[dict[str, str]] = {
    "nom_fr": "nom",
    "prenom_fr": "prenom",
    "grade_code": "grade",
    "corps_code": "corps",
    "unite_code": "unite",
    "unite_affectation": "unite",
    "poste": "poste_budgetaire",
    "poste_code": "poste_budgetaire",
    "date_effet": "date_effet_situation",
    "conjoint": "conjoint_a_charge",
    "commune": "commune_residence",
    "courriel": "email",
    "tel": "telephone",
    "regime": "regime_retraite",
}


def cle(texte: str) -> str:
    """`Date de naissance ` → `date_de_naissance`: lower case, no accent, `_` between words."""
    decompose = unicodedata.normalize("NFKD", texte.strip().casefold())
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    mots = "".join(c if c.isalnum() else " " for c in sans_accents).split()
    return "_".join(mots)


_MOTS_VIDES = frozenset({"d", "de", "du", "des", "la", "le", "l"})


def colonne_du_titre(titre: str) -> str | None:
    """The column code a header cell names, or None when it names none. "Date de naissance"
    and "Unité d'affectation" name `date_naissance` and `unite`."""
    code = cle(titre)
    court = "_".join(mot for mot in code.split("_") if mot not in _MOTS_VIDES)
    for essai in (code, court):
        essai = ALIAS.get(essai, essai)
        if essai in PAR_CODE:
            return essai
    return None


def lettre(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    lettres = ""
    index += 1
    while index:
        index, reste = divmod(index - 1, 26)
        lettres = chr(ord("A") + reste) + lettres
    return lettres
