"""What an act type is: data (fields, required documents, the career event it writes) plus a
small typed handler (checks, projection, effect). A new type is one class in this package,
registered with `@enregistrer`; forms, the impact, the workflow and the pages follow.

Field values are kept as JSON in the act version (`donnees`): dates in ISO form, amounts as
decimal strings. `lire` turns a submitted mapping into those values or names what is wrong.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from modules.personnel import facade as personnel
from modules.unites.perimetres import Perimetre


@dataclass(frozen=True)
class Champ:
    """One field of an act type. `genre` decides parsing and the form widget:
    texte, date, entier, montant, booleen, choix, grade, echelon, unite, poste, commune,
    ppr, enfant (one of the agent's children), indemnite (one of the agent's indemnities)."""

    nom: str
    libelle: Promise | str
    genre: str = "texte"
    requis: bool = True
    aide: Promise | str = ""
    choix: tuple[tuple[str, Promise | str], ...] = ()
    longueur: int = 200


@dataclass(frozen=True)
class Anomalie:
    """A finding of the checks, named on a field when it concerns one. A blocking anomaly
    keeps the act from being validated; the others are warnings the valideur sees."""

    message: str
    champ: str = ""
    bloquant: bool = True

    def en_dict(self) -> dict[str, Any]:
        return {"message": self.message, "champ": self.champ, "bloquant": self.bloquant}


@dataclass(frozen=True)
class Contexte:
    """What a handler knows when it checks, projects or applies an act."""

    perimetre: Perimetre
    date_effet: date
    agent: personnel.AgentResume | None = None
    # The agent's situation the day before the act takes effect (None for a recruitment).
    situation: personnel.SituationAdministrative | None = None
    evenements: tuple[personnel.EvenementResume, ...] = ()
    # For a rectification or an annulation: the visé act it changes.
    origine_type: str = ""
    origine_donnees: Mapping[str, Any] = field(default_factory=dict)
    origine_evenements: tuple[int, ...] = ()
    origine_date_effet: date | None = None
    # Acts of the same agent under way (not yet visé), to catch duplicates.
    en_cours: tuple[str, ...] = ()


@dataclass(frozen=True)
class Effet:
    """What the visa wrote in the file: career event ids and, for a recruitment, the agent."""

    evenements: tuple[int, ...] = ()
    agent_id: int | None = None


def _date(valeur: Any) -> date:
    if isinstance(valeur, date):
        return valeur
    texte = str(valeur).strip()
    if "/" in texte:
        jour, mois, annee = texte.split("/")
        return date(int(annee), int(mois), int(jour))
    return date.fromisoformat(texte)


def valeur_lire(champ: Champ, brute: Any) -> Any:
    """The JSON value of one field; ValueError with a message for the clerk."""
    if champ.genre == "booleen":
        return brute in (True, "on", "true", "1", 1, "oui")
    texte = "" if brute is None else str(brute).strip()
    if not texte:
        if champ.requis:
            raise ValueError(_("Ce champ est obligatoire."))
        return ""
    if champ.genre == "date":
        try:
            return _date(texte).isoformat()
        except ValueError:
            raise ValueError(_("Date invalide : écrivez-la JJ/MM/AAAA.")) from None
    if champ.genre in ("entier", "enfant"):
        try:
            return int(texte)
        except ValueError:
            raise ValueError(_("Nombre entier attendu.")) from None
    if champ.genre == "montant":
        try:
            montant = Decimal(texte.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise ValueError(_("Montant invalide : en dirhams, par exemple 1250.00.")) from None
        if montant <= 0 or montant.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError(_("Montant positif attendu, au plus deux décimales."))
        return f"{montant:.2f}"
    if champ.genre == "choix" and texte not in {code for code, _libelle in champ.choix}:
        raise ValueError(_("Choisissez une valeur de la liste."))
    if len(texte) > champ.longueur:
        raise ValueError(_("Trop long (%(n)d caractères au plus).") % {"n": champ.longueur})
    return texte


def jour(donnees: Mapping[str, Any], nom: str) -> date | None:
    valeur = donnees.get(nom)
    return date.fromisoformat(valeur) if valeur else None


def montant(donnees: Mapping[str, Any], nom: str) -> Decimal:
    return Decimal(str(donnees.get(nom) or "0"))


class TypeActe(ABC):
    code: ClassVar[str]
    libelle: ClassVar[Promise]
    # The career event nature the visa writes ("" when the act writes no career event).
    nature: ClassVar[str] = ""
    champs: ClassVar[tuple[Champ, ...]] = ()
    # Supporting documents (personnel TypePiece codes) without which it cannot be validated.
    pieces_requises: ClassVar[tuple[str, ...]] = ()
    # False for a recruitment: the agent does not exist until the act is visé.
    concerne_agent: ClassVar[bool] = True
    # Rectification/annulation types name the visé act they change.
    sur_acte: ClassVar[bool] = False
    # Health data (congés de maladie): shown only to who may read sensitive data (law 09-08).
    sensible: ClassVar[bool] = False
    # False when the visa does not itself stop the pay (a sortie waits for the destination to
    # accept the move): no ordre de recette then.
    recouvre: ClassVar[bool] = True

    def champs_pour(self, ctx: Contexte | None) -> tuple[Champ, ...]:
        """The fields of the form (a rectification shows those of the act it rectifies)."""
        return self.champs

    def lire(
        self, brutes: Mapping[str, Any], ctx: Contexte | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        donnees: dict[str, Any] = {}
        erreurs: dict[str, str] = {}
        for champ in self.champs_pour(ctx):
            try:
                donnees[champ.nom] = valeur_lire(champ, brutes.get(champ.nom))
            except ValueError as erreur:
                erreurs[champ.nom] = str(erreur)
        return donnees, erreurs

    def pieces(self, donnees: Mapping[str, Any]) -> tuple[str, ...]:
        """The supporting documents this act needs (may depend on its values)."""
        return self.pieces_requises

    def initiales(self, ctx: Contexte) -> dict[str, Any]:
        """Values to prefill the form with (e.g. the next échelon)."""
        return {}

    @abstractmethod
    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        """Business checks; run on every save."""

    @abstractmethod
    def projection(self, ctx: Contexte, donnees: Mapping[str, Any]) -> personnel.Projection:
        """What the act changes in the file, for the impact (nothing is written)."""

    @abstractmethod
    def appliquer(
        self, ctx: Contexte, donnees: Mapping[str, Any], *, auteur: str, reference: str
    ) -> Effet:
        """Write the visé act into the file (inside the visa's transaction)."""

    def resume(self, donnees: Mapping[str, Any]) -> str:
        """One line for lists and bordereaux."""
        return ""


CATALOGUE: dict[str, TypeActe] = {}


def enregistrer(classe: type[TypeActe]) -> type[TypeActe]:
    if classe.code in CATALOGUE:
        raise RuntimeError(f"type d'acte déclaré deux fois : {classe.code}")
    CATALOGUE[classe.code] = classe()
    return classe


def type_get(code: str) -> TypeActe | None:
    return CATALOGUE.get(code)
