"""Acts that stop or end pay: suspension / cessation de traitement (absence irrégulière,
abandon de poste, suspension disciplinaire) and its reprise; démission, révocation, décès
(the file leaves the active staff: position cessation, the budget post is freed); the
inter-ordonnateur sortie and entrée, which drive the move of `personnel/transferts.py` (the
sortie proposes it when visé, the destination's entrée accepts it when visé: both files change
then, in one transaction)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.actes.types import communs
from modules.actes.types.base import Anomalie, Champ, Contexte, Effet, TypeActe, enregistrer
from modules.actes.types.carriere import ActeCarriere
from modules.actes.types.positions import en_activite, libelle_position
from modules.personnel import facade as personnel
from referentiel import selectors as referentiel

SUSPENSION = "suspension"
MOTIFS_SUSPENSION = (
    ("absence_irreguliere", gettext_lazy("Absence irrégulière")),
    ("abandon_poste", gettext_lazy("Abandon de poste")),
    ("suspension_disciplinaire", gettext_lazy("Suspension disciplinaire")),
)
# A suspended agent may keep part of the traitement, at most half [GK].
QUOTITE_SUSPENSION_MAX = 50


@enregistrer
class SuspensionTraitement(ActeCarriere):
    code: ClassVar[str] = "suspension_traitement"
    libelle = gettext_lazy("Suspension / cessation de traitement")
    nature = "changement_position"
    champs = (
        Champ("motif", gettext_lazy("Motif"), "choix", choix=MOTIFS_SUSPENSION),
        Champ(
            "quotite",
            gettext_lazy("Part du traitement maintenue (%)"),
            "entier",
            requis=False,
            aide=gettext_lazy("0 (par défaut) : plus aucun traitement."),
        ),
    )

    def pieces(self, donnees: Mapping[str, Any]) -> tuple[str, ...]:
        # An abandon de poste is established by a mise en demeure left unanswered (its report).
        return ("proces_verbal",) if donnees.get("motif") == "abandon_poste" else ("arrete",)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = en_activite(ctx)
        quotite = int(donnees.get("quotite") or 0)
        if not 0 <= quotite <= QUOTITE_SUSPENSION_MAX:
            anomalies.append(
                Anomalie(
                    _("La part maintenue est de 0 à %(max)d %% du traitement.")
                    % {"max": QUOTITE_SUSPENSION_MAX},
                    champ="quotite",
                )
            )
        if quotite and donnees.get("motif") != "suspension_disciplinaire":
            anomalies.append(
                Anomalie(
                    _(
                        "Une absence irrégulière ou un abandon de poste ne maintient aucun "
                        "traitement : laissez 0."
                    ),
                    champ="quotite",
                )
            )
        return anomalies + communs.doublon(ctx, self.code)

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        return {"position": SUSPENSION, "quotite": int(donnees.get("quotite") or 0)}

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(dict(MOTIFS_SUSPENSION).get(str(donnees.get("motif")), ""))


@enregistrer
class RepriseTraitement(ActeCarriere):
    code: ClassVar[str] = "reprise_traitement"
    libelle = gettext_lazy("Reprise de traitement (fin de suspension)")
    nature = "changement_position"
    pieces_requises = ("arrete",)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = communs.agent_actif(ctx)
        if anomalies or ctx.situation is None:
            return anomalies
        if ctx.situation.position != SUSPENSION:
            return [
                Anomalie(
                    _(
                        "Le traitement de l'agent n'est pas suspendu (position : %(p)s) : pas de "
                        "reprise à enregistrer."
                    )
                    % {"p": libelle_position(ctx.situation.position)},
                    champ="date_effet",
                )
            ]
        return anomalies + communs.doublon(ctx, self.code)

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        return {"position": communs.POSITION_ACTIVITE}


class Radiation(ActeCarriere):
    """The agent leaves the staff: a `sortie` event, position cessation."""

    nature = "sortie"

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        if ctx.situation is not None and ctx.situation.position == communs.POSITION_CESSATION:
            return [Anomalie(_("L'agent est déjà sorti des effectifs."), "date_effet")]
        return communs.agent_actif(ctx) + communs.doublon(ctx, self.code)

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        return {"position": communs.POSITION_CESSATION}

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(donnees.get("motif", ""))[:80]


@enregistrer
class Demission(Radiation):
    code: ClassVar[str] = "demission"
    libelle = gettext_lazy("Démission")
    champs = (
        Champ(
            "date_demande",
            gettext_lazy("Date de la demande de démission"),
            "date",
        ),
    )
    pieces_requises = ("arrete",)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = super().verifier(ctx, donnees)
        demande = donnees.get("date_demande")
        if demande and demande > ctx.date_effet.isoformat():
            anomalies.append(
                Anomalie(
                    _("La démission ne peut prendre effet avant la demande de l'agent."),
                    champ="date_demande",
                )
            )
        return anomalies


@enregistrer
class Revocation(Radiation):
    code: ClassVar[str] = "revocation"
    libelle = gettext_lazy("Révocation")
    champs = (
        Champ(
            "motif",
            gettext_lazy("Décision (conseil de discipline, référence)"),
            longueur=200,
        ),
    )
    pieces_requises = ("proces_verbal", "arrete")


@enregistrer
class Deces(Radiation):
    code: ClassVar[str] = "deces"
    libelle = gettext_lazy("Décès")
    champs = (
        Champ(
            "lieu",
            gettext_lazy("Lieu du décès"),
            requis=False,
            longueur=100,
            aide=gettext_lazy(
                "La date d'effet est le jour du décès : la paie du mois du décès reste due."
            ),
        ),
    )
    # The death certificate (no dedicated document type in the file: « autre »).
    pieces_requises = ("autre",)


NATURES_TRANSFERT = (
    ("transfert", gettext_lazy("Transfert (l'agent quitte l'ordonnateur)")),
    ("detachement", gettext_lazy("Détachement auprès de l'ordonnateur")),
    ("mise_a_disposition", gettext_lazy("Mise à disposition de l'ordonnateur")),
)
POSITION_APRES = {
    "transfert": communs.POSITION_CESSATION,
    "detachement": "detachement",
    "mise_a_disposition": "mise_a_disposition",
}


@enregistrer
class SortieOrdonnateur(ActeCarriere):
    """The agent goes to another ordonnateur of the platform. The visa proposes the move; the
    file changes when the destination accepts it (its entrée act visé)."""

    code: ClassVar[str] = "transfert_sortie"
    libelle = gettext_lazy("Sortie vers un autre ordonnateur")
    nature = "sortie"
    recouvre = False
    champs = (
        Champ("destination", gettext_lazy("Ordonnateur de destination (code)"), longueur=30),
        Champ(
            "nature_mouvement",
            gettext_lazy("Nature du mouvement"),
            "choix",
            choix=NATURES_TRANSFERT,
        ),
        Champ("motif", gettext_lazy("Motif (décision, arrêté…)"), longueur=200),
    )
    pieces_requises = ("arrete",)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = en_activite(ctx)
        if probleme := personnel.destination_erreur(code=str(donnees.get("destination", ""))):
            anomalies.append(Anomalie(probleme, "destination"))
        return anomalies + communs.doublon(ctx, self.code)

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        # What the move will leave in this file (for the impact): the source stops paying,
        # except in mise à disposition where the home keeps paying.
        return {"position": POSITION_APRES[str(donnees["nature_mouvement"])]}

    def appliquer(
        self, ctx: Contexte, donnees: Mapping[str, Any], *, auteur: str, reference: str
    ) -> Effet:
        assert ctx.agent is not None
        personnel.transfert_proposer_depuis_acte(
            auteur=auteur,
            perimetre=ctx.perimetre,
            agent_id=ctx.agent.id,
            destination_code=str(donnees["destination"]),
            nature=str(donnees["nature_mouvement"]),
            date_effet=ctx.date_effet,
            motif=str(donnees["motif"]),
            reference=reference,
        )
        return Effet()

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(donnees.get("destination", ""))


@enregistrer
class EntreeOrdonnateur(TypeActe):
    """The destination's act accepting a move proposed by another ordonnateur; the file does
    not exist here until it is visé (like a recruitment)."""

    code: ClassVar[str] = "transfert_entree"
    libelle = gettext_lazy("Entrée depuis un autre ordonnateur")
    nature = "entree"
    concerne_agent = False
    champs = (
        Champ("transfert", gettext_lazy("Numéro du mouvement proposé"), "entier"),
        Champ("unite_code", gettext_lazy("Unité d'affectation"), "unite"),
        Champ("poste_code", gettext_lazy("Poste budgétaire"), "poste", requis=False),
        Champ(
            "commune_residence",
            gettext_lazy("Commune de résidence (code HCP)"),
            "commune",
            aide=gettext_lazy("Fixe la zone de l'indemnité de résidence payée ici."),
        ),
    )
    pieces_requises = ("arrete",)

    def lire(
        self, brutes: Mapping[str, Any], ctx: Contexte | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The move's agent (PPR, names) is copied into the act: the lists and the Treasury's
        record name the agent before the file exists here."""
        donnees, erreurs = super().lire(brutes, ctx)
        if "transfert" in erreurs:
            return donnees, erreurs
        mouvement = personnel.transfert_entrant(
            transfert_id=int(donnees["transfert"]), acteur="actes"
        )
        if mouvement is None:
            erreurs["transfert"] = _(
                "Aucun mouvement en attente n'a ce numéro pour votre ordonnateur : voyez la page "
                "des transferts."
            )
            return donnees, erreurs
        donnees.update(
            ppr=mouvement.ppr,
            nom_fr=mouvement.nom_fr,
            prenom_fr=mouvement.prenom_fr,
            nom_ar=mouvement.nom_ar,
            prenom_ar=mouvement.prenom_ar,
            nature_mouvement=mouvement.nature,
            source=mouvement.source_code,
            grade_code=mouvement.grade_code,
            echelon=mouvement.echelon,
            date_mouvement=mouvement.date_effet.isoformat(),
        )
        return donnees, erreurs

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies: list[Anomalie] = []
        if donnees.get("date_mouvement") != ctx.date_effet.isoformat():
            anomalies.append(
                Anomalie(
                    _("La date d'effet doit être celle du mouvement proposé (%(d)s).")
                    % {"d": donnees.get("date_mouvement", "")},
                    champ="date_effet",
                )
            )
        commune = donnees.get("commune_residence")
        if commune and commune not in referentiel.territoire_codes():
            anomalies.append(
                Anomalie(
                    _("« %(c)s » n'est pas un code de commune du référentiel territorial.")
                    % {"c": commune},
                    champ="commune_residence",
                )
            )
        if donnees.get("nature_mouvement") == "mise_a_disposition" and donnees.get("poste_code"):
            anomalies.append(
                Anomalie(
                    _(
                        "En mise à disposition, l'agent garde son poste d'origine : n'en "
                        "choisissez pas."
                    ),
                    champ="poste_code",
                )
            )
        return anomalies

    def projection(self, ctx: Contexte, donnees: Mapping[str, Any]) -> personnel.Projection:
        if donnees.get("nature_mouvement") == "mise_a_disposition":
            return personnel.Projection()  # the home keeps paying
        valeurs = {
            "position": communs.POSITION_ACTIVITE,
            "unite_code": donnees["unite_code"],
            "grade_code": donnees.get("grade_code", ""),
            "echelon": donnees.get("echelon", ""),
        }
        return personnel.Projection(
            evenement_date=ctx.date_effet, evenement_valeurs={k: v for k, v in valeurs.items() if v}
        )

    def appliquer(
        self, ctx: Contexte, donnees: Mapping[str, Any], *, auteur: str, reference: str
    ) -> Effet:
        agent_id = personnel.transfert_accepter_depuis_acte(
            auteur=auteur,
            transfert_id=int(donnees["transfert"]),
            unite_code=str(donnees["unite_code"]),
            poste_code=str(donnees.get("poste_code") or ""),
        )
        if donnees.get("commune_residence"):
            personnel.residence_changer(
                auteur=auteur,
                agent_id=agent_id,
                commune_residence=str(donnees["commune_residence"]),
                reference=reference,
            )
        return Effet(agent_id=agent_id)

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(donnees.get("source", ""))
