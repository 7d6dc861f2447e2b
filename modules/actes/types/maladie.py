"""Congés de maladie de moyenne et de longue durée, and the reprise that ends them.

Domain reference §2: moyenne durée ≤ 3 years, full pay 2 years then half pay the 3rd (refgrh
procedure R08); longue durée ≤ 5 years, full pay 3 years then half pay 2 years (R09). A congé
is granted for a period (`date_fin`) and renewed by another act of the same type while the
agent is still on it: the durations count from the first day of the uninterrupted congé. The
act writes the position at its date with the quotité of that day (100 or 50) and, when the
period crosses into half pay, a second event at the first half-pay day with quotité 50. The
reprise (back to activité) brings the quotité back to 100. Health positions are sensitive data
(personnel POSITIONS_SANTE: masked by the personnel pages unless the role allows).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.actes.types import communs
from modules.actes.types.base import Anomalie, Champ, Contexte, Effet, enregistrer, jour
from modules.actes.types.carriere import ActeCarriere
from modules.actes.types.positions import ActePosition, libelle_position
from modules.personnel import facade as personnel

DEMI_TRAITEMENT = 50
POSITIONS_MALADIE = ("conge_maladie_moyenne", "conge_maladie_longue")


def debut_conge(ctx: Contexte, position: str) -> date | None:
    """The first day of the uninterrupted congé `position` the agent is on the day before the
    act (None: not on it)."""
    debut: date | None = None
    courante = ""
    for evenement in ctx.evenements:
        if evenement.date_effet >= ctx.date_effet:
            break
        nouvelle = evenement.valeurs.get("position")
        if not nouvelle:
            continue
        if nouvelle == position and courante != position:
            debut = evenement.date_effet
        elif nouvelle != position:
            debut = None
        courante = str(nouvelle)
    return debut


class CongeMaladie(ActePosition):
    mois_max: ClassVar[int]
    mois_plein: ClassVar[int]
    sensible = True
    champs = (Champ("date_fin", gettext_lazy("Dernier jour du congé"), "date"),)
    pieces_requises = ("certificat_medical",)

    def lire(
        self, brutes: Mapping[str, Any], ctx: Contexte | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Adds `demi_traitement_du` (first half-pay day when the period reaches it): the
        Treasury's record carries it, so its copy halves the pay on the same day."""
        donnees, erreurs = super().lire(brutes, ctx)
        fin = jour(donnees, "date_fin") if "date_fin" not in erreurs else None
        if ctx is not None and ctx.agent is not None and fin is not None:
            demi = self.demi_traitement_du(ctx)
            if fin >= demi:
                donnees["demi_traitement_du"] = max(demi, ctx.date_effet).isoformat()
        return donnees, erreurs

    def debut(self, ctx: Contexte) -> date:
        return debut_conge(ctx, self.position) or ctx.date_effet

    def demi_traitement_du(self, ctx: Contexte) -> date:
        return communs.ajouter_mois(self.debut(ctx), self.mois_plein)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = communs.agent_actif(ctx)
        if anomalies or ctx.situation is None:
            return anomalies
        position = ctx.situation.position
        if position not in (communs.POSITION_ACTIVITE, self.position):
            anomalies.append(
                Anomalie(
                    _(
                        "L'agent n'est pas en activité (position : %(p)s) : un congé de maladie "
                        "part de l'activité ou prolonge le même congé."
                    )
                    % {"p": libelle_position(position)},
                    champ="date_effet",
                )
            )
        fin = jour(donnees, "date_fin")
        if fin is None:
            return anomalies
        if fin < ctx.date_effet:
            return [*anomalies, Anomalie(_("La fin du congé précède son début."), "date_fin")]
        debut = self.debut(ctx)
        limite = communs.ajouter_mois(debut, self.mois_max) - timedelta(days=1)
        if fin > limite:
            anomalies.append(
                Anomalie(
                    _(
                        "Le congé dépasse la durée légale de %(ans)d ans : commencé le "
                        "%(debut)s, il doit finir au plus tard le %(limite)s."
                    )
                    % {
                        "ans": self.mois_max // 12,
                        "debut": debut.strftime("%d/%m/%Y"),
                        "limite": limite.strftime("%d/%m/%Y"),
                    },
                    champ="date_fin",
                )
            )
        demi = self.demi_traitement_du(ctx)
        if fin >= demi:
            anomalies.append(
                Anomalie(
                    _("Demi-traitement à partir du %(d)s (%(n)d ans de plein traitement).")
                    % {
                        "d": max(demi, ctx.date_effet).strftime("%d/%m/%Y"),
                        "n": self.mois_plein // 12,
                    },
                    champ="date_fin",
                    bloquant=False,
                )
            )
        return anomalies + communs.doublon(ctx, self.code)

    def periodes(
        self, ctx: Contexte, donnees: Mapping[str, Any]
    ) -> list[tuple[date, dict[str, Any]]]:
        """The events the act writes: (date, situation values)."""
        demi = self.demi_traitement_du(ctx)
        if ctx.date_effet >= demi:
            return [(ctx.date_effet, {"position": self.position, "quotite": DEMI_TRAITEMENT})]
        periodes: list[tuple[date, dict[str, Any]]] = [
            (ctx.date_effet, {"position": self.position, "quotite": 100})
        ]
        fin = jour(donnees, "date_fin")
        if fin is not None and fin >= demi:
            periodes.append((demi, {"quotite": DEMI_TRAITEMENT}))
        return periodes

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        return self.periodes(ctx, donnees)[0][1]

    def projection(self, ctx: Contexte, donnees: Mapping[str, Any]) -> personnel.Projection:
        premiere, *suivantes = self.periodes(ctx, donnees)
        return personnel.Projection(
            evenement_date=premiere[0],
            evenement_valeurs=premiere[1],
            evenements_suivants=tuple(suivantes),
        )

    def appliquer(
        self, ctx: Contexte, donnees: Mapping[str, Any], *, auteur: str, reference: str
    ) -> Effet:
        assert ctx.agent is not None
        ids = []
        for le, valeurs in self.periodes(ctx, donnees):
            evenement = personnel.evenement_depuis_acte(
                auteur=auteur,
                perimetre=ctx.perimetre,
                agent_id=ctx.agent.id,
                nature=self.nature,
                date_effet=le,
                valeurs=valeurs,
                reference=reference,
            )
            if evenement:
                ids.append(evenement)
        return Effet(evenements=tuple(ids))

    def resume(self, donnees: Mapping[str, Any]) -> str:
        fin = jour(donnees, "date_fin")
        return _("jusqu'au %(d)s") % {"d": fin.strftime("%d/%m/%Y")} if fin else ""


@enregistrer
class CongeMaladieMoyenne(CongeMaladie):
    code: ClassVar[str] = "conge_maladie_moyenne"
    libelle = gettext_lazy("Congé de maladie de moyenne durée")
    position = "conge_maladie_moyenne"
    mois_max = 36
    mois_plein = 24


@enregistrer
class CongeMaladieLongue(CongeMaladie):
    code: ClassVar[str] = "conge_maladie_longue"
    libelle = gettext_lazy("Congé de maladie de longue durée")
    position = "conge_maladie_longue"
    mois_max = 60
    mois_plein = 36


@enregistrer
class RepriseApresConge(ActeCarriere):
    code: ClassVar[str] = "reprise_conge_maladie"
    libelle = gettext_lazy("Reprise après congé de maladie")
    nature = "changement_position"
    sensible = True
    champs = ()
    pieces_requises = ("certificat_medical",)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = communs.agent_actif(ctx)
        if anomalies or ctx.situation is None:
            return anomalies
        if ctx.situation.position not in POSITIONS_MALADIE:
            return [
                Anomalie(
                    _(
                        "L'agent n'est pas en congé de maladie de moyenne ou de longue durée "
                        "(position : %(p)s) : pas de reprise à enregistrer."
                    )
                    % {"p": libelle_position(ctx.situation.position)},
                    champ="date_effet",
                )
            ]
        return anomalies + communs.doublon(ctx, self.code)

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        return {"position": communs.POSITION_ACTIVITE}
