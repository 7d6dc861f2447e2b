"""Background jobs of the tenants app."""

import logging
from typing import Any, cast

import dramatiq
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from audit import services as audit_services
from identity import facade as identity_facade
from tenants import selectors
from tenants.jobs import tenant_actor

logger = logging.getLogger(__name__)


@tenant_actor(queue_name="default")
def tenant_ping(token: str) -> None:
    """Writes one audit row in the tenant's schema: proves a job ran where it was sent."""
    with transaction.atomic():
        audit_services.audit_record(
            actor="worker",
            action="job.ping",
            object_id=token,
            data={"schema": cast(Any, connection).schema_name},
        )


@dramatiq.actor(queue_name="default", max_retries=0)
def platform_heartbeat() -> None:
    """Sent by the scheduler every minute; /healthz and the console read the timestamp."""
    cache.set("scheduler:last_heartbeat", timezone.now().isoformat(), timeout=None)


@tenant_actor(queue_name="default")
def tenant_habilitations_reconcile() -> None:
    """The jobs' copy of this tenant's habilitations, re-read from Keycloak."""
    identity_facade.habilitation_copy_refresh(alias=str(cast(Any, connection).tenant.code))


@dramatiq.actor(queue_name="default", max_retries=0)
def habilitations_reconcile_all() -> None:
    """Sent by the scheduler: one small, separately retried job per active tenant."""
    for schema in selectors.organisation_list_active().values_list("schema_name", flat=True):
        tenant_habilitations_reconcile.send_with_options(tenant_schema=schema)


@tenant_actor(queue_name="default")
def tenant_identity_reconcile() -> None:
    """Keycloak's side of this tenant (organization, callback) made to match the database."""
    from tenants import services

    services.organisation_sync_identity(organisation=cast(Any, connection).tenant)


@dramatiq.actor(queue_name="default", max_retries=0)
def identity_reconcile_all() -> None:
    """Keycloak writes cannot join our transactions: what a provisioning committed but could
    not push (Keycloak down) is pushed here, idempotently, every 10 minutes."""
    for schema in selectors.organisation_list_active().values_list("schema_name", flat=True):
        tenant_identity_reconcile.send_with_options(tenant_schema=schema)
