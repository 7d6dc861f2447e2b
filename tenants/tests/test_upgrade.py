"""Upgrades: only schemas with pending migrations are migrated; a failing one is reported, the
others are migrated, and a rerun takes up the failed one (and nothing else)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext
from psycopg2 import sql  # type: ignore[import-untyped]

from tenants import pool, upgrade

A, B, C, D = "upg_a", "upg_b", "upg_c", "upg_d"


def _leaf() -> tuple[str, str | None, str]:
    """A tenant app's last migration that nothing depends on and that only creates models:
    unapplying it and applying it again is safe. Returns (app, previous name, name)."""
    graph = MigrationLoader(None).graph
    for app in ("unites", "habilitations", "personnel", "audit"):
        for app_label, name in graph.leaf_nodes(app):
            node = graph.node_map[(app_label, name)]
            operations = graph.nodes[(app_label, name)].operations
            if node.children or not operations:
                continue
            if all(type(op).__name__ == "CreateModel" for op in operations):
                previous = [p.key[1] for p in node.parents if p.key[0] == app]
                return app, (previous[0] if previous else None), name
    raise AssertionError("no tenant migration fit for this test")


def _unapply(schema: str, app: str, previous: str | None) -> None:
    """Roll the schema back before the leaf, as Django would (tables dropped, row deleted)."""
    connection.set_schema(schema)  # type: ignore[attr-defined]
    try:
        MigrationExecutor(connection).migrate([(app, previous)])
    finally:
        connection.set_schema_to_public()  # type: ignore[attr-defined]


def _forget(schema: str, app: str, name: str) -> None:
    """Delete the leaf's row only: its tables stay, so applying it again fails."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DELETE FROM {}.django_migrations WHERE app = %s AND name = %s").format(
                sql.Identifier(schema)
            ),
            [app, name],
        )


def _last_row_id(schema: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT max(id) FROM {}.django_migrations").format(sql.Identifier(schema))
        )
        return int(cursor.fetchone()[0])


@pytest.fixture
def scratch(django_db_setup, django_db_blocker) -> Iterator[tuple[str, str | None, str]]:
    """Three committed clones of the template (migration workers are other processes) and one
    empty schema; dropped afterwards."""
    with django_db_blocker.unblock():
        for schema in (A, B, C):
            with transaction.atomic():
                pool.template_clone(schema_name=schema)
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{D}"')
        app, previous, name = _leaf()
        _unapply(A, app, previous)
        _forget(B, app, name)
        yield app, previous, name
        with connection.cursor() as cursor:
            for schema in (A, B, C, D):
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_plan_reads_every_schema_in_one_query(scratch):
    app, _previous, name = scratch
    expected = upgrade.expected_migrations()
    with CaptureQueriesContext(connection) as queries:
        pending = upgrade.pending_by_schema([A, B, C, D, "upg_missing"], expected=expected)
    reads = [q["sql"] for q in queries if not q["sql"].startswith("SET search_path")]
    assert len(reads) == 2  # the catalog (which schemas have the table), then all of them
    assert reads[1].count("django_migrations") == 3  # A, B and C in one UNION ALL
    assert pending == {A: (f"{app}.{name}",), B: (f"{app}.{name}",), D: tuple(sorted(expected))}


def test_only_pending_schemas_are_migrated_and_a_failure_is_isolated(scratch):
    app, previous, name = scratch
    leaf = f"{app}.{name}"
    c_before = _last_row_id(C)
    out = io.StringIO()
    with pytest.raises(CommandError, match=rf"1 schema\(s\) failed: {B}\. The others"):
        call_command(
            "migrate_platform",
            "--schema", A, "--schema", B, "--schema", C,
            "--parallel", "2", "--skip-keycloak",
            stdout=out,
        )  # fmt: skip
    lines = [line.split() for line in out.getvalue().splitlines() if line.startswith("  upg_")]
    # reported as each finishes: the order depends on the processes
    assert sorted(line[:3] for line in lines) == [[A, "ok", "1"], [B, "ÉCHEC", "1"]]
    assert "already exists" in out.getvalue()
    assert "3 migrated" not in out.getvalue()
    assert upgrade.pending_by_schema([A, B, C]) == {B: (leaf,)}
    assert _last_row_id(C) == c_before  # up to date: not even opened by the migrator

    # the cause is fixed (B rolled back properly); a rerun takes up B, and only B
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "INSERT INTO {}.django_migrations (app, name, applied) VALUES (%s, %s, now())"
            ).format(sql.Identifier(B)),
            [app, name],
        )
    _unapply(B, app, previous)
    a_before = _last_row_id(A)
    report = upgrade.upgrade_platform(only=[A, B, C], parallel=2)
    assert [(r.schema, r.ok, r.pending) for r in report.results] == [(B, True, (leaf,))]
    assert _last_row_id(A) == a_before
    assert upgrade.pending_by_schema([A, B, C]) == {}


def test_nothing_pending_means_nothing_migrated(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():  # workers and fresh connections: no test transaction
        report = upgrade.upgrade_platform(parallel=2)
    assert report.results == []
    assert report.failed == []
    assert report.planned_schemas >= 3  # the template and the session's two tenants
