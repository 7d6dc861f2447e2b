"""What a computation returns: pay elements, totals and the explanation trace."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from remuneration.arrondi import texte
from remuneration.parametres import ParametresPaie

GAIN = "gain"
RETENUE = "retenue"

LIBELLES: dict[str, tuple[str, str]] = {
    "TB": ("Traitement de base", "الأجرة الأساسية"),
    "RES": ("Indemnité de résidence", "تعويض عن الإقامة"),
    "AF": ("Allocations familiales", "التعويضات العائلية"),
    "CMR": ("Retenue pour pension CMR", "اقتطاع المعاش - الصندوق المغربي للتقاعد"),
    "RCAR": ("Retenue pour pension RCAR", "اقتطاع المعاش - النظام الجماعي لمنح رواتب التقاعد"),
    "AMO": ("Assurance maladie obligatoire", "التأمين الإجباري الأساسي عن المرض"),
    "MUT": ("Mutuelle (part salariale)", "التعاضدية (حصة الأجير)"),
    "IR": ("Impôt sur le revenu", "الضريبة على الدخل"),
}


@dataclass(frozen=True)
class Element:
    code: str
    libelle_fr: str
    libelle_ar: str
    nature: str  # GAIN or RETENUE
    montant_centimes: int
    base_centimes: int | None = None
    taux_bp: int | None = None

    def en_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "libelle_fr": self.libelle_fr,
            "libelle_ar": self.libelle_ar,
            "nature": self.nature,
            "base": None if self.base_centimes is None else texte(self.base_centimes),
            "taux": None if self.taux_bp is None else f"{self.taux_bp / 100:.2f} %",
            "montant": texte(self.montant_centimes),
        }


@dataclass(frozen=True)
class EtapeTrace:
    regle: str
    calcul: str
    resultat: str
    parametre: str = ""
    valeur: str = ""
    source: str = ""
    version: str = ""

    def en_dict(self) -> dict[str, str]:
        return {
            "regle": self.regle,
            "parametre": self.parametre,
            "valeur": self.valeur,
            "source": self.source,
            "version": self.version,
            "calcul": self.calcul,
            "resultat": self.resultat,
        }


# Keys of `Bulletin.totaux`, all in centimes (the CLI prints them as decimal strings).
TOTAUX = (
    "traitement_base",
    "indemnite_residence",
    "indemnites",
    "allocations_familiales",
    "brut",
    "brut_imposable",
    "cmr",
    "rcar",
    "amo",
    "mutuelle",
    "frais_professionnels",
    "net_imposable",
    "ir",
    "autres_retenues",
    "net",
)


@dataclass(frozen=True)
class Bulletin:
    elements: tuple[Element, ...]
    totaux: dict[str, int]
    trace: tuple[EtapeTrace, ...]
    parametres: dict[str, str] = field(default_factory=dict)  # code -> version used
    # What a stored computation must keep to be replayed: the instant the parameters were read
    # at and the fingerprint of the whole parameter set.
    connu_au: str = ""
    empreinte: str = ""


class Traceur:
    def __init__(self, parametres: ParametresPaie) -> None:
        self.p = parametres
        self.etapes: list[EtapeTrace] = []
        self.utilises: dict[str, str] = {}

    def __call__(self, regle: str, calcul: str, resultat: int, parametre: str = "") -> None:
        valeur = source = version = ""
        if parametre:
            v = self.p.jeu.valeur(parametre)
            valeur = self.p.jeu.valeur_json(parametre)
            source, version = v.source, v.version
            self.utilises[parametre] = version
        self.etapes.append(
            EtapeTrace(
                regle=regle,
                calcul=calcul,
                resultat=texte(resultat),
                parametre=parametre,
                valeur=valeur,
                source=source,
                version=version,
            )
        )
