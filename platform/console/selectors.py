"""Reads for the operators' console: organisations and aggregate facts about them.

Nothing here returns a tenant's personal data: only the organisation rows (public schema),
counts and timestamps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, QuerySet
from django_tenants.utils import get_public_schema_name

from audit.models import AuditEvent
from tenants.models import FailedJob, FailedJobStatus, Organisation

# One statement reads the latest audit event of this many schemas. Planning grows faster than
# linearly with the branches (2,000 in one statement: 18 s); 50 was the fastest measured
# (docs/console.md), and is one page of the organisations table.
LAST_ACTIVITY_CHUNK = 50


@dataclass(frozen=True)
class OrganisationPage:
    organisations: list[Organisation]
    total: int
    next_after: str | None  # the code to continue after, when there is a next page


def organisation_list(*, kind: str = "", status: str = "") -> QuerySet[Organisation]:
    """Every tenant organisation (not the platform's own row), by code, optionally filtered."""
    organisations: QuerySet[Organisation] = Organisation.objects.exclude(
        schema_name=get_public_schema_name()
    )
    if kind:
        organisations = organisations.filter(kind=kind)
    if status:
        organisations = organisations.filter(status=status)
    return organisations.order_by("code")


def organisation_page(
    *, kind: str = "", status: str = "", after: str = "", size: int = 50
) -> OrganisationPage:
    """One page by keyset on the (unique) code: cost does not grow with the page number."""
    organisations = organisation_list(kind=kind, status=status)
    total = organisations.count()
    rows = list((organisations.filter(code__gt=after) if after else organisations)[: size + 1])
    next_after = rows[size - 1].code if len(rows) > size else None
    return OrganisationPage(organisations=rows[:size], total=total, next_after=next_after)


def organisation_get(*, code: str) -> Organisation | None:
    """A tenant organisation by code; the platform's own row is not one."""
    return organisation_list().filter(code=code).first()


def organisation_count_by_status() -> dict[str, int]:
    rows = organisation_list().order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def failed_job_count(*, tenant_schema: str | None = None) -> int:
    jobs = FailedJob.objects.filter(status=FailedJobStatus.FAILED)
    if tenant_schema is not None:
        jobs = jobs.filter(tenant_schema=tenant_schema)
    return jobs.count()


def _schemas_with_audit_table(schema_names: Sequence[str]) -> list[str]:
    """The given schemas that exist and hold the audit table (a tenant still being prepared,
    or archived and dropped, may have none)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_catalog.pg_class c"
            " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relname = %s AND c.relkind IN ('r', 'p') AND n.nspname = ANY(%s)"
            " ORDER BY n.nspname",
            [AuditEvent._meta.db_table, list(schema_names)],
        )
        return [str(row[0]) for row in cursor.fetchall()]


def quote_identifier(name: str) -> str:
    """PostgreSQL's own rule (as `quote_ident`): double quotes around, inner ones doubled."""
    if "\x00" in name:
        raise ValueError("an identifier cannot contain NUL")
    return '"' + name.replace('"', '""') + '"'


def last_activity_by_schema(schema_names: Sequence[str]) -> dict[str, datetime | None]:
    """Time of the latest audit event in each schema's own chain.

    Set-based: one `UNION ALL` statement per chunk of schemas, each branch an index walk to
    the highest `seq` (unique index) of that schema's chain. Only schemas found in the catalog
    take part, their names quoted as identifiers; the names themselves travel as parameters.
    """
    found: dict[str, datetime | None] = dict.fromkeys(schema_names)
    present = _schemas_with_audit_table(schema_names)
    table = quote_identifier(AuditEvent._meta.db_table)
    for start in range(0, len(present), LAST_ACTIVITY_CHUNK):
        chunk = present[start : start + LAST_ACTIVITY_CHUNK]
        statement = " UNION ALL ".join(
            "SELECT %s::text, (SELECT occurred_at"  # noqa: S608 — quoted identifiers
            f" FROM {quote_identifier(schema)}.{table} ORDER BY seq DESC LIMIT 1)"
            for schema in chunk
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, list(chunk))
            found.update({str(schema): occurred_at for schema, occurred_at in cursor.fetchall()})
    return found
