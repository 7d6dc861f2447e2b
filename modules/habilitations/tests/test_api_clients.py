"""Integrations' API clients: created by the tenant admin, scoped like a person, revocable."""

import re

import pytest
import requests
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from identity import facade as identity_facade
from identity import oidc

pytestmark = pytest.mark.django_db
A_HOST = "test-a.indimaj.localhost:8765"
B_HOST = "test-b.indimaj.localhost:8765"


def _token(client_id, secret, organization="test-a"):
    return requests.post(
        f"{oidc.issuer()}/protocol/openid-connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": f"organization:{organization}",
        },
        timeout=10,
    )


def _journal(client, token, host):
    return client.get("/api/v1/journal/", HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def created_clients():
    made: list[str] = []
    yield made
    for client_id in made:
        identity_facade.tenant_api_client_revoke(alias="test-a", client_id=client_id)


def _create(client, name, role, created_clients):
    page = client.post("/habilitations/api/", {"nom": name, "role": role, "unite": ""})
    assert page.status_code == 200, page.text
    client_id = re.findall(r'id="client-id">([^<]+)<', page.text)[0]
    secret = re.findall(r'id="client-secret">([^<]+)<', page.text)[0]
    created_clients.append(client_id)
    assert page["Cache-Control"] == "no-store"
    return client_id, secret


def test_client_acts_within_its_habilitation(tenant_a, login_client, client, created_clients):
    admin_page = login_client(tenant_a)
    client_id, secret = _create(admin_page, "Logiciel RH", "admin", created_clients)
    token = _token(client_id, secret).json()["access_token"]
    ok = client.get("/api/v1/journal/", HTTP_HOST=A_HOST, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200
    elsewhere = client.get(
        "/api/v1/journal/", HTTP_HOST=B_HOST, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert elsewhere.status_code == 403
    # the secret is shown once: the list does not carry it
    assert secret not in admin_page.get("/habilitations/api/").text
    with schema_context(tenant_a.schema_name):
        event = AuditEvent.objects.get(action="client_api.cree", object_id=client_id)
    assert event.data == {"nom": "Logiciel RH", "habilitation": "admin"}


def test_reader_client_is_refused_the_journal(tenant_a, login_client, client, created_clients):
    client_id, secret = _create(
        login_client(tenant_a), "Tableau de bord", "lecture", created_clients
    )
    token = _token(client_id, secret).json()["access_token"]
    response = client.get(
        "/api/v1/journal/", HTTP_HOST=A_HOST, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 403
    assert "journal.lire" in response.json()["detail"]


def test_revoked_client_gets_no_more_tokens(tenant_a, login_client, created_clients):
    admin_page = login_client(tenant_a)
    client_id, secret = _create(admin_page, "Ancien logiciel", "paie", created_clients)
    assert _token(client_id, secret).status_code == 200
    assert admin_page.post(f"/habilitations/api/{client_id}/revoquer").status_code == 302
    assert _token(client_id, secret).status_code == 401
    listing = admin_page.get("/habilitations/api/")  # the success message is consumed here
    assert f"<code>{client_id}</code>" not in listing.text
    assert f"{client_id} révoqué" in listing.text


def test_admin_of_b_cannot_revoke_a_client_of_a(tenant_a, tenant_b, login_client, created_clients):
    client_id, secret = _create(login_client(tenant_a), "Intégration A", "lecture", created_clients)
    response = login_client(tenant_b).post(f"/habilitations/api/{client_id}/revoquer")
    assert response.status_code == 404
    assert _token(client_id, secret).status_code == 200


def test_nameless_client_is_refused(tenant_a, login_client):
    page = login_client(tenant_a).post("/habilitations/api/", {"nom": " ", "role": "lecture"})
    assert page.status_code == 400
    assert "Donnez un nom" in page.text
