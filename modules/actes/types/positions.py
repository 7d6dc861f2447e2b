"""Position acts: mise à disposition, détachement and its réintégration, mise en disponibilité
and its réintégration. Each writes one `changement_position` event when visé; pay follows the
position (personnel/paie.py: détachement and disponibilité are not paid here, a mise à
disposition is paid by the home administration)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.actes.types import communs
from modules.actes.types.base import Anomalie, Champ, Contexte, enregistrer, jour
from modules.actes.types.carriere import ActeCarriere
from modules.personnel import facade as personnel

DETACHEMENT = "detachement"
DISPONIBILITE = "disponibilite"
MISE_A_DISPOSITION = "mise_a_disposition"
LIBELLES_POSITIONS = {
    communs.POSITION_ACTIVITE: gettext_lazy("activité"),
    DETACHEMENT: gettext_lazy("détachement"),
    DISPONIBILITE: gettext_lazy("disponibilité"),
    MISE_A_DISPOSITION: gettext_lazy("mise à disposition"),
    "conge_maladie_moyenne": gettext_lazy("congé de maladie"),
    "conge_maladie_longue": gettext_lazy("congé de maladie"),
    "suspension": gettext_lazy("suspension de traitement"),
    communs.POSITION_CESSATION: gettext_lazy("cessation de fonctions"),
}


def libelle_position(position: str) -> str:
    return str(LIBELLES_POSITIONS.get(position, position or "—"))


def en_activite(ctx: Contexte) -> list[Anomalie]:
    """The agent must be in activité the day before (a position act starts from it)."""
    anomalies = communs.agent_actif(ctx)
    if anomalies or ctx.situation is None:
        return anomalies
    if ctx.situation.position != communs.POSITION_ACTIVITE:
        return [
            Anomalie(
                _(
                    "L'agent n'est pas en activité à cette date (position : %(p)s) : mettez fin "
                    "à sa position actuelle d'abord (réintégration, reprise)."
                )
                % {"p": libelle_position(ctx.situation.position)},
                champ="date_effet",
            )
        ]
    return []


def date_fin(ctx: Contexte, donnees: Mapping[str, Any], *, mois_max: int = 0) -> list[Anomalie]:
    """The end date is after the start (and, when `mois_max`, within that many months: a
    warning, the statute may allow a renewal)."""
    fin = jour(donnees, "date_fin")
    if fin is None:
        return []
    if fin <= ctx.date_effet:
        return [Anomalie(_("La date de fin doit suivre la date d'effet."), "date_fin")]
    if mois_max and fin > communs.ajouter_mois(ctx.date_effet, mois_max):
        return [
            Anomalie(
                _(
                    "Période de plus de %(n)d mois : vérifiez la durée autorisée par le statut "
                    "(un renouvellement est un nouvel acte)."
                )
                % {"n": mois_max},
                champ="date_fin",
                bloquant=False,
            )
        ]
    return []


class ActePosition(ActeCarriere):
    nature = "changement_position"
    position: ClassVar[str]

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        return {"position": self.position}


ORGANISME = Champ(
    "organisme",
    gettext_lazy("Administration ou organisme d'accueil"),
    longueur=150,
)
DATE_FIN = Champ(
    "date_fin",
    gettext_lazy("Date de fin prévue"),
    "date",
    requis=False,
    aide=gettext_lazy("La fin effective est un acte de réintégration."),
)


@enregistrer
class MiseADisposition(ActePosition):
    code: ClassVar[str] = "mise_a_disposition"
    libelle = gettext_lazy("Mise à disposition")
    position = MISE_A_DISPOSITION
    champs = (ORGANISME, DATE_FIN)
    pieces_requises = ("arrete",)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = en_activite(ctx)
        return anomalies + date_fin(ctx, donnees) + communs.doublon(ctx, self.code)

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(donnees.get("organisme", ""))


@enregistrer
class Detachement(ActePosition):
    code: ClassVar[str] = "detachement"
    libelle = gettext_lazy("Détachement")
    position = DETACHEMENT
    champs = (ORGANISME, DATE_FIN)
    pieces_requises = ("arrete",)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = en_activite(ctx)
        # Détachement is granted for at most five years at a time [GK].
        return anomalies + date_fin(ctx, donnees, mois_max=60) + communs.doublon(ctx, self.code)

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(donnees.get("organisme", ""))


MOTIFS_DISPONIBILITE = (
    ("convenances", gettext_lazy("Convenances personnelles")),
    ("enfant", gettext_lazy("Élever un enfant")),
    ("conjoint", gettext_lazy("Suivre le conjoint")),
    ("maladie_proche", gettext_lazy("Maladie grave du conjoint ou d'un enfant")),
)


@enregistrer
class MiseEnDisponibilite(ActePosition):
    code: ClassVar[str] = "disponibilite"
    libelle = gettext_lazy("Mise en disponibilité")
    position = DISPONIBILITE
    champs = (
        Champ("motif", gettext_lazy("Motif"), "choix", choix=MOTIFS_DISPONIBILITE),
        Champ("date_fin", gettext_lazy("Date de fin"), "date"),
    )
    pieces_requises = ("arrete",)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = en_activite(ctx)
        # Granted for at most three years at a time [GK].
        return anomalies + date_fin(ctx, donnees, mois_max=36) + communs.doublon(ctx, self.code)

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(dict(MOTIFS_DISPONIBILITE).get(str(donnees.get("motif")), ""))


class Reintegration(ActePosition):
    """Back to activité after the position `depuis`, in a unit and a budget post."""

    position = communs.POSITION_ACTIVITE
    depuis: ClassVar[str]
    champs = (
        Champ(
            "unite_code",
            gettext_lazy("Unité d'affectation"),
            "unite",
            requis=False,
            aide=gettext_lazy("Laissez vide pour l'unité d'avant."),
        ),
        Champ(
            "poste_code",
            gettext_lazy("Poste budgétaire"),
            "poste",
            requis=False,
            aide=gettext_lazy("Laissez vide pour le poste d'avant s'il est libre."),
        ),
    )
    pieces_requises = ("arrete",)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = communs.agent_actif(ctx)
        if anomalies or ctx.situation is None:
            return anomalies
        s = ctx.situation
        if s.position != self.depuis:
            return [
                Anomalie(
                    _(
                        "L'agent n'est pas en %(attendue)s (position actuelle : %(p)s) : cette "
                        "réintégration ne s'applique pas."
                    )
                    % {
                        "attendue": libelle_position(self.depuis),
                        "p": libelle_position(s.position),
                    },
                    champ="date_effet",
                )
            ]
        poste = str(donnees.get("poste_code") or s.poste_code or "")
        if not poste:
            anomalies.append(
                Anomalie(_("Indiquez le poste budgétaire de réintégration."), "poste_code")
            )
        elif probleme := personnel.poste_erreur(
            code=poste,
            grade_code=s.grade_code,
            echelle=s.echelle,
            agent_id=ctx.agent.id if ctx.agent else None,
        ):
            anomalies.append(Anomalie(probleme, "poste_code"))
        return anomalies + communs.doublon(ctx, self.code)

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        valeurs: dict[str, Any] = {"position": communs.POSITION_ACTIVITE}
        for champ in ("unite_code", "poste_code"):
            if donnees.get(champ):
                valeurs[champ] = donnees[champ]
        return valeurs

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(donnees.get("unite_code") or "")


@enregistrer
class ReintegrationDetachement(Reintegration):
    code: ClassVar[str] = "reintegration_detachement"
    libelle = gettext_lazy("Réintégration après détachement")
    depuis = DETACHEMENT


@enregistrer
class ReintegrationDisponibilite(Reintegration):
    code: ClassVar[str] = "reintegration_disponibilite"
    libelle = gettext_lazy("Réintégration après disponibilité")
    depuis = DISPONIBILITE
