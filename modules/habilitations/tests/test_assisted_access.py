"""Assisted access: asked by a TGR operator, decided by the tenant admin, read-only, logged,
ending by itself or on demand."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from identity import assisted
from identity.middleware import SESSION_TENANT_KEY
from identity.models import AssistedAccess, AssistedAccessStatus, User
from identity.permissions import SESSION_HABILITATIONS_KEY, SESSION_ROLES_KEY
from identity.sessions import ASSISTED_KEY

pytestmark = pytest.mark.django_db
APEX = "indimaj.localhost:8765"
A_HOST = "test-a.indimaj.localhost:8765"


@pytest.fixture
def operator_client():
    client = Client()  # its own cookies: the tenant admin uses the `client` fixture
    user = User.objects.create(username="karim.test-tgr", keycloak_sub="sub-karim-test")
    client.force_login(user)
    session = client.session
    session[SESSION_TENANT_KEY] = "public"
    session[SESSION_ROLES_KEY] = ["tgr-operateur"]
    session.save()
    client.defaults["HTTP_HOST"] = APEX
    return client


def _operator_on_tenant(client, tenant, access):
    """The session the login callback opens for an operator with a granted access."""
    session = client.session
    session[SESSION_TENANT_KEY] = tenant.schema_name
    session[SESSION_HABILITATIONS_KEY] = [["lecture", None]]
    session[ASSISTED_KEY] = access.id
    session.save()
    client.defaults["HTTP_HOST"] = A_HOST
    return client


def _request(operator_client, minutes="30"):
    return operator_client.post(
        "/acces-assiste/",
        {"tenant": "test-a", "motif": "Écart de paie signalé par la DRH", "minutes": minutes},
    )


def test_operator_asks_and_admin_grants(tenant_a, operator_client, login_client):
    assert _request(operator_client).status_code == 302
    access = AssistedAccess.objects.get(operator_sub="sub-karim-test")
    assert access.status == AssistedAccessStatus.DEMANDEE
    admin = login_client(tenant_a)
    page = admin.get("/habilitations/acces-assiste/")
    assert "Écart de paie signalé par la DRH" in page.text
    admin.post(f"/habilitations/acces-assiste/{access.id}", {"decision": "accorder"})
    access.refresh_from_db()
    assert access.status == AssistedAccessStatus.ACCORDEE
    assert access.ends_at is not None
    assert timedelta(minutes=29) < access.ends_at - timezone.now() <= timedelta(minutes=30)
    for schema in ("public", tenant_a.schema_name):
        with schema_context(schema):
            actions = set(
                AuditEvent.objects.filter(object_id=str(access.id)).values_list("action", flat=True)
            )
        assert actions == {"acces_assiste.demande", "acces_assiste.accorde"}


def test_pages_seen_are_logged_and_read_only(tenant_a, operator_client, login_client):
    _request(operator_client)
    access = AssistedAccess.objects.get(operator_sub="sub-karim-test")
    assisted.assisted_access_decide(access=access, grant=True, admin_username="admin.a")
    operator = _operator_on_tenant(operator_client, tenant_a, access)
    home = operator.get("/")
    assert home.status_code == 200
    assert "Accès assisté de la TGR" in home.text
    assert operator.get("/habilitations/").status_code == 403  # lecture only
    log = login_client(tenant_a).get("/habilitations/acces-assiste/")
    assert "karim.test-tgr" in log.text
    with schema_context(tenant_a.schema_name):
        seen = list(
            AuditEvent.objects.filter(action=assisted.PAGE_SEEN)
            .order_by("seq")
            .values_list("object_id", flat=True)
        )
    assert seen == ["/", "/habilitations/"]


def test_ending_the_access_ends_the_session(tenant_a, operator_client, login_client):
    _request(operator_client)
    access = AssistedAccess.objects.get(operator_sub="sub-karim-test")
    assisted.assisted_access_decide(access=access, grant=True, admin_username="admin.a")
    operator = _operator_on_tenant(operator_client, tenant_a, access)
    assert operator.get("/").status_code == 200
    login_client(tenant_a).post(
        f"/habilitations/acces-assiste/{access.id}", {"decision": "terminer"}
    )
    response = operator.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/oidc/login")


def test_an_expired_access_ends_by_itself(tenant_a, operator_client):
    _request(operator_client, minutes="1")
    access = AssistedAccess.objects.get(operator_sub="sub-karim-test")
    assisted.assisted_access_decide(access=access, grant=True, admin_username="admin.a")
    AssistedAccess.objects.filter(id=access.id).update(
        ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert (
        assisted.assisted_access_active(
            tenant_schema=tenant_a.schema_name, operator_sub="sub-karim-test"
        )
        is None
    )
    response = _operator_on_tenant(operator_client, tenant_a, access).get("/")
    assert response.status_code == 302


def test_refused_or_unknown_requests(tenant_a, tenant_b, operator_client, login_client):
    bad = operator_client.post(
        "/acces-assiste/", {"tenant": "nulle-part", "motif": "x" * 20, "minutes": "30"}
    )
    assert bad.status_code == 400
    assert "Organisation inconnue : nulle-part" in bad.text
    short = operator_client.post(
        "/acces-assiste/", {"tenant": "test-a", "motif": "vite", "minutes": "30"}
    )
    assert "10 caractères au moins" in short.text
    long = operator_client.post(
        "/acces-assiste/", {"tenant": "test-a", "motif": "x" * 20, "minutes": "9999"}
    )
    assert "entre 1 et 480 minutes" in long.text
    assert not AssistedAccess.objects.filter(operator_sub="sub-karim-test").exists()
    _request(operator_client)
    access = AssistedAccess.objects.get(operator_sub="sub-karim-test")
    # the admin of another tenant cannot decide on it: same 404 as a missing one
    other = login_client(tenant_b).post(
        f"/habilitations/acces-assiste/{access.id}", {"decision": "accorder"}
    )
    assert other.status_code == 404
    access.refresh_from_db()
    assert access.status == AssistedAccessStatus.DEMANDEE


def test_only_tgr_operators_may_ask(client, tenant_a, login_client):
    user = User.objects.create(username="admin.plateforme", keycloak_sub="sub-adm")
    client.force_login(user)
    session = client.session
    session[SESSION_TENANT_KEY] = "public"
    session[SESSION_ROLES_KEY] = ["plateforme-admin"]
    session.save()
    assert client.get("/acces-assiste/", HTTP_HOST=APEX).status_code == 403
