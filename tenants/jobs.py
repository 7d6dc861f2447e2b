"""Tenant-aware background jobs on dramatiq.

A job that touches tenant data is declared with ``@tenant_actor``. Sending it records the
current tenant's schema in the message options; the worker enters that schema before running
the job and leaves it after. A tenant job whose message names no tenant (or an unknown or
inactive one) fails loudly and at once, without retries: nothing ever defaults to ``public``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, cast

import dramatiq
from django.conf import settings
from django.db import close_old_connections, connection
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Middleware

from audit.context import job_id_var

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
# django-tenants' connection wrapper (set_tenant, schema_name…) is untyped.
db = cast(Any, connection)

TENANT_OPTION = "tenant_schema"
ERROR_OPTION = "indimaj_error"
PUBLIC_SCHEMA = "public"


class MissingTenantError(RuntimeError):
    """A tenant job was sent, or received, without a usable tenant."""


class TenantActor(dramatiq.Actor):  # type: ignore[type-arg]
    """An actor whose messages always carry the schema of the tenant they belong to."""

    def message_with_options(
        self,
        *,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        **options: Any,
    ) -> dramatiq.Message:  # type: ignore[type-arg]
        schema = options.get(TENANT_OPTION) or db.schema_name
        if not schema or schema == PUBLIC_SCHEMA:
            raise MissingTenantError(
                f"Job {self.actor_name!r} sent outside any tenant: enter the tenant's schema "
                f"or pass {TENANT_OPTION}=… to send_with_options()."
            )
        options[TENANT_OPTION] = schema
        return super().message_with_options(args=args, kwargs=kwargs or {}, **options)


def tenant_actor(**options: Any) -> Callable[[Callable[P, R]], dramatiq.Actor[P, R]]:
    """Declare a dramatiq actor that runs inside the schema of the tenant that sent it.

    Always called with parentheses: ``@tenant_actor(queue_name="default")``.
    """
    options.setdefault("max_retries", 3)
    decorator = dramatiq.actor(actor_class=TenantActor, tenant_scoped=True, **options)
    return cast(Callable[[Callable[P, R]], dramatiq.Actor[P, R]], decorator)


class DbConnectionsMiddleware(Middleware):
    """Workers are long-lived: drop broken or expired connections around each job."""

    def before_process_message(self, broker: Any, message: Any) -> None:
        close_old_connections()

    def after_process_message(self, broker: Any, message: Any, **kwargs: Any) -> None:
        close_old_connections()

    after_skip_message = after_process_message


class TenantJobMiddleware(Middleware):
    """Enters the message's tenant schema before the job and leaves it after."""

    @property
    def actor_options(self) -> set[str]:
        return {"tenant_scoped"}

    def before_process_message(self, broker: Any, message: Any) -> None:
        job_id_var.set(message.message_id)
        db.set_schema_to_public()
        actor = broker.get_actor(message.actor_name)
        if not actor.options.get("tenant_scoped"):
            return
        schema = message.options.get(TENANT_OPTION)
        try:
            tenant = _active_tenant(schema)
        except MissingTenantError as error:
            logger.error("Tenant job %s refused: %s", message.actor_name, error)
            message.options[ERROR_OPTION] = str(error)
            message.fail()
            return
        db.set_tenant(tenant)

    def after_process_message(self, broker: Any, message: Any, **kwargs: Any) -> None:
        db.set_schema_to_public()
        job_id_var.set("-")

    after_skip_message = after_process_message


def _active_tenant(schema: str | None) -> Any:
    from tenants.models import Organisation, OrganisationStatus

    if not schema:
        raise MissingTenantError("le message ne porte aucun tenant (tenant_schema absent)")
    if schema == PUBLIC_SCHEMA:
        raise MissingTenantError("un job de tenant ne s'exécute jamais dans le schéma public")
    tenant = Organisation.objects.filter(schema_name=schema).first()
    if tenant is None:
        raise MissingTenantError(f"tenant inconnu : {schema}")
    if tenant.status in {OrganisationStatus.SUSPENDUE, OrganisationStatus.ARCHIVEE}:
        raise MissingTenantError(f"tenant {tenant.code} {tenant.get_status_display()}")
    return tenant


class DeadLetterMiddleware(Middleware):
    """Keeps every job that failed for good in FailedJob, where operators can retry it."""

    def after_process_message(
        self, broker: Any, message: Any, *, result: Any = None, exception: Any = None
    ) -> None:
        if not message.failed:
            return
        from tenants import services

        error = message.options.get(ERROR_OPTION) or message.options.get("traceback") or ""
        if not error and exception is not None:
            error = repr(exception)
        try:
            services.failed_job_record(message=message.asdict(), error=str(error))
        except Exception:  # the dead letter must never crash the worker
            logger.exception("Could not record failed job %s", message.message_id)


_broker: RedisBroker | None = None


def setup_broker() -> RedisBroker:
    """One Redis broker per process, namespaced so tests and the demo never share queues."""
    global _broker
    if _broker is None:
        _broker = RedisBroker(  # type: ignore[no-untyped-call]
            url=settings.REDIS_URL, namespace=settings.DRAMATIQ_NAMESPACE
        )
        # After Retries (in the defaults) so that message.failed is final when we look at it.
        _broker.add_middleware(DbConnectionsMiddleware())
        _broker.add_middleware(TenantJobMiddleware())
        _broker.add_middleware(DeadLetterMiddleware())
        dramatiq.set_broker(_broker)
    return _broker


def broker_consumer_count() -> int:
    """Worker consumers whose heartbeat is recent (the Redis broker keeps them in a sorted set)."""
    import time

    broker = setup_broker()
    horizon_ms = int(time.time() * 1000) - broker.heartbeat_timeout
    key = f"{broker.namespace}:__heartbeats__"
    return int(broker.client.zcount(key, horizon_ms, "+inf"))
