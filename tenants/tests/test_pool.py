"""The warm pool: filled ahead of time, claimed by rename, never claimed when stale."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import schema_context, schema_exists
from psycopg2 import sql  # type: ignore[import-untyped]

from audit.models import AuditEvent
from tenants import pool, services
from tenants.models import Organisation


@pytest.fixture
def committed(django_db_setup, django_db_blocker) -> Iterator[None]:
    """pool_fill opens a fresh connection per clone: these tests commit, then clean up."""
    with django_db_blocker.unblock():
        for schema in pool.pool_schemas():  # each test starts from an empty pool
            pool.pool_drop(name=schema.name)
        yield
        for schema in pool.pool_schemas():
            pool.pool_drop(name=schema.name)


def _remove(code: str) -> None:
    Organisation.objects.filter(code=code).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(services.schema_name_for(code))
            )
        )


def _spec(code: str) -> services.OrganisationSpec:
    return services.OrganisationSpec(code=code, kind="commune", name_fr=code, name_ar="جماعة")


def test_fill_clones_the_template_with_its_fingerprint(committed):
    filled = pool.pool_fill(target=2)
    assert len(filled.created) == 2
    fingerprint = pool.template_fingerprint()
    assert {(s.name, s.fingerprint) for s in pool.pool_schemas()} == {
        (name, fingerprint) for name in filled.created
    }
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT count(*) FROM {}.django_migrations").format(
                sql.Identifier(filled.created[0])
            )
        )
        cloned = cursor.fetchone()[0]
        cursor.execute(
            sql.SQL("SELECT count(*) FROM {}.django_migrations").format(
                sql.Identifier(settings.TENANT_BASE_SCHEMA)
            )
        )
        assert cloned == cursor.fetchone()[0]
    assert pool.pool_fill(target=2).created == ()  # already full: nothing cloned


def test_provisioning_claims_a_pool_schema_by_renaming_it(committed):
    filled = pool.pool_fill(target=2)
    try:
        organisation = services.organisation_provision(
            spec=_spec("pool-claim"), actor="tests", sync_identity=False
        )
        remaining = [s.name for s in pool.pool_schemas()]
        assert len(remaining) == 1
        assert remaining[0] in filled.created
        assert schema_exists(organisation.schema_name)
        claimed = next(name for name in filled.created if name not in remaining)
        assert not schema_exists(claimed)
        event = AuditEvent.objects.get(action="organisation.provisioned", object_id="pool-claim")
        assert event.data["origine"] == "pool"
        with schema_context(organisation.schema_name):
            assert AuditEvent.objects.filter(action="organisation.created").count() == 1
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
                [organisation.schema_name],
            )
            assert cursor.fetchone()[0] is None  # no longer marked as a pool schema
    finally:
        _remove("pool-claim")


def test_a_rolled_back_provisioning_gives_the_schema_back_to_the_pool(committed):
    filled = pool.pool_fill(target=1)
    claimed: list[str | None] = []

    def provisioning_that_fails() -> None:
        with transaction.atomic():
            claimed.append(pool.pool_claim(schema_name="t_pool_rollback"))
            raise RuntimeError("after claim")

    with pytest.raises(RuntimeError, match="after claim"):
        provisioning_that_fails()
    assert claimed == [filled.created[0]]
    assert [s.name for s in pool.pool_schemas()] == list(filled.created)
    assert not schema_exists("t_pool_rollback")


def test_stale_pool_schemas_are_never_claimed_and_are_discarded(committed):
    filled = pool.pool_fill(target=1)
    template = sql.Identifier(settings.TENANT_BASE_SCHEMA)
    with connection.cursor() as cursor:  # the template moves on (as after an upgrade)
        cursor.execute(
            sql.SQL(
                "INSERT INTO {}.django_migrations (app, name, applied) "
                "VALUES ('zz_test', '0001_stale', now())"
            ).format(template)
        )
    try:
        assert pool.pool_ready_count() == 0
        organisation = services.organisation_provision(
            spec=_spec("pool-stale"), actor="tests", sync_identity=False
        )
        event = AuditEvent.objects.get(action="organisation.provisioned", object_id="pool-stale")
        assert event.data["origine"] == "clone"
        assert schema_exists(organisation.schema_name)
        assert [s.name for s in pool.pool_schemas()] == list(filled.created)  # untouched
        assert pool.pool_discard_stale() == list(filled.created)
        assert pool.pool_schemas() == []
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DELETE FROM {}.django_migrations WHERE app = 'zz_test'").format(template)
            )
        _remove("pool-stale")


def test_empty_pool_falls_back_to_cloning_and_missing_template_still_refuses(committed, settings):
    assert pool.pool_schemas() == []
    try:
        organisation = services.organisation_provision(
            spec=_spec("pool-empty"), actor="tests", sync_identity=False
        )
        assert schema_exists(organisation.schema_name)
        event = AuditEvent.objects.get(action="organisation.provisioned", object_id="pool-empty")
        assert event.data["origine"] == "clone"
    finally:
        _remove("pool-empty")
    settings.TENANT_BASE_SCHEMA = "no_such_template"
    assert pool.pool_fill(target=3).created == ()
    with pytest.raises(services.TemplateSchemaMissingError):
        services.organisation_provision(spec=_spec("pool-none"), actor="tests")
    assert not Organisation.objects.filter(code="pool-none").exists()
