"""A warm pool of pre-cloned tenant schemas (ADR 0005).

Cloning the template costs about a second and grows with the catalog (~0.7 s with 30 schemas,
~1.25 s with 215); renaming a schema costs milliseconds whatever the catalog. So schemas are
cloned ahead of time as `pool_<random>`, and provisioning claims one by renaming it to the
tenant's schema inside its own transaction: if that transaction rolls back, the rename does too
and the schema is back in the pool.

The pool lives in the catalog itself, not in a table that could disagree with it: a pool schema's
COMMENT holds the fingerprint of the template's applied migrations it was cloned from. A claim
takes only a schema whose fingerprint equals the template's current one, so an upgrade that
changes the template makes the older pool schemas unclaimable; `pool_discard_stale` drops them
(they hold no data) and `pool_fill` clones fresh ones, each on a fresh database connection (a
long-lived connection that clones many schemas degrades to ~30 s a clone).
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections, transaction
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists
from psycopg2 import sql  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)

POOL_PREFIX = "pool_"
COMMENT_PREFIX = "indimaj-pool:"
# How many ready schemas the background job keeps (settings.INDIMAJ_POOL_SIZE overrides).
DEFAULT_POOL_SIZE = 20


@dataclass(frozen=True)
class PoolSchema:
    name: str
    fingerprint: str  # "" when the schema has no pool comment (an interrupted fill)


@dataclass(frozen=True)
class PoolFill:
    created: tuple[str, ...]
    seconds: tuple[float, ...]


def pool_size() -> int:
    return int(getattr(settings, "INDIMAJ_POOL_SIZE", DEFAULT_POOL_SIZE))


def template_fingerprint() -> str:
    """MD5 of the template's applied migrations: equal fingerprints, equal schemas."""
    query = sql.SQL(
        "SELECT md5(coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), '')) "
        "FROM {}.django_migrations"
    ).format(sql.Identifier(settings.TENANT_BASE_SCHEMA))
    with connection.cursor() as cursor:
        cursor.execute(query)
        return str(cursor.fetchone()[0])


def pool_schemas() -> list[PoolSchema]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname, coalesce(obj_description(oid, 'pg_namespace'), '') "
            "FROM pg_namespace WHERE nspname LIKE %s ORDER BY nspname",
            [POOL_PREFIX.replace("_", r"\_") + "%"],
        )
        rows = cursor.fetchall()
    return [
        PoolSchema(name=name, fingerprint=comment.removeprefix(COMMENT_PREFIX))
        for name, comment in rows
        if comment.startswith(COMMENT_PREFIX) or not comment
    ]


def pool_ready_count(*, fingerprint: str | None = None) -> int:
    wanted = fingerprint if fingerprint is not None else template_fingerprint()
    return sum(1 for schema in pool_schemas() if schema.fingerprint == wanted)


def _lock_key(name: str) -> str:
    return f"{COMMENT_PREFIX}{name}"


def pool_claim(*, schema_name: str) -> str | None:
    """Rename a ready pool schema to `schema_name`, inside the caller's transaction.

    Returns the pool schema's former name, or None when the pool has no ready schema (the
    caller then clones). Concurrent claims skip each other's schema: a transaction-scoped
    advisory lock marks a schema being claimed, and the existence check after taking it sees
    a rename that another transaction committed meanwhile.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("pool_claim must run inside the provisioning transaction")
    fingerprint = template_fingerprint()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s "
            "AND obj_description(oid, 'pg_namespace') = %s ORDER BY nspname LIMIT 50",
            [POOL_PREFIX.replace("_", r"\_") + "%", COMMENT_PREFIX + fingerprint],
        )
        candidates = [row[0] for row in cursor.fetchall()]
        for name in candidates:
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [_lock_key(name)])
            if not cursor.fetchone()[0]:
                continue
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
            if cursor.fetchone() is None:
                continue  # claimed and committed by another transaction since our list
            cursor.execute(
                sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                    sql.Identifier(name), sql.Identifier(schema_name)
                )
            )
            cursor.execute(
                sql.SQL("COMMENT ON SCHEMA {} IS NULL").format(sql.Identifier(schema_name))
            )
            return str(name)
    return None


def template_clone(*, schema_name: str) -> None:
    """Clone the template into `schema_name` on the current connection (the pool's fallback).

    The clone copies django_migrations with the tables, so unlike django-tenants'
    create_schema no fake migration run follows.
    """
    CloneSchema().clone_schema(settings.TENANT_BASE_SCHEMA, schema_name, "DATA")


def pool_fill(*, target: int | None = None) -> PoolFill:
    """Clone the template until `target` ready schemas exist; one fresh connection per clone.

    Each clone and its fingerprint comment are one transaction: a fill killed half-way leaves
    no half-made pool schema (an uncommented one, from a crash of the server itself, is
    dropped by pool_discard_stale).
    """
    wanted = pool_size() if target is None else target
    if not schema_exists(settings.TENANT_BASE_SCHEMA):
        return PoolFill(created=(), seconds=())
    fingerprint = template_fingerprint()
    missing = wanted - pool_ready_count(fingerprint=fingerprint)
    created: list[str] = []
    seconds: list[float] = []
    for _index in range(max(0, missing)):
        connections.close_all()
        name = f"{POOL_PREFIX}{secrets.token_hex(6)}"
        start = time.perf_counter()
        with transaction.atomic():
            template_clone(schema_name=name)
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("COMMENT ON SCHEMA {} IS {}").format(
                        sql.Identifier(name), sql.Literal(COMMENT_PREFIX + fingerprint)
                    )
                )
        seconds.append(time.perf_counter() - start)
        created.append(name)
    connections.close_all()
    if created:
        logger.info("warm pool: %d schema(s) cloned", len(created))
    return PoolFill(created=tuple(created), seconds=tuple(seconds))


def pool_discard_stale() -> list[str]:
    """Drop the pool schemas cloned from another template state (or never finished)."""
    fingerprint = template_fingerprint() if schema_exists(settings.TENANT_BASE_SCHEMA) else None
    dropped: list[str] = []
    for schema in pool_schemas():
        if fingerprint is not None and schema.fingerprint == fingerprint:
            continue
        if pool_drop(name=schema.name):
            dropped.append(schema.name)
    return dropped


def pool_drop(*, name: str) -> bool:
    """Drop one pool schema unless a provisioning is claiming it right now."""
    if not name.startswith(POOL_PREFIX):
        raise ValueError(f"{name} is not a pool schema")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [_lock_key(name)])
        if not cursor.fetchone()[0]:
            return False
        cursor.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))
    return True
