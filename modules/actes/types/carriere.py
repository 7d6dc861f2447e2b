"""Career acts: titularisation, avancement d'échelon, avancement de grade, mutation /
changement d'affectation, mise à la retraite. Each writes one career event when visé."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.actes.types import communs
from modules.actes.types.base import Anomalie, Champ, Contexte, Effet, TypeActe, enregistrer
from modules.personnel import facade as personnel
from modules.unites import facade as unites
from referentiel import selectors as referentiel
from remuneration import retraite
from remuneration.erreurs import DonneeInvalide


class ActeCarriere(TypeActe):
    """An act that writes one career event with situation values (`valeurs`)."""

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def projection(self, ctx: Contexte, donnees: Mapping[str, Any]) -> personnel.Projection:
        return personnel.Projection(
            evenement_date=ctx.date_effet, evenement_valeurs=self.valeurs(ctx, donnees)
        )

    def appliquer(
        self, ctx: Contexte, donnees: Mapping[str, Any], *, auteur: str, reference: str
    ) -> Effet:
        assert ctx.agent is not None
        evenement = personnel.evenement_depuis_acte(
            auteur=auteur,
            perimetre=ctx.perimetre,
            agent_id=ctx.agent.id,
            nature=self.nature,
            date_effet=ctx.date_effet,
            valeurs=self.valeurs(ctx, donnees),
            reference=reference,
        )
        return Effet(evenements=(evenement,) if evenement else ())


@enregistrer
class Titularisation(ActeCarriere):
    code: ClassVar[str] = "titularisation"
    libelle = gettext_lazy("Titularisation")
    nature = "titularisation"
    champs = (
        Champ(
            "echelon",
            gettext_lazy("Échelon après titularisation"),
            "echelon",
            requis=False,
            aide=gettext_lazy("Laissez vide pour garder l'échelon actuel."),
        ),
    )
    pieces_requises = ("proces_verbal",)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = communs.agent_actif(ctx)
        if anomalies or ctx.situation is None:
            return anomalies
        if ctx.situation.statut != "stagiaire":
            anomalies.append(
                Anomalie(
                    _("Seul un agent stagiaire peut être titularisé (statut actuel : %(s)s).")
                    % {"s": ctx.situation.statut or "—"}
                )
            )
        debut = next(
            (e.date_effet for e in ctx.evenements if e.valeurs.get("statut") == "stagiaire"), None
        )
        if debut is not None and communs.mois_entre(debut, ctx.date_effet) < 12:
            anomalies.append(
                Anomalie(
                    _(
                        "Le stage a commencé le %(debut)s : moins d'un an avant la "
                        "titularisation (durée à vérifier selon le statut particulier)."
                    )
                    % {"debut": debut.strftime("%d/%m/%Y")},
                    champ="date_effet",
                    bloquant=False,
                )
            )
        if donnees.get("echelon"):
            anomalies += _echelon_dans_grille(ctx.situation.grade_code, donnees["echelon"], ctx)
        return anomalies + communs.doublon(ctx, self.code)

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        valeurs: dict[str, Any] = {"statut": "titulaire"}
        if donnees.get("echelon"):
            valeurs["echelon"] = str(donnees["echelon"])
            grade = ctx.situation.grade_code if ctx.situation else ""
            valeurs.update(_indice(grade, valeurs["echelon"], ctx))
        return valeurs


def _indice(grade: str, echelon: str, ctx: Contexte) -> dict[str, Any]:
    """For a file that carries an explicit indice (imported files do): the grid's indice of
    the new échelon at the act's date. The file keeps an explicit indice until an event sets
    another, so without it the old indice would keep paying the agent as before, in the impact
    and after the visa. A file without one lets the grid decide (nothing added)."""
    if ctx.situation is None or not ctx.situation.indice or not grade:
        return {}
    classement = communs.classement(grade, ctx.date_effet)
    ligne = (
        communs.echelon_ligne(classement["grille"], echelon, ctx.date_effet) if classement else None
    )
    indice = ligne.get("indice") if ligne else None
    return {"indice": int(indice)} if indice else {}


def _echelon_dans_grille(grade: str, echelon: str, ctx: Contexte) -> list[Anomalie]:
    classement = communs.classement(grade, ctx.date_effet)
    if classement is None:
        return [Anomalie(_("Grade « %(g)s » inconnu à cette date.") % {"g": grade}, "grade_code")]
    if communs.echelon_ligne(classement["grille"], echelon, ctx.date_effet) is None:
        return [
            Anomalie(
                _("L'échelon %(e)s n'existe pas dans la grille du grade %(g)s.")
                % {"e": echelon, "g": grade},
                champ="echelon",
            )
        ]
    return []


@enregistrer
class AvancementEchelon(ActeCarriere):
    code: ClassVar[str] = "avancement_echelon"
    libelle = gettext_lazy("Avancement d'échelon")
    nature = "avancement_echelon"
    champs = (Champ("echelon", gettext_lazy("Nouvel échelon"), "echelon"),)

    def initiales(self, ctx: Contexte) -> dict[str, Any]:
        if ctx.situation and ctx.situation.echelon:
            return {"echelon": communs.echelon_suivant(ctx.situation.echelon)}
        return {}

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = communs.agent_actif(ctx)
        if anomalies or ctx.situation is None:
            return anomalies
        s = ctx.situation
        if s.position != communs.POSITION_ACTIVITE:
            anomalies.append(
                Anomalie(
                    _("L'agent n'est pas en activité (%(p)s) : pas d'avancement.")
                    % {"p": s.position or "—"},
                    champ="date_effet",
                )
            )
        nouveau = str(donnees.get("echelon", ""))
        if not s.grade_code or not s.echelon:
            return [
                *anomalies,
                Anomalie(_("Grade ou échelon actuel inconnu : complétez le dossier.")),
            ]
        anomalies += _echelon_dans_grille(s.grade_code, nouveau, ctx)
        attendu = communs.echelon_suivant(s.echelon)
        if nouveau == s.echelon:
            anomalies.append(
                Anomalie(_("L'agent est déjà à l'échelon %(e)s.") % {"e": nouveau}, "echelon")
            )
        elif nouveau != attendu:
            anomalies.append(
                Anomalie(
                    _("L'échelon suivant de l'échelon %(a)s est %(s)s, pas %(n)s.")
                    % {"a": s.echelon, "s": attendu or "—", "n": nouveau},
                    champ="echelon",
                )
            )
        classement = communs.classement(s.grade_code, ctx.date_effet)
        ligne = (
            communs.echelon_ligne(classement["grille"], s.echelon, ctx.date_effet)
            if classement
            else None
        )
        duree = ligne.get("duree_mois") if ligne else None
        if ligne is not None and duree is None:
            anomalies.append(
                Anomalie(
                    _("L'échelon %(e)s est le dernier de la grille : pas d'avancement d'échelon.")
                    % {"e": s.echelon},
                    champ="echelon",
                )
            )
        elif duree and s.depuis is not None:
            depuis = _depuis_echelon(ctx) or s.depuis
            accomplis = communs.mois_entre(depuis, ctx.date_effet)
            if accomplis < int(duree):
                possible = communs.ajouter_mois(depuis, int(duree))
                anomalies.append(
                    Anomalie(
                        _(
                            "Durée d'échelon non atteinte : %(requis)d mois requis à l'échelon "
                            "%(e)s, %(faits)d accomplis depuis le %(depuis)s. Avancement "
                            "possible à partir du %(possible)s."
                        )
                        % {
                            "requis": int(duree),
                            "e": s.echelon,
                            "faits": accomplis,
                            "depuis": depuis.strftime("%d/%m/%Y"),
                            "possible": possible.strftime("%d/%m/%Y"),
                        },
                        champ="date_effet",
                    )
                )
        return anomalies + communs.doublon(ctx, self.code)

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        echelon = str(donnees["echelon"])
        grade = ctx.situation.grade_code if ctx.situation else ""
        return {"echelon": echelon, **_indice(grade, echelon, ctx)}

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return _("échelon %(e)s") % {"e": donnees.get("echelon", "")}


def _depuis_echelon(ctx: Contexte) -> Any:
    """The effect date of the last event before the act that set the échelon or the grade."""
    dates = [
        e.date_effet
        for e in ctx.evenements
        if e.date_effet < ctx.date_effet and ("echelon" in e.valeurs or "grade_code" in e.valeurs)
    ]
    return max(dates) if dates else None


@enregistrer
class AvancementGrade(ActeCarriere):
    code: ClassVar[str] = "avancement_grade"
    libelle = gettext_lazy("Avancement de grade")
    nature = "avancement_grade"
    champs = (
        Champ("grade_code", gettext_lazy("Nouveau grade"), "grade"),
        Champ("echelon", gettext_lazy("Échelon dans le nouveau grade"), "echelon"),
        Champ(
            "poste_code",
            gettext_lazy("Poste budgétaire du nouveau grade"),
            "poste",
            requis=False,
            aide=gettext_lazy("Obligatoire si le poste actuel n'est pas budgété pour ce grade."),
        ),
        Champ(
            "mode",
            gettext_lazy("Mode d'avancement"),
            "choix",
            choix=(
                ("choix", gettext_lazy("Au choix")),
                ("examen", gettext_lazy("Examen professionnel")),
                ("diplome", gettext_lazy("Diplôme")),
            ),
        ),
    )
    pieces_requises = ("proces_verbal",)

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = communs.agent_actif(ctx)
        if anomalies or ctx.situation is None:
            return anomalies
        s = ctx.situation
        grade, echelon = str(donnees.get("grade_code", "")), str(donnees.get("echelon", ""))
        if grade == s.grade_code:
            return [Anomalie(_("L'agent est déjà dans ce grade."), "grade_code")]
        classement = communs.classement(grade, ctx.date_effet)
        if classement is None:
            return [
                Anomalie(_("Grade « %(g)s » inconnu à cette date.") % {"g": grade}, "grade_code")
            ]
        ligne = communs.echelon_ligne(classement["grille"], echelon, ctx.date_effet)
        if ligne is None:
            anomalies.append(
                Anomalie(
                    _("L'échelon %(e)s n'existe pas dans la grille du grade %(g)s.")
                    % {"e": echelon, "g": grade},
                    champ="echelon",
                )
            )
        elif s.indice and ligne.get("indice") and int(ligne["indice"] or 0) < s.indice:
            anomalies.append(
                Anomalie(
                    _(
                        "L'indice du nouvel échelon (%(n)s) est inférieur à l'indice actuel "
                        "(%(a)s) : choisissez l'échelon d'indice égal ou immédiatement supérieur."
                    )
                    % {"n": ligne["indice"], "a": s.indice},
                    champ="echelon",
                )
            )
        poste = str(donnees.get("poste_code") or s.poste_code or "")
        if not poste:
            anomalies.append(
                Anomalie(_("Indiquez le poste budgétaire du nouveau grade."), "poste_code")
            )
        elif probleme := personnel.poste_erreur(
            code=poste,
            grade_code=grade,
            echelle=str(classement["echelle"]),
            agent_id=ctx.agent.id if ctx.agent else None,
        ):
            libres = personnel.postes_libres(grade_code=grade, echelle=str(classement["echelle"]))
            if libres:
                probleme += " " + _("Postes libres de ce grade : %(p)s.") % {"p": ", ".join(libres)}
            anomalies.append(Anomalie(probleme, "poste_code"))
        return anomalies + communs.doublon(ctx, self.code)

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        valeurs: dict[str, Any] = {
            "grade_code": donnees["grade_code"],
            "echelon": str(donnees["echelon"]),
        }
        classement = communs.classement(str(donnees["grade_code"]), ctx.date_effet)
        if classement:
            valeurs["echelle"] = str(classement["echelle"])
        corps = referentiel.grade_corps(code=str(donnees["grade_code"]))
        if corps:
            valeurs["corps_code"] = corps
        if donnees.get("poste_code"):
            valeurs["poste_code"] = donnees["poste_code"]
        valeurs.update(_indice(str(donnees["grade_code"]), valeurs["echelon"], ctx))
        return valeurs

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return f"{donnees.get('grade_code', '')} / {donnees.get('echelon', '')}"


@enregistrer
class Mutation(ActeCarriere):
    code: ClassVar[str] = "mutation"
    libelle = gettext_lazy("Mutation / changement d'affectation")
    nature = "affectation"
    champs = (
        Champ("unite_code", gettext_lazy("Nouvelle unité d'affectation"), "unite"),
        Champ("poste_code", gettext_lazy("Nouveau poste budgétaire"), "poste", requis=False),
        Champ(
            "commune_residence",
            gettext_lazy("Nouvelle commune de résidence (code HCP)"),
            "commune",
            requis=False,
            aide=gettext_lazy("Change la zone de l'indemnité de résidence."),
        ),
    )

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        anomalies = communs.agent_actif(ctx)
        if anomalies or ctx.situation is None:
            return anomalies
        unite = str(donnees.get("unite_code", ""))
        if not unites.unite_exists(code=unite):
            anomalies.append(
                Anomalie(
                    _("Aucune unité active n'a le code « %(c)s ».") % {"c": unite}, "unite_code"
                )
            )
        elif unite == ctx.situation.unite_code and not donnees.get("poste_code"):
            anomalies.append(Anomalie(_("L'agent est déjà affecté à cette unité."), "unite_code"))
        poste = donnees.get("poste_code")
        probleme = (
            personnel.poste_erreur(
                code=str(poste),
                grade_code=ctx.situation.grade_code,
                echelle=ctx.situation.echelle,
                agent_id=ctx.agent.id if ctx.agent else None,
            )
            if poste
            else None
        )
        if probleme:
            anomalies.append(Anomalie(probleme, "poste_code"))
        commune = donnees.get("commune_residence")
        if commune and commune not in referentiel.territoire_codes():
            anomalies.append(
                Anomalie(
                    _("« %(c)s » n'est pas un code de commune du référentiel territorial.")
                    % {"c": commune},
                    champ="commune_residence",
                )
            )
        return anomalies + communs.doublon(ctx, self.code)

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        valeurs: dict[str, Any] = {"unite_code": donnees["unite_code"]}
        if donnees.get("poste_code"):
            valeurs["poste_code"] = donnees["poste_code"]
        return valeurs

    def projection(self, ctx: Contexte, donnees: Mapping[str, Any]) -> personnel.Projection:
        return personnel.Projection(
            evenement_date=ctx.date_effet,
            evenement_valeurs=self.valeurs(ctx, donnees),
            commune_residence=str(donnees.get("commune_residence") or "") or None,
        )

    def appliquer(
        self, ctx: Contexte, donnees: Mapping[str, Any], *, auteur: str, reference: str
    ) -> Effet:
        effet = super().appliquer(ctx, donnees, auteur=auteur, reference=reference)
        if donnees.get("commune_residence") and ctx.agent:
            personnel.residence_changer(
                auteur=auteur,
                agent_id=ctx.agent.id,
                commune_residence=str(donnees["commune_residence"]),
                reference=reference,
            )
        return effet

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return str(donnees.get("unite_code", ""))


MOTIFS_RETRAITE = (
    ("limite_age", gettext_lazy("Limite d'âge")),
    ("anticipee", gettext_lazy("Retraite anticipée")),
    ("invalidite", gettext_lazy("Invalidité")),
)


@enregistrer
class MiseRetraite(ActeCarriere):
    code: ClassVar[str] = "mise_retraite"
    libelle = gettext_lazy("Mise à la retraite")
    nature = "sortie"
    champs = (Champ("motif", gettext_lazy("Motif"), "choix", choix=MOTIFS_RETRAITE),)

    def initiales(self, ctx: Contexte) -> dict[str, Any]:
        return {"motif": "limite_age"}

    def verifier(self, ctx: Contexte, donnees: Mapping[str, Any]) -> list[Anomalie]:
        if ctx.situation is not None and ctx.situation.position == communs.POSITION_CESSATION:
            return [Anomalie(_("L'agent est déjà retraité ou sorti des effectifs."), "date_effet")]
        anomalies = communs.agent_actif(ctx)
        if anomalies or ctx.agent is None:
            return anomalies
        naissance = ctx.agent.date_naissance
        if naissance is None:
            return [Anomalie(_("Date de naissance inconnue : complétez le dossier de l'agent."))]
        try:
            limite = retraite.date_limite_age(naissance=naissance, jeu=communs.jeu(ctx.date_effet))
        except DonneeInvalide as erreur:
            return [Anomalie(str(erreur))]
        motif = donnees.get("motif")
        if motif == "limite_age" and ctx.date_effet < limite:
            anomalies.append(
                Anomalie(
                    _(
                        "L'agent n'atteint la limite d'âge que le %(limite)s : choisissez cette "
                        "date, ou un autre motif (retraite anticipée, invalidité)."
                    )
                    % {"limite": limite.strftime("%d/%m/%Y")},
                    champ="date_effet",
                )
            )
        elif motif == "limite_age" and ctx.date_effet > limite + timedelta(days=31):
            anomalies.append(
                Anomalie(
                    _(
                        "La limite d'âge était atteinte le %(limite)s : l'agent a été payé au-delà "
                        "(un ordre de recette peut être nécessaire)."
                    )
                    % {"limite": limite.strftime("%d/%m/%Y")},
                    champ="date_effet",
                    bloquant=False,
                )
            )
        return anomalies + communs.doublon(ctx, self.code)

    def valeurs(self, ctx: Contexte, donnees: Mapping[str, Any]) -> dict[str, Any]:
        return {"position": communs.POSITION_CESSATION}

    def resume(self, donnees: Mapping[str, Any]) -> str:
        return dict(MOTIFS_RETRAITE).get(str(donnees.get("motif")), "").__str__()
