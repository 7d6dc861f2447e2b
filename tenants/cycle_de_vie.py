"""A tenant's lifecycle: suspend, reactivate, archive.

    active ──suspendre──▶ suspendue ──reactiver──▶ active
    active | suspendue ──archiver──▶ archivee (final)

Suspended or archived, nobody logs in, open sessions end at their next request and API tokens
are refused (identity.organisations_etat, checked by identity.middleware on every request);
the data stay as they are. An archived tenant is suspended for good and its schema carries a
read-only marker (a comment on the schema, which `pg_dump` keeps): nothing of the application
writes there any more, and a restore brings the marker back with the schema.

Each change is one transaction writing the status and an audit row in two chains: the
platform's (public schema) and the tenant's own (so the tenant sees who cut its access and
why). Keycloak follows after commit: the tenant's Organization is disabled or enabled again.
Keycloak cannot join the transaction; if it is unreachable, the database side holds (the
middleware refuses every request) and `organisation_acces_reconcilier` makes Keycloak agree
later (the periodic reconcile may call it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from audit import services as audit_services
from identity import organisations_etat
from identity.keycloak_admin import KeycloakUnavailableError
from tenants.models import Organisation, OrganisationStatus

logger = logging.getLogger(__name__)

MARQUEUR_ARCHIVE = "INDIMAJ: organisation archivée le {date} — lecture seule"


@dataclass(frozen=True)
class ChangementStatut:
    organisation: Organisation
    avant: str
    apres: str
    # True: Keycloak agrees now; False: it was unreachable (the reconcile will catch up);
    # None: deferred to the commit of the caller's transaction.
    keycloak_a_jour: bool | None


def _verrouiller(organisation: Organisation) -> Organisation:
    if organisation.schema_name == "public":
        raise ValidationError(_("La plateforme elle-même ne se suspend pas et ne s'archive pas."))
    courante: Organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    return courante


def _motif_requis(motif: str) -> str:
    motif = motif.strip()
    if not motif:
        raise ValidationError(
            _("Indiquez le motif (par exemple la référence du courrier ou du ticket).")
        )
    return motif


def _enregistrer(
    organisation: Organisation, *, actor: str, action: str, avant: str, motif: str
) -> None:
    data = {"avant": avant, "apres": organisation.status, "motif": motif}
    with schema_context("public"):  # the platform's chain, whatever schema the caller was in
        audit_services.audit_record(
            actor=actor,
            action=action,
            object_type="organisation",
            object_id=organisation.code,
            data=data,
        )
    with schema_context(organisation.schema_name):
        audit_services.audit_record(
            actor=actor,
            action=action,
            object_type="organisation",
            object_id=organisation.code,
            data=data,
        )


def _keycloak_suivre(organisation: Organisation) -> bool | None:
    """After the commit, make the Organization's `enabled` follow the status."""
    actif = organisation.status not in organisations_etat.STATUTS_SANS_ACCES

    def appliquer() -> bool:
        try:
            organisations_etat.organisation_keycloak_activer(alias=organisation.code, actif=actif)
        except KeycloakUnavailableError:
            logger.exception("Keycloak side of %s deferred to the reconcile", organisation.code)
            return False
        return True

    if connection.in_atomic_block:
        transaction.on_commit(appliquer)
        return None
    return appliquer()


def _changer(
    *,
    organisation: Organisation,
    actor: str,
    motif: str,
    depuis: tuple[str, ...],
    vers: str,
    action: str,
    refus: str,
) -> ChangementStatut:
    motif = _motif_requis(motif)
    with schema_context("public"), transaction.atomic():
        courante = _verrouiller(organisation)
        avant = courante.status
        if avant not in depuis:
            raise ValidationError(
                refus % {"code": courante.code, "statut": courante.get_status_display()}
            )
        courante.status = vers
        courante.save(update_fields=["status"])
        if vers == OrganisationStatus.ARCHIVEE:
            marqueur = MARQUEUR_ARCHIVE.format(date=timezone.localdate().isoformat())
            with connection.cursor() as cursor:
                cursor.execute(
                    f'COMMENT ON SCHEMA "{courante.schema_name}" IS %s',
                    [marqueur],
                )
        _enregistrer(courante, actor=actor, action=action, avant=avant, motif=motif)
    organisation.status = courante.status
    return ChangementStatut(courante, avant, courante.status, _keycloak_suivre(courante))


def organisation_suspendre(
    *, organisation: Organisation, actor: str, motif: str
) -> ChangementStatut:
    """Nobody logs in any more, open sessions end, data kept; reversible."""
    return _changer(
        organisation=organisation,
        actor=actor,
        motif=motif,
        depuis=(OrganisationStatus.ACTIVE, OrganisationStatus.EN_PREPARATION),
        vers=OrganisationStatus.SUSPENDUE,
        action="organisation.suspendue",
        refus=_("« %(code)s » ne peut pas être suspendue : elle est déjà « %(statut)s »."),
    )


def organisation_reactiver(
    *, organisation: Organisation, actor: str, motif: str
) -> ChangementStatut:
    """Back to active: logins work again (members, groups and data were kept)."""
    return _changer(
        organisation=organisation,
        actor=actor,
        motif=motif,
        depuis=(OrganisationStatus.SUSPENDUE,),
        vers=OrganisationStatus.ACTIVE,
        action="organisation.reactivee",
        refus=_(
            "« %(code)s » ne peut pas être réactivée : elle est « %(statut)s » (seule une "
            "organisation suspendue se réactive ; une organisation archivée se restaure depuis "
            "sa sauvegarde)."
        ),
    )


def organisation_archiver(
    *, organisation: Organisation, actor: str, motif: str
) -> ChangementStatut:
    """Suspended for good, schema marked read-only. Final: there is no way back but a restore
    of a backup under a new decision."""
    return _changer(
        organisation=organisation,
        actor=actor,
        motif=motif,
        depuis=(
            OrganisationStatus.ACTIVE,
            OrganisationStatus.SUSPENDUE,
            OrganisationStatus.EN_PREPARATION,
        ),
        vers=OrganisationStatus.ARCHIVEE,
        action="organisation.archivee",
        refus=_("« %(code)s » est déjà « %(statut)s »."),
    )


def organisation_acces_reconcilier(*, organisation: Organisation) -> bool:
    """Make the Organization's `enabled` agree with the status (idempotent)."""
    actif = organisation.status not in organisations_etat.STATUTS_SANS_ACCES
    return organisations_etat.organisation_keycloak_activer(alias=organisation.code, actif=actif)


def marqueur_archive(*, organisation: Organisation) -> str | None:
    """The read-only marker on the tenant's schema, if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
            [organisation.schema_name],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]
