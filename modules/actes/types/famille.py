"""Changement de situation familiale: marriage, divorce, widowhood, birth, a child's death.
Changes the allocations familiales and the IR dependants (the engine counts them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.actes.types import communs
from modules.actes.types.base import Anomalie, Champ, Contexte, Effet, TypeActe, enregistrer, jour
from modules.personnel import facade as personnel

EVENEMENTS = (
    ("mariage", gettext_lazy("Mariage")),
    ("divorce", gettext_lazy("Divorce")),
    ("veuvage", gettext_lazy("Veuvage")),
    ("naissance", gettext_lazy("Naissance d'un enfant")),
    ("deces_enfant", gettext_lazy("Décès d'un enfant")),
)
SITUATION_APRES = {"mariage": "marie", "divorce": "divorce", "veuvage": "veuf"}


@enregistrer
class ChangementFamille(TypeActe):
    code: ClassVar[str] = "situation_familiale"
    libelle = gettext_lazy("Changement de situation familiale")
    champs = (
        Champ("evenement", gettext_lazy("Événement"), "choix", choix=EVENEMENTS),
        Champ(
            "conjoint_a_charge",
            gettext_lazy("Conjoint à charge (sans revenu)"),
            "booleen",
            requis=False,
        ),
        Champ("enfant_prenom", gettext_lazy("Prénom de l'enfant"), requis=False, longueur=100),
        Champ(
            "enfant_date_naissance",
            gettext_lazy("Date de naissance de l'enfant"),
            "date",
            requis=False,
        ),
        Champ(
            "enfant_handicape",
            gettext_lazy("Enfant en situation de handicap"),
            "booleen",
            requis=False,
        ),
        Champ("enfant", gettext_lazy("Enfant décédé"), "enfant", requis=False),
    )

    def pieces(self, donnees: Mapping[str, Any]) -> tuple[str, ...]:
        evenement = donnees.get("evenement")
        if evenement == "mariage":
            return ("acte_mariage",)
        if evenement == "naissance":
            return ("acte_naissance",)
        return ("autre",)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = communs.agent_actif(ctx)
        if anomalies or ctx.agent is None:
            return anomalies
        evenement = donnees.get("evenement")
        actuelle = ctx.agent.situation_familiale
        if evenement == "mariage" and actuelle == "marie":
            anomalies.append(
                Anomalie(_("L'agent est déjà marié(e) dans son dossier."), "evenement")
            )
        if evenement in ("divorce", "veuvage") and actuelle != "marie":
            anomalies.append(
                Anomalie(_("L'agent n'est pas marié(e) dans son dossier."), "evenement")
            )
        if evenement == "naissance":
            naissance = jour(donnees, "enfant_date_naissance")
            if not donnees.get("enfant_prenom"):
                anomalies.append(Anomalie(_("Indiquez le prénom de l'enfant."), "enfant_prenom"))
            if naissance is None:
                anomalies.append(
                    Anomalie(
                        _("Indiquez la date de naissance de l'enfant."), "enfant_date_naissance"
                    )
                )
            elif naissance > ctx.date_effet:
                anomalies.append(
                    Anomalie(
                        _("La naissance est postérieure à la date d'effet de l'acte."),
                        "enfant_date_naissance",
                    )
                )
            elif ctx.agent.date_naissance and naissance <= ctx.agent.date_naissance:
                anomalies.append(
                    Anomalie(_("L'enfant serait né avant l'agent."), "enfant_date_naissance")
                )
        if evenement == "deces_enfant":
            enfants = {
                e.id: e for e in personnel.enfants(perimetre=ctx.perimetre, agent_id=ctx.agent.id)
            }
            choisi = enfants.get(int(donnees.get("enfant") or 0))
            if choisi is None:
                anomalies.append(Anomalie(_("Choisissez l'enfant dans la liste."), "enfant"))
            elif choisi.date_deces is not None:
                anomalies.append(
                    Anomalie(_("Le décès de cet enfant est déjà enregistré."), "enfant")
                )
            elif choisi.date_naissance > ctx.date_effet:
                anomalies.append(
                    Anomalie(_("La date d'effet précède la naissance de l'enfant."), "date_effet")
                )
        return anomalies + communs.doublon(ctx, self.code)

    def projection(self, ctx: Contexte, donnees: Mapping[str, Any]) -> personnel.Projection:
        evenement = donnees.get("evenement")
        if evenement == "mariage":
            return personnel.Projection(conjoint_a_charge=bool(donnees.get("conjoint_a_charge")))
        if evenement in ("divorce", "veuvage"):
            return personnel.Projection(conjoint_a_charge=False)
        if evenement == "naissance" and (naissance := jour(donnees, "enfant_date_naissance")):
            return personnel.Projection(
                enfants_ajoutes=(
                    personnel.EnfantProjete(
                        prenom=str(donnees.get("enfant_prenom", "")),
                        date_naissance=naissance,
                        handicape=bool(donnees.get("enfant_handicape")),
                    ),
                )
            )
        if evenement == "deces_enfant" and donnees.get("enfant"):
            return personnel.Projection(enfants_deces=((int(donnees["enfant"]), ctx.date_effet),))
        return personnel.Projection()

    def appliquer(
        self, ctx: Contexte, donnees: Mapping[str, Any], *, auteur: str, reference: str
    ) -> Effet:
        assert ctx.agent is not None
        evenement = str(donnees.get("evenement"))
        naissance = jour(donnees, "enfant_date_naissance")
        personnel.famille_changer(
            auteur=auteur,
            agent_id=ctx.agent.id,
            reference=reference,
            situation_familiale=SITUATION_APRES.get(evenement),
            conjoint_a_charge=(
                bool(donnees.get("conjoint_a_charge"))
                if evenement == "mariage"
                else False
                if evenement in ("divorce", "veuvage")
                else None
            ),
            naissances=(
                [(str(donnees["enfant_prenom"]), naissance, bool(donnees.get("enfant_handicape")))]
                if evenement == "naissance" and naissance
                else None
            ),
            deces=[(int(donnees["enfant"]), ctx.date_effet)]
            if evenement == "deces_enfant"
            else None,
        )
        return Effet()

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(dict(EVENEMENTS).get(str(donnees.get("evenement")), ""))
