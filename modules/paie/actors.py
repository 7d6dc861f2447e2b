"""Background jobs of the paie module (the worker imports this module at start-up).

The HR ↔ pay comparison of a month runs after each ingestion of a Treasury payroll file
(the ingestion sends it, see `ecarts_calculer_lancer`) and again on demand from the gaps page.
The job runs in the schema of the tenant it names (`tenant_actor`): the schema travels both
in the message options (the worker enters it) and as the first argument (checked on arrival,
so a job can never compare one tenant's payroll in another's schema).
"""

from __future__ import annotations

from typing import Any, cast

from django.db import connection

from modules.paie.ecarts import AUTEUR_SYSTEME, ecarts_calculer
from tenants.jobs import MissingTenantError, tenant_actor

# A 300,000-line month compares in well under a minute; leave room for a slow day.
DUREE_MAX_MS = 30 * 60 * 1000


@tenant_actor(queue_name="default", max_retries=1, time_limit=DUREE_MAX_MS)
def paie_ecarts_calculer(schema_name: str, mois_id: int) -> None:
    """Compare the month's payroll with the HR file and refresh its gap work list."""
    courant = cast(Any, connection).schema_name
    if courant != schema_name:
        raise MissingTenantError(
            f"paie_ecarts_calculer pour {schema_name!r} reçu dans le schéma {courant!r}"
        )
    ecarts_calculer(mois_id=mois_id, auteur=AUTEUR_SYSTEME)


def ecarts_calculer_lancer(*, schema_name: str, mois_id: int) -> None:
    """Queue the comparison of a month for a tenant (callable from any schema)."""
    paie_ecarts_calculer.send_with_options(args=(schema_name, mois_id), tenant_schema=schema_name)
