"""National rollout: plan, apply and follow a manifest of ordonnateurs (ADR 0005).

`rollout_apply` provisions each ordonnateur in steps — `organisation` (schema from the warm pool
or cloned from the template, domain, audit), `identite` (Keycloak Organization with its domain
and redirect URL, read back), `administrateur` (invitation of the initial admin with the `admin`
habilitation group) — and records each finished step in `DeploiementOrganisation`. Every step
is idempotent, and a finished one is never redone: a second apply changes nothing, and a run
killed half-way is finished by the next one without duplicates.

Each ordonnateur runs on a fresh database connection (cloning over one long-lived connection
degrades to ~30 s a clone), in `parallel` worker processes; one ordonnateur's error is recorded
on its row and the others go on.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from audit import services as audit_services
from exchange import cles as echange_cles
from exchange import facade as echange_facade
from identity import facade as identity_facade
from identity.habilitations import Habilitation
from modules.habilitations import services as habilitations_services
from onboarding.manifeste import LigneManifeste
from onboarding.models import DeploiementOrganisation, EtatDeploiement
from tenants import services as tenant_services
from tenants.models import Organisation

# `echange`: the default exchange settings of a new ordonnateur — its signing key, its public
# key published in the drop for the Treasury (ADR 0007 §3).
ETAPES = ("organisation", "identite", "echange", "administrateur")
CHAMPS_LIGNE = (
    "vague",
    "kind",
    "name_fr",
    "name_ar",
    "parent",
    "admin_email",
    "admin_first_name",
    "admin_last_name",
)


class Action:
    CREER = "creer"
    REPRENDRE = "reprendre"
    METTRE_A_JOUR = "mettre_a_jour"
    AUCUNE = "aucune"
    CONFLIT = "conflit"


@dataclass(frozen=True)
class ActionPlan:
    code: str
    vague: int
    action: str
    etapes: tuple[str, ...]
    remarques: tuple[str, ...] = ()


@dataclass(frozen=True)
class RapportOrganisation:
    code: str
    vague: int
    etat: str
    etapes_faites: tuple[str, ...]
    secondes: float
    erreur: str = ""


def _dans_la_vague(lignes: Iterable[LigneManifeste], vague: int | None) -> list[LigneManifeste]:
    return sorted(
        (x for x in lignes if vague is None or x.wave == vague), key=lambda x: (x.wave, x.code)
    )


def _etapes_a_faire(*, admin_email: str, faites: Iterable[str]) -> tuple[str, ...]:
    """The steps still to run; no admin e-mail, no invitation."""
    deja = set(faites)
    return tuple(e for e in ETAPES if e not in deja and (e != "administrateur" or admin_email))


def rollout_plan(*, lignes: list[LigneManifeste], vague: int | None = None) -> list[ActionPlan]:
    """What `apply` would do, line by line; reads three queries whatever the manifest's size."""
    choisies = _dans_la_vague(lignes, vague)
    codes = [x.code for x in choisies]
    dans_manifeste = {x.code for x in lignes}
    parents_hors = {x.parent for x in choisies if x.parent and x.parent not in dans_manifeste}
    organisations = {
        o.code: o for o in Organisation.objects.filter(code__in=[*codes, *parents_hors])
    }
    etats = {d.code: d for d in DeploiementOrganisation.objects.filter(code__in=codes)}
    plan: list[ActionPlan] = []
    for ligne in choisies:
        existante = organisations.get(ligne.code)
        etat = etats.get(ligne.code)
        remarques: list[str] = []
        if ligne.parent in parents_hors and ligne.parent not in organisations:
            plan.append(
                ActionPlan(
                    ligne.code,
                    ligne.wave,
                    Action.CONFLIT,
                    (),
                    (
                        _(
                            "parent « %(p)s » inconnu : ajoutez-le au manifeste ou corrigez la "
                            "colonne parent (ligne %(l)d)."
                        )
                        % {"p": ligne.parent, "l": ligne.ligne},
                    ),
                )
            )
            continue
        if existante is not None and existante.kind != ligne.kind:
            plan.append(
                ActionPlan(
                    ligne.code,
                    ligne.wave,
                    Action.CONFLIT,
                    (),
                    (
                        _(
                            "le code « %(c)s » existe déjà avec la nature « %(k)s » : changez le "
                            "code ou la nature (ligne %(l)d)."
                        )
                        % {"c": ligne.code, "k": existante.kind, "l": ligne.ligne},
                    ),
                )
            )
            continue
        if existante is not None and (
            existante.name_fr != ligne.name_fr or existante.name_ar != ligne.name_ar
        ):
            remarques.append(
                _("les noms en base diffèrent du manifeste ; le rollout ne les modifie pas.")
            )
        faites = etat.etapes if etat is not None else []
        if etat is not None and etat.admin_email != ligne.admin_email:
            faites = [e for e in faites if e != "administrateur"]
        a_faire = _etapes_a_faire(admin_email=ligne.admin_email, faites=faites)
        if existante is None and etat is None:
            action = Action.CREER
        elif a_faire and etat is not None and etat.etat == EtatDeploiement.TERMINE:
            action = Action.METTRE_A_JOUR
            remarques.append(_("nouvel administrateur : %(e)s") % {"e": ligne.admin_email})
        elif a_faire:
            action = Action.REPRENDRE
        else:
            action = Action.AUCUNE
        plan.append(ActionPlan(ligne.code, ligne.wave, action, a_faire, tuple(remarques)))
    return plan


def _etats_enregistrer(
    *, lignes: list[LigneManifeste], plan: list[ActionPlan], manifeste: str
) -> list[str]:
    """Create or update the state rows of the planned lines, set-based; returns the codes to
    run (a conflict is recorded as failed with its reason, and not run)."""
    par_code = {x.code: x for x in lignes}
    existants = {
        d.code: d for d in DeploiementOrganisation.objects.filter(code__in=[p.code for p in plan])
    }
    nouveaux: list[DeploiementOrganisation] = []
    modifies: list[DeploiementOrganisation] = []
    a_lancer: list[str] = []
    for action in plan:
        ligne = par_code[action.code]
        valeurs = {
            "vague": ligne.wave,
            "kind": ligne.kind,
            "name_fr": ligne.name_fr,
            "name_ar": ligne.name_ar,
            "parent": ligne.parent,
            "admin_email": ligne.admin_email,
            "admin_first_name": ligne.admin_first_name,
            "admin_last_name": ligne.admin_last_name,
            "manifeste": manifeste,
            "empreinte": ligne.empreinte,
        }
        etat = existants.get(action.code)
        if etat is None:
            etat = DeploiementOrganisation(code=action.code, **valeurs)
            nouveaux.append(etat)
        else:
            changement = etat.empreinte != ligne.empreinte or etat.manifeste != manifeste
            if etat.admin_email != ligne.admin_email:
                etat.etapes = [e for e in etat.etapes if e != "administrateur"]
                changement = True
            for champ, valeur in valeurs.items():
                setattr(etat, champ, valeur)
            if action.action == Action.CONFLIT:
                changement = True
            elif action.etapes and etat.etat == EtatDeploiement.TERMINE:
                etat.etat, changement = EtatDeploiement.A_FAIRE, True
            if changement:
                modifies.append(etat)
        if action.action == Action.CONFLIT:
            etat.etat, etat.erreur = EtatDeploiement.ECHEC, action.remarques[0]
        elif action.etapes:
            a_lancer.append(action.code)
    with transaction.atomic():
        DeploiementOrganisation.objects.bulk_create(nouveaux, batch_size=500)
        DeploiementOrganisation.objects.bulk_update(
            modifies,
            [*CHAMPS_LIGNE, "manifeste", "empreinte", "etapes", "etat", "erreur"],
            batch_size=500,
        )
        if nouveaux or modifies:
            audit_services.audit_record(
                actor="rollout",
                action="rollout.manifeste_enregistre",
                object_type="manifeste",
                object_id=manifeste,
                data={"nouveaux": len(nouveaux), "modifies": len(modifies)},
            )
    return a_lancer


# --- one ordonnateur ---------------------------------------------------------------------------


def _etape_organisation(etat: DeploiementOrganisation, actor: str) -> None:
    spec = tenant_services.OrganisationSpec(
        code=etat.code, kind=etat.kind, name_fr=etat.name_fr, name_ar=etat.name_ar
    )
    tenant_services.organisation_provision(spec=spec, actor=actor, sync_identity=False)


def _etape_identite(etat: DeploiementOrganisation, actor: str) -> None:
    organisation = Organisation.objects.get(code=etat.code)
    tenant_services.organisation_sync_identity(organisation=organisation)


def _etape_administrateur(etat: DeploiementOrganisation, actor: str) -> None:
    organisation = Organisation.objects.get(code=etat.code)
    with schema_context(organisation.schema_name):
        habilitations_services.member_invite(
            tenant_code=organisation.code,
            email=etat.admin_email,
            first_name=etat.admin_first_name or _("Administrateur"),
            last_name=etat.admin_last_name or organisation.name_fr[:100],
            habilitation=Habilitation(role="admin"),
            actor=actor,
        )


def _etape_echange(etat: DeploiementOrganisation, actor: str) -> None:
    partie = f"ORD:{etat.code}"
    if not echange_cles.cles_publiques(partie):
        echange_cles.cle_creer(partie=partie, auteur=actor)
    echange_cles.cles_publier(racine=echange_facade.depot_plateforme().racine, partie=partie)


ETAPE_FONCTIONS: dict[str, Callable[[DeploiementOrganisation, str], None]] = {
    "organisation": _etape_organisation,
    "identite": _etape_identite,
    "echange": _etape_echange,
    "administrateur": _etape_administrateur,
}


def _message(etape: str, error: Exception) -> str:
    if isinstance(error, ValidationError):
        detail = " ".join(error.messages)
    elif isinstance(error, identity_facade.KeycloakUnavailableError):
        detail = _(
            "Keycloak ne répond pas ; vérifiez qu'il tourne puis relancez « rollout apply »."
        )
    elif isinstance(error, tenant_services.TemplateSchemaMissingError):
        detail = _("le schéma modèle manque ; lancez « manage.py migrate_platform » puis relancez.")
    else:
        detail = f"{type(error).__name__}: {error}"
    return _("étape « %(e)s » : %(d)s") % {"e": etape, "d": detail}


def organisation_deployer(*, code: str, actor: str) -> RapportOrganisation:
    """Run the missing steps of one ordonnateur, on a fresh connection; never raises."""
    connections.close_all()
    debut = time.perf_counter()
    faites: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [f"rollout:{code}"])
        verrou = bool(cursor.fetchone()[0])
    etat = DeploiementOrganisation.objects.get(code=code)
    if not verrou:
        connections.close_all()
        return RapportOrganisation(
            code, etat.vague, etat.etat, (), 0.0, _("déjà en cours dans un autre processus")
        )
    try:
        etat.etat, etat.erreur, etat.tentatives = EtatDeploiement.EN_COURS, "", etat.tentatives + 1
        etat.debut = timezone.now()
        etat.save(update_fields=["etat", "erreur", "tentatives", "debut", "mis_a_jour"])
        for etape in _etapes_a_faire(admin_email=etat.admin_email, faites=etat.etapes):
            try:
                ETAPE_FONCTIONS[etape](etat, actor)
            except Exception as error:  # one ordonnateur's error never stops the others
                connection.set_schema_to_public()  # type: ignore[attr-defined]
                etat.etat, etat.erreur = EtatDeploiement.ECHEC, _message(etape, error)
                etat.save(update_fields=["etat", "erreur", "mis_a_jour"])
                return RapportOrganisation(
                    code,
                    etat.vague,
                    etat.etat,
                    tuple(faites),
                    time.perf_counter() - debut,
                    etat.erreur,
                )
            etat.etapes = [*etat.etapes, etape]
            etat.save(update_fields=["etapes", "mis_a_jour"])
            faites.append(etape)
        secondes = time.perf_counter() - debut
        with transaction.atomic():
            etat.etat, etat.fin, etat.duree_s = EtatDeploiement.TERMINE, timezone.now(), secondes
            etat.save(update_fields=["etat", "fin", "duree_s", "mis_a_jour"])
            audit_services.audit_record(
                actor=actor,
                action="rollout.organisation_deployee",
                object_type="organisation",
                object_id=code,
                data={"etapes": faites, "vague": etat.vague},
            )
        return RapportOrganisation(code, etat.vague, etat.etat, tuple(faites), secondes)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [f"rollout:{code}"])
        connections.close_all()


def rollout_apply(
    *,
    lignes: list[LigneManifeste],
    manifeste: str,
    actor: str,
    vague: int | None = None,
    parallel: int = 1,
    progression: Callable[[RapportOrganisation, int, int], None] | None = None,
) -> list[RapportOrganisation]:
    """Provision what the plan says, wave after wave; returns one report per line run."""
    plan = rollout_plan(lignes=lignes, vague=vague)
    codes = _etats_enregistrer(lignes=lignes, plan=plan, manifeste=manifeste)
    rapports = [
        RapportOrganisation(p.code, p.vague, EtatDeploiement.ECHEC, (), 0.0, p.remarques[0])
        for p in plan
        if p.action == Action.CONFLIT
    ]
    total = len(codes)
    if progression:
        for rapport in rapports:
            progression(rapport, 0, total)
    if parallel <= 1 or total <= 1:
        for index, code in enumerate(codes, start=1):
            rapport = organisation_deployer(code=code, actor=actor)
            rapports.append(rapport)
            if progression:
                progression(rapport, index, total)
        return rapports
    connections.close_all()  # forked workers must not share the parent's connection
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=parallel, mp_context=context) as executor:
        futures = [executor.submit(organisation_deployer, code=c, actor=actor) for c in codes]
        for index, future in enumerate(as_completed(futures), start=1):
            rapport = future.result()
            rapports.append(rapport)
            if progression:
                progression(rapport, index, total)
    return sorted(rapports, key=lambda r: (r.vague, r.code))


@dataclass(frozen=True)
class StatutVague:
    vague: int
    par_etat: dict[str, int]
    total: int


def rollout_status(
    *, codes: list[str] | None = None, vague: int | None = None
) -> tuple[list[StatutVague], list[DeploiementOrganisation]]:
    """Counts per wave and state (one grouped query) and the rows in error."""
    lignes = DeploiementOrganisation.objects.all()
    if codes is not None:
        lignes = lignes.filter(code__in=codes)
    if vague is not None:
        lignes = lignes.filter(vague=vague)
    compte: dict[int, Counter[str]] = {}
    for row in lignes.values("vague", "etat").order_by().annotate(n=Count("id")):
        compte.setdefault(row["vague"], Counter())[row["etat"]] = row["n"]
    vagues = [StatutVague(v, dict(c), sum(c.values())) for v, c in sorted(compte.items())]
    erreurs = list(lignes.filter(etat=EtatDeploiement.ECHEC).order_by("vague", "code")[:500])
    return vagues, erreurs
