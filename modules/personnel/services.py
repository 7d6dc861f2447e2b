"""Writes to agents' files. Each is one transaction with its audit row.

The career is appended to, never edited: `evenement_ajouter`, `evenement_corriger` and
`evenement_annuler` each insert one event, then `situation_rafraichir` rebuilds the agent's
current-situation columns from the events and checks the budget post it now holds.
Sensitive values (CIN, RIB) never enter the audit chain: only the names of changed fields do.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit_services
from modules.personnel import carriere, normalisation, postes, registre, validation
from modules.personnel.models import (
    CHAMPS_SITUATION,
    POSITIONS_OCCUPANT_POSTE,
    Agent,
    Enfant,
    EvenementCarriere,
    NatureEvenement,
    Position,
    Sexe,
    SituationFamiliale,
    SourceEvenement,
    Statut,
)
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre
from referentiel import selectors as referentiel

CHAMPS_IDENTITE = (
    "cin",
    "nom_fr",
    "prenom_fr",
    "nom_ar",
    "prenom_ar",
    "date_naissance",
    "lieu_naissance",
    "sexe",
    "situation_familiale",
    "conjoint_a_charge",
    "rib",
    "banque",
    "adresse",
    "commune_residence",
    "telephone",
    "email",
    "date_recrutement",
    "regime_retraite",
)
CHAMPS_SENSIBLES = frozenset({"cin", "rib"})
# Unique indexes a concurrent registration of the same PPR runs into (this tenant, the registry).
CONTRAINTES_PPR = ("agent_ppr_unique", "ppr_une_gestion_active")
REGIMES_RETRAITE = ("CMR", "RCAR", "AUCUN")


def _valeur_texte(valeur: Any) -> str:
    return "" if valeur is None else str(valeur).strip()


def identite_erreurs(champs: Mapping[str, Any]) -> dict[str, str]:
    """Every problem in the identity fields, by field name (nothing is written)."""
    erreurs: dict[str, str] = {}
    for champ, verifier in (
        ("cin", validation.cin_erreur),
        ("rib", validation.rib_erreur),
    ):
        if champ in champs and (probleme := verifier(_valeur_texte(champs[champ]))):
            erreurs[champ] = probleme
    for champ, libelle in (("nom_fr", _("Le nom")), ("prenom_fr", _("Le prénom"))):
        if champ in champs and not _valeur_texte(champs[champ]):
            erreurs[champ] = _("%(champ)s en caractères latins est obligatoire.") % {
                "champ": libelle
            }
    if "sexe" in champs and champs["sexe"] not in Sexe.values:
        erreurs["sexe"] = _("Sexe inconnu : écrivez M ou F.")
    if "situation_familiale" in champs and champs["situation_familiale"] not in (
        SituationFamiliale.values
    ):
        erreurs["situation_familiale"] = _(
            "Situation familiale inconnue : célibataire, marié, divorcé ou veuf."
        )
    if "regime_retraite" in champs and champs["regime_retraite"] not in REGIMES_RETRAITE:
        erreurs["regime_retraite"] = _("Régime de retraite inconnu : CMR, RCAR ou AUCUN.")
    naissance = champs.get("date_naissance")
    if isinstance(naissance, date) and naissance > timezone.localdate():
        erreurs["date_naissance"] = _("La date de naissance est dans le futur.")
    commune = _valeur_texte(champs.get("commune_residence"))
    if commune and commune not in referentiel.territoire_codes():
        erreurs["commune_residence"] = _(
            "« %(code)s » n'est pas un code géographique HCP connu du référentiel."
        ) % {"code": commune}
    return erreurs


def situation_erreurs(valeurs: Mapping[str, Any], *, perimetre: Perimetre | None) -> dict[str, str]:
    """Problems in the situation fields an event sets. `perimetre`: where the author may assign
    (None: anywhere in the tenant, for imports already checked and for transfers)."""
    erreurs: dict[str, str] = {}
    grade = _valeur_texte(valeurs.get("grade_code"))
    if grade and grade not in referentiel.grade_codes():
        erreurs["grade_code"] = _(
            "Grade « %(code)s » inconnu du référentiel : choisissez un grade de la nomenclature."
        ) % {"code": grade}
    statut = _valeur_texte(valeurs.get("statut"))
    if statut and statut not in Statut.values:
        erreurs["statut"] = _("Statut inconnu : titulaire, stagiaire ou contractuel.")
    position = _valeur_texte(valeurs.get("position"))
    if position and position not in Position.values:
        erreurs["position"] = _("Position « %(code)s » inconnue.") % {"code": position}
    echelle = _valeur_texte(valeurs.get("echelle"))
    if echelle and echelle not in (*[str(n) for n in range(1, 12)], "HE"):
        erreurs["echelle"] = _("Échelle « %(code)s » inconnue : 1 à 11 ou HE.") % {"code": echelle}
    indice = valeurs.get("indice")
    if indice not in (None, "") and (not isinstance(indice, int) or indice <= 0):
        erreurs["indice"] = _("L'indice doit être un entier positif.")
    quotite = valeurs.get("quotite")
    if quotite not in (None, "") and (
        not isinstance(quotite, int) or isinstance(quotite, bool) or not 0 <= quotite <= 100
    ):
        erreurs["quotite"] = _("La quotité de traitement est un pourcentage entier de 0 à 100.")
    unite = _valeur_texte(valeurs.get("unite_code"))
    if unite:
        if not unites.unite_exists(code=unite):
            erreurs["unite_code"] = _("L'unité « %(code)s » n'existe pas ou est désactivée.") % {
                "code": unite
            }
        elif perimetre is not None and not _unite_dans(perimetre, unite):
            erreurs["unite_code"] = _("L'unité « %(code)s » est hors de votre périmètre.") % {
                "code": unite
            }
    poste = _valeur_texte(valeurs.get("poste_code"))
    if poste and not postes.poste_existe(code=poste):
        erreurs["poste_code"] = _("Le poste budgétaire « %(code)s » n'existe pas.") % {
            "code": poste
        }
    return erreurs


def _completer(valeurs: Mapping[str, Any]) -> dict[str, Any]:
    """The situation fields an event sets, blanks dropped, the corps deduced from the grade."""
    utiles = {
        k: v
        for k, v in valeurs.items()
        if (k in CHAMPS_SITUATION or k == "quotite") and v not in ("", None)
    }
    if "grade_code" in utiles and "corps_code" not in utiles:
        corps = referentiel.grade_corps(code=str(utiles["grade_code"]))
        if corps:
            utiles["corps_code"] = corps
    return utiles


def _unite_dans(perimetre: Perimetre, code: str) -> bool:
    codes = unites.unite_codes(perimeter=perimetre)
    return codes == "all" or code in codes


def cles_recalculer(agent: Agent) -> None:
    """Search and sort keys from the names and identifiers (before saving the agent)."""
    agent.recherche = normalisation.cle_recherche(
        ppr=agent.ppr,
        cin=agent.cin,
        nom_fr=agent.nom_fr,
        prenom_fr=agent.prenom_fr,
        nom_ar=agent.nom_ar,
        prenom_ar=agent.prenom_ar,
    )
    agent.nom_tri = normalisation.cle_tri(nom_fr=agent.nom_fr, prenom_fr=agent.prenom_fr)


def _normaliser_identite(champs: Mapping[str, Any]) -> dict[str, Any]:
    propres = dict(champs)
    if "cin" in propres:
        propres["cin"] = validation.cin_normaliser(_valeur_texte(propres["cin"]))
    if "rib" in propres:
        propres["rib"] = validation.rib_normaliser(_valeur_texte(propres["rib"]))
    for champ in ("nom_fr", "prenom_fr", "nom_ar", "prenom_ar", "lieu_naissance", "banque"):
        if champ in propres:
            propres[champ] = _valeur_texte(propres[champ])
    return propres


def situation_rafraichir(
    agent: Agent, *, le: date | None = None, verifier_poste: bool = True
) -> None:
    """Rebuild the current-situation columns from the events (as of today), inside the
    caller's transaction. `verifier_poste`: refuse a post over its budgeted number (writes by a
    person); the nightly refresh of events that merely took effect does not refuse, since the
    act is already law — an over-occupied post shows on the posts page instead."""
    jour = le or timezone.localdate()
    situation = carriere.situation_plier(list(agent.evenements.all()), le=jour)
    for champ, valeur in situation.valeurs().items():
        setattr(agent, champ, valeur)
    agent.situation_du = situation.depuis
    agent.quotite = situation.quotite
    agent.save(update_fields=[*CHAMPS_SITUATION, "situation_du", "quotite", "modifie_le"])
    if verifier_poste and agent.poste_code and agent.position in POSITIONS_OCCUPANT_POSTE:
        postes.poste_verifier_capacite(code=agent.poste_code)


def agent_creer(
    *,
    auteur: str,
    ppr: str,
    identite: Mapping[str, Any],
    recrutement: Mapping[str, Any],
    date_effet: date,
    perimetre: Perimetre,
    nature: str = NatureEvenement.RECRUTEMENT,
    source: str = SourceEvenement.SAISIE,
    reference: str = "",
    enfants: list[Mapping[str, Any]] | None = None,
) -> Agent:
    """A new file with its first career event (recruitment, or the entry of a transfer)."""
    erreurs: dict[str, str] = {}
    if probleme := validation.ppr_erreur(ppr):
        erreurs["ppr"] = probleme
    identite = _normaliser_identite(identite)
    erreurs |= identite_erreurs({"nom_fr": "", "prenom_fr": "", **identite})
    erreurs |= situation_erreurs(recrutement, perimetre=perimetre)
    if not _valeur_texte(recrutement.get("unite_code")):
        erreurs["unite_code"] = _("L'unité d'affectation est obligatoire.")
    if erreurs:
        raise ValidationError(erreurs)
    try:
        with transaction.atomic():
            if Agent.objects.filter(ppr=ppr).exists():
                raise ValidationError(
                    {
                        "ppr": _("Un dossier existe déjà pour le PPR %(ppr)s dans cet ordonnateur.")
                        % {"ppr": ppr}
                    }
                )
            registre.ppr_inscrire(ppr=ppr)
            agent = Agent(ppr=ppr, **{k: v for k, v in identite.items() if k in CHAMPS_IDENTITE})
            if agent.date_recrutement is None and nature == NatureEvenement.RECRUTEMENT:
                agent.date_recrutement = date_effet
            cles_recalculer(agent)
            agent.save()
            for enfant in enfants or []:
                Enfant.objects.create(agent=agent, **enfant)
            EvenementCarriere.objects.create(
                agent=agent,
                nature=nature,
                date_effet=date_effet,
                source=source,
                auteur=auteur,
                reference=reference,
                **_completer(recrutement),
            )
            situation_rafraichir(agent)
            audit_services.audit_record(
                actor=auteur,
                action="personnel.agent_creer",
                object_type="agent",
                object_id=str(agent.id),
                data={"ppr": ppr, "nature": nature, "date_effet": date_effet.isoformat()},
            )
    except IntegrityError as erreur:
        # Two clerks (here or in another ordonnateur) registering the same PPR at the same
        # moment: the unique indexes decide, the loser is told in words, nothing is written.
        diagnostic = getattr(erreur.__cause__, "diag", None)
        if getattr(diagnostic, "constraint_name", None) not in CONTRAINTES_PPR:
            raise
        raise ValidationError(
            {
                "ppr": _(
                    "Le PPR %(ppr)s vient d'être enregistré par ailleurs : rechargez la page et "
                    "vérifiez le dossier existant."
                )
                % {"ppr": ppr}
            }
        ) from erreur
    return agent


def agent_modifier(*, auteur: str, agent: Agent, champs: Mapping[str, Any], motif: str) -> Agent:
    """Change identity, family or bank fields. The audit row names the fields and the reason."""
    inconnus = set(champs) - set(CHAMPS_IDENTITE)
    if inconnus:
        raise ValidationError(_("Champs non modifiables ici : %s") % ", ".join(sorted(inconnus)))
    if not motif.strip():
        raise ValidationError({"motif": _("Indiquez le motif de la modification.")})
    propres = _normaliser_identite(champs)
    if erreurs := identite_erreurs(propres):
        raise ValidationError(erreurs)
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        changes = {k: v for k, v in propres.items() if getattr(agent, k) != v}
        if not changes:
            return agent
        donnees: dict[str, Any] = {"motif": motif, "champs": sorted(changes)}
        donnees["avant"] = {k: str(getattr(agent, k)) for k in changes if k not in CHAMPS_SENSIBLES}
        donnees["apres"] = {k: str(v) for k, v in changes.items() if k not in CHAMPS_SENSIBLES}
        for champ, valeur in changes.items():
            setattr(agent, champ, valeur)
        cles_recalculer(agent)
        agent.save()
        audit_services.audit_record(
            actor=auteur,
            action="personnel.agent_modifier",
            object_type="agent",
            object_id=str(agent.id),
            data=donnees,
        )
    return agent


def evenement_ajouter(
    *,
    auteur: str,
    agent: Agent,
    nature: str,
    date_effet: date,
    valeurs: Mapping[str, Any],
    perimetre: Perimetre | None,
    reference: str = "",
    motif: str = "",
    source: str = SourceEvenement.SAISIE,
    verifier_poste: bool = True,
) -> EvenementCarriere:
    """`verifier_poste=False` for an act already visé by the Treasury: it is law, an
    over-occupied post shows on the posts page instead of refusing it."""
    if nature in (NatureEvenement.CORRECTION, NatureEvenement.ANNULATION):
        raise ValidationError(_("Utilisez « corriger » ou « annuler » sur l'événement concerné."))
    if nature not in NatureEvenement.values:
        raise ValidationError({"nature": _("Nature d'événement inconnue.")})
    utiles = _completer(valeurs)
    if not utiles and nature != NatureEvenement.SORTIE:
        raise ValidationError(_("L'événement ne change rien : indiquez au moins une valeur."))
    if erreurs := situation_erreurs(utiles, perimetre=perimetre):
        raise ValidationError(erreurs)
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        if nature == NatureEvenement.SORTIE:
            utiles.setdefault("position", Position.CESSATION)
        evenement = EvenementCarriere.objects.create(
            agent=agent,
            nature=nature,
            date_effet=date_effet,
            reference=reference,
            motif=motif,
            source=source,
            auteur=auteur,
            **utiles,
        )
        situation_rafraichir(agent, verifier_poste=verifier_poste)
        audit_services.audit_record(
            actor=auteur,
            action="personnel.evenement_ajouter",
            object_type="agent",
            object_id=str(agent.id),
            data={
                "evenement": evenement.id,
                "nature": nature,
                "date_effet": date_effet.isoformat(),
                "valeurs": {k: str(v) for k, v in utiles.items()},
            },
        )
    return evenement


def evenement_corriger(
    *,
    auteur: str,
    evenement: EvenementCarriere,
    date_effet: date,
    valeurs: Mapping[str, Any],
    motif: str,
    perimetre: Perimetre | None,
    source: str = SourceEvenement.SAISIE,
    reference: str = "",
    verifier_poste: bool = True,
) -> EvenementCarriere:
    """Supersede an event with a restated one (its whole values, at its own date)."""
    return _remplacer(
        auteur=auteur,
        evenement=evenement,
        nature=NatureEvenement.CORRECTION,
        date_effet=date_effet,
        valeurs=valeurs,
        motif=motif,
        perimetre=perimetre,
        source=source,
        reference=reference,
        verifier_poste=verifier_poste,
    )


def evenement_annuler(
    *,
    auteur: str,
    evenement: EvenementCarriere,
    motif: str,
    source: str = SourceEvenement.SAISIE,
    reference: str = "",
) -> EvenementCarriere:
    return _remplacer(
        auteur=auteur,
        evenement=evenement,
        nature=NatureEvenement.ANNULATION,
        date_effet=evenement.date_effet,
        valeurs={},
        motif=motif,
        perimetre=None,
        source=source,
        reference=reference,
        verifier_poste=False,
    )


def _remplacer(
    *,
    auteur: str,
    evenement: EvenementCarriere,
    nature: str,
    date_effet: date,
    valeurs: Mapping[str, Any],
    motif: str,
    perimetre: Perimetre | None,
    source: str,
    reference: str,
    verifier_poste: bool,
) -> EvenementCarriere:
    if not motif.strip():
        raise ValidationError({"motif": _("Indiquez le motif : il reste dans l'historique.")})
    utiles = _completer(valeurs)
    if nature == NatureEvenement.CORRECTION and not utiles:
        raise ValidationError(_("La correction doit redonner les valeurs de l'événement."))
    if erreurs := situation_erreurs(utiles, perimetre=perimetre):
        raise ValidationError(erreurs)
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=evenement.agent_id)
        if EvenementCarriere.objects.filter(remplace_id=evenement.id).exists():
            raise ValidationError(
                _("Cet événement a déjà été corrigé ou annulé : agissez sur le plus récent.")
            )
        if nature == NatureEvenement.ANNULATION and evenement.nature == NatureEvenement.ANNULATION:
            raise ValidationError(
                _("Une annulation ne s'annule pas : corrigez l'événement d'origine.")
            )
        nouveau = EvenementCarriere.objects.create(
            agent=agent,
            nature=nature,
            date_effet=date_effet,
            remplace=evenement,
            motif=motif,
            source=source,
            reference=reference,
            auteur=auteur,
            **utiles,
        )
        situation_rafraichir(agent, verifier_poste=verifier_poste)
        audit_services.audit_record(
            actor=auteur,
            action=f"personnel.evenement_{nature}",
            object_type="agent",
            object_id=str(agent.id),
            data={"evenement": nouveau.id, "remplace": evenement.id, "motif": motif},
        )
    return nouveau


def situations_echues_rafraichir(*, le: date | None = None) -> int:
    """Refresh the agents one of whose events took effect after their cached situation (a
    daily job): those agents only, found in one query."""
    jour = le or timezone.localdate()
    ids = list(
        EvenementCarriere.objects.filter(date_effet__lte=jour)
        .filter(Q(agent__situation_du__isnull=True) | Q(date_effet__gt=F("agent__situation_du")))
        .values_list("agent_id", flat=True)
        .distinct()
    )
    for agent in Agent.objects.filter(id__in=ids):
        with transaction.atomic():
            situation_rafraichir(agent, le=jour, verifier_poste=False)
    return len(ids)
