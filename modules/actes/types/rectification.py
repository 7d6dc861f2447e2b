"""Rectification and annulation of a visé act.

Both concern acts whose visa wrote career events (recruitment, titularisation, advancements,
mutation, retirement): a rectification restates the events with corrected values (and date),
an annulation supersedes them, through the file's own append-and-correct history. Family and
indemnity acts are undone by an act of the opposite kind (a withdrawal, a new family change).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.actes.types.base import (
    CATALOGUE,
    Anomalie,
    Champ,
    Contexte,
    Effet,
    TypeActe,
    enregistrer,
)
from modules.actes.types.carriere import ActeCarriere
from modules.personnel import facade as personnel

MOTIF = Champ("motif", gettext_lazy("Motif"), longueur=500)


def _origine(ctx: Contexte) -> TypeActe | None:
    return CATALOGUE.get(ctx.origine_type)


def _verifier_origine(ctx: Contexte) -> list[Anomalie]:
    origine = _origine(ctx)
    if origine is None or not ctx.origine_evenements:
        return [
            Anomalie(
                _(
                    "Seul un acte visé qui a inscrit un événement de carrière (recrutement, "
                    "titularisation, avancement, mutation, retraite) se rectifie ou s'annule "
                    "ainsi. Pour une indemnité ou la famille, rédigez l'acte inverse."
                )
            )
        ]
    en_vigueur = {e.id for e in ctx.evenements}
    if any(e not in en_vigueur for e in ctx.origine_evenements):
        return [
            Anomalie(
                _(
                    "Cet acte a déjà été rectifié ou annulé : rectifiez ou annulez le dernier "
                    "acte visé qui le concerne."
                )
            )
        ]
    return []


def _commune(donnees: Mapping[str, Any]) -> str | None:
    return str(donnees.get("commune_residence") or "") or None


@enregistrer
class Rectification(TypeActe):
    code: ClassVar[str] = "rectification"
    libelle = gettext_lazy("Rectification d'un acte visé")
    sur_acte = True

    def champs_pour(self, ctx: Contexte | None) -> tuple[Champ, ...]:
        origine = _origine(ctx) if ctx else None
        return (*(origine.champs_pour(None) if origine else ()), MOTIF)

    def initiales(self, ctx: Contexte) -> dict[str, Any]:
        return dict(ctx.origine_donnees)

    def _contexte_origine(self, ctx: Contexte) -> Contexte:
        # The original act's checks see the file without the events it wrote.
        retires = set(ctx.origine_evenements)
        return Contexte(
            perimetre=ctx.perimetre,
            date_effet=ctx.date_effet,
            agent=ctx.agent,
            situation=ctx.situation,
            evenements=tuple(e for e in ctx.evenements if e.id not in retires),
        )

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        if anomalies := _verifier_origine(ctx):
            return anomalies
        if len(ctx.origine_evenements) > 1:
            # A congé de maladie reaching half pay wrote two events (full, then half pay): one
            # restatement cannot redo both. The annulation can.
            return [
                Anomalie(
                    _(
                        "Cet acte a inscrit plusieurs événements (congé avec demi-traitement) : "
                        "annulez-le, puis rédigez l'acte correct."
                    )
                )
            ]
        origine = _origine(ctx)
        assert origine is not None
        if not isinstance(origine, ActeCarriere):
            # A recruitment: the identity is the file's own; only the situation is restated.
            return []
        # en_cours is left empty: the act being rectified is no duplicate of itself
        return origine.verifier(self._contexte_origine(ctx), donnees)

    def _valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        origine = _origine(ctx)
        if isinstance(origine, ActeCarriere):
            return origine.valeurs(ctx, donnees)
        projection = origine.projection(ctx, donnees) if origine else personnel.Projection()
        return dict(projection.evenement_valeurs)

    def projection(self, ctx: Contexte, donnees: Mapping[str, Any]) -> personnel.Projection:
        return personnel.Projection(
            evenement_date=ctx.date_effet,
            evenement_valeurs=self._valeurs(ctx, donnees),
            sans_evenements=ctx.origine_evenements,
            commune_residence=_commune(donnees),
        )

    def appliquer(
        self, ctx: Contexte, donnees: Mapping[str, Any], *, auteur: str, reference: str
    ) -> Effet:
        # The residence (a mutation's or a recruitment's) is no career event: restated here.
        if (commune := _commune(donnees)) and ctx.agent is not None:
            personnel.residence_changer(
                auteur=auteur,
                agent_id=ctx.agent.id,
                commune_residence=commune,
                reference=reference,
            )
        nouveaux = [
            personnel.evenement_corriger_depuis_acte(
                auteur=auteur,
                evenement_id=evenement_id,
                date_effet=ctx.date_effet,
                valeurs=self._valeurs(ctx, donnees),
                motif=str(donnees.get("motif", "")),
                reference=reference,
            )
            for evenement_id in ctx.origine_evenements
        ]
        return Effet(evenements=tuple(nouveaux))

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(donnees.get("motif", ""))[:80]


@enregistrer
class Annulation(TypeActe):
    code: ClassVar[str] = "annulation"
    libelle = gettext_lazy("Annulation d'un acte visé")
    sur_acte = True
    champs = (MOTIF,)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = _verifier_origine(ctx)
        if _commune(ctx.origine_donnees) and ctx.origine_type == "mutation":
            anomalies.append(
                Anomalie(
                    _(
                        "L'acte annulé avait changé la commune de résidence (%(c)s) : "
                        "l'annulation ne la rétablit pas, corrigez-la dans le dossier de l'agent."
                    )
                    % {"c": ctx.origine_donnees["commune_residence"]},
                    bloquant=False,
                )
            )
        return anomalies

    def projection(self, ctx: Contexte, donnees: Mapping[str, Any]) -> personnel.Projection:
        return personnel.Projection(sans_evenements=ctx.origine_evenements)

    def appliquer(
        self, ctx: Contexte, donnees: Mapping[str, Any], *, auteur: str, reference: str
    ) -> Effet:
        nouveaux = [
            personnel.evenement_annuler_depuis_acte(
                auteur=auteur,
                evenement_id=evenement_id,
                motif=str(donnees.get("motif", "")),
                reference=reference,
            )
            for evenement_id in ctx.origine_evenements
        ]
        return Effet(evenements=tuple(nouveaux))

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(donnees.get("motif", ""))[:80]
