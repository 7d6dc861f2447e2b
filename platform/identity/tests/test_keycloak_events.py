"""Failed logins recorded by Keycloak reach the audit chains, once."""

import uuid

import pytest
import requests
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from identity import facade as identity_facade
from identity import keycloak_events, oidc

pytestmark = pytest.mark.django_db


def test_failed_login_is_copied_once_to_the_platform_chain(django_db_setup):
    username = f"echec-{uuid.uuid4().hex[:8]}"
    identity_facade.person_ensure(
        username=username,
        email=f"{username}@example.ma",
        first_name="Test",
        last_name="Echec",
        password="Bon-Mot-2026!",
    )
    answer = requests.post(
        f"{oidc.issuer()}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "indimaj-test-cli",
            "username": username,
            "password": "mauvais",
        },
        timeout=10,
    )
    assert answer.json()["error"] == "invalid_grant"
    keycloak_events.events_copy()
    keycloak_events.events_copy()  # a second run copies nothing again
    copied = AuditEvent.objects.filter(action="keycloak.login_error", actor=username)
    assert copied.count() == 1
    assert copied.get().data["erreur"] == "invalid_user_credentials"
    assert copied.get().data["client"] == "indimaj-test-cli"


def test_event_for_a_tenant_host_goes_to_that_tenant(tenant_a):
    event = {"details": {"redirect_uri": "http://test-a.indimaj.localhost:8765/oidc/callback"}}
    assert keycloak_events._schema_for(event) == tenant_a.schema_name
    assert keycloak_events._schema_for({"details": {}}) == "public"
    with schema_context("public"):
        assert keycloak_events._schema_for({"details": {"redirect_uri": "http://x.y/"}}) == "public"
