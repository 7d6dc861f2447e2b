"""Background jobs of the audit app: upkeep of the access log's monthly partitions.

The scheduler sends `acces_partitions_maintenir_tous` once a day (tenants.scheduler). It is a
platform job, not a tenant job: it finds in the catalogue every schema that holds an access
log (public, the tenant template — so new tenants are cloned with this month's partitions —
and each tenant) and sends one `acces_partitions_maintenir_schema` per schema, each retried on
its own, so one broken schema never holds the others back. The schema travels as an explicit
argument and must hold an access log; nothing defaults to public.
"""

from __future__ import annotations

import logging

import dramatiq
from django.conf import settings
from django_tenants.utils import schema_context

from audit import partitions

logger = logging.getLogger(__name__)


@dramatiq.actor(queue_name="default", max_retries=3)
def acces_partitions_maintenir_schema(schema: str) -> None:
    if schema not in partitions.schemas_avec_journal():
        raise ValueError(f"aucun journal des accès dans le schéma {schema!r}")
    with schema_context(schema):
        resultat = partitions.acces_partitions_maintenir(
            auditer=schema != settings.TENANT_BASE_SCHEMA
        )
    if resultat.changement:
        logger.info(
            "access log partitions of %s: created %s, dropped %s, %d row(s) moved",
            schema,
            ",".join(resultat.creees) or "-",
            ",".join(resultat.supprimees) or "-",
            resultat.lignes_deplacees,
        )


@dramatiq.actor(queue_name="default", max_retries=0)
def acces_partitions_maintenir_tous() -> None:
    for schema in partitions.schemas_avec_journal():
        acces_partitions_maintenir_schema.send(schema)
