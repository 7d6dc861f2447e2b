"""Data written in one tenant is invisible from another: ORM, pages and API."""

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from audit import services as audit_services
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _record_in(organisation, marker):
    with schema_context(organisation.schema_name), transaction.atomic():
        audit_services.audit_record(actor="tester", action="isolation.marker", object_id=marker)


def test_orm_rows_stay_in_their_schema(tenant_a, tenant_b):
    _record_in(tenant_a, "only-in-a")
    with schema_context(tenant_a.schema_name):
        assert AuditEvent.objects.filter(object_id="only-in-a").count() == 1
    with schema_context(tenant_b.schema_name):
        assert AuditEvent.objects.filter(object_id="only-in-a").count() == 0
    # and nothing leaked to the platform's own chain either
    assert AuditEvent.objects.filter(object_id="only-in-a").count() == 0


def test_home_page_shows_only_the_tenants_own_activity(tenant_a, tenant_b, login_client):
    _record_in(tenant_a, "page-marker-a")
    page_a = login_client(tenant_a).get("/")
    assert page_a.status_code == 200
    assert "Commune de test A" in page_a.text
    assert "isolation.marker" in page_a.text

    page_b = login_client(tenant_b).get("/")
    assert page_b.status_code == 200
    assert "Ministère de test B" in page_b.text
    assert "isolation.marker" not in page_b.text


def test_api_lists_only_the_tenants_own_events(tenant_a, tenant_b, login_client):
    _record_in(tenant_a, "api-marker-a")
    events_a = login_client(tenant_a).get("/api/v1/journal/").json()
    assert "api-marker-a" in {e["object_id"] for e in events_a}
    events_b = login_client(tenant_b).get("/api/v1/journal/").json()
    assert events_b  # B has its own events (its creation), just not A's
    assert "api-marker-a" not in {e["object_id"] for e in events_b}


def test_a_session_opened_on_tenant_a_is_useless_on_tenant_b(tenant_a, tenant_b, login_client):
    client = login_client(tenant_a)
    assert client.get("/").status_code == 200
    # same cookie, presented on B's host (a browser would not send it; an attacker could)
    response = client.get("/", HTTP_HOST="test-b.indimaj.localhost:8765")
    assert response.status_code == 302
    assert response["Location"].startswith("/oidc/login")
    api = client.get("/api/v1/journal/", HTTP_HOST="test-b.indimaj.localhost:8765")
    assert api.status_code == 401


def test_unknown_host_is_not_served(client):
    response = client.get("/", HTTP_HOST="nobody.indimaj.localhost:8765")
    assert response.status_code == 404
