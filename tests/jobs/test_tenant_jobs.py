"""Jobs carry their tenant: a real worker process runs them in the sender's schema."""

import uuid

import dramatiq
import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from tenants import actors, services
from tenants.jobs import MissingTenantError
from tenants.models import FailedJob, FailedJobStatus
from tests.support.processes import wait_until

# No django_db mark: these tests talk to a worker process, which only sees committed rows.


def _ping_count(organisation, token):
    with schema_context(organisation.schema_name):
        return AuditEvent.objects.filter(action="job.ping", object_id=token).count()


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Cross-process tests need committed rows: no per-test transaction here."""
    with django_db_blocker.unblock():
        yield


def test_job_sent_in_tenant_a_runs_in_schema_a(worker, committed):
    from tenants.models import Organisation

    tenant_a = Organisation.objects.get(code="test-a")
    tenant_b = Organisation.objects.get(code="test-b")
    token = uuid.uuid4().hex
    with schema_context(tenant_a.schema_name):
        message = actors.tenant_ping.send(token)
    assert message.options["tenant_schema"] == tenant_a.schema_name

    wait_until(lambda: _ping_count(tenant_a, token) == 1, timeout=30, what="ping row in A")
    with schema_context(tenant_a.schema_name):
        row = AuditEvent.objects.get(action="job.ping", object_id=token)
    assert row.data == {"schema": tenant_a.schema_name}
    assert _ping_count(tenant_b, token) == 0
    assert worker.alive()


def test_sending_a_tenant_job_outside_any_tenant_is_refused(committed):
    with pytest.raises(MissingTenantError, match="outside any tenant"):
        actors.tenant_ping.send("nowhere")


def test_message_without_tenant_fails_loudly_and_lands_in_dead_letters(worker, committed):
    # A producer that bypasses TenantActor (an old client, a hand-made message).
    message: dramatiq.Message[None] = dramatiq.Message(
        queue_name="default", actor_name="tenant_ping", args=("no-tenant",), kwargs={}, options={}
    )
    dramatiq.get_broker().enqueue(message)

    def dead_letter():
        return FailedJob.objects.filter(message_id=message.message_id).first()

    wait_until(lambda: dead_letter() is not None, timeout=30, what="dead letter")
    failed = dead_letter()
    assert failed.status == FailedJobStatus.FAILED
    assert failed.actor_name == "tenant_ping"
    assert "aucun tenant" in failed.error
    # the job body never ran anywhere
    assert AuditEvent.objects.filter(object_id="no-tenant").count() == 0


def test_operator_retry_sends_the_failed_job_again(worker, committed):
    from tenants.models import Organisation

    tenant_a = Organisation.objects.get(code="test-a")
    token = uuid.uuid4().hex
    with transaction.atomic():
        failed = FailedJob.objects.create(
            message_id=uuid.uuid4().hex,
            queue_name="default",
            actor_name="tenant_ping",
            tenant_schema=tenant_a.schema_name,
            message={
                "queue_name": "default",
                "actor_name": "tenant_ping",
                "args": [token],
                "kwargs": {},
                "options": {"tenant_schema": tenant_a.schema_name, "retries": 3},
            },
            error="boom",
        )
    services.failed_job_retry(failed_job=failed, actor="operator")
    failed.refresh_from_db()
    assert failed.status == FailedJobStatus.RETRIED
    assert failed.retried_by == "operator"
    wait_until(lambda: _ping_count(tenant_a, token) == 1, timeout=30, what="retried ping")


def test_reconcile_job_rewrites_the_tenants_copy_in_a_worker(worker, committed):
    from identity import facade as identity_facade
    from identity.habilitation_copies import habilitations_for_job
    from identity.habilitations import Habilitation
    from identity.models import HabilitationCopie

    user_id = identity_facade.person_ensure(
        username="reda.job-a",
        email="reda.job-a@example.ma",
        first_name="Reda",
        last_name="Filali",
        password="Job-Test-2026!",
        organization_aliases=("test-a",),
        habilitations=("valideur",),
    )
    HabilitationCopie.objects.filter(tenant_schema="t_test_a").delete()
    actors.habilitations_reconcile_all.send()
    wait_until(
        lambda: (
            Habilitation("valideur")
            in habilitations_for_job(tenant_schema="t_test_a", user_sub=user_id)
        ),
        timeout=30,
        what="reconciled copy",
    )


def test_identity_reconcile_puts_back_what_keycloak_lost(worker, committed):
    from identity import keycloak_admin

    admin = keycloak_admin.admin_client()
    org_id = keycloak_admin.organization_id_by_alias(admin, "test-b")
    assert org_id is not None
    org = admin.get_organization(org_id)
    admin.update_organization(org_id, {**org, "name": "renamed behind our back"})

    def name():
        return admin.get_organization(org_id)["name"]

    assert name() == "renamed behind our back"
    actors.identity_reconcile_all.send()
    wait_until(lambda: name() == "Ministère de test B", timeout=30, what="name restored")
