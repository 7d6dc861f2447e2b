"""Synthetic but realistic agents for the demo and the benchmark, written as an import file.

Everything is drawn with numpy from one seed, column by column (no Python loop over agents), so
300,000 agents take a couple of seconds; the same seed and the same context give the same file
byte for byte, which is what makes `personnel demo` idempotent.

What "realistic" means here:
- Moroccan first and family names, each drawn as a (Latin, Arabic) pair that belong together;
  a few names have two Latin spellings of one Arabic name (Mohammed / Mohamed), as in real files;
- unique PPRs of the configured 7 digits, none of them in `pprs_exclus` (the PPRs other tenants
  already manage: the national registry refuses a second manager); unique CINs
  `^[A-Z]{1,2}[0-9]{1,6}$`; RIBs of 24 digits whose mod-97 key is right;
- careers on ladders of grades taken from the referentiel fixtures (`grades.csv`), échelons and
  indices from the grid of each grade (`grille_indiciaire.csv`), higher with seniority;
- mostly `activite`, a few détachements, disponibilités, mises à disposition and sick leaves;
- children with birth dates after the parent's 20th birthday, residence communes from the HCP
  codes of the fixtures.

Synthetic data only: bank codes, streets and phone numbers are plausible, not real accounts.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from referentiel import fixtures_io

# The import template's columns, in its order (docs/personnel/import.md).
COLONNES = (
    "ppr",
    "cin",
    "nom",
    "prenom",
    "nom_ar",
    "prenom_ar",
    "date_naissance",
    "lieu_naissance",
    "sexe",
    "situation_familiale",
    "conjoint_a_charge",
    "date_recrutement",
    "statut",
    "corps",
    "grade",
    "echelle",
    "echelon",
    "indice",
    "position",
    "unite",
    "poste_budgetaire",
    "date_effet_situation",
    "enfants",
    "rib",
    "banque",
    "adresse",
    "commune_residence",
    "telephone",
    "email",
    "regime_retraite",
)
SEPARATEUR = ";"
OUI, NON = "oui", "non"
# A fixed "today" for the careers, so that a file generated another day is the same file.
REFERENCE = date(2025, 1, 1)

PRENOMS_MASCULINS = (
    ("Mohammed", "محمد"),
    ("Mohamed", "محمد"),
    ("Ahmed", "أحمد"),
    ("Youssef", "يوسف"),
    ("Omar", "عمر"),
    ("Hassan", "حسن"),
    ("Hicham", "هشام"),
    ("Rachid", "رشيد"),
    ("Karim", "كريم"),
    ("Abdelaziz", "عبد العزيز"),
    ("Abdellah", "عبد الله"),
    ("Mustapha", "مصطفى"),
    ("Said", "سعيد"),
    ("Khalid", "خالد"),
    ("Driss", "إدريس"),
    ("Mehdi", "مهدي"),
    ("Anas", "أنس"),
    ("Amine", "أمين"),
    ("Hamza", "حمزة"),
    ("Ayoub", "أيوب"),
    ("Ismail", "إسماعيل"),
    ("Brahim", "إبراهيم"),
    ("Noureddine", "نور الدين"),
    ("Abderrahim", "عبد الرحيم"),
    ("Jamal", "جمال"),
    ("Tarik", "طارق"),
    ("Yassine", "ياسين"),
    ("Soufiane", "سفيان"),
    ("Adil", "عادل"),
    ("Nabil", "نبيل"),
    ("Redouane", "رضوان"),
    ("Othmane", "عثمان"),
    ("Zakaria", "زكرياء"),
    ("Ilyas", "إلياس"),
    ("Abdelkader", "عبد القادر"),
    ("Lahcen", "لحسن"),
    ("Bilal", "بلال"),
    ("Younes", "يونس"),
    ("Samir", "سمير"),
    ("Fouad", "فؤاد"),
    ("Hamid", "حميد"),
    ("Mourad", "مراد"),
    ("Badr", "بدر"),
    ("Taoufik", "توفيق"),
    ("Jawad", "جواد"),
    ("Reda", "رضا"),
)
PRENOMS_FEMININS = (
    ("Fatima", "فاطمة"),
    ("Fatima Zahra", "فاطمة الزهراء"),
    ("Fatema", "فاطمة"),
    ("Khadija", "خديجة"),
    ("Aicha", "عائشة"),
    ("Meryem", "مريم"),
    ("Salma", "سلمى"),
    ("Nadia", "نادية"),
    ("Amina", "أمينة"),
    ("Zineb", "زينب"),
    ("Hafsa", "حفصة"),
    ("Imane", "إيمان"),
    ("Sanae", "سناء"),
    ("Naima", "نعيمة"),
    ("Latifa", "لطيفة"),
    ("Hanane", "حنان"),
    ("Asmae", "أسماء"),
    ("Houda", "هدى"),
    ("Karima", "كريمة"),
    ("Samira", "سميرة"),
    ("Loubna", "لبنى"),
    ("Siham", "سهام"),
    ("Ghizlane", "غزلان"),
    ("Hajar", "هاجر"),
    ("Kawtar", "كوثر"),
    ("Oumaima", "أميمة"),
    ("Rajae", "رجاء"),
    ("Souad", "سعاد"),
    ("Malika", "مليكة"),
    ("Najat", "نجاة"),
    ("Btissam", "ابتسام"),
    ("Wafae", "وفاء"),
    ("Nawal", "نوال"),
    ("Sara", "سارة"),
    ("Yasmine", "ياسمين"),
    ("Chaimae", "شيماء"),
    ("Ikram", "إكرام"),
    ("Mouna", "منى"),
    ("Rachida", "رشيدة"),
    ("Soukaina", "سكينة"),
    ("Laila", "ليلى"),
    ("Halima", "حليمة"),
    ("Jamila", "جميلة"),
)
NOMS = (
    ("Alaoui", "العلوي"),
    ("El Alaoui", "العلوي"),
    ("El Idrissi", "الإدريسي"),
    ("Bennani", "بناني"),
    ("Tazi", "التازي"),
    ("Benjelloun", "بنجلون"),
    ("Chraibi", "الشرايبي"),
    ("El Fassi", "الفاسي"),
    ("Berrada", "برادة"),
    ("Lahlou", "لحلو"),
    ("Ouazzani", "الوزاني"),
    ("El Amrani", "العمراني"),
    ("Benkirane", "بنكيران"),
    ("Kettani", "الكتاني"),
    ("Naciri", "الناصري"),
    ("Bouazza", "بوعزة"),
    ("Benali", "بنعلي"),
    ("Mansouri", "المنصوري"),
    ("Cherkaoui", "الشرقاوي"),
    ("Zerouali", "الزروالي"),
    ("Hajji", "الحجي"),
    ("Belhaj", "بلحاج"),
    ("Ait Lahcen", "آيت لحسن"),
    ("Ouchen", "أوشن"),
    ("Boukhari", "البخاري"),
    ("Slaoui", "السلاوي"),
    ("Filali", "الفيلالي"),
    ("Kabbaj", "القباج"),
    ("Guessous", "كسوس"),
    ("Benmoussa", "بنموسى"),
    ("Benchekroun", "بنشقرون"),
    ("Sebti", "السبتي"),
    ("Tahiri", "الطاهري"),
    ("Ziani", "الزياني"),
    ("Haddad", "الحداد"),
    ("Bakkali", "البقالي"),
    ("Khattabi", "الخطابي"),
    ("Hamdaoui", "الحمداوي"),
    ("Moussaoui", "الموساوي"),
    ("Rifi", "الريفي"),
    ("Soussi", "السوسي"),
    ("Doukkali", "الدكالي"),
    ("Chaoui", "الشاوي"),
    ("Azzouzi", "العزوزي"),
    ("Bouzidi", "البوزيدي"),
    ("Belkadi", "بلقاضي"),
    ("Benabdellah", "بنعبد الله"),
    ("Lamrani", "لمراني"),
    ("Mernissi", "المرنيسي"),
    ("Skalli", "الصقلي"),
    ("Benslimane", "بنسليمان"),
    ("Bensaid", "بنسعيد"),
    ("Saadi", "السعدي"),
    ("Sabri", "صبري"),
    ("Talbi", "الطالبي"),
    ("Yacoubi", "اليعقوبي"),
    ("Naji", "الناجي"),
    ("Daoudi", "الداودي"),
    ("Hilali", "الهلالي"),
    ("Karimi", "الكريمي"),
    ("Nouri", "النوري"),
    ("Ghazi", "الغازي"),
    ("Lazrak", "لزرق"),
    ("Ramdani", "الرمضاني"),
    ("Kadiri", "القادري"),
    ("Mahjoubi", "المحجوبي"),
    ("Touzani", "التوزاني"),
    ("Afilal", "أفيلال"),
    ("Bennis", "بنيس"),
    ("El Khalfi", "الخلفي"),
    ("Oukacha", "عكاشة"),
    ("Amzil", "أمزيل"),
    ("Ouahbi", "الوهبي"),
    ("Jabri", "الجابري"),
    ("Sefrioui", "الصفريوي"),
    ("Tounsi", "التونسي"),
    ("El Ouafi", "الوافي"),
    ("Rhazi", "الغازي"),
    ("Zouiten", "الزويتن"),
    ("Harrak", "الحراق"),
)
# Bank code (3 digits) and name. Synthetic accounts; the codes follow the usual RIB layout.
BANQUES = (
    ("007", "Attijariwafa bank"),
    ("011", "Bank of Africa"),
    ("013", "BMCI"),
    ("021", "Crédit du Maroc"),
    ("022", "Société Générale Maroc"),
    ("145", "Banque Populaire"),
    ("225", "Crédit Agricole du Maroc"),
    ("230", "CIH Bank"),
    ("310", "Trésorerie Générale du Royaume"),
    ("350", "Al Barid Bank"),
)
POIDS_BANQUES = (0.22, 0.14, 0.05, 0.05, 0.05, 0.25, 0.06, 0.08, 0.02, 0.08)
RUES = (
    "Avenue Mohammed V",
    "Boulevard Hassan II",
    "Rue Ibn Sina",
    "Rue Al Massira",
    "Avenue des FAR",
    "Rue Moulay Ismail",
    "Rue Allal Ben Abdellah",
    "Rue Oued Sebou",
    "Avenue Abdelkrim El Khattabi",
    "Rue Ibn Khaldoun",
    "Hay Salam",
    "Hay Al Amal",
    "Lotissement Al Wifaq",
    "Résidence Annour",
)
# CIN letter prefixes (the issuing office); the number after them is drawn without replacement.
PREFIXES_CIN = (
    "A",
    "AA",
    "AB",
    "B",
    "BE",
    "BH",
    "BJ",
    "BK",
    "C",
    "CB",
    "CD",
    "D",
    "DA",
    "E",
    "EE",
    "F",
    "G",
    "GA",
    "H",
    "HA",
    "I",
    "IA",
    "J",
    "JA",
    "JB",
    "K",
    "L",
    "LA",
    "M",
    "N",
    "P",
    "Q",
    "R",
    "S",
    "SH",
    "T",
    "U",
    "UA",
    "V",
    "W",
    "X",
    "Y",
    "Z",
)

# Career ladders (lowest grade first) and their share of the population, by profile.
# Grades "en extinction" are left out of recruitment ladders.
FILIERES: dict[str, tuple[tuple[tuple[str, ...], float], ...]] = {
    "administration": (
        (("ADM-3", "ADM-2", "ADM-1"), 0.18),
        (("ING-ETAT-1", "ING-ETAT-P", "ING-CHEF-1", "ING-CHEF-P"), 0.07),
        (("TECH-4", "TECH-3", "TECH-2", "TECH-1"), 0.20),
        (("RED-4", "RED-3", "RED-2", "RED-1"), 0.15),
        (("ADJADM-2", "ADJADM-1", "ADJADM-P"), 0.22),
        (("ADJTEC-2", "ADJTEC-1", "ADJTEC-P"), 0.18),
    ),
    "education": (
        (("ENS-PRIM-2", "ENS-PRIM-1", "ENS-PRIM-EX"), 0.36),
        (("ENS-COL-2", "ENS-COL-1", "ENS-COL-EX"), 0.17),
        (("ENS-QUAL-2", "ENS-QUAL-1", "ENS-QUAL-EX"), 0.15),
        (("ENS-AGREG-2", "ENS-AGREG-1"), 0.02),
        (("ADM-3", "ADM-2", "ADM-1"), 0.06),
        (("TECH-4", "TECH-3", "TECH-2", "TECH-1"), 0.05),
        (("RED-4", "RED-3", "RED-2", "RED-1"), 0.04),
        (("ADJADM-2", "ADJADM-1", "ADJADM-P"), 0.09),
        (("ADJTEC-2", "ADJTEC-1", "ADJTEC-P"), 0.06),
    ),
}
ANNEES_PAR_GRADE = 8.0  # seniority between two grades of a ladder, on average
ANNEES_PAR_ECHELON = 2.5

POSITIONS = (
    ("activite", 0.935),
    ("detachement", 0.02),
    ("disponibilite", 0.012),
    ("mise_a_disposition", 0.01),
    ("conge_maladie_moyenne", 0.014),
    ("conge_maladie_longue", 0.009),
)
# Positions that hold a budget post of the tenant (models.POSITIONS_OCCUPANT_POSTE).
POSITIONS_OCCUPANT_POSTE = frozenset(
    {"activite", "mise_a_disposition", "conge_maladie_moyenne", "conge_maladie_longue"}
)
ENFANTS_MAX = 4
STATUTS = ("titulaire", "stagiaire", "contractuel")
STAGIAIRE, CONTRACTUEL = 1, 2
SITUATIONS = ("celibataire", "marie", "divorce", "veuf")


class GenerationImpossible(ValueError):
    """The context cannot give the requested population (no unit, not enough free PPRs…)."""


@dataclass(frozen=True)
class GradeGrille:
    code: str
    corps: str
    echelle: str
    echelons: tuple[str, ...]  # numeric échelons of the grade's grid, in order
    indices: tuple[int, ...]


@dataclass(frozen=True)
class PosteLibre:
    """A budget post of the tenant and how many agents of the file may still occupy it."""

    code: str
    grade_code: str
    places: int


@dataclass(frozen=True)
class PosteAPrevoir:
    """A budget post to create so that the generated agents all have one."""

    code: str
    libelle: str
    grade_code: str
    categorie: str
    ligne_budgetaire: str
    nombre: int


@dataclass(frozen=True)
class Commune:
    code: str
    nom_fr: str


@functools.cache
def grades_grilles() -> dict[str, GradeGrille]:
    """The grades of the referentiel fixtures with their échelle and numeric échelons."""
    corps = {g.code: g.corps_code for g in fixtures_io.grades_fixtures()}
    classements: dict[str, dict[str, str]] = {}
    grilles: dict[str, dict[str, int]] = {}
    for parametre in fixtures_io.parametres_fixtures():
        morceaux = parametre.code.split(".")
        if morceaux[0] == "grade" and len(morceaux) == 2:
            classements[morceaux[1]] = parametre.valeur
        elif morceaux[0] == "grille" and len(morceaux) == 3 and morceaux[2].isdigit():
            grilles.setdefault(morceaux[1], {})[morceaux[2]] = int(parametre.valeur["indice"])
    resultat: dict[str, GradeGrille] = {}
    for code, classement in classements.items():
        grille = grilles.get(classement["grille"], {})
        echelons = tuple(sorted(grille, key=int))
        if code in corps and echelons:
            resultat[code] = GradeGrille(
                code=code,
                corps=corps[code],
                echelle=str(classement["echelle"]),
                echelons=echelons,
                indices=tuple(grille[e] for e in echelons),
            )
    return resultat


def communes() -> tuple[Commune, ...]:
    return tuple(
        Commune(code=t.code, nom_fr=t.nom_fr)
        for t in fixtures_io.territoires_fixtures()
        if t.niveau == "commune"
    )


def _choix(
    rng: np.random.Generator, poids: Sequence[float] | npt.NDArray[np.float64], n: int
) -> npt.NDArray[np.int64]:
    p = np.asarray(poids, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int64)


def _pprs(seed: int, n: int, exclus: Iterable[str]) -> npt.NDArray[np.int64]:
    """n distinct 7-digit numbers (1000000–9999999) outside `exclus`, in a seeded order.

    The candidates come from their own stream, block after block, and do not depend on
    `exclus`: excluding PPRs that another ordonnateur took since the last run keeps every PPR
    this seed already gave. A further block is drawn only when too many are excluded.
    """
    interdits = np.fromiter((int(p) for p in exclus if p.isdigit()), dtype=np.int64)
    espace = 9_000_000
    flux = np.random.default_rng([seed, 7])
    candidats = np.empty(0, dtype=np.int64)
    libres = candidats
    while len(libres) < n:
        if len(candidats) >= espace:
            raise GenerationImpossible(f"pas assez de PPR libres pour {n} agents")
        bloc = flux.choice(espace, size=min(espace, n + n // 10 + 1000), replace=False)
        tous = np.concatenate([candidats, bloc.astype(np.int64) + 1_000_000])
        _valeurs, premiers = np.unique(tous, return_index=True)
        candidats = tous[np.sort(premiers)]  # first occurrence of each, in drawing order
        libres = candidats[~np.isin(candidats, interdits)]
    return libres[:n]


def _cins(rng: np.random.Generator, n: int) -> pl.Series:
    codes = rng.choice(len(PREFIXES_CIN) * 999_999, size=n, replace=False).astype(np.int64)
    prefixes = pl.Series(PREFIXES_CIN).gather(codes // 999_999)
    numeros = pl.Series(codes % 999_999 + 1).cast(pl.Utf8)
    return prefixes + numeros


def _ribs(rng: np.random.Generator, banques: npt.NDArray[np.int64]) -> pl.Series:
    """24 digits: bank 3, locality 3, account 16, key 2 making the number divisible by 97."""
    n = len(banques)
    code_banque = np.array([int(code) for code, _ in BANQUES], dtype=np.int64)[banques]
    localite = rng.integers(100, 1000, size=n, dtype=np.int64)
    compte = rng.integers(0, 10**16, size=n, dtype=np.int64)
    # (tête·10^16 + compte)·100 ≡ 0 − clé (mod 97), computed in int64 without overflow.
    tete = (code_banque * 1000 + localite) % 97
    reste = (tete * pow(10, 16, 97) + compte % 97) % 97
    cle = 97 - (reste * 100) % 97
    return (
        pl.Series(code_banque).cast(pl.Utf8).str.zfill(3)
        + pl.Series(localite).cast(pl.Utf8)
        + pl.Series(compte).cast(pl.Utf8).str.zfill(16)
        + pl.Series(cle).cast(pl.Utf8).str.zfill(2)
    )


def _dates(jours: npt.NDArray[np.int64]) -> pl.Series:
    """Days since 1970-01-01 → ISO dates (AAAA-MM-JJ)."""
    return pl.Series(jours.astype("datetime64[D]")).cast(pl.Date).dt.strftime("%Y-%m-%d")


def _jours(le: date) -> int:
    return (le - date(1970, 1, 1)).days


def _enfants(
    rng: np.random.Generator,
    *,
    nombre: npt.NDArray[np.int64],
    naissance_parent: npt.NDArray[np.int64],
    aujourd_hui: int,
) -> pl.Series:
    """ "Prénom:AAAA-MM-JJ;…" — births between the parent's 20th birthday and today."""
    n = len(nombre)
    tous = PRENOMS_MASCULINS + PRENOMS_FEMININS
    prenoms = pl.Series([latin for latin, _ in tous])
    debut = naissance_parent + 20 * 365
    fenetre = np.maximum(aujourd_hui - debut, 1)
    # sorted fractions of the window: children in birth order
    fractions = np.sort(rng.random((n, ENFANTS_MAX)), axis=1)
    colonnes = []
    for rang in range(ENFANTS_MAX):
        jour = debut + (fractions[:, rang] * fenetre).astype(np.int64)
        texte = prenoms.gather(rng.integers(0, len(tous), size=n)) + ":" + _dates(jour)
        colonnes.append(
            pl.select(pl.when(pl.Series(nombre > rang)).then(texte).otherwise(None)).to_series()
        )
    return pl.select(pl.concat_str(colonnes, separator=";", ignore_nulls=True)).to_series()


def population(
    *,
    agents: int,
    seed: int,
    unites: Sequence[str],
    profil: str = "administration",
    pprs_exclus: Iterable[str] = (),
    le: date = REFERENCE,
) -> pl.DataFrame:
    """`agents` rows in the template's columns, every value text; `poste_budgetaire` empty
    (see `postes_affecter`)."""
    if not unites:
        raise GenerationImpossible("aucune unité d'affectation")
    if profil not in FILIERES:
        raise GenerationImpossible(f"profil inconnu : {profil}")
    grilles = grades_grilles()
    filieres = [(tuple(g for g in f if g in grilles), p) for f, p in FILIERES[profil]]
    filieres = [(f, p) for f, p in filieres if f]
    lieux = communes()
    rng = np.random.default_rng(seed)
    n = agents
    aujourd_hui = _jours(le)

    femme = rng.random(n) < 0.45
    prenom = np.where(
        femme,
        rng.integers(0, len(PRENOMS_FEMININS), size=n),
        rng.integers(0, len(PRENOMS_MASCULINS), size=n) + len(PRENOMS_FEMININS),
    )
    prenoms = PRENOMS_FEMININS + PRENOMS_MASCULINS
    # family names: a few common ones, a long tail (Zipf-like weights)
    nom = _choix(rng, 1 / np.arange(1, len(NOMS) + 1) ** 0.6, n)

    age = rng.integers(22 * 365, 62 * 365, size=n)
    naissance = aujourd_hui - age
    age_recrutement = 21 * 365 + (rng.gamma(2.0, 2.2, size=n) * 365).astype(np.int64)
    recrutement = np.minimum(naissance + age_recrutement, aujourd_hui - 30)
    recrutement = np.maximum(recrutement, naissance + 20 * 365)
    anciennete = (aujourd_hui - recrutement) / 365.25

    filiere = _choix(rng, [p for _, p in filieres], n)
    longueurs = np.array([len(f) for f, _ in filieres])[filiere]
    rang = np.clip(
        np.floor(anciennete / ANNEES_PAR_GRADE + rng.uniform(-0.8, 0.6, size=n)), 0, None
    ).astype(np.int64)
    rang = np.minimum(rang, longueurs - 1)
    codes_grades = sorted({g for f, _ in filieres for g in f})
    position_grade = {code: i for i, code in enumerate(codes_grades)}
    table = np.full((len(filieres), max(len(f) for f, _ in filieres)), -1, dtype=np.int64)
    for i, (f, _) in enumerate(filieres):
        table[i, : len(f)] = [position_grade[g] for g in f]
    grade = table[filiere, rang]

    # small integer codes, turned into text only when the frame is built (no numpy strings)
    statut = np.where(anciennete < 1.0, STAGIAIRE, np.where(rng.random(n) < 0.02, CONTRACTUEL, 0))
    annees_dans_grade = np.maximum(anciennete - rang * ANNEES_PAR_GRADE, 0)
    rang_echelon = np.floor(annees_dans_grade / ANNEES_PAR_ECHELON + rng.uniform(0, 1, size=n))
    rang_echelon = np.where(statut == STAGIAIRE, 0, rang_echelon).astype(np.int64)
    nb_echelons = np.array([len(grilles[c].echelons) for c in codes_grades])[grade]
    rang_echelon = np.minimum(rang_echelon, nb_echelons - 1)
    largeur = max(len(grilles[c].echelons) for c in codes_grades)
    echelons = [""] * (len(codes_grades) * largeur)  # flat (grade, rank) table
    indices = np.zeros((len(codes_grades), largeur), dtype=np.int64)
    for i, code in enumerate(codes_grades):
        echelons[i * largeur : i * largeur + len(grilles[code].echelons)] = grilles[code].echelons
        indices[i, : len(grilles[code].indices)] = grilles[code].indices
    # the current situation began with the last promotion: at most three years ago
    effet = aujourd_hui - rng.integers(0, 3 * 365, size=n)
    effet = np.maximum(effet, recrutement)

    position = _choix(rng, [w for _, w in POSITIONS], n)
    position = np.where(statut == STAGIAIRE, 0, position)  # POSITIONS[0]: activité

    jeune = age < 27 * 365
    tirage = rng.random(n)
    familiale = np.select(
        [
            tirage < np.where(jeune, 0.25, 0.72),
            tirage < np.where(jeune, 0.27, 0.78),
            tirage < np.where(jeune, 0.27, 0.80),
        ],
        [1, 2, 3],
        0,
    )
    conjoint = (familiale == 1) & (rng.random(n) < np.where(femme, 0.15, 0.6))
    sans_enfant = familiale == 0
    nb_enfants = np.where(sans_enfant, 0, _choix(rng, (0.15, 0.22, 0.33, 0.2, 0.1), n)).astype(
        np.int64
    )

    banque = _choix(rng, POIDS_BANQUES, n)
    residence = rng.integers(0, len(lieux), size=n)
    lieu = rng.integers(0, len(lieux), size=n)
    a_courriel = rng.random(n) < 0.6

    latin_prenoms = pl.Series([p for p, _ in prenoms]).gather(prenom)
    latin_noms = pl.Series([p for p, _ in NOMS]).gather(nom)
    communes_noms = pl.Series([c.nom_fr for c in lieux])
    courriel = (
        (latin_prenoms + "." + latin_noms).str.to_lowercase().str.replace_all(" ", "")
        + pl.Series(rng.integers(1, 100, size=n)).cast(pl.Utf8)
        + "@courriel.example"
    )
    donnees = {
        "ppr": pl.Series(_pprs(seed, n, pprs_exclus)).cast(pl.Utf8),
        "cin": _cins(rng, n),
        "nom": latin_noms,
        "prenom": latin_prenoms,
        "nom_ar": pl.Series([a for _, a in NOMS]).gather(nom),
        "prenom_ar": pl.Series([a for _, a in prenoms]).gather(prenom),
        "date_naissance": _dates(naissance),
        "lieu_naissance": communes_noms.gather(lieu),
        "sexe": pl.Series(["M", "F"]).gather(femme.astype(np.int64)),
        "situation_familiale": pl.Series(SITUATIONS).gather(familiale),
        "conjoint_a_charge": pl.Series([NON, OUI]).gather(conjoint.astype(np.int64)),
        "date_recrutement": _dates(recrutement),
        "statut": pl.Series(STATUTS).gather(statut),
        "corps": pl.Series([grilles[c].corps for c in codes_grades]).gather(grade),
        "grade": pl.Series(codes_grades).gather(grade),
        "echelle": pl.Series([grilles[c].echelle for c in codes_grades]).gather(grade),
        "echelon": pl.Series(echelons).gather(grade * largeur + rang_echelon),
        "indice": pl.Series(indices[grade, rang_echelon]).cast(pl.Utf8),
        "position": pl.Series([p for p, _ in POSITIONS]).gather(position),
        "unite": pl.Series(sorted(unites)).gather(rng.integers(0, len(unites), size=n)),
        "poste_budgetaire": pl.Series([""] * n),
        "date_effet_situation": _dates(effet),
        "enfants": _enfants(
            rng, nombre=nb_enfants, naissance_parent=naissance, aujourd_hui=aujourd_hui
        ),
        "rib": _ribs(rng, banque),
        "banque": pl.Series([b for _, b in BANQUES]).gather(banque),
        "adresse": (
            pl.Series(rng.integers(1, 250, size=n)).cast(pl.Utf8)
            + ", "
            + pl.Series(RUES).gather(rng.integers(0, len(RUES), size=n))
            + ", "
            + communes_noms.gather(residence)
        ),
        "commune_residence": pl.Series([c.code for c in lieux]).gather(residence),
        "telephone": (
            pl.Series(["07", "06"]).gather((rng.random(n) < 0.7).astype(np.int64))
            + pl.Series(rng.integers(0, 10**8, size=n)).cast(pl.Utf8).str.zfill(8)
        ),
        "email": pl.select(
            pl.when(pl.Series(a_courriel)).then(courriel).otherwise(pl.lit(""))
        ).to_series(),
        "regime_retraite": pl.Series(["CMR", "RCAR"]).gather(
            (statut == CONTRACTUEL).astype(np.int64)
        ),
    }
    return pl.DataFrame({col: donnees[col].alias(col) for col in COLONNES})


def occupants_par_grade(df: pl.DataFrame) -> dict[str, int]:
    """How many generated agents hold a budget post, by grade."""
    compte = (
        df.select("grade", "position")
        .filter(pl.col("position").is_in(list(POSITIONS_OCCUPANT_POSTE)))
        .group_by("grade")
        .len()
        .sort("grade")
    )
    return dict(zip(compte["grade"].to_list(), compte["len"].to_list(), strict=True))


def postes_a_prevoir(df: pl.DataFrame, *, marge: float = 0.1) -> list[PosteAPrevoir]:
    """One budget post per grade, with room for the file's occupants plus `marge`."""
    grilles = grades_grilles()
    return [
        PosteAPrevoir(
            code=f"PB-{grade}",
            libelle=f"Postes budgétaires {grade}",
            grade_code=grade,
            categorie=grilles[grade].echelle,
            ligne_budgetaire=f"10.1.1.{grilles[grade].echelle}",
            nombre=int(np.ceil(nombre * (1 + marge))) + 1,
        )
        for grade, nombre in occupants_par_grade(df).items()
    ]


def postes_affecter(df: pl.DataFrame, postes: Sequence[PosteLibre]) -> pl.DataFrame:
    """Give each occupying agent a post of its grade while places remain (in file order);
    agents left over, and those in détachement or disponibilité, keep no post."""
    tries = sorted(postes, key=lambda p: p.code)
    codes_grades = sorted({p.grade_code for p in tries})
    rang_grade = {code: i for i, code in enumerate(codes_grades)}
    grade = df["grade"].replace_strict(rang_grade, default=-1, return_dtype=pl.Int64).to_numpy()
    occupe = df["position"].is_in(list(POSITIONS_OCCUPANT_POSTE)).to_numpy()
    affecte = np.full(df.height, len(tries), dtype=np.int64)  # len(tries): no post
    for g, code in enumerate(codes_grades):
        du_grade = [i for i, p in enumerate(tries) if p.grade_code == code]
        lignes = np.flatnonzero(occupe & (grade == g))
        bornes = np.cumsum([max(tries[i].places, 0) for i in du_grade])
        quel = np.searchsorted(bornes, np.arange(len(lignes)), side="right")
        servis = quel < len(du_grade)
        affecte[lignes[servis]] = np.asarray(du_grade, dtype=np.int64)[quel[servis]]
    codes = pl.Series([*(p.code for p in tries), ""])
    return df.with_columns(codes.gather(affecte).alias("poste_budgetaire"))


def ecrire_csv(df: pl.DataFrame, chemin: Path) -> None:
    """UTF-8 with BOM (so a spreadsheet opens the Arabic right), `;`-separated, like the
    template."""
    with chemin.open("wb") as sortie:
        sortie.write("\ufeff".encode())
        df.write_csv(sortie, separator=SEPARATEUR)
