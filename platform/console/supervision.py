"""The aggregate facts an operator sees about each organisation: counts and timestamps only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from console import members, selectors
from tenants.models import Organisation


@dataclass(frozen=True)
class OrganisationFacts:
    organisation: Organisation
    member_count: int | None  # None: unknown (no Keycloak organization, or Keycloak down)
    last_activity: datetime | None  # latest event of the tenant's own audit chain


@dataclass(frozen=True)
class FactsTable:
    rows: list[OrganisationFacts]
    members_available: bool


def organisation_facts(organisations: Sequence[Organisation]) -> FactsTable:
    """Facts for these organisations in a fixed number of round trips, whatever their number:
    one SQL pass for last activity, one Keycloak pass (cached) for member counts."""
    counts = members.member_counts([o.code for o in organisations])
    activity = selectors.last_activity_by_schema([o.schema_name for o in organisations])
    rows = [
        OrganisationFacts(
            organisation=o,
            member_count=counts.by_alias.get(o.code),
            last_activity=activity.get(o.schema_name),
        )
        for o in organisations
    ]
    return FactsTable(rows=rows, members_available=counts.available)
