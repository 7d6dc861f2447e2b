"""Agents moving between ordonnateurs: inter-ministerial transfer, détachement, mise à
disposition, and the end of a détachement or mise à disposition (ADR 0004 §7).

The source proposes, the destination accepts or refuses, the source may cancel while nothing is
decided. Public tables hold only the move (`tenants.models.TransfertAgent`) and the national
registry (`InscriptionPpr`): no names, CIN or RIB. The file itself is read from the source's
schema and written into the destination's by the accepting request, inside ONE database
transaction that also covers the registry: a failure anywhere (a full budget post at the
destination, a stale proposal…) leaves both tenants and the registry as they were. Each step
appends to both tenants' audit chains; a chain lives in its own schema, so the step enters each
schema to write it.

What an accepted move does:
- `transfert`: source: `sortie` (position cessation, which frees its budget post); registry:
  `gestion` moves to the destination; destination: a new file (identity, children, the career
  events copied with source `transfert`, then an `entree` in the chosen unit and post), or, for
  an agent who once left it, its old file reopened by an `entree`;
- `detachement` / `mise_a_disposition`: the home keeps the career and `gestion` and records a
  `changement_position` (détachement frees the home post, mise à disposition keeps it); the host
  gets an `accueil` registry row and a hosted file: identity and an `entree` in its unit. In
  détachement the host pays, so grade, échelon and indice come along and it may hold one of the
  host's posts; in mise à disposition the home pays and keeps the post;
- `fin_accueil` (source = the host, destination = the home): host `sortie`, home back to
  `activite` in the chosen unit (and post), host's `accueil` row closed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from audit import services as audit_services
from modules.personnel import carriere, journal_acces, selectors, services
from modules.personnel.models import (
    CHAMPS_SITUATION,
    Agent,
    Enfant,
    EvenementCarriere,
    NatureEvenement,
    Position,
    SourceEvenement,
)
from modules.unites.perimetres import Perimetre
from tenants import registre
from tenants.models import (
    NatureTransfert,
    Organisation,
    RolePpr,
    StatutTransfert,
    TransfertAgent,
)

# What a détachement carries to the host, which pays the agent.
CHAMPS_GRADE = ("statut", "corps_code", "grade_code", "echelle", "echelon", "indice")
CHAMPS_ENFANT = ("prenom", "date_naissance", "handicape", "scolarise", "date_deces")
ACCUEILS = (NatureTransfert.DETACHEMENT, NatureTransfert.MISE_A_DISPOSITION)


@dataclass(frozen=True)
class Apercu:
    """What the destination is shown of a proposed agent before accepting (no CIN, no RIB)."""

    ppr: str
    nom_fr: str
    prenom_fr: str
    nom_ar: str
    prenom_ar: str
    grade_code: str
    echelon: str
    indice: int | None
    position: str


@dataclass(frozen=True)
class _Dossier:
    """The source's file, read in the source's schema, written in the destination's."""

    ppr: str
    identite: dict[str, Any]
    enfants: list[dict[str, Any]]
    evenements: list[EvenementCarriere]
    situation: carriere.SituationAdministrative


# --- Reads --------------------------------------------------------------------------------------


def transfert_entrant_get(*, transfert_id: int) -> TransfertAgent | None:
    """A move addressed to the current tenant; None for missing and for anyone else's."""
    ici = registre.organisation_courante()
    return registre.transferts_entrants(organisation=ici).filter(pk=transfert_id).first()


def transfert_sortant_get(*, perimetre: Perimetre, transfert_id: int) -> TransfertAgent | None:
    """A move the current tenant proposed for an agent in `perimetre`; None otherwise."""
    ici = registre.organisation_courante()
    sortants = registre.transferts_sortants(organisation=ici).filter(pk=transfert_id)
    return _dans(sortants, perimetre).first()


def _dans(transferts: QuerySet[TransfertAgent], perimetre: Perimetre) -> QuerySet[TransfertAgent]:
    if perimetre.tout:
        return transferts
    return transferts.filter(ppr__in=selectors.agents_scopes(perimetre=perimetre).values("ppr"))


def transferts_lister(
    *, voir: Perimetre, gerer: Perimetre, statut: str = "", limite: int = 100
) -> tuple[list[TransfertAgent], list[TransfertAgent]]:
    """(incoming, outgoing), most recent first. Outgoing: agents in `voir`. Incoming: all of
    them for whoever may accept into a unit (`gerer` not empty) or sees the whole tenant; else
    only those whose agent is now in `voir`."""
    ici = registre.organisation_courante()
    entrants = registre.transferts_entrants(organisation=ici)
    if gerer.vide:
        entrants = _dans(entrants, voir)
    sortants = _dans(registre.transferts_sortants(organisation=ici), voir)
    if statut:
        entrants, sortants = entrants.filter(statut=statut), sortants.filter(statut=statut)
    return list(entrants[:limite]), list(sortants[:limite])


def transfert_apercu(*, transfert: TransfertAgent, acteur: str) -> Apercu | None:
    """Who a pending move addressed to this tenant is about, read from the source's schema.
    The read goes to the SOURCE's access log: the ordonnateur holding the file sees who, at the
    destination, looked at it."""
    ici = registre.organisation_courante()
    if transfert.destination_id != ici.pk or transfert.statut != StatutTransfert.PROPOSE:
        return None
    with tenant_context(transfert.source):
        agent = (
            Agent.objects.filter(ppr=transfert.ppr)
            .only(*[f.name for f in fields(Apercu)], "id")
            .first()
        )
        if agent is None:
            return None
        journal_acces.consultation(
            acteur=f"{acteur}@{ici.code}"[:255],
            nature="fiche",
            agent_ids=[agent.pk],
            details=f"mouvement n° {transfert.pk}",
        )
    return Apercu(**{f.name: getattr(agent, f.name) for f in fields(Apercu)})


# --- Writes -------------------------------------------------------------------------------------


def transfert_proposer(
    *,
    auteur: str,
    agent: Agent,
    perimetre: Perimetre,
    destination_code: str,
    nature: str,
    date_effet: date,
    motif: str,
    reference: str = "",
) -> TransfertAgent:
    """The source proposes to move one of its agents (in the proposer's perimeter)."""
    ici = registre.organisation_courante()
    if selectors.agent_get(perimetre=perimetre, agent_id=agent.pk) is None:
        raise ValidationError(_("Cet agent est hors de votre périmètre."))
    erreurs: dict[str, str] = {}
    if nature not in NatureTransfert.values:
        erreurs["nature"] = _(
            "Nature inconnue : transfert, détachement, mise à disposition ou fin d'accueil."
        )
    if not motif.strip():
        erreurs["motif"] = _(
            "Indiquez le motif (décision, arrêté…) : il reste dans l'historique des deux "
            "ordonnateurs."
        )
    destination = registre.destination_get(code=destination_code)
    if destination is None:
        erreurs["destination"] = _("Choisissez un ordonnateur actif de la plateforme.")
    elif destination.pk == ici.pk:
        erreurs["destination"] = _("Choisissez un autre ordonnateur que le vôtre.")
    if erreurs:
        raise ValidationError(erreurs)
    assert destination is not None
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        origine = _mouvement_verifier(
            agent=agent, ici=ici, destination=destination, nature=nature, date_effet=date_effet
        )
        if (en_cours := registre.transfert_en_cours(ppr=agent.ppr)) is not None:
            raise ValidationError(_en_cours_message(en_cours))
        try:
            with transaction.atomic():
                transfert = TransfertAgent.objects.create(
                    ppr=agent.ppr,
                    source=ici,
                    destination=destination,
                    nature=nature,
                    date_effet=date_effet,
                    reference=reference.strip(),
                    motif=motif.strip(),
                    origine=origine,
                    propose_par=auteur,
                    propose_le=timezone.now(),
                )
        except IntegrityError:  # a concurrent proposal won the partial unique index
            raise ValidationError(
                _("Un autre mouvement vient d'être proposé pour cet agent : rechargez la page.")
            ) from None
        _auditer(transfert, auteur=auteur, action="personnel.transfert_proposer")
    return transfert


def transfert_accepter(
    *,
    auteur: str,
    transfert: TransfertAgent,
    perimetre: Perimetre,
    unite_code: str,
    poste_code: str = "",
) -> TransfertAgent:
    """The destination accepts: every step in both schemas and the registry, or none."""
    ici = registre.organisation_courante()
    if transfert.destination_id != ici.pk:
        raise ValidationError(_("Ce mouvement n'est pas adressé à votre organisation."))
    affectation = {"unite_code": unite_code.strip(), "poste_code": poste_code.strip()}
    erreurs: dict[str, str] = {}
    if not affectation["unite_code"]:
        erreurs["unite_code"] = _("Choisissez l'unité d'affectation de l'agent.")
    if affectation["poste_code"] and transfert.nature == NatureTransfert.MISE_A_DISPOSITION:
        erreurs["poste_code"] = _(
            "En mise à disposition, l'agent garde son poste budgétaire d'origine : "
            "n'en choisissez pas ici."
        )
    erreurs |= services.situation_erreurs(
        {k: v for k, v in affectation.items() if v}, perimetre=perimetre
    )
    if erreurs:
        raise ValidationError(erreurs)
    with transaction.atomic():
        transfert = registre.transfert_verrouiller(transfert_id=transfert.pk)
        _en_attente(transfert)
        source = transfert.source
        if not source.is_active:  # suspended or archived (read-only): its file cannot change
            raise ValidationError(
                _(
                    "« %(org)s » n'est plus active sur la plateforme : son dossier ne peut pas "
                    "changer. Refusez ce mouvement ou attendez sa réactivation."
                )
                % {"org": source.name_fr}
            )
        with tenant_context(source):
            dossier = _depart_enregistrer(transfert=transfert, auteur=auteur)
        _arrivee_enregistrer(
            transfert=transfert,
            dossier=dossier,
            auteur=auteur,
            perimetre=perimetre,
            affectation=affectation,
        )
        transfert.statut = StatutTransfert.ACCEPTE
        transfert.accepte_par = auteur
        transfert.accepte_le = timezone.now()
        transfert.save(update_fields=["statut", "accepte_par", "accepte_le"])
        _auditer(transfert, auteur=auteur, action="personnel.transfert_accepter", **affectation)
    return transfert


def transfert_refuser(*, auteur: str, transfert: TransfertAgent, motif: str) -> TransfertAgent:
    ici = registre.organisation_courante()
    if transfert.destination_id != ici.pk:
        raise ValidationError(_("Ce mouvement n'est pas adressé à votre organisation."))
    return _clore(transfert=transfert, auteur=auteur, motif=motif, statut=StatutTransfert.REFUSE)


def transfert_annuler(*, auteur: str, transfert: TransfertAgent, motif: str) -> TransfertAgent:
    ici = registre.organisation_courante()
    if transfert.source_id != ici.pk:
        raise ValidationError(_("Seul l'ordonnateur qui a proposé ce mouvement peut l'annuler."))
    return _clore(transfert=transfert, auteur=auteur, motif=motif, statut=StatutTransfert.ANNULE)


# --- Steps --------------------------------------------------------------------------------------


def _mouvement_verifier(
    *, agent: Agent, ici: Organisation, destination: Organisation, nature: str, date_effet: date
) -> TransfertAgent | None:
    """Why `ici` cannot move `agent` to `destination` now (a ValidationError); for a
    `fin_accueil`, the détachement or mise à disposition it ends."""
    ppr = agent.ppr
    origine = None
    if nature == NatureTransfert.FIN_ACCUEIL:
        origine = registre.accueil_en_cours(ppr=ppr, hote=ici)
        if origine is None:
            raise ValidationError(
                _(
                    "Vous n'accueillez pas cet agent en détachement ni en mise à disposition : "
                    "il n'y a pas d'accueil à terminer."
                )
            )
        if origine.source_id != destination.pk:
            raise ValidationError(
                {
                    "destination": _(
                        "La fin d'accueil se propose à l'ordonnateur d'origine, « %(org)s »."
                    )
                    % {"org": origine.source.name_fr}
                }
            )
    else:
        gestion = registre.gestionnaires(pprs=[ppr]).get(ppr)
        if gestion is None or gestion.pk != ici.pk:
            raise ValidationError(
                _(
                    "Le registre national n'inscrit pas votre organisation comme gestionnaire du "
                    "PPR %(ppr)s : seul l'ordonnateur qui tient la carrière peut proposer ce "
                    "mouvement."
                )
                % {"ppr": ppr}
            )
        if hotes := registre.accueils(ppr=ppr):
            raise ValidationError(
                _(
                    "L'agent est accueilli par « %(org)s » : mettez d'abord fin à ce "
                    "détachement ou à cette mise à disposition."
                )
                % {"org": hotes[0].name_fr}
            )
        if nature in ACCUEILS and agent.position != Position.ACTIVITE:
            raise ValidationError(
                _(
                    "Seul un agent en activité peut être détaché ou mis à disposition "
                    "(position actuelle : %(position)s)."
                )
                % {"position": Position(agent.position).label if agent.position else "—"}
            )
    if agent.position == Position.CESSATION:
        raise ValidationError(_("L'agent a cessé ses fonctions ici : il n'y a rien à déplacer."))
    en_vigueur = carriere.evenements_en_vigueur(agent.evenements.all())
    derniere = max((e.date_effet for e in en_vigueur), default=None)
    if derniere is not None and date_effet < derniere:
        raise ValidationError(
            {
                "date_effet": _(
                    "La date d'effet doit être au plus tôt celle du dernier événement de "
                    "carrière de l'agent (%(date)s)."
                )
                % {"date": derniere.strftime("%d/%m/%Y")}
            }
        )
    return origine


def _depart_enregistrer(*, transfert: TransfertAgent, auteur: str) -> _Dossier:
    """In the source's schema: check the move again, read the file, record the departure."""
    ici = transfert.source
    agent = Agent.objects.select_for_update().filter(ppr=transfert.ppr).first()
    if agent is None:
        raise ValidationError(
            _("Le dossier de l'agent n'existe plus chez « %(org)s » : refusez ce mouvement.")
            % {"org": ici.name_fr}
        )
    _mouvement_verifier(
        agent=agent,
        ici=ici,
        destination=transfert.destination,
        nature=transfert.nature,
        date_effet=transfert.date_effet,
    )
    evenements = list(agent.evenements.order_by("id"))
    dossier = _Dossier(
        ppr=agent.ppr,
        identite={champ: getattr(agent, champ) for champ in services.CHAMPS_IDENTITE},
        enfants=[{c: getattr(e, c) for c in CHAMPS_ENFANT} for e in agent.enfants.all()],
        evenements=evenements,
        situation=carriere.situation_plier(evenements, le=transfert.date_effet),
    )
    if transfert.nature in ACCUEILS:
        nature, valeurs = NatureEvenement.CHANGEMENT_POSITION, {"position": transfert.nature}
    else:
        nature, valeurs = NatureEvenement.SORTIE, {"position": Position.CESSATION}
    _evenement(agent=agent, transfert=transfert, auteur=auteur, nature=nature, valeurs=valeurs)
    if transfert.nature == NatureTransfert.TRANSFERT:
        registre.retirer(ppr=agent.ppr, organisation=ici, role=RolePpr.GESTION)
    elif transfert.nature == NatureTransfert.FIN_ACCUEIL:
        registre.retirer(ppr=agent.ppr, organisation=ici, role=RolePpr.ACCUEIL)
    return dossier


def _arrivee_enregistrer(
    *,
    transfert: TransfertAgent,
    dossier: _Dossier,
    auteur: str,
    perimetre: Perimetre,
    affectation: dict[str, str],
) -> None:
    """In the destination's schema (the current one)."""
    poste = {"poste_code": affectation["poste_code"]} if affectation["poste_code"] else {}
    unite = {"unite_code": affectation["unite_code"]}
    if transfert.nature == NatureTransfert.FIN_ACCUEIL:
        agent = selectors.agent_get_par_ppr(perimetre=perimetre, ppr=dossier.ppr)
        if agent is None or agent.position not in ACCUEILS:
            raise ValidationError(
                _(
                    "Aucun dossier en détachement ou en mise à disposition pour le PPR %(ppr)s "
                    "dans votre périmètre : l'agent ne peut pas y être réintégré."
                )
                % {"ppr": dossier.ppr}
            )
        valeurs = {"position": Position.ACTIVITE, **unite, **poste}
        _evenement(
            agent=agent,
            transfert=transfert,
            auteur=auteur,
            nature=NatureEvenement.CHANGEMENT_POSITION,
            valeurs=valeurs,
            perimetre=perimetre,
        )
        return
    grade = {c: v for c in CHAMPS_GRADE if (v := getattr(dossier.situation, c)) not in ("", None)}
    if transfert.nature == NatureTransfert.MISE_A_DISPOSITION:
        # The home pays and keeps the post: the host records where the agent works, no grade.
        entree: dict[str, Any] = {"position": Position.MISE_A_DISPOSITION, **unite}
    else:
        entree = {**grade, "position": Position.ACTIVITE, **unite, **poste}
    role = RolePpr.GESTION if transfert.nature == NatureTransfert.TRANSFERT else RolePpr.ACCUEIL
    registre.inscrire(ppr=dossier.ppr, role=role)
    agent = _dossier_ouvrir(transfert=transfert, dossier=dossier, auteur=auteur)
    _evenement(
        agent=agent,
        transfert=transfert,
        auteur=auteur,
        nature=NatureEvenement.ENTREE,
        valeurs=entree,
        perimetre=perimetre,
    )


def _dossier_ouvrir(*, transfert: TransfertAgent, dossier: _Dossier, auteur: str) -> Agent:
    """The destination's file for the PPR: a copy of the source's, or its own old one (the
    agent once left this ordonnateur) brought up to date."""
    existant = Agent.objects.select_for_update().filter(ppr=dossier.ppr).first()
    if existant is not None:
        if existant.position != Position.CESSATION:
            raise ValidationError(
                _(
                    "Un dossier en cours existe déjà ici pour le PPR %(ppr)s : clôturez-le "
                    "(sortie) ou refusez ce mouvement."
                )
                % {"ppr": dossier.ppr}
            )
        services.agent_modifier(
            auteur=auteur,
            agent=existant,
            champs=dossier.identite,
            motif=_("Identité reprise du dossier de « %(org)s » (mouvement n° %(id)s).")
            % {"org": transfert.source.name_fr, "id": transfert.pk},
        )
        connus = set(existant.enfants.values_list("prenom", "date_naissance"))
        Enfant.objects.bulk_create(
            Enfant(agent=existant, **e)
            for e in dossier.enfants
            if (e["prenom"], e["date_naissance"]) not in connus
        )
        return existant
    agent = Agent(ppr=dossier.ppr, **dossier.identite)
    services.cles_recalculer(agent)
    agent.save()
    Enfant.objects.bulk_create(Enfant(agent=agent, **e) for e in dossier.enfants)
    if transfert.nature == NatureTransfert.TRANSFERT:
        _historique_copier(agent=agent, evenements=dossier.evenements, source=transfert.source)
    audit_services.audit_record(
        actor=auteur,
        action="personnel.agent_creer",
        object_type="agent",
        object_id=str(agent.pk),
        data={
            "ppr": agent.ppr,
            "transfert": transfert.pk,
            "nature": transfert.nature,
            "evenements_copies": len(dossier.evenements)
            if transfert.nature == NatureTransfert.TRANSFERT
            else 0,
        },
    )
    return agent


def _historique_copier(
    *, agent: Agent, evenements: list[EvenementCarriere], source: Organisation
) -> None:
    """Copy the source's career events (corrections and annulations included, each still
    pointing at what it supersedes) in one statement, keeping when and by whom they were
    recorded. Unit and post codes are the source's own: they leave the fields (which would name
    this tenant's units and posts) for a note in the motif."""
    if not evenements:
        return
    table = EvenementCarriere._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(evenements)],
        )
        nouveaux = {e.pk: row[0] for e, row in zip(evenements, cursor.fetchall(), strict=True)}
        situation = [c for c in CHAMPS_SITUATION if c not in ("unite_code", "poste_code")]
        situation.append("quotite")  # a half-pay period goes with the career
        colonnes = (
            "id",
            "agent_id",
            "nature",
            "date_effet",
            *situation,
            "unite_code",
            "poste_code",
            "reference",
            "motif",
            "remplace_id",
            "source",
            "auteur",
            "enregistre_le",
        )
        lignes: list[Any] = []
        for e in evenements:
            lieu = " ".join(
                f"{nom}={code}"
                for nom, code in (("unite", e.unite_code), ("poste", e.poste_code))
                if code
            )
            note = f"[{source.code}{' ' + lieu if lieu else ''}]"
            lignes.extend(
                (
                    nouveaux[e.pk],
                    agent.pk,
                    e.nature,
                    e.date_effet,
                    *[getattr(e, c) for c in situation],
                    "",
                    "",
                    e.reference,
                    f"{e.motif}\n{note}" if e.motif else note,
                    nouveaux[e.remplace_id] if e.remplace_id else None,
                    SourceEvenement.TRANSFERT,
                    f"{source.code}:{e.auteur}"[:255],
                    e.enregistre_le,
                )
            )
        une = "(" + ", ".join(["%s"] * len(colonnes)) + ")"
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(table)} ({', '.join(colonnes)}) "  # noqa: S608
            f"VALUES {', '.join([une] * len(evenements))}",
            lignes,
        )


def _evenement(
    *,
    agent: Agent,
    transfert: TransfertAgent,
    auteur: str,
    nature: str,
    valeurs: dict[str, Any],
    perimetre: Perimetre | None = None,
) -> EvenementCarriere:
    """One career event of the move, through the personnel service (situation rebuilt, budget
    post checked, audit row in the current schema's chain)."""
    return services.evenement_ajouter(
        auteur=auteur,
        agent=agent,
        nature=nature,
        date_effet=transfert.date_effet,
        valeurs=valeurs,
        perimetre=perimetre,
        reference=(transfert.reference or f"mouvement n° {transfert.pk}")[:100],
        motif=_("%(nature)s : %(source)s → %(destination)s (mouvement n° %(id)s). %(motif)s")
        % {
            "nature": NatureTransfert(transfert.nature).label,
            "source": transfert.source.code,
            "destination": transfert.destination.code,
            "id": transfert.pk,
            "motif": transfert.motif,
        },
        source=SourceEvenement.TRANSFERT,
    )


def _en_attente(transfert: TransfertAgent) -> None:
    if transfert.statut != StatutTransfert.PROPOSE:
        raise ValidationError(
            _("Ce mouvement est déjà %(statut)s : il ne peut plus changer.")
            % {"statut": StatutTransfert(transfert.statut).label.lower()}
        )


def _en_cours_message(en_cours: TransfertAgent) -> str:
    return _(
        "Un mouvement est déjà en attente pour cet agent (%(nature)s de « %(source)s » vers "
        "« %(destination)s ») : attendez la réponse ou annulez-le."
    ) % {
        "nature": NatureTransfert(en_cours.nature).label,
        "source": en_cours.source.name_fr,
        "destination": en_cours.destination.name_fr,
    }


def _clore(*, transfert: TransfertAgent, auteur: str, motif: str, statut: str) -> TransfertAgent:
    if not motif.strip():
        raise ValidationError(
            {"motif": _("Indiquez le motif : l'autre ordonnateur le lira dans sa liste.")}
        )
    with transaction.atomic():
        transfert = registre.transfert_verrouiller(transfert_id=transfert.pk)
        _en_attente(transfert)
        transfert.statut = statut
        transfert.motif_decision = motif.strip()
        if statut == StatutTransfert.REFUSE:
            transfert.refuse_par, transfert.refuse_le = auteur, timezone.now()
        else:
            transfert.annule_par, transfert.annule_le = auteur, timezone.now()
        transfert.save()
        verbe = "refuser" if statut == StatutTransfert.REFUSE else "annuler"
        _auditer(transfert, auteur=auteur, action=f"personnel.transfert_{verbe}")
    return transfert


def _auditer(transfert: TransfertAgent, *, auteur: str, action: str, **details: str) -> None:
    """The same row in both tenants' chains (each in its own schema)."""
    ici = registre.organisation_courante()
    donnees: dict[str, Any] = {
        "ppr": transfert.ppr,
        "nature": transfert.nature,
        "statut": transfert.statut,
        "date_effet": transfert.date_effet.isoformat(),
        "source": transfert.source.code,
        "destination": transfert.destination.code,
        "par": ici.code,
    }
    if transfert.motif_decision:
        donnees["motif"] = transfert.motif_decision
    for organisation in (transfert.source, transfert.destination):
        # The other tenant's chain only learns where the move was decided, not our unit codes.
        extra = details if organisation.pk == ici.pk else {}
        with tenant_context(organisation):
            audit_services.audit_record(
                actor=auteur,
                action=action,
                object_type="transfert",
                object_id=str(transfert.pk),
                data={**donnees, **extra},
            )
