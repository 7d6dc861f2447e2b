"""Periodic jobs of the personnel module (the scheduler discovers `PERIODIQUES`).

Each night, the agents one of whose career events has just taken effect (an advancement dated
today, entered weeks ago) get their current-situation columns rebuilt, so lists and filters
show today's situation.
"""

from __future__ import annotations

import dramatiq
from django.db import transaction

from audit import services as audit_services
from modules.personnel import services
from tenants import selectors as tenants_selectors
from tenants.jobs import tenant_actor


@tenant_actor(queue_name="default")
def situations_echues_rafraichir() -> None:
    nombre = services.situations_echues_rafraichir()
    if nombre:
        with transaction.atomic():
            audit_services.audit_record(
                actor="worker",
                action="personnel.situations_rafraichies",
                data={"agents": nombre},
            )


@dramatiq.actor(queue_name="default", max_retries=0)
def situations_echues_rafraichir_tous() -> None:
    """One separately retried job per active tenant."""
    schemas = tenants_selectors.organisation_list_active().values_list("schema_name", flat=True)
    for schema in schemas:
        situations_echues_rafraichir.send_with_options(tenant_schema=schema)


PERIODIQUES = [("personnel_situations_echues", 6 * 3600, situations_echues_rafraichir_tous)]
