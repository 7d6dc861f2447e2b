"""Keycloak's login events (failed logins above all) copied into the audit chains.

Keycloak keeps the events (realm event settings applied by `realm_ensure`); a periodic job
reads the new ones and writes each to the audit chain of the tenant whose host the login was
for, or to the platform's chain. Reading is idempotent: a cursor (time, ids at that time)
makes a re-run skip what was already copied.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django_tenants.utils import get_tenant_domain_model, schema_context
from keycloak import KeycloakAdmin

from audit import services as audit_services
from identity import keycloak_admin
from identity.models import KeycloakEventCursor

logger = logging.getLogger(__name__)

COPIED_TYPES = ("LOGIN_ERROR", "UPDATE_TOTP", "REMOVE_TOTP", "UPDATE_PASSWORD")
KEPT_DAYS = 30


def events_config_ensure(admin: KeycloakAdmin) -> None:
    """Keycloak records the event types the audit copies (idempotent)."""
    answer = admin.connection.raw_get(f"admin/realms/{admin.connection.realm_name}/events/config")
    current = answer.json() if answer.status_code == 200 else {}
    wanted = set(COPIED_TYPES) | {"LOGIN", "LOGOUT"}
    if current.get("eventsEnabled") and wanted <= set(current.get("enabledEventTypes") or []):
        return
    admin.set_events(
        {
            "eventsEnabled": True,
            "eventsExpiration": KEPT_DAYS * 24 * 3600,
            "enabledEventTypes": sorted(wanted),
            "eventsListeners": ["jboss-logging"],
        }
    )


def _schema_for(event: dict[str, Any]) -> str:
    redirect = (event.get("details") or {}).get("redirect_uri") or ""
    host = urlsplit(redirect).hostname or ""
    domain = get_tenant_domain_model().objects.filter(domain=host).select_related("tenant").first()
    return str(domain.tenant.schema_name) if domain is not None else "public"


def events_copy(*, batch: int = 200) -> int:
    """Copy the events newer than the cursor; returns how many were written."""
    admin = keycloak_admin.admin_client()
    with transaction.atomic():
        cursor, _ = KeycloakEventCursor.objects.select_for_update().get_or_create(id=1)
        events = _events_since(admin, cursor.last_time_ms, batch=batch)
        fresh = sorted(
            (
                e
                for e in events
                if e["time"] > cursor.last_time_ms
                or (e["time"] == cursor.last_time_ms and e["id"] not in cursor.ids_at_last_time)
            ),
            key=lambda e: (e["time"], e["id"]),
        )
        for event in fresh:
            details = event.get("details") or {}
            with schema_context(_schema_for(event)):
                audit_services.audit_record(
                    actor=str(details.get("username") or event.get("userId") or "inconnu"),
                    action=f"keycloak.{event['type'].lower()}",
                    object_type="keycloak_event",
                    object_id=str(event["id"]),
                    data={
                        "erreur": event.get("error", ""),
                        "client": event.get("clientId", ""),
                        "ip": event.get("ipAddress", ""),
                    },
                )
        if fresh:
            last = fresh[-1]["time"]
            cursor.ids_at_last_time = [e["id"] for e in fresh if e["time"] == last] + (
                cursor.ids_at_last_time if last == cursor.last_time_ms else []
            )
            cursor.last_time_ms = last
            cursor.save()
    return len(fresh)


def _events_since(admin: KeycloakAdmin, time_ms: int, *, batch: int) -> list[dict[str, Any]]:
    """Keycloak lists events newest first: page back until the cursor's time is reached."""
    collected: list[dict[str, Any]] = []
    first = 0
    while True:
        page = admin.get_events(
            {"type": list(COPIED_TYPES), "dateFrom": _day(time_ms), "first": first, "max": batch}
        )
        collected.extend(page)
        if len(page) < batch or page[-1]["time"] < time_ms:
            return collected
        first += batch


def _day(time_ms: int) -> str:
    """Keycloak filters events by day (yyyy-MM-dd): read from the cursor's day on."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(time_ms / 1000, tz=UTC).strftime("%Y-%m-%d")
