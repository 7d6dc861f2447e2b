"""Writes to acts. Each is one transaction with its transition row and its audit row.

Transitions lock the act's row and re-read its state: two valideurs validating the same act at
the same moment cannot both succeed, the second is told who was first. A visa writes the act
into the agent's file (career events, family, indemnities) in the same transaction: either
both happen or neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit_services
from modules.actes import etats, impact, recettes
from modules.actes.etats import Partie
from modules.actes.models import (
    Acte,
    Bordereau,
    Compteur,
    Etat,
    LigneBordereau,
    Observation,
    PieceActe,
    Transition,
    VersionActe,
)
from modules.actes.types import CATALOGUE, Anomalie, Contexte, TypeActe, type_get
from modules.personnel import facade as personnel
from modules.unites import facade as unites
from modules.unites.perimetres import TOUT, Perimetre

# --- numbering ------------------------------------------------------------------------------


def _suivant(cle: str) -> int:
    """The next number of a sequence, inside the caller's transaction (gapless: the row lock
    is held until commit, a rolled-back transaction gives its number back)."""
    compteur, _cree = Compteur.objects.select_for_update().get_or_create(cle=cle)
    compteur.valeur += 1
    compteur.save(update_fields=["valeur"])
    return compteur.valeur


def _numero_acte(annee: int) -> str:
    return f"{annee}-{_suivant(f'acte:{annee}'):06d}"


def _numero_bordereau(emetteur: str, annee: int) -> str:
    return f"BE-{annee}-{emetteur or 'ORD'}-{_suivant(f'bordereau:{emetteur}:{annee}'):05d}"


# --- context, checks, impact ------------------------------------------------------------------


def _type(code: str) -> TypeActe:
    type_acte = type_get(code)
    if type_acte is None:
        raise ValidationError({"type_code": _("Type d'acte inconnu : %(c)s.") % {"c": code}})
    return type_acte


def contexte(
    *,
    perimetre: Perimetre,
    type_acte: TypeActe,
    date_effet: date,
    agent_id: int | None,
    origine: Acte | None = None,
    sauf_acte: int | None = None,
) -> Contexte:
    """What a handler needs, read through the personnel facade in the caller's perimeter."""
    if not type_acte.concerne_agent or agent_id is None:
        return Contexte(perimetre=perimetre, date_effet=date_effet)
    agent = personnel.agent_resume(perimetre=perimetre, agent_id=agent_id)
    if agent is None:
        raise ValidationError({"agent": _("Agent introuvable dans votre périmètre.")})
    dossier = personnel.dossier_paie(perimetre=perimetre, agent_id=agent_id)
    evenements = personnel.evenements_en_vigueur(perimetre=perimetre, agent_id=agent_id) or []
    origine_evenements: tuple[int, ...] = ()
    projection = None
    if origine is not None:
        origine_evenements = tuple(int(e) for e in origine.evenements)
        projection = personnel.Projection(sans_evenements=origine_evenements)
    veille = date_effet - timedelta(days=1)
    situation = dossier.situation(veille, projection) if dossier else None
    autres = Acte.objects.filter(agent_id=agent_id).exclude(
        etat__in=[Etat.VISE, Etat.INTEGRE_PAIE, Etat.ANNULE]
    )
    if sauf_acte is not None:
        autres = autres.exclude(id=sauf_acte)
    en_cours = tuple(autres.values_list("type_code", flat=True))
    return Contexte(
        perimetre=perimetre,
        date_effet=date_effet,
        agent=agent,
        situation=situation,
        evenements=tuple(evenements),
        origine_type=origine.type_code if origine else "",
        origine_donnees=origine.versions.get(numero=origine.version).donnees if origine else {},
        origine_evenements=origine_evenements,
        origine_date_effet=origine.date_effet if origine else None,
        en_cours=en_cours,
    )


def _pieces_manquantes(acte: Acte, type_acte: TypeActe, donnees: Mapping[str, Any]) -> list[str]:
    presentes = set(acte.pieces.filter(retire=False).values_list("type_piece", flat=True))
    return [p for p in type_acte.pieces(donnees) if p not in presentes]


def _evaluer(
    *, version: VersionActe, type_acte: TypeActe, ctx: Contexte, donnees: dict[str, Any]
) -> None:
    """Run the checks and the impact on a version (saved by the caller)."""
    anomalies: list[Anomalie] = type_acte.verifier(ctx, donnees)
    resultat, connu_au = impact.impact_calculer(type_acte=type_acte, ctx=ctx, donnees=donnees)
    if resultat.get("erreur"):
        anomalies.append(Anomalie(str(resultat["erreur"])))
    version.anomalies = [a.en_dict() for a in anomalies]
    version.impact = resultat
    version.connu_au = connu_au


def _lire(type_acte: TypeActe, brutes: Mapping[str, Any], ctx: Contexte) -> dict[str, Any]:
    donnees, erreurs = type_acte.lire(brutes, ctx)
    if erreurs:
        raise ValidationError(erreurs)
    return donnees


def _audit(acte: Acte, action: str, auteur: str, **data: Any) -> None:
    audit_services.audit_record(
        actor=auteur,
        action=f"actes.{action}",
        object_type="acte",
        object_id=str(acte.id),
        data={"numero": acte.numero, "version": acte.version, **data},
    )


# --- drafting -------------------------------------------------------------------------------


def acte_creer(
    *,
    auteur: str,
    perimetre: Perimetre,
    type_code: str,
    date_effet: date,
    brutes: Mapping[str, Any],
    agent_id: int | None = None,
    origine: Acte | None = None,
) -> Acte:
    """A new draft. Field errors refuse it (nothing is saved); business checks are kept on the
    version as anomalies and block validation until corrected."""
    type_acte = _type(type_code)
    if type_acte.sur_acte:
        if origine is None or origine.etat not in (Etat.VISE, Etat.INTEGRE_PAIE):
            raise ValidationError(
                {"origine": _("Choisissez l'acte visé à rectifier ou à annuler.")}
            )
        agent_id = origine.agent_id
    if type_acte.concerne_agent and agent_id is None:
        raise ValidationError({"agent": _("Choisissez l'agent concerné.")})
    if date_effet > timezone.localdate() + timedelta(days=366):
        raise ValidationError(
            {"date_effet": _("La date d'effet est à plus d'un an : vérifiez l'année.")}
        )
    ctx = contexte(
        perimetre=perimetre,
        type_acte=type_acte,
        date_effet=date_effet,
        agent_id=agent_id,
        origine=origine,
    )
    donnees = _lire(type_acte, brutes, ctx)
    if ctx.agent is not None:
        unite_code = ctx.agent.unite_code
        if not unite_code and ctx.situation is not None:
            unite_code = ctx.situation.unite_code
    else:
        unite_code = str(donnees.get("unite_code", ""))
        codes = _codes(perimetre)
        if unite_code and codes != "all" and unite_code not in codes:
            raise ValidationError({"unite_code": _("Cette unité n'est pas dans votre périmètre.")})
    if not unite_code:
        raise ValidationError({"unite_code": _("L'unité de l'agent est inconnue.")})
    with transaction.atomic():
        acte = Acte.objects.create(
            numero=_numero_acte(timezone.localdate().year),
            type_code=type_code,
            agent_id=ctx.agent.id if ctx.agent else None,
            agent_ppr=ctx.agent.ppr if ctx.agent else str(donnees.get("ppr", "")),
            agent_nom=_nom(ctx, donnees),
            unite_code=unite_code,
            emetteur_code=unites.sous_ordonnateur_de(code=unite_code),
            date_effet=date_effet,
            acte_origine=origine,
            cree_par=auteur,
        )
        version = VersionActe(
            acte=acte, numero=1, donnees=donnees, date_effet=date_effet, redigee_par=auteur
        )
        _evaluer(version=version, type_acte=type_acte, ctx=ctx, donnees=donnees)
        version.save()
        Transition.objects.create(
            acte=acte,
            version=1,
            de=Etat.BROUILLON,
            vers=Etat.BROUILLON,
            par=auteur,
            motif=_("Création"),
        )
        _audit(acte, "creer", auteur, type=type_code, date_effet=date_effet.isoformat())
    return acte


def _codes(perimetre: Perimetre) -> set[str] | str:
    codes = unites.unite_codes(perimeter=perimetre)
    return "all" if codes == "all" else set(codes)


def _nom(ctx: Contexte, donnees: Mapping[str, Any]) -> str:
    if ctx.agent is not None:
        return f"{ctx.agent.nom_fr} {ctx.agent.prenom_fr}"[:210]
    return f"{donnees.get('nom_fr', '')} {donnees.get('prenom_fr', '')}".strip()[:210]


def _verrouiller(acte: Acte) -> Acte:
    return Acte.objects.select_for_update().get(pk=acte.pk)


def version_courante(acte: Acte) -> VersionActe:
    return acte.versions.get(numero=acte.version)


def acte_modifier(
    *,
    auteur: str,
    perimetre: Perimetre,
    acte: Acte,
    date_effet: date,
    brutes: Mapping[str, Any],
) -> Acte:
    """Edit a draft: its current version is rewritten (it has never been sent), checks and
    impact are recomputed. A submitted draft goes back to its author's hands."""
    type_acte = _type(acte.type_code)
    with transaction.atomic():
        acte = _verrouiller(acte)
        if acte.etat not in etats.MODIFIABLES:
            raise ValidationError(
                _("Cet acte est « %(etat)s » : seul un brouillon se modifie.")
                % {"etat": Etat(acte.etat).label}
            )
        ctx = contexte(
            perimetre=perimetre,
            type_acte=type_acte,
            date_effet=date_effet,
            agent_id=acte.agent_id,
            origine=acte.acte_origine,
            sauf_acte=acte.id,
        )
        donnees = _lire(type_acte, brutes, ctx)
        version = version_courante(acte)
        avant = version.donnees
        version.donnees = donnees
        version.date_effet = date_effet
        version.redigee_par = auteur
        _evaluer(version=version, type_acte=type_acte, ctx=ctx, donnees=donnees)
        version.save()
        acte.date_effet = date_effet
        acte.agent_nom = _nom(ctx, donnees) or acte.agent_nom
        if not type_acte.concerne_agent:
            acte.agent_ppr = str(donnees.get("ppr", ""))
        acte.soumis = False
        acte.save()
        _audit(
            acte,
            "modifier",
            auteur,
            champs=sorted(k for k in donnees if donnees.get(k) != avant.get(k)),
        )
    return acte


def acte_reevaluer(*, perimetre: Perimetre, acte: Acte) -> Acte:
    """Re-run the checks and the impact of a draft (after a document was added, or the file
    changed under it)."""
    version = version_courante(acte)
    return acte_modifier(
        auteur=version.redigee_par,
        perimetre=perimetre,
        acte=acte,
        date_effet=version.date_effet,
        brutes=version.donnees,
    )


# --- transitions ----------------------------------------------------------------------------


def _controler(
    *, acte: Acte, vers: Etat, partie: Partie, attendu: Iterable[str] | None = None
) -> Etat:
    """Refuse a transition the locked, re-read act cannot make (nothing written)."""
    de = Etat(acte.etat)
    if attendu is not None and de not in set(attendu):
        raise ValidationError(
            _("L'acte %(numero)s est déjà « %(etat)s » : rechargez la page.")
            % {"numero": acte.numero, "etat": de.label}
        )
    if not etats.possible(de, vers):
        raise ValidationError(
            _("Un acte « %(de)s » ne peut pas passer à « %(vers)s ».")
            % {"de": de.label, "vers": vers.label}
        )
    if not etats.autorise(de, vers, partie):
        raise ValidationError(
            _("Votre rôle ne permet pas de faire passer un acte de « %(de)s » à « %(vers)s ».")
            % {"de": de.label, "vers": vers.label}
        )
    return de


def _enregistrer(
    *, acte: Acte, de: Etat, vers: Etat, auteur: str, motif: str = "", **audit: Any
) -> Acte:
    """Write a checked transition: the act's state, one transition row, one audit row."""
    acte.etat = vers
    acte.etat_depuis = timezone.now()
    acte.save()
    Transition.objects.create(
        acte=acte, version=acte.version, de=de, vers=vers, par=auteur, motif=motif
    )
    _audit(acte, f"etat_{vers}", auteur, de=str(de), motif=motif, **audit)
    return acte


def _transition(
    *,
    acte: Acte,
    vers: Etat,
    partie: Partie,
    auteur: str,
    motif: str = "",
    attendu: Iterable[str] | None = None,
    **audit: Any,
) -> Acte:
    """Move a locked, re-read act (inside the caller's transaction)."""
    de = _controler(acte=acte, vers=vers, partie=partie, attendu=attendu)
    return _enregistrer(acte=acte, de=de, vers=vers, auteur=auteur, motif=motif, **audit)


def _role(partie: Partie, attendue: Partie, message: str) -> None:
    if partie != attendue:
        raise ValidationError(message)


def acte_soumettre(*, auteur: str, acte: Acte, partie: Partie = Partie.GESTIONNAIRE) -> Acte:
    """The gestionnaire hands the draft to the valideurs."""
    _role(
        partie,
        Partie.GESTIONNAIRE,
        _("Seul un gestionnaire (rédacteur) soumet un brouillon à validation."),
    )
    with transaction.atomic():
        acte = _verrouiller(acte)
        if acte.etat != Etat.BROUILLON:
            raise ValidationError(_("Seul un brouillon se soumet à validation."))
        acte.soumis = True
        acte.save(update_fields=["soumis", "modifie_le"])
        _audit(acte, "soumettre", auteur)
    return acte


def validation_obstacles(acte: Acte) -> list[str]:
    """Why the current version cannot be validated yet (empty: it can)."""
    version = version_courante(acte)
    type_acte = _type(acte.type_code)
    obstacles = [a["message"] for a in version.anomalies if a.get("bloquant")]
    manquantes = _pieces_manquantes(acte, type_acte, version.donnees)
    if manquantes:
        libelles = personnel.types_pieces()
        obstacles.append(
            _("Pièces justificatives manquantes : %(p)s.")
            % {"p": ", ".join(str(libelles.get(p, p)) for p in manquantes)}
        )
    if not version.impact:  # an engine error is already among the blocking anomalies
        obstacles.append(_("L'impact pécuniaire n'a pas pu être calculé."))
    return obstacles


def acte_valider(
    *, auteur: str, acte: Acte, motif: str = "", partie: Partie = Partie.VALIDEUR
) -> Acte:
    """The valideur signs a draft (not one they drafted: four-eyes). Of two valideurs at the
    same moment, the second waits for the first's lock and is told the act is already
    validated."""
    _role(partie, Partie.VALIDEUR, _("Seul un valideur valide un acte."))
    with transaction.atomic():
        acte = _verrouiller(acte)
        if acte.etat == Etat.BROUILLON:
            version = version_courante(acte)
            if auteur in (acte.cree_par, version.redigee_par):
                raise ValidationError(
                    _(
                        "Vous avez rédigé cet acte : un autre valideur doit le valider "
                        "(contrôle à quatre yeux)."
                    )
                )
            if obstacles := validation_obstacles(acte):
                raise ValidationError(obstacles)
        return _transition(
            acte=acte,
            vers=Etat.VALIDE,
            partie=partie,
            auteur=auteur,
            motif=motif,
            attendu=[Etat.BROUILLON],
        )


def acte_renvoyer(*, auteur: str, acte: Acte, motif: str, partie: Partie = Partie.VALIDEUR) -> Acte:
    """The valideur sends a validated act (not yet transmitted) back to the drafter."""
    _role(partie, Partie.VALIDEUR, _("Seul un valideur renvoie un acte validé au rédacteur."))
    if not motif.strip():
        raise ValidationError({"motif": _("Indiquez pourquoi l'acte est renvoyé au rédacteur.")})
    with transaction.atomic():
        acte = _verrouiller(acte)
        acte.soumis = False
        return _transition(
            acte=acte,
            vers=Etat.BROUILLON,
            partie=partie,
            auteur=auteur,
            motif=motif,
            attendu=[Etat.VALIDE],
        )


def acte_annuler(*, auteur: str, acte: Acte, motif: str, partie: Partie) -> Acte:
    if not motif.strip():
        raise ValidationError({"motif": _("Indiquez le motif de l'annulation.")})
    with transaction.atomic():
        return _transition(
            acte=_verrouiller(acte), vers=Etat.ANNULE, partie=partie, auteur=auteur, motif=motif
        )


def acte_corriger(*, auteur: str, acte: Acte, partie: Partie = Partie.GESTIONNAIRE) -> Acte:
    """After a rejection or a suspension: a new version (a copy of the answered one) goes back
    to draft; the answered version stays as it was, with its observations."""
    with transaction.atomic():
        acte = _verrouiller(acte)
        de = _controler(
            acte=acte, vers=Etat.BROUILLON, partie=partie, attendu=[Etat.REJETE, Etat.EN_SUSPENS]
        )
        precedente = version_courante(acte)
        acte.version += 1
        acte.soumis = False
        VersionActe.objects.create(
            acte=acte,
            numero=acte.version,
            donnees=precedente.donnees,
            date_effet=precedente.date_effet,
            anomalies=precedente.anomalies,
            impact=precedente.impact,
            connu_au=precedente.connu_au,
            redigee_par=auteur,
        )
        return _enregistrer(
            acte=acte,
            de=de,
            vers=Etat.BROUILLON,
            auteur=auteur,
            motif=_("Correction après réponse du Trésor (version %(v)d)")
            % {"v": precedente.numero},
            precedente=precedente.numero,
        )


def bordereaux_constituer(
    *, auteur: str, actes: Sequence[Acte], partie: Partie = Partie.VALIDEUR
) -> list[Bordereau]:
    """Transmit validated acts: one numbered bordereau per emitter (the ordonnateur or a
    sous-ordonnateur), each act's current version on it. All or nothing: the acts are locked
    in id order, so of two valideurs sending overlapping acts the second is refused, and the
    bordereau numbers stay gapless (a refused transaction gives its numbers back)."""
    _role(partie, Partie.VALIDEUR, _("Seul un valideur transmet des actes au Trésor."))
    if not actes:
        raise ValidationError(_("Choisissez au moins un acte validé à transmettre."))
    with transaction.atomic():
        verrouilles = list(
            Acte.objects.select_for_update().filter(id__in=[a.id for a in actes]).order_by("id")
        )
        par_emetteur: dict[str, list[Acte]] = {}
        for acte in verrouilles:
            if acte.etat != Etat.VALIDE:
                raise ValidationError(
                    _("L'acte %(numero)s n'est pas (ou plus) validé : rechargez la page.")
                    % {"numero": acte.numero}
                )
            par_emetteur.setdefault(acte.emetteur_code, []).append(acte)
        annee = timezone.localdate().year
        bordereaux = []
        for emetteur, groupe in sorted(par_emetteur.items()):
            bordereau = Bordereau.objects.create(
                numero=_numero_bordereau(emetteur, annee),
                emetteur_code=emetteur,
                cree_par=auteur,
                nombre_actes=len(groupe),
            )
            for acte in groupe:
                LigneBordereau.objects.create(bordereau=bordereau, acte=acte, version=acte.version)
                acte.bordereau = bordereau
                _transition(
                    acte=acte,
                    vers=Etat.TRANSMIS,
                    partie=partie,
                    auteur=auteur,
                    motif=bordereau.numero,
                )
                VersionActe.objects.filter(acte=acte, numero=acte.version).update(
                    transmise_le=timezone.now()
                )
            audit_services.audit_record(
                actor=auteur,
                action="actes.bordereau_constituer",
                object_type="bordereau",
                object_id=str(bordereau.id),
                data={"numero": bordereau.numero, "actes": [a.numero for a in groupe]},
            )
            bordereaux.append(bordereau)
    return bordereaux


# --- the Treasury's responses (the service API the exchange calls) ------------------------


@dataclass(frozen=True)
class ObservationRecue:
    code: str
    texte: str
    champ: str = ""


def reponse_appliquer(
    *,
    acte_id: int,
    version: int,
    etat: str,
    numero_visa: str = "",
    observations: Sequence[ObservationRecue] = (),
    auteur: str = "tresor",
) -> Acte:
    """Apply one response of the Treasury to one version of one act: pris en charge, visé
    (with its visa number: the act is written into the file), rejeté or en suspens (with coded
    observations). A response about another version than the act's current one, or that the
    state machine does not allow, is refused and changes nothing. The same response applied
    twice is a no-op (the exchange may deliver a file again)."""
    try:
        cible = Etat(etat)
    except ValueError:
        raise ValidationError(_("Réponse du Trésor inconnue : %(e)s.") % {"e": etat}) from None
    if cible not in (Etat.PRIS_EN_CHARGE, *etats.ISSUES):
        raise ValidationError(
            _("« %(e)s » n'est pas une réponse du Trésor sur un acte.") % {"e": cible.label}
        )
    with transaction.atomic():
        acte = Acte.objects.select_for_update().filter(id=acte_id).first()
        if acte is None:
            raise ValidationError(_("Acte %(id)s inconnu.") % {"id": acte_id})
        if version != acte.version:
            raise ValidationError(
                _(
                    "La réponse concerne la version %(v)d de l'acte %(numero)s, dont la version "
                    "en cours est %(c)d : réponse ignorée."
                )
                % {"v": version, "numero": acte.numero, "c": acte.version}
            )
        courante = version_courante(acte)
        if acte.etat == cible and (cible != Etat.VISE or acte.numero_visa == numero_visa.strip()):
            return acte  # already applied
        if courante.issue == "rejete":
            raise ValidationError(
                _(
                    "La version %(v)d de l'acte %(numero)s a été rejetée : elle ne peut plus "
                    "changer d'état."
                )
                % {"v": version, "numero": acte.numero}
            )
        if cible == Etat.VISE and not numero_visa.strip():
            raise ValidationError(_("Un visa sans numéro de visa est refusé."))
        if cible in (Etat.REJETE, Etat.EN_SUSPENS) and not observations:
            raise ValidationError(_("Un rejet ou une suspension doit porter des observations."))
        de = _controler(acte=acte, vers=cible, partie=Partie.TRESOR)
        audit: dict[str, Any] = {}
        if cible == Etat.VISE:
            audit = _viser(acte, courante, numero_visa=numero_visa.strip(), auteur=auteur)
        for observation in observations:
            Observation.objects.create(
                acte=acte,
                version=version,
                code=observation.code,
                champ=observation.champ,
                texte=observation.texte,
            )
        if cible in etats.ISSUES:
            courante.issue = etats.ISSUES[cible]
            courante.save(update_fields=["issue", "modifiee_le"])
        return _enregistrer(
            acte=acte,
            de=de,
            vers=cible,
            auteur=auteur,
            motif="; ".join(f"{o.code} {o.texte}" for o in observations)[:2000],
            **audit,
        )


def _viser(acte: Acte, version: VersionActe, *, numero_visa: str, auteur: str) -> dict[str, Any]:
    """Write the visé act into the agent's file (inside the visa's transaction, before its
    transition row is written); what it wrote goes into the transition's audit row."""
    type_acte = _type(acte.type_code)
    ctx = contexte(
        perimetre=TOUT,
        type_acte=type_acte,
        date_effet=version.date_effet,
        agent_id=acte.agent_id,
        origine=acte.acte_origine,
        sauf_acte=acte.id,
    )
    # Pay already made on the old situation: the ordre de recette (before the file changes).
    recette = recettes.ordre_recette_etablir(
        acte=acte, type_acte=type_acte, ctx=ctx, donnees=version.donnees, auteur=auteur
    )
    effet = type_acte.appliquer(
        ctx, version.donnees, auteur=f"{auteur} (visa {numero_visa})", reference=acte.numero
    )
    acte.numero_visa = numero_visa
    acte.vise_le = timezone.now()
    acte.evenements = list(effet.evenements)
    if effet.agent_id is not None:
        acte.agent_id = effet.agent_id
    return {"visa": numero_visa, "evenements": list(effet.evenements), **recette}


def acte_integrer_paie(*, acte_id: int, auteur: str = "tresor") -> Acte:
    """The visé act reached the pay run (told by the exchange); applied twice, a no-op."""
    with transaction.atomic():
        acte = Acte.objects.select_for_update().filter(id=acte_id).first()
        if acte is None:
            raise ValidationError(_("Acte %(id)s inconnu.") % {"id": acte_id})
        if acte.etat == Etat.INTEGRE_PAIE:
            return acte
        return _transition(acte=acte, vers=Etat.INTEGRE_PAIE, partie=Partie.TRESOR, auteur=auteur)


def bordereau_marquer_envoye(
    *, bordereau_id: int, envoye_le: datetime | None = None, auteur: str = "echange"
) -> Bordereau:
    """The exchange sent the bordereau's file to the Treasury. Marked once: a second call
    (a retried sending) changes nothing."""
    with transaction.atomic():
        bordereau = Bordereau.objects.select_for_update().filter(id=bordereau_id).first()
        if bordereau is None:
            raise ValidationError(_("Bordereau %(id)s inconnu.") % {"id": bordereau_id})
        if bordereau.envoye_le is not None:
            return bordereau
        bordereau.envoye_le = envoye_le or timezone.now()
        bordereau.save(update_fields=["envoye_le"])
        audit_services.audit_record(
            actor=auteur,
            action="actes.bordereau_envoye",
            object_type="bordereau",
            object_id=str(bordereau.id),
            data={"numero": bordereau.numero, "envoye_le": bordereau.envoye_le.isoformat()},
        )
    return bordereau


# --- supporting documents -------------------------------------------------------------------


def piece_ajouter(
    *, auteur: str, acte: Acte, type_piece: str, contenu: Any, nom_fichier: str
) -> PieceActe:
    """Check and store a document (PDF, JPEG, PNG) for a draft. Raises DocumentRefuse."""
    if type_piece not in personnel.types_pieces():
        raise ValidationError({"type_piece": _("Type de pièce inconnu.")})
    stocke = personnel.document_stocker(contenu=contenu, nom_fichier=nom_fichier)
    with transaction.atomic():
        acte = _verrouiller(acte)
        if acte.etat != Etat.BROUILLON:
            raise ValidationError(_("Les pièces s'ajoutent à un brouillon."))
        piece = PieceActe.objects.create(
            acte=acte,
            type_piece=type_piece,
            nom_fichier=nom_fichier[:255],
            content_type=stocke.content_type,
            taille=stocke.taille,
            sha256=stocke.sha256,
            ajoute_par=auteur,
        )
        _audit(acte, "piece_ajouter", auteur, piece=piece.id, type=type_piece)
    return piece


def piece_retirer(*, auteur: str, acte: Acte, piece_id: int) -> None:
    with transaction.atomic():
        acte = _verrouiller(acte)
        if acte.etat != Etat.BROUILLON:
            raise ValidationError(_("Les pièces se retirent d'un brouillon."))
        trouvees = PieceActe.objects.filter(acte=acte, id=piece_id, retire=False).update(
            retire=True
        )
        if not trouvees:
            raise PieceActe.DoesNotExist
        _audit(acte, "piece_retirer", auteur, piece=piece_id)


def types_disponibles() -> list[TypeActe]:
    return sorted(CATALOGUE.values(), key=lambda t: str(t.libelle))
