"""The audit chain: each row seals the previous one; any edit, insert or delete shows."""

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from audit import services
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _three_events(schema):
    with schema_context(schema), transaction.atomic():
        return [
            services.audit_record(actor="a", action=f"test.{n}", data={"n": n}) for n in range(3)
        ]


def test_chain_links_each_event_to_the_previous(tenant_a):
    events = _three_events(tenant_a.schema_name)
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert [e.seq for e in events] == [events[0].seq, events[0].seq + 1, events[0].seq + 2]
    with schema_context(tenant_a.schema_name):
        assert services.audit_verify() == []


def test_edited_row_is_detected(tenant_a):
    events = _three_events(tenant_a.schema_name)
    with schema_context(tenant_a.schema_name):
        AuditEvent.objects.filter(pk=events[1].pk).update(actor="mallory")
        problems = services.audit_verify()
    assert problems == [f"#{events[1].seq}: contenu modifié"]


def test_deleted_row_is_detected(tenant_a):
    events = _three_events(tenant_a.schema_name)
    with schema_context(tenant_a.schema_name):
        AuditEvent.objects.filter(pk=events[1].pk).delete()
        problems = services.audit_verify()
    assert f"séquence {events[1].seq} manquante (trouvé {events[2].seq})" in problems
    assert f"#{events[2].seq}: chaînage rompu (hash précédent différent)" in problems


def test_record_outside_a_transaction_is_refused(tenant_a):
    # pytest-django wraps the test in a transaction; leave it to prove the guard.
    assert connection.in_atomic_block
    with schema_context(tenant_a.schema_name):
        connection.in_atomic_block = False
        try:
            with pytest.raises(RuntimeError, match="inside the transaction"):
                services.audit_record(actor="a", action="x")
        finally:
            connection.in_atomic_block = True
