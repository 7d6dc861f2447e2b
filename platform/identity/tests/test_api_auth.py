"""Bearer tokens from the real Keycloak on the real API (tenant hosts)."""

import base64
import json
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from identity import facade as identity_facade
from identity import keycloak_admin, oidc

pytestmark = pytest.mark.django_db
PASSWORD = "Api-Test-2026!"
A_HOST = "test-a.indimaj.localhost:8765"
B_HOST = "test-b.indimaj.localhost:8765"
TOKEN_URL = f"{oidc.issuer()}/protocol/openid-connect/token"


def _client_ensure(admin, client_id, *, with_api_scope):
    internal = admin.get_client_id(client_id)
    if internal is None:
        admin.create_client(
            {
                "clientId": client_id,
                "publicClient": True,
                "directAccessGrantsEnabled": True,
                "standardFlowEnabled": False,
                "optionalClientScopes": ["organization"],
            },
            skip_exists=True,
        )
        internal = admin.get_client_id(client_id)
    defaults = {s["name"] for s in admin.get_client_default_client_scopes(internal)}
    wanted = {"basic", "profile", "roles"} | (
        {keycloak_admin.API_SCOPE} if with_api_scope else set()
    )
    scopes = {s["name"]: s["id"] for s in admin.get_client_scopes()}
    for name in wanted - defaults:
        admin.add_client_default_client_scope(internal, scopes[name], {})


@pytest.fixture(scope="module")
def api_person(django_db_setup):
    """A member of test-a, and two test-only clients allowed the password grant."""
    admin = keycloak_admin.admin_client()
    _client_ensure(admin, "indimaj-test-cli", with_api_scope=True)
    _client_ensure(admin, "indimaj-test-noaud", with_api_scope=False)
    identity_facade.person_ensure(
        username="omar.api-a",
        email="omar.api-a@example.ma",
        first_name="Omar",
        last_name="Chraibi",
        password=PASSWORD,
        organization_aliases=("test-a",),
        habilitations=("admin",),
    )
    return "omar.api-a"


def _token(username, *, client_id="indimaj-test-cli", organization="test-a"):
    response = requests.post(
        TOKEN_URL,
        data={
            "grant_type": "password",
            "client_id": client_id,
            "username": username,
            "password": PASSWORD,
            "scope": f"openid organization:{organization}",
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def _get(client, token, host):
    return client.get("/api/v1/journal/", HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_token_of_a_member_reads_its_tenant(client, api_person):
    response = _get(client, _token(api_person), A_HOST)
    assert response.status_code == 200
    assert isinstance(response.json(), list)


def test_token_of_tenant_a_is_refused_on_tenant_b(client, api_person):
    response = _get(client, _token(api_person), B_HOST)
    assert response.status_code == 403
    assert "autre organisation" in response.json()["detail"]


def test_token_without_our_audience_is_refused(client, api_person):
    response = _get(client, _token(api_person, client_id="indimaj-test-noaud"), A_HOST)
    assert response.status_code == 401
    assert "audience" in response.json()["detail"].lower()


def test_tampered_token_is_refused(client, api_person):
    header, payload, signature = _token(api_person).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["organization"] = ["test-b"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = _get(client, f"{header}.{forged}.{signature}", B_HOST)
    assert response.status_code == 401


def test_token_signed_by_another_key_under_keycloaks_kid_is_refused(client, api_person):
    real = _token(api_person)
    kid = jwt.get_unverified_header(real)["kid"]
    claims = jwt.decode(real, options={"verify_signature": False})
    mallory = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, mallory, algorithm="RS256", headers={"kid": kid})
    response = _get(client, forged, A_HOST)
    assert response.status_code == 401
    assert "signature" in response.json()["detail"].lower()


def test_alg_none_is_refused(client, api_person):
    claims = jwt.decode(_token(api_person), options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none")  # type: ignore[arg-type]
    response = _get(client, unsigned, A_HOST)
    assert response.status_code == 401
    assert "algorithm" in response.json()["detail"]


def test_no_credentials_at_all_is_401(client):
    response = client.get("/api/v1/journal/", HTTP_HOST=A_HOST)
    assert response.status_code == 401


def test_key_rotation_in_keycloak_is_picked_up_without_restart(client, api_person, monkeypatch):
    before = jwt.get_unverified_header(_token(api_person))["kid"]
    assert _get(client, _token(api_person), A_HOST).status_code == 200  # keys now cached
    admin = keycloak_admin.admin_client()
    realm_id = admin.get_realm(settings.KEYCLOAK_REALM)["id"]
    name = f"rotation-{uuid.uuid4().hex[:8]}"
    component_id = admin.create_component(
        {
            "name": name,
            "providerId": "rsa-generated",
            "providerType": "org.keycloak.keys.KeyProvider",
            "parentId": realm_id,
            "config": {
                "priority": ["10000"],
                "keySize": ["2048"],
                "active": ["true"],
                "enabled": ["true"],
                "algorithm": ["RS256"],
            },
        }
    )
    # the refresh guard would wait up to 10 s after the previous fetch: not under test here
    monkeypatch.setattr(oidc.jwks(), "min_refresh", 0)
    try:
        token = _token(api_person)
        assert jwt.get_unverified_header(token)["kid"] != before
        assert _get(client, token, A_HOST).status_code == 200
    finally:
        admin.delete_component(component_id)
