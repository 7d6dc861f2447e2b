"""Periodic jobs of the acts module: bordereaux waiting to leave are sent to the Treasury
(one tenant-scoped job per tenant; `manage.py echange envoyer` does the same on demand)."""

from __future__ import annotations

import dramatiq

from modules.actes import echange
from tenants import selectors as tenants_selectors
from tenants.jobs import tenant_actor

INTERVALLE_ENVOI = 120


@tenant_actor(queue_name="default")
def bordereaux_envoyer() -> None:
    echange.bordereaux_envoyer()


@dramatiq.actor(queue_name="default", max_retries=0)
def bordereaux_envoyer_tous() -> None:
    schemas = tenants_selectors.organisation_list_active().values_list("schema_name", flat=True)
    for schema in schemas:
        bordereaux_envoyer.send_with_options(tenant_schema=schema)


PERIODIQUES = [("actes_bordereaux_envoyer", INTERVALLE_ENVOI, bordereaux_envoyer_tous)]
