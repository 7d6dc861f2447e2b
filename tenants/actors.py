"""Background jobs of the tenants app."""

import logging
from typing import Any, cast

import dramatiq
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from audit import services as audit_services
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
