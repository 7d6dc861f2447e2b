"""Upgrades at scale: migrate only the schemas that have pending migrations, in parallel.

django-tenants' `migrate_schemas` opens every schema and asks Django's executor, even when
nothing is pending: ~48 s over 217 tenants (~28 s with its multiprocessing executor), minutes
at 2,000. Here the plan is one query that reads every schema's `django_migrations` and returns,
per schema, the migrations on disk it lacks; only those schemas are migrated, each in a worker
process on a fresh connection. A schema that fails is reported and the others go on; since
Django applies each migration in its own transaction on PostgreSQL, the failed schema keeps
what it applied and the next run (or `migrate_platform --retry-failed`) takes it up again.

Order (ADR 0005): the template first and alone (provisioning clones it; if it fails nothing
else runs), then the warm pool is made consistent (schemas cloned from the old template are
dropped: they hold no data), then the tenants.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from psycopg2 import sql  # type: ignore[import-untyped]

from tenants import pool
from tenants.models import Organisation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SchemaResult:
    schema: str
    pending: tuple[str, ...]
    ok: bool
    seconds: float
    error: str = ""


@dataclass
class UpgradeReport:
    planned_schemas: int = 0
    plan_seconds: float = 0.0
    results: list[SchemaResult] = field(default_factory=list)
    pool_discarded: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[SchemaResult]:
        return [r for r in self.results if not r.ok]

    @property
    def migrated(self) -> list[SchemaResult]:
        return [r for r in self.results if r.ok]


def expected_migrations() -> frozenset[str]:
    """Every migration on disk, as `app.name`.

    A tenant schema's django_migrations records all apps' migrations (Django records a
    migration even where the router skips its operations), so a schema is up to date exactly
    when it holds all of them.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(f"{app}.{name}" for app, name in loader.graph.nodes)


def tenant_schemas() -> list[str]:
    return list(
        Organisation.objects.exclude(schema_name="public")
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


def pending_by_schema(
    schemas: Iterable[str], *, expected: frozenset[str] | None = None
) -> dict[str, tuple[str, ...]]:
    """Schema → its missing migrations (sorted), for the given schemas, in ONE query over all
    their django_migrations tables. A schema without that table lacks them all; a schema that
    does not exist is left out (the caller reports it)."""
    wanted = list(dict.fromkeys(schemas))
    if not wanted:
        return {}
    names = sorted(expected if expected is not None else expected_migrations())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.oid IS NOT NULL FROM pg_namespace n "
            "LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'django_migrations' "
            "AND c.relkind = 'r' WHERE n.nspname = ANY(%s)",
            [wanted],
        )
        with_table: dict[str, bool] = dict(cursor.fetchall())
        readable = [s for s in wanted if with_table.get(s)]
        pending: dict[str, tuple[str, ...]] = {
            s: tuple(names) for s in wanted if s in with_table and not with_table[s]
        }
        if readable:
            branches = [
                sql.SQL(
                    "SELECT {label}, ARRAY(SELECT m FROM expected EXCEPT "
                    "SELECT app || '.' || name FROM {schema}.django_migrations ORDER BY 1)"
                ).format(label=sql.Literal(s), schema=sql.Identifier(s))
                for s in readable
            ]
            query = sql.SQL("WITH expected(m) AS (SELECT unnest(%s::text[])) {}").format(
                sql.SQL(" UNION ALL ").join(branches)
            )
            cursor.execute(query, [names])
            for schema, missing in cursor.fetchall():
                if missing:
                    pending[schema] = tuple(missing)
    return pending


def schemas_absent(schemas: Iterable[str]) -> list[str]:
    wanted = list(schemas)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s FROM unnest(%s::text[]) s "
            "WHERE NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = s) ORDER BY s",
            [wanted],
        )
        return [row[0] for row in cursor.fetchall()]


def _migrate_schema(schema: str, pending: tuple[str, ...]) -> SchemaResult:
    """Migrate one schema on a fresh connection (in a worker process or in-process)."""
    connections.close_all()
    start = time.perf_counter()
    try:
        call_command(
            "migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0
        )
    except Exception as error:  # reported per schema, the others go on
        logger.warning("migration of %s failed: %s", schema, error)
        detail = traceback.format_exception_only(type(error), error)[-1].strip()
        return SchemaResult(schema, pending, False, time.perf_counter() - start, detail[:2000])
    finally:
        connections.close_all()
    return SchemaResult(schema, pending, True, time.perf_counter() - start)


def schemas_migrate(
    pending: dict[str, tuple[str, ...]],
    *,
    parallel: int,
    progress: Callable[[SchemaResult], None] | None = None,
) -> list[SchemaResult]:
    """Migrate the given schemas, `parallel` worker processes at a time (1: in-process)."""
    results: list[SchemaResult] = []
    if not pending:
        return results
    if parallel <= 1 or len(pending) == 1:
        for schema, missing in pending.items():
            result = _migrate_schema(schema, missing)
            results.append(result)
            if progress:
                progress(result)
        return results
    connections.close_all()  # a forked child must not share the parent's socket
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=parallel, mp_context=context) as executor:
        futures = [executor.submit(_migrate_schema, s, m) for s, m in pending.items()]
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            if progress:
                progress(result)
    return sorted(results, key=lambda r: r.schema)


def upgrade_platform(
    *,
    parallel: int = 2,
    only: Iterable[str] | None = None,
    progress: Callable[[SchemaResult], None] | None = None,
) -> UpgradeReport:
    """Template, then warm pool, then tenants (or only the schemas named in `only`)."""
    report = UpgradeReport()
    start = time.perf_counter()
    expected = expected_migrations()
    template = settings.TENANT_BASE_SCHEMA
    template_pending = pending_by_schema([template], expected=expected)
    report.plan_seconds += time.perf_counter() - start
    if template_pending:
        result = _migrate_schema(template, template_pending[template])
        report.results.append(result)
        if progress:
            progress(result)
        if not result.ok:
            return report  # never clone or claim from a half-migrated template
    report.pool_discarded = pool.pool_discard_stale()
    start = time.perf_counter()
    schemas = list(only) if only is not None else tenant_schemas()
    report.planned_schemas = len(schemas) + 1
    pending = pending_by_schema(schemas, expected=expected)
    report.plan_seconds += time.perf_counter() - start
    for schema in schemas_absent(schemas):
        report.results.append(SchemaResult(schema, (), False, 0.0, "schema does not exist"))
    report.results.extend(schemas_migrate(pending, parallel=parallel, progress=progress))
    return report
