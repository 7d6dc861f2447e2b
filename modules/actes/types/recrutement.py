"""Recrutement: the act that opens an agent's file. Until it is visé there is no file: the
draft holds the recruit's identity and first situation, and the visa creates the file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.actes.types import communs
from modules.actes.types.base import Anomalie, Champ, Contexte, Effet, TypeActe, enregistrer, jour
from modules.personnel import facade as personnel
from referentiel import selectors as referentiel

CHAMPS_IDENTITE = (
    "nom_fr",
    "prenom_fr",
    "nom_ar",
    "prenom_ar",
    "cin",
    "sexe",
    "date_naissance",
    "lieu_naissance",
    "situation_familiale",
    "commune_residence",
    "rib",
)


@enregistrer
class Recrutement(TypeActe):
    code: ClassVar[str] = "recrutement"
    libelle = gettext_lazy("Recrutement")
    nature = "recrutement"
    concerne_agent = False
    champs = (
        Champ("ppr", gettext_lazy("PPR"), "ppr", longueur=20),
        Champ("nom_fr", gettext_lazy("Nom"), longueur=100),
        Champ("prenom_fr", gettext_lazy("Prénom"), longueur=100),
        Champ("nom_ar", gettext_lazy("Nom (arabe)"), requis=False, longueur=100),
        Champ("prenom_ar", gettext_lazy("Prénom (arabe)"), requis=False, longueur=100),
        Champ("cin", gettext_lazy("CIN"), requis=False, longueur=12),
        Champ(
            "sexe",
            gettext_lazy("Sexe"),
            "choix",
            choix=(("M", gettext_lazy("Masculin")), ("F", gettext_lazy("Féminin"))),
        ),
        Champ("date_naissance", gettext_lazy("Date de naissance"), "date"),
        Champ("lieu_naissance", gettext_lazy("Lieu de naissance"), requis=False, longueur=100),
        Champ(
            "situation_familiale",
            gettext_lazy("Situation familiale"),
            "choix",
            choix=(
                ("celibataire", gettext_lazy("Célibataire")),
                ("marie", gettext_lazy("Marié(e)")),
                ("divorce", gettext_lazy("Divorcé(e)")),
                ("veuf", gettext_lazy("Veuf / veuve")),
            ),
        ),
        Champ("commune_residence", gettext_lazy("Commune de résidence (code HCP)"), "commune"),
        Champ("rib", gettext_lazy("RIB (24 chiffres)"), requis=False, longueur=24),
        Champ(
            "statut",
            gettext_lazy("Statut"),
            "choix",
            choix=(
                ("stagiaire", gettext_lazy("Stagiaire")),
                ("titulaire", gettext_lazy("Titulaire")),
                ("contractuel", gettext_lazy("Contractuel")),
            ),
        ),
        Champ("grade_code", gettext_lazy("Grade"), "grade"),
        Champ("echelon", gettext_lazy("Échelon"), "echelon"),
        Champ("unite_code", gettext_lazy("Unité d'affectation"), "unite"),
        Champ("poste_code", gettext_lazy("Poste budgétaire"), "poste"),
    )
    pieces_requises = ("diplome", "cin")

    def initiales(self, ctx: Contexte) -> dict[str, Any]:
        return {"statut": "stagiaire", "echelon": "1", "situation_familiale": "celibataire"}

    def _identite(self, donnees: Mapping[str, Any]) -> dict[str, Any]:
        identite: dict[str, Any] = {k: donnees.get(k, "") for k in CHAMPS_IDENTITE}
        identite["date_naissance"] = jour(donnees, "date_naissance")
        return identite

    def _situation(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        valeurs: dict[str, Any] = {
            "statut": donnees.get("statut", ""),
            "grade_code": donnees.get("grade_code", ""),
            "echelon": str(donnees.get("echelon", "")),
            "unite_code": donnees.get("unite_code", ""),
            "poste_code": donnees.get("poste_code", ""),
            "position": communs.POSITION_ACTIVITE,
        }
        classement = communs.classement(str(valeurs["grade_code"]), ctx.date_effet)
        if classement:
            valeurs["echelle"] = str(classement["echelle"])
        if corps := referentiel.grade_corps(code=str(valeurs["grade_code"])):
            valeurs["corps_code"] = corps
        return valeurs

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies: list[Anomalie] = []
        if probleme := personnel.ppr_erreur(str(donnees.get("ppr", ""))):
            anomalies.append(Anomalie(probleme, "ppr"))
        for champ, message in personnel.identite_erreurs(identite=self._identite(donnees)).items():
            anomalies.append(Anomalie(message, champ))
        situation = {
            k: v
            for k, v in self._situation(ctx, donnees).items()
            if k not in ("position", "corps_code", "echelle")
        }
        for champ, message in personnel.situation_erreurs(
            valeurs=situation, perimetre=ctx.perimetre
        ).items():
            anomalies.append(Anomalie(message, champ))
        classement = communs.classement(str(donnees.get("grade_code", "")), ctx.date_effet)
        probleme = (
            personnel.poste_erreur(
                code=str(donnees["poste_code"]),
                grade_code=str(donnees["grade_code"]),
                echelle=str(classement["echelle"]),
            )
            if classement and donnees.get("poste_code")
            else None
        )
        if probleme and classement:
            libres = personnel.postes_libres(
                grade_code=str(donnees["grade_code"]), echelle=str(classement["echelle"])
            )
            if libres:
                probleme += " " + _("Postes libres de ce grade : %(p)s.") % {"p": ", ".join(libres)}
            anomalies.append(Anomalie(probleme, "poste_code"))
        naissance = jour(donnees, "date_naissance")
        if naissance and communs.mois_entre(naissance, ctx.date_effet) < 18 * 12:
            anomalies.append(
                Anomalie(
                    _("La personne aurait moins de 18 ans à la date d'effet."),
                    "date_naissance",
                )
            )
        if donnees.get("statut") == "stagiaire" and str(donnees.get("echelon")) != "1":
            anomalies.append(
                Anomalie(
                    _("Un stagiaire est recruté au 1er échelon sauf disposition statutaire."),
                    "echelon",
                    bloquant=False,
                )
            )
        return anomalies

    def projection(self, ctx: Contexte, donnees: Mapping[str, Any]) -> personnel.Projection:
        return personnel.Projection(
            evenement_date=ctx.date_effet, evenement_valeurs=self._situation(ctx, donnees)
        )

    def appliquer(
        self, ctx: Contexte, donnees: Mapping[str, Any], *, auteur: str, reference: str
    ) -> Effet:
        identite = {k: v for k, v in self._identite(donnees).items() if v not in ("", None)}
        agent_id = personnel.agent_recruter(
            auteur=auteur,
            ppr=str(donnees["ppr"]),
            identite=identite,
            recrutement={
                k: v
                for k, v in self._situation(ctx, donnees).items()
                if k not in ("corps_code", "echelle")
            },
            date_effet=ctx.date_effet,
            reference=reference,
        )
        evenements = personnel.evenements_en_vigueur(perimetre=ctx.perimetre, agent_id=agent_id)
        return Effet(agent_id=agent_id, evenements=tuple(e.id for e in evenements or []))

    def resume(self, donnees: Mapping[str, Any]) -> str:
        nom = f"{donnees.get('nom_fr', '')} {donnees.get('prenom_fr', '')}"
        return f"{nom} — {donnees.get('grade_code', '')}"
