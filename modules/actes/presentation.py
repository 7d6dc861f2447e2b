"""What the acts pages show: who may do what on an act, labels, the impact table, the anomalies
and observations next to their fields, the differences between two versions.

Pure reads over what the pages already loaded; the decisions (may this person validate?) are
the services' — this module only decides which buttons are worth showing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _

from identity import permissions
from identity.habilitations import Habilitation
from identity.permissions import Action
from modules.actes import etats
from modules.actes.etats import Partie
from modules.actes.models import Acte, Etat, Observation, VersionActe
from modules.actes.types import Champ, TypeActe, type_get
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre
from remuneration.arrondi import texte
from remuneration.bulletin import LIBELLES as LIBELLES_ELEMENTS

Codes = frozenset[str] | Literal["all"]

TOTAUX_LIBELLES: dict[str, Any] = {
    "traitement_base": gettext_lazy("Traitement de base"),
    "indemnite_residence": gettext_lazy("Indemnité de résidence"),
    "indemnites": gettext_lazy("Indemnités"),
    "allocations_familiales": gettext_lazy("Allocations familiales"),
    "brut": gettext_lazy("Salaire brut"),
    "cmr": gettext_lazy("Retenue CMR"),
    "rcar": gettext_lazy("Retenue RCAR"),
    "amo": gettext_lazy("AMO"),
    "ir": gettext_lazy("Impôt sur le revenu"),
    "net": gettext_lazy("Net à payer"),
}


def perimetre(habilitations: Iterable[Habilitation], action: Action) -> Perimetre:
    """The subtrees where these habilitations allow `action`."""
    return Perimetre.depuis(habilitations, roles=permissions.roles_for(action))


def _couvre(codes: Codes, unite_code: str) -> bool:
    return codes == "all" or unite_code in codes


@dataclass(frozen=True)
class Droits:
    """Where a person drafts and where they validate, as perimeters and unit codes (one small
    query each, whatever the number of acts shown)."""

    rediger: Perimetre
    valider: Perimetre
    codes_rediger: Codes
    codes_valider: Codes

    @classmethod
    def depuis(cls, habilitations: Iterable[Habilitation]) -> Droits:
        held = list(habilitations)
        rediger = perimetre(held, Action.ACTES_REDIGER)
        valider = perimetre(held, Action.ACTES_VALIDER)
        return cls(
            rediger=rediger,
            valider=valider,
            codes_rediger=frozenset() if rediger.vide else unites.unite_codes(perimeter=rediger),
            codes_valider=frozenset() if valider.vide else unites.unite_codes(perimeter=valider),
        )

    def redige(self, acte: Acte) -> bool:
        return _couvre(self.codes_rediger, acte.unite_code)

    def valide(self, acte: Acte) -> bool:
        return _couvre(self.codes_valider, acte.unite_code)

    def partie(self, acte: Acte, vers: Etat) -> Partie | None:
        """As which party this person may move the act to `vers` (None: they may not)."""
        if self.valide(acte) and etats.autorise(acte.etat, vers, Partie.VALIDEUR):
            return Partie.VALIDEUR
        if self.redige(acte) and etats.autorise(acte.etat, vers, Partie.GESTIONNAIRE):
            return Partie.GESTIONNAIRE
        return None


@dataclass(frozen=True)
class Boutons:
    """The actions offered on the act page."""

    modifier: bool = False
    soumettre: bool = False
    valider: bool = False
    renvoyer: bool = False
    annuler: bool = False
    corriger: bool = False
    rectifier: bool = False
    pieces: bool = False
    # Why the valideur cannot validate yet (shown next to the button).
    quatre_yeux: bool = False

    @property
    def aucun(self) -> bool:
        return not any(
            (
                self.modifier,
                self.soumettre,
                self.valider,
                self.renvoyer,
                self.annuler,
                self.corriger,
                self.rectifier,
            )
        )


def boutons(acte: Acte, version: VersionActe, droits: Droits, auteur: str) -> Boutons:
    brouillon = acte.etat == Etat.BROUILLON
    redige = droits.redige(acte)
    valide = droits.valide(acte)
    type_acte = type_get(acte.type_code)
    return Boutons(
        modifier=brouillon and redige,
        soumettre=brouillon and redige and not acte.soumis,
        valider=brouillon and valide,
        quatre_yeux=brouillon and valide and auteur in (acte.cree_par, version.redigee_par),
        renvoyer=acte.etat == Etat.VALIDE and valide,
        annuler=droits.partie(acte, Etat.ANNULE) is not None,
        corriger=acte.etat in (Etat.REJETE, Etat.EN_SUSPENS) and redige,
        rectifier=acte.etat in (Etat.VISE, Etat.INTEGRE_PAIE)
        and redige
        and type_acte is not None
        and not type_acte.sur_acte
        and bool(acte.evenements),
        pieces=brouillon and redige,
    )


def type_libelle(code: str) -> str:
    type_acte = type_get(code)
    return str(type_acte.libelle) if type_acte else code


def etat_libelle(etat: str) -> str:
    return str(Etat(etat).label) if etat in Etat.values else etat


def montant(centimes: Any) -> str:
    """Centimes as dirhams with two decimals, signed when it is a change."""
    valeur = int(centimes or 0)
    signe = "+" if valeur > 0 else ""
    return f"{signe}{texte(valeur)}"


def _element_libelle(code: str) -> str:
    fr, ar = LIBELLES_ELEMENTS.get(code, (code, code))
    return ar if get_language_bidi() else fr


@dataclass(frozen=True)
class LigneImpact:
    libelle: str
    variation: str
    rappel: str


@dataclass(frozen=True)
class MoisImpact:
    mois: date
    rappel: bool
    brut: str
    net: str
    avant_net: str
    apres_net: str


@dataclass(frozen=True)
class Impact:
    erreur: str = ""
    totaux: list[LigneImpact] = field(default_factory=list)
    elements: list[LigneImpact] = field(default_factory=list)
    mois: list[MoisImpact] = field(default_factory=list)
    mois_rappel: int = 0
    rappel_net: str = ""
    cout_annuel: str = ""
    du: date | None = None
    mois_paiement: date | None = None
    parametres: list[tuple[str, str]] = field(default_factory=list)

    @property
    def calcule(self) -> bool:
        return not self.erreur and bool(self.totaux)


def impact(donnees: Mapping[str, Any]) -> Impact:
    """The stored impact of a version as the page's tables."""
    if not donnees:
        return Impact(erreur=_("L'impact pécuniaire n'a pas pu être calculé."))
    if donnees.get("erreur"):
        return Impact(erreur=str(donnees["erreur"]))
    variation = donnees.get("variation", {})
    rappel = donnees.get("rappel", {})
    v_elements = donnees.get("variation_elements", {})
    r_elements = donnees.get("rappel_elements", {})
    return Impact(
        totaux=[
            LigneImpact(str(libelle), montant(variation.get(k)), montant(rappel.get(k)))
            for k, libelle in TOTAUX_LIBELLES.items()
        ],
        elements=[
            LigneImpact(
                f"{_element_libelle(code)} ({code})",
                montant(v_elements.get(code)),
                montant(r_elements.get(code)),
            )
            for code in sorted(set(v_elements) | set(r_elements))
        ],
        mois=[
            MoisImpact(
                mois=date.fromisoformat(ligne["mois"]),
                rappel=bool(ligne["rappel"]),
                brut=montant(ligne["brut"]),
                net=montant(ligne["net"]),
                avant_net=texte(int(ligne["avant_net"])),
                apres_net=texte(int(ligne["apres_net"])),
            )
            for ligne in donnees.get("lignes", [])
        ],
        mois_rappel=int(donnees.get("mois_rappel", 0)),
        rappel_net=montant(rappel.get("net")),
        cout_annuel=montant(donnees.get("cout_annuel")),
        du=date.fromisoformat(donnees["du"]) if donnees.get("du") else None,
        mois_paiement=(
            date.fromisoformat(donnees["mois_paiement"]) if donnees.get("mois_paiement") else None
        ),
        parametres=sorted(donnees.get("parametres", {}).items()),
    )


def valeur_affichee(champ: Champ | None, valeur: Any) -> str:
    """A stored field value as the clerk typed or chose it."""
    if valeur in (None, ""):
        return "—"
    if champ is not None and champ.genre == "booleen":
        return _("oui") if valeur else _("non")
    if champ is not None and champ.genre == "date":
        try:
            return date.fromisoformat(str(valeur)).strftime("%d/%m/%Y")
        except ValueError:
            return str(valeur)
    if champ is not None and champ.choix:
        return str(dict(champ.choix).get(str(valeur), valeur))
    return str(valeur)


@dataclass(frozen=True)
class LigneDonnee:
    nom: str
    libelle: str
    valeur: str
    anomalies: list[dict[str, Any]]
    observations: list[Observation]


def _champs(type_acte: TypeActe | None, donnees: Mapping[str, Any]) -> list[Champ]:
    """The type's fields, then any stored value the type no longer declares."""
    champs: list[Champ] = []
    if type_acte is not None:
        champs = list(type_acte.champs_pour(None))
        # a rectification declares the rectified act's fields only with its context
        connus = {c.nom for c in champs}
        champs += [Champ(nom, nom) for nom in donnees if nom not in connus]
    else:
        champs = [Champ(nom, nom) for nom in donnees]
    return champs


def donnees_lignes(
    *,
    type_acte: TypeActe | None,
    version: VersionActe,
    observations: Sequence[Observation],
    origine_type: TypeActe | None = None,
) -> tuple[list[LigneDonnee], list[dict[str, Any]], list[Observation]]:
    """(each field with its anomalies and observations, the anomalies on no field, the
    observations on no shown field)."""
    champs = _champs(origine_type or type_acte, version.donnees)
    if origine_type is not None and type_acte is not None:
        champs += [c for c in type_acte.champs_pour(None) if c.nom not in {x.nom for x in champs}]
    noms = {c.nom for c in champs} | {"date_effet"}
    lignes = [
        LigneDonnee(
            nom=c.nom,
            libelle=str(c.libelle),
            valeur=valeur_affichee(c, version.donnees.get(c.nom)),
            anomalies=[a for a in version.anomalies if a.get("champ") == c.nom],
            observations=[o for o in observations if o.champ == c.nom],
        )
        for c in champs
        if c.nom in version.donnees
    ]
    generales = [a for a in version.anomalies if a.get("champ", "") not in noms - {"date_effet"}]
    autres = [o for o in observations if o.champ not in noms - {"date_effet"}]
    return lignes, generales, autres


@dataclass(frozen=True)
class Changement:
    libelle: str
    avant: str
    apres: str


def changements(
    *, type_acte: TypeActe | None, avant: VersionActe, apres: VersionActe
) -> list[Changement]:
    """Field by field, what the current version changed since the answered one."""
    resultat: list[Changement] = []
    if avant.date_effet != apres.date_effet:
        resultat.append(
            Changement(
                str(_("Date d'effet")),
                avant.date_effet.strftime("%d/%m/%Y"),
                apres.date_effet.strftime("%d/%m/%Y"),
            )
        )
    champs = {c.nom: c for c in _champs(type_acte, {**avant.donnees, **apres.donnees})}
    for nom in sorted(set(avant.donnees) | set(apres.donnees), key=list(champs).index):
        a, b = avant.donnees.get(nom), apres.donnees.get(nom)
        if a != b:
            champ = champs.get(nom)
            resultat.append(
                Changement(
                    str(champ.libelle) if champ else nom,
                    valeur_affichee(champ, a),
                    valeur_affichee(champ, b),
                )
            )
    return resultat
