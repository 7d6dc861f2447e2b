"""Writes on organisations (tenants) and on the platform's dead letters."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from audit import services as audit_services
from identity import facade as identity_facade
from tenants import pool
from tenants.models import (
    Domain,
    FailedJob,
    FailedJobStatus,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)

logger = logging.getLogger(__name__)


class TemplateSchemaMissingError(RuntimeError):
    """Tenants are cloned from the template schema; it must have been migrated first."""


@dataclass(frozen=True)
class OrganisationSpec:
    code: str
    kind: str
    name_fr: str
    name_ar: str


def schema_name_for(code: str) -> str:
    return "t_" + code.replace("-", "_")


def tenant_host(code: str) -> str:
    return f"{code}.{settings.INDIMAJ_APEX}"


def tenant_base_url(code: str) -> str:
    port = settings.INDIMAJ_WEB_PORT
    suffix = "" if port in (80, 443) else f":{port}"
    return f"{settings.INDIMAJ_SCHEME}://{tenant_host(code)}{suffix}"


PLATFORM_CODE = "plateforme"


def platform_tenant_ensure() -> Organisation:
    """The public schema's own row and the apex domain, so django-tenants routes the apex."""
    with transaction.atomic():
        platform, created = Organisation.objects.get_or_create(
            schema_name="public",
            defaults={
                "code": PLATFORM_CODE,
                "kind": OrganisationKind.PLATEFORME,
                "name_fr": "Plateforme INDIMAJ",
                "name_ar": "منصة اندماج",
                "status": OrganisationStatus.ACTIVE,
            },
        )
        Domain.objects.update_or_create(
            domain=settings.INDIMAJ_APEX, defaults={"tenant": platform, "is_primary": True}
        )
        if created:
            audit_services.audit_record(
                actor="system", action="platform.initialised", object_id=PLATFORM_CODE
            )
    return platform


def organisation_provision(
    *, spec: OrganisationSpec, actor: str, sync_identity: bool = True
) -> Organisation:
    """Create (or find) an organisation, its schema and its domain.

    Idempotent: provisioning an existing code changes nothing and returns it. The schema is
    claimed from the warm pool (a rename, milliseconds) or, when the pool is empty, cloned from
    the template (ADR 0005); the schema, the rows and the audit events are one transaction, so
    a provisioning killed half-way leaves nothing behind. The Keycloak side (an Organization
    with the tenant's domain and redirect URL) follows after commit and is reconciled by
    organisation_sync_identity; `sync_identity=False` leaves it to the caller (the rollout runs
    it as a step of its own and reports it).
    """
    if spec.kind not in OrganisationKind.values or spec.kind == OrganisationKind.PLATEFORME:
        raise ValidationError(_("Nature d'organisation inconnue : %(kind)s") % {"kind": spec.kind})
    existing = Organisation.objects.filter(code=spec.code).first()
    if existing is not None:
        return existing
    if not schema_exists(settings.TENANT_BASE_SCHEMA):
        raise TemplateSchemaMissingError(
            f"The template schema {settings.TENANT_BASE_SCHEMA!r} does not exist: "
            "run `python manage.py migrate_platform` first."
        )
    organisation = Organisation(
        code=spec.code,
        kind=spec.kind,
        name_fr=spec.name_fr,
        name_ar=spec.name_ar,
        schema_name=schema_name_for(spec.code),
        status=OrganisationStatus.ACTIVE,
    )
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        Domain.objects.create(domain=tenant_host(spec.code), tenant=organisation, is_primary=True)
        claimed = pool.pool_claim(schema_name=organisation.schema_name)
        if claimed is None:
            pool.template_clone(schema_name=organisation.schema_name)
        connection.set_schema_to_public()  # type: ignore[attr-defined]
        audit_services.audit_record(
            actor=actor,
            action="organisation.provisioned",
            object_type="organisation",
            object_id=spec.code,
            data={
                "kind": spec.kind,
                "schema": organisation.schema_name,
                "origine": "pool" if claimed else "clone",
            },
        )
        with schema_context(organisation.schema_name):
            audit_services.audit_record(
                actor=actor, action="organisation.created", object_id=spec.code
            )
    if sync_identity:
        transaction.on_commit(lambda: _sync_identity_or_defer(organisation))
    return organisation


def _sync_identity_or_defer(organisation: Organisation) -> None:
    """Push to Keycloak now; if it is unreachable the schema stays, and the periodic
    reconcile job (tenants.actors.identity_reconcile_all) pushes it later."""
    try:
        organisation_sync_identity(organisation=organisation)
    except identity_facade.KeycloakUnavailableError:
        logger.exception("Keycloak side of %s deferred to the reconcile job", organisation.code)


def organisation_sync_identity(*, organisation: Organisation) -> None:
    """Make Keycloak match the organisation (idempotent; safe to re-run at any time)."""
    identity_facade.tenant_identity_ensure(
        alias=organisation.code,
        name=organisation.name_fr,
        base_url=tenant_base_url(organisation.code),
    )


def failed_job_record(*, message: dict[str, Any], error: str) -> FailedJob:
    options = message.get("options", {})
    with schema_context("public"), transaction.atomic():
        failed, _created = FailedJob.objects.update_or_create(
            message_id=message["message_id"],
            defaults={
                "queue_name": message.get("queue_name", ""),
                "actor_name": message.get("actor_name", ""),
                "tenant_schema": options.get("tenant_schema") or "",
                "message": message,
                "error": error[-8000:],
                "status": FailedJobStatus.FAILED,
            },
        )
        audit_services.audit_record(
            actor="worker",
            action="job.failed",
            object_type="job",
            object_id=failed.message_id,
            data={"actor": failed.actor_name, "tenant": failed.tenant_schema},
        )
    return failed


def failed_job_retry(*, failed_job: FailedJob, actor: str) -> str:
    """Send the job again with fresh retries; returns the new message id."""
    import dramatiq

    from tenants.jobs import setup_broker

    if failed_job.status != FailedJobStatus.FAILED:
        raise ValidationError(_("Ce job a déjà été relancé ou abandonné."))
    broker = setup_broker()
    original = failed_job.message
    keep = {k: v for k, v in original.get("options", {}).items() if k in {"tenant_schema"}}
    message = dramatiq.Message(
        queue_name=original["queue_name"],
        actor_name=original["actor_name"],
        args=tuple(original.get("args", ())),
        kwargs=original.get("kwargs", {}),
        options=keep,
    )
    with transaction.atomic():
        failed_job.status = FailedJobStatus.RETRIED
        failed_job.retried_at = timezone.now()
        failed_job.retried_by = actor
        failed_job.save(update_fields=["status", "retried_at", "retried_by"])
        audit_services.audit_record(
            actor=actor,
            action="job.retried",
            object_type="job",
            object_id=failed_job.message_id,
            data={"new_message_id": message.message_id},
        )
        transaction.on_commit(lambda: broker.enqueue(message))
    return str(message.message_id)
