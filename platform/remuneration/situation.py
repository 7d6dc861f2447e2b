"""An agent's pay situation for one month, and its parsing from the documented JSON input.

The input format is in docs/remuneration/format-entree.md. Amounts are decimal strings (or
numbers) in dirhams, converted exactly to centimes; every error names the field to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from referentiel.resolution import JeuParametres
from remuneration.arrondi import centimes
from remuneration.erreurs import DonneeInvalide
from remuneration.parametres import ZONES

REGIMES = ("CMR", "RCAR", "AUCUN")
ECHELLES = (*tuple(str(n) for n in range(1, 12)), "HE")


@dataclass(frozen=True)
class Indemnite:
    code: str
    montant_centimes: int
    imposable: bool = True
    soumise_retraite: bool = False
    libelle_fr: str = ""
    libelle_ar: str = ""


@dataclass(frozen=True)
class Retenue:
    code: str
    montant_centimes: int
    libelle_fr: str = ""
    libelle_ar: str = ""


@dataclass(frozen=True)
class Situation:
    indice: int
    echelle: str
    zone: str
    enfants_allocations: int = 0
    personnes_a_charge_ir: int = 0
    regime_retraite: str = "CMR"
    indemnites: tuple[Indemnite, ...] = ()
    mutuelle_centimes: int = 0
    autres_retenues: tuple[Retenue, ...] = ()
    hausses_generales: bool = False
    grade: str = ""
    echelon: str = ""
    # Percent of the traitement de base paid (a congé de maladie's half pay: 50). The
    # indemnité de résidence, a share of the TB, follows; indemnities and allocations do not.
    quotite: int = 100
    origine: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.indice <= 0:
            raise DonneeInvalide(champ="indice", message="l'indice doit être un entier positif")
        if self.echelle not in ECHELLES:
            raise DonneeInvalide(
                champ="echelle", message=f"échelle « {self.echelle} » inconnue (1 à 11 ou HE)"
            )
        if self.zone not in ZONES:
            raise DonneeInvalide(champ="zone", message=f"zone « {self.zone} » inconnue (A, B ou C)")
        if self.regime_retraite not in REGIMES:
            raise DonneeInvalide(
                champ="regime_retraite",
                message=f"régime « {self.regime_retraite} » inconnu ({', '.join(REGIMES)})",
            )
        for nom in ("enfants_allocations", "personnes_a_charge_ir", "mutuelle_centimes"):
            if getattr(self, nom) < 0:
                raise DonneeInvalide(champ=nom, message="ne peut pas être négatif")
        if not 0 < self.quotite <= 100:
            raise DonneeInvalide(
                champ="quotite", message="la quotité est un pourcentage entier de 1 à 100"
            )

    def bande_haute(self, *, echelle_min_haute: int) -> bool:
        return self.echelle == "HE" or int(self.echelle) >= echelle_min_haute


def mois_lire(valeur: Any, *, champ: str = "mois") -> date:
    """'YYYY-MM' → the first day of that month."""
    if not isinstance(valeur, str):
        raise DonneeInvalide(champ=champ, message="mois attendu au format AAAA-MM")
    try:
        annee, mois = valeur.split("-")
        return date(int(annee), int(mois), 1)
    except ValueError:
        raise DonneeInvalide(
            champ=champ, message=f"« {valeur} » n'est pas un mois AAAA-MM"
        ) from None


def _entier(data: Mapping[str, Any], nom: str, defaut: int | None = None) -> int:
    valeur = data.get(nom, defaut)
    if valeur is None:
        raise DonneeInvalide(champ=nom, message="champ obligatoire")
    if isinstance(valeur, bool) or not isinstance(valeur, int):
        raise DonneeInvalide(champ=nom, message=f"entier attendu, reçu {valeur!r}")
    if valeur < 0:
        raise DonneeInvalide(champ=nom, message="ne peut pas être négatif")
    return int(valeur)


def _montant(valeur: Any, *, champ: str) -> int:
    if isinstance(valeur, bool) or not isinstance(valeur, str | int | float):
        raise DonneeInvalide(
            champ=champ, message="montant attendu en chaîne décimale (« 1200.00 »)"
        )
    try:
        # A float is read through its shortest repr ("1200.5"), never through binary expansion.
        montant = Decimal(str(valeur))
        resultat = centimes(montant)
    except (InvalidOperation, ValueError):
        raise DonneeInvalide(champ=champ, message=f"montant invalide : {valeur!r}") from None
    if resultat < 0:
        raise DonneeInvalide(champ=champ, message="montant négatif")
    return resultat


def _booleen(data: Mapping[str, Any], nom: str, *, champ: str, defaut: bool) -> bool:
    valeur = data.get(nom, defaut)
    if not isinstance(valeur, bool):
        raise DonneeInvalide(champ=champ, message="true ou false attendu")
    return valeur


def _zone(data: Mapping[str, Any], jeu: JeuParametres | None) -> str:
    if "zone" in data:
        return str(data["zone"])
    affectation = data.get("affectation")
    if affectation is None:
        raise DonneeInvalide(
            champ="zone", message="zone (A, B, C) ou affectation (code HCP) requise"
        )
    code = str(affectation)
    # HCP codes: commune RR.PPP.CC.NN, its préfecture/province RR.PPP (data/README.md).
    candidats = [code, code[:6]] if len(code) > 6 else [code]
    for candidat in candidats:
        trouve = None if jeu is None else jeu.valeurs.get(f"zone_residence.{candidat}")
        if trouve is not None:
            return str(trouve.valeur["zone"])
    raise DonneeInvalide(
        champ="affectation",
        message=f"aucune zone de résidence connue pour « {code} » : donnez la zone explicitement",
    )


def _grille(data: Mapping[str, Any], jeu: JeuParametres | None) -> tuple[int, str, dict[str, str]]:
    """(indice, échelle, origin of each) — explicit values win over grade + échelon."""
    origine: dict[str, str] = {}
    indice = data.get("indice")
    echelle = data.get("echelle")
    grade = data.get("grade")
    if (indice is None or echelle is None) and grade is not None:
        classement = None if jeu is None else jeu.valeurs.get(f"grade.{grade}")
        if classement is None:
            raise DonneeInvalide(champ="grade", message=f"grade « {grade} » inconnu à cette date")
        if echelle is None:
            echelle = classement.valeur["echelle"]
            origine["echelle"] = f"grade.{grade} (version {classement.version})"
        if indice is None:
            echelon = data.get("echelon")
            if echelon is None:
                raise DonneeInvalide(champ="echelon", message="échelon requis avec le grade")
            code = f"grille.{classement.valeur['grille']}.{echelon}"
            ligne = None if jeu is None else jeu.valeurs.get(code)
            if ligne is None:
                raise DonneeInvalide(
                    champ="echelon",
                    message=f"échelon « {echelon} » inconnu dans la grille "
                    f"{classement.valeur['grille']} du grade {grade}",
                )
            indice = ligne.valeur["indice"]
            origine["indice"] = f"{code} (version {ligne.version})"
    if indice is None:
        raise DonneeInvalide(champ="indice", message="indice requis (ou grade + échelon)")
    if echelle is None:
        raise DonneeInvalide(champ="echelle", message="échelle requise (ou grade)")
    if isinstance(indice, bool) or not isinstance(indice, int):
        raise DonneeInvalide(champ="indice", message=f"entier attendu, reçu {indice!r}")
    return indice, str(echelle), origine


def _indemnites_statutaires(
    grade: Any, jeu: JeuParametres | None, origine: dict[str, str]
) -> list[Indemnite]:
    """The grade's statutory indemnities from `indemnites.grade.<code>` (the fixture set is
    synthetic: its statut says so and the trace shows it)."""
    if not grade:
        raise DonneeInvalide(
            champ="indemnites_statutaires", message="le grade est requis pour les indemnités"
        )
    valeur = None if jeu is None else jeu.valeurs.get(f"indemnites.grade.{grade}")
    if valeur is None:
        raise DonneeInvalide(
            champ="grade", message=f"aucune indemnité statutaire connue pour le grade « {grade} »"
        )
    origine["indemnites_statutaires"] = (
        f"indemnites.grade.{grade} (version {valeur.version}, statut {valeur.statut})"
    )
    return [
        Indemnite(
            code=str(e["code"]),
            montant_centimes=int(e["montant_centimes"]),
            imposable=bool(e["imposable"]),
            soumise_retraite=bool(e["soumise_retraite"]),
            libelle_fr=str(e["libelle_fr"]),
            libelle_ar=str(e["libelle_ar"]),
        )
        for e in valeur.valeur["elements"]
    ]


def situation_lire(data: Mapping[str, Any], *, jeu: JeuParametres | None = None) -> Situation:
    """Parse one situation (without its month). `jeu` resolves grade, échelon and affectation."""
    indice, echelle, origine = _grille(data, jeu)
    enfants = _entier(data, "enfants_a_charge", 0)
    conjoint = _booleen(data, "conjoint_a_charge", champ="conjoint_a_charge", defaut=False)
    enfants_af = _entier(data, "enfants_allocations", enfants)
    personnes_ir = _entier(data, "personnes_a_charge_ir", enfants + (1 if conjoint else 0))
    indemnites = []
    for index, item in enumerate(data.get("indemnites", []) or []):
        prefixe = f"indemnites[{index}]"
        if not isinstance(item, Mapping) or not item.get("code"):
            raise DonneeInvalide(champ=f"{prefixe}.code", message="code d'indemnité requis")
        indemnites.append(
            Indemnite(
                code=str(item["code"]),
                montant_centimes=_montant(item.get("montant"), champ=f"{prefixe}.montant"),
                imposable=_booleen(item, "imposable", champ=f"{prefixe}.imposable", defaut=True),
                soumise_retraite=_booleen(
                    item, "soumise_retraite", champ=f"{prefixe}.soumise_retraite", defaut=False
                ),
                libelle_fr=str(item.get("libelle_fr", item.get("libelle", ""))),
                libelle_ar=str(item.get("libelle_ar", "")),
            )
        )
    retenues = []
    for index, item in enumerate(data.get("autres_retenues", []) or []):
        prefixe = f"autres_retenues[{index}]"
        if not isinstance(item, Mapping) or not item.get("code"):
            raise DonneeInvalide(champ=f"{prefixe}.code", message="code de retenue requis")
        retenues.append(
            Retenue(
                code=str(item["code"]),
                montant_centimes=_montant(item.get("montant"), champ=f"{prefixe}.montant"),
                libelle_fr=str(item.get("libelle_fr", item.get("libelle", ""))),
                libelle_ar=str(item.get("libelle_ar", "")),
            )
        )
    if _booleen(data, "indemnites_statutaires", champ="indemnites_statutaires", defaut=False):
        indemnites.extend(_indemnites_statutaires(data.get("grade"), jeu, origine))
    return Situation(
        indice=indice,
        echelle=echelle,
        zone=_zone(data, jeu),
        enfants_allocations=enfants_af,
        personnes_a_charge_ir=personnes_ir,
        regime_retraite=str(data.get("regime_retraite", "CMR")),
        indemnites=tuple(indemnites),
        mutuelle_centimes=_montant(data.get("mutuelle", "0"), champ="mutuelle"),
        autres_retenues=tuple(retenues),
        hausses_generales=_booleen(
            data, "hausses_generales", champ="hausses_generales", defaut=False
        ),
        grade=str(data.get("grade", "") or ""),
        echelon=str(data.get("echelon", "") or ""),
        quotite=_entier(data, "quotite", 100),
        origine=origine,
    )
