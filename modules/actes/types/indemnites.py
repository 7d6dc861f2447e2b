"""Attribution and retrait of an indemnity (fonction, responsabilité, zone éloignée…)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.actes.types import communs
from modules.actes.types.base import Anomalie, Champ, Contexte, Effet, TypeActe, enregistrer
from modules.personnel import facade as personnel

CODE_INDEMNITE = r"^[A-Z0-9_-]{2,20}$"


@enregistrer
class AttributionIndemnite(TypeActe):
    code: ClassVar[str] = "attribution_indemnite"
    libelle = gettext_lazy("Attribution d'indemnité")
    champs = (
        Champ("code", gettext_lazy("Code de l'indemnité"), longueur=20),
        Champ("libelle", gettext_lazy("Libellé"), longueur=150),
        Champ("montant", gettext_lazy("Montant mensuel (DH)"), "montant"),
        Champ("imposable", gettext_lazy("Imposable"), "booleen", requis=False),
        Champ(
            "soumise_retraite",
            gettext_lazy("Soumise à retenue pour pension"),
            "booleen",
            requis=False,
        ),
    )
    pieces_requises = ("arrete",)

    def initiales(self, ctx: Contexte) -> dict[str, Any]:
        return {"imposable": True}

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = communs.agent_actif(ctx)
        if anomalies or ctx.agent is None:
            return anomalies
        code = str(donnees.get("code", "")).upper()
        if not re.fullmatch(CODE_INDEMNITE, code):
            anomalies.append(
                Anomalie(
                    _("Code d'indemnité : 2 à 20 lettres majuscules, chiffres, - ou _."), "code"
                )
            )
        if code in {"TB", "RES", "AF", "CMR", "RCAR", "AMO", "MUT", "IR"}:
            anomalies.append(Anomalie(_("Ce code est réservé à un élément de paie."), "code"))
        ouvertes = {
            i.code
            for i in personnel.indemnites_ouvertes(perimetre=ctx.perimetre, agent_id=ctx.agent.id)
        }
        if code in ouvertes:
            anomalies.append(
                Anomalie(_("L'agent perçoit déjà l'indemnité %(c)s.") % {"c": code}, "code")
            )
        return anomalies + communs.doublon(ctx, self.code)

    def _indemnite(self, ctx: Contexte, donnees: Mapping[str, Any]) -> personnel.IndemniteProjetee:
        return personnel.IndemniteProjetee(
            code=str(donnees["code"]).upper(),
            libelle=str(donnees.get("libelle", "")),
            montant=Decimal(str(donnees["montant"])),
            imposable=bool(donnees.get("imposable")),
            soumise_retraite=bool(donnees.get("soumise_retraite")),
            du=ctx.date_effet,
        )

    def projection(self, ctx: Contexte, donnees: Mapping[str, Any]) -> personnel.Projection:
        return personnel.Projection(indemnites_ajoutees=(self._indemnite(ctx, donnees),))

    def appliquer(
        self, ctx: Contexte, donnees: Mapping[str, Any], *, auteur: str, reference: str
    ) -> Effet:
        assert ctx.agent is not None
        personnel.indemnite_attribuer(
            auteur=auteur,
            agent_id=ctx.agent.id,
            indemnite=self._indemnite(ctx, donnees),
            reference=reference,
        )
        return Effet()

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return f"{donnees.get('code', '')} {donnees.get('montant', '')} DH"


@enregistrer
class RetraitIndemnite(TypeActe):
    code: ClassVar[str] = "retrait_indemnite"
    libelle = gettext_lazy("Retrait d'indemnité")
    champs = (Champ("code", gettext_lazy("Indemnité retirée"), "indemnite", longueur=20),)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = communs.agent_actif(ctx)
        if anomalies or ctx.agent is None:
            return anomalies
        ouvertes = {
            i.code: i
            for i in personnel.indemnites_ouvertes(perimetre=ctx.perimetre, agent_id=ctx.agent.id)
        }
        code = str(donnees.get("code", ""))
        indemnite = ouvertes.get(code)
        if indemnite is None:
            anomalies.append(
                Anomalie(_("L'agent ne perçoit pas l'indemnité %(c)s.") % {"c": code}, "code")
            )
        elif ctx.date_effet <= indemnite.du:
            anomalies.append(
                Anomalie(
                    _("Le retrait doit être postérieur à l'attribution (%(du)s).")
                    % {"du": indemnite.du.strftime("%d/%m/%Y")},
                    "date_effet",
                )
            )
        return anomalies + communs.doublon(ctx, self.code)

    def projection(self, ctx: Contexte, donnees: Mapping[str, Any]) -> personnel.Projection:
        return personnel.Projection(
            indemnites_retirees=((str(donnees["code"]), ctx.date_effet - timedelta(days=1)),)
        )

    def appliquer(
        self, ctx: Contexte, donnees: Mapping[str, Any], *, auteur: str, reference: str
    ) -> Effet:
        assert ctx.agent is not None
        personnel.indemnite_retirer(
            auteur=auteur,
            agent_id=ctx.agent.id,
            code=str(donnees["code"]),
            a_partir_du=ctx.date_effet,
            reference=reference,
        )
        return Effet()

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(donnees.get("code", ""))
