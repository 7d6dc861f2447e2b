"""Suspend, reactivate, archive: on the real login path, the real API and the real Keycloak.

Logins go the way a browser goes (Django's test client for our hosts, `requests` for
Keycloak's login form): /oidc/login on the tenant host → Keycloak's form → the apex callback →
the hand-off on the tenant host. These tests use their own tenants, never test-a/test-b, as
they cut access in the Keycloak that other suites share.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
import requests
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from identity import facade as identity_facade
from identity import keycloak_admin, oidc, organisations_etat
from identity.permissions import SESSION_ROLES_KEY
from identity.sessions import SESSION_TENANT_KEY
from tenants import cycle_de_vie, services
from tenants.models import Organisation, OrganisationKind, OrganisationStatus

PASSWORD = "Cycle-Vie-2026!"
APEX = "indimaj.localhost:8765"
TOKEN_URL = f"{oidc.issuer()}/protocol/openid-connect/token"
TEST_CLI = "indimaj-test-cli"
SUSPENDUE_FR = "Cette organisation est suspendue"


def _host(code: str) -> str:
    return f"{code}.{APEX}"


def _provision(code: str, name: str) -> Organisation:
    spec = services.OrganisationSpec(
        code=code, kind=OrganisationKind.COMMUNE, name_fr=name, name_ar="جماعة " + code
    )
    organisation = services.organisation_provision(spec=spec, actor="tests")
    # a previous run may have left the Keycloak Organization disabled
    cycle_de_vie.organisation_acces_reconcilier(organisation=organisation)
    return organisation


def _test_cli_ensure() -> None:
    """A test-only public client allowed the password grant, with the API audience."""
    admin = keycloak_admin.admin_client()
    if admin.get_client_id(TEST_CLI) is None:
        admin.create_client(
            {
                "clientId": TEST_CLI,
                "publicClient": True,
                "directAccessGrantsEnabled": True,
                "standardFlowEnabled": False,
                "optionalClientScopes": ["organization"],
            },
            skip_exists=True,
        )
    internal = admin.get_client_id(TEST_CLI)
    assert internal is not None
    defaults = {s["name"] for s in admin.get_client_default_client_scopes(internal)}
    scopes = {s["name"]: s["id"] for s in admin.get_client_scopes()}
    for name in {"basic", "profile", "roles", keycloak_admin.API_SCOPE} - defaults:
        admin.add_client_default_client_scope(internal, scopes[name], {})


@pytest.fixture(autouse=True)
def _en_francais():
    """Messages compared in French, whatever language an earlier request activated."""
    with translation.override("fr"):
        yield


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    """These tests cross to Keycloak and back: rows must be committed, no test transaction."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="module")
def commune(committed):
    organisation = _provision("cycle-vie", "Commune du cycle de vie")
    identity_facade.person_ensure(
        username="hind.cycle",
        email="hind.cycle@example.ma",
        first_name="Hind",
        last_name="Tazi",
        password=PASSWORD,
        organization_aliases=(organisation.code,),
        habilitations=("lecture",),  # no second factor to enrol for this role
    )
    _test_cli_ensure()
    yield organisation
    organisation.refresh_from_db()
    if organisation.status == OrganisationStatus.SUSPENDUE:
        cycle_de_vie.organisation_reactiver(organisation=organisation, actor="tests", motif="fin")


def _keycloak_form_login(url: str, username: str) -> str:
    """Fill Keycloak's login form(s); returns where Keycloak sends the browser back."""
    browser = requests.Session()
    answer = browser.get(url, timeout=10)
    for _step in range(3):
        assert answer.status_code == 200, answer.text[:500]
        action = re.search(r'<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"', answer.text)
        assert action, answer.text[:2000]
        data = {"username": username}
        if 'name="password"' in answer.text:
            data["password"] = PASSWORD
        # Keycloak marks its cookies Secure; browsers send them to http://localhost anyway
        # (a secure context), requests does not unless told.
        for cookie in browser.cookies:
            cookie.secure = False
        answer = browser.post(
            html.unescape(action.group(1)), data=data, allow_redirects=False, timeout=10
        )
        if answer.status_code in (302, 303):
            return str(answer.headers["Location"])
    raise AssertionError("Keycloak did not send the browser back after the form")


def _browser_login(client, organisation: Organisation, username: str = "hind.cycle"):
    """The whole browser login on the tenant host; returns the final answer of our side."""
    start = client.get("/oidc/login", HTTP_HOST=_host(organisation.code))
    if start.status_code != 302:
        return start
    back = urlsplit(_keycloak_form_login(start["Location"], username))
    assert back.path == "/oidc/callback", back
    handoff = client.get(f"{back.path}?{back.query}", HTTP_HOST=APEX)
    assert handoff.status_code == 302, handoff.content[:500]
    target = urlsplit(handoff["Location"])
    assert target.netloc == _host(organisation.code)
    return client.get(f"{target.path}?{target.query}", HTTP_HOST=target.netloc)


def _token(organisation: Organisation, username: str = "hind.cycle") -> requests.Response:
    return requests.post(
        TOKEN_URL,
        data={
            "grant_type": "password",
            "client_id": TEST_CLI,
            "username": username,
            "password": PASSWORD,
            "scope": f"openid organization:{organisation.code}",
        },
        timeout=10,
    )


def _api(client, organisation: Organisation, token: str):
    return client.get(
        "/api/v1/unites/",
        HTTP_HOST=_host(organisation.code),
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _chain(schema: str, action: str) -> list[AuditEvent]:
    with schema_context(schema):
        return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_the_kernel_knows_the_statuses_that_cut_access():
    assert {
        OrganisationStatus.SUSPENDUE.value,
        OrganisationStatus.ARCHIVEE.value,
    } == organisations_etat.STATUTS_SANS_ACCES


def test_suspension_cuts_every_door_and_reactivation_opens_them(client, commune):
    # logged in through Keycloak, with an API token
    logged = _browser_login(client, commune)
    assert logged.status_code == 302
    assert logged["Location"] == "/"
    assert client.session[SESSION_TENANT_KEY] == commune.schema_name
    token = _token(commune)
    assert token.status_code == 200
    access_token = token.json()["access_token"]
    assert _api(client, commune, access_token).status_code == 200
    with schema_context(commune.schema_name):
        events_before = AuditEvent.objects.count()

    changement = cycle_de_vie.organisation_suspendre(
        organisation=commune, actor="op.tgr", motif="Courrier TGR n° 12/2026"
    )

    assert (changement.avant, changement.apres) == ("active", "suspendue")
    assert changement.keycloak_a_jour is True
    assert Organisation.objects.get(pk=commune.pk).status == OrganisationStatus.SUSPENDUE
    assert organisations_etat.organisation_keycloak_active(alias=commune.code) is False
    platform = AuditEvent.objects.filter(action="organisation.suspendue", object_id=commune.code)
    assert [(e.actor, e.data) for e in platform] == [
        ("op.tgr", {"avant": "active", "apres": "suspendue", "motif": "Courrier TGR n° 12/2026"})
    ]
    assert [e.data["motif"] for e in _chain(commune.schema_name, "organisation.suspendue")] == [
        "Courrier TGR n° 12/2026"
    ]

    # the open session ends at its next request, with the page saying why
    page = client.get("/", HTTP_HOST=_host(commune.code))
    assert page.status_code == 403
    text = page.content.decode()
    assert SUSPENDUE_FR in text
    assert "Contactez la TGR" in text
    assert "_auth_user_id" not in client.session
    # a new browser login is refused before reaching Keycloak
    refused = _browser_login(client, commune)
    assert refused.status_code == 403
    assert SUSPENDUE_FR in refused.content.decode()
    # the API refuses a token issued before, and Keycloak issues no new one
    api = _api(client, commune, access_token)
    assert api.status_code == 403
    assert api.json() == {
        "detail": organisations_etat.message_acces_coupe(statut="suspendue"),
        "statut": "suspendue",
    }
    again = _token(commune)
    assert again.status_code == 400
    assert "organization:cycle-vie" in again.json()["error_description"]
    # the data are kept; the suspension is the tenant chain's only new row
    with schema_context(commune.schema_name):
        assert AuditEvent.objects.count() == events_before + 1

    changement = cycle_de_vie.organisation_reactiver(
        organisation=commune, actor="op.tgr", motif="Régularisé"
    )

    assert (changement.avant, changement.apres, changement.keycloak_a_jour) == (
        "suspendue",
        "active",
        True,
    )
    assert organisations_etat.organisation_keycloak_active(alias=commune.code) is True
    assert _browser_login(client, commune)["Location"] == "/"
    assert client.get("/", HTTP_HOST=_host(commune.code)).status_code == 200
    token = _token(commune)
    assert token.status_code == 200
    assert _api(client, commune, token.json()["access_token"]).status_code == 200


def test_the_suspension_page_speaks_arabic_right_to_left(client, commune):
    cycle_de_vie.organisation_suspendre(organisation=commune, actor="tests", motif="essai AR")
    try:
        page = client.get("/", HTTP_HOST=_host(commune.code), HTTP_ACCEPT_LANGUAGE="ar")
    finally:
        cycle_de_vie.organisation_reactiver(organisation=commune, actor="tests", motif="fin")
    text = page.content.decode()
    assert page.status_code == 403
    assert 'dir="rtl"' in text
    assert "هذه المؤسسة موقوفة" in text
    assert SUSPENDUE_FR not in text


def test_refused_transitions_say_why_and_write_nothing(commune):
    platform_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as empty:
        cycle_de_vie.organisation_suspendre(organisation=commune, actor="op", motif="  ")
    assert empty.value.messages == [
        "Indiquez le motif (par exemple la référence du courrier ou du ticket)."
    ]
    with pytest.raises(ValidationError) as active:
        cycle_de_vie.organisation_reactiver(organisation=commune, actor="op", motif="x")
    assert active.value.messages == [
        "« cycle-vie » ne peut pas être réactivée : elle est « Active » (seule une organisation "
        "suspendue se réactive ; une organisation archivée se restaure depuis sa sauvegarde)."
    ]
    platform = Organisation.objects.get(schema_name="public")
    with pytest.raises(ValidationError, match="La plateforme elle-même"):
        cycle_de_vie.organisation_suspendre(organisation=platform, actor="op", motif="x")
    assert AuditEvent.objects.count() == platform_before
    assert Organisation.objects.get(pk=commune.pk).status == OrganisationStatus.ACTIVE
    assert organisations_etat.organisation_keycloak_active(alias=commune.code) is True


@pytest.fixture
def a_archiver(committed):
    organisation = _provision("cycle-archive", "Commune à archiver")
    yield organisation
    organisations_etat.organisation_keycloak_supprimer(alias=organisation.code)


def test_archive_is_final_and_marks_the_schema_read_only(client, a_archiver):
    cycle_de_vie.organisation_suspendre(organisation=a_archiver, actor="op", motif="fusion")
    changement = cycle_de_vie.organisation_archiver(
        organisation=a_archiver, actor="op", motif="Fusion avec la commune voisine"
    )

    assert (changement.avant, changement.apres, changement.keycloak_a_jour) == (
        "suspendue",
        "archivee",
        True,
    )
    marker = cycle_de_vie.marqueur_archive(organisation=a_archiver)
    assert marker is not None
    assert marker.startswith("INDIMAJ: organisation archivée le ")
    assert marker.endswith(" — lecture seule")
    assert organisations_etat.organisation_keycloak_active(alias=a_archiver.code) is False
    page = client.get("/", HTTP_HOST=_host(a_archiver.code))
    assert page.status_code == 403
    assert "Cette organisation est archivée" in page.content.decode()
    with pytest.raises(ValidationError, match="ne peut pas être réactivée"):
        cycle_de_vie.organisation_reactiver(organisation=a_archiver, actor="op", motif="x")
    with pytest.raises(ValidationError, match="est déjà « Archivée »"):
        cycle_de_vie.organisation_archiver(organisation=a_archiver, actor="op", motif="x")
    assert [e.action for e in _chain(a_archiver.schema_name, "organisation.archivee")] == [
        "organisation.archivee"
    ]
    assert Organisation.objects.get(pk=a_archiver.pk).status == OrganisationStatus.ARCHIVEE


def test_health_and_other_tenants_are_not_affected(client, commune):
    cycle_de_vie.organisation_suspendre(organisation=commune, actor="tests", motif="essai")
    try:
        assert client.get("/healthz", HTTP_HOST=_host(commune.code)).status_code in (200, 503)
        switch = client.post(
            "/i18n/setlang/", {"language": "ar", "next": "/"}, HTTP_HOST=_host(commune.code)
        )
        assert (switch.status_code, switch["Location"]) == (302, "/")
        assert client.cookies["django_language"].value == "ar"
        assert client.get("/oidc/login", HTTP_HOST="test-a." + APEX).status_code == 302
    finally:
        cycle_de_vie.organisation_reactiver(organisation=commune, actor="tests", motif="fin")


# --- Console pages (apex, platform roles) ---------------------------------------------------


@pytest.fixture
def operator(client, db):
    from identity.models import User

    def login(roles):
        user, _created = User.objects.get_or_create(username="operateur.cycle")
        client.force_login(user)
        session = client.session
        session[SESSION_TENANT_KEY] = "public"
        session[SESSION_ROLES_KEY] = list(roles)
        session.save()
        client.defaults["HTTP_HOST"] = APEX
        return client

    return login


def test_console_suspends_then_reactivates_with_a_reason(operator, tenant_b):
    browser = operator(["tgr-operateur"])
    url = f"/console/organisations/{tenant_b.code}/acces/"
    page = browser.get(url)
    assert page.status_code == 200
    assert "Suspendre l'organisation" in page.content.decode()

    done = browser.post(url, {"action": "suspendre", "motif": "Ticket 4521"})

    assert done.status_code == 302
    assert Organisation.objects.get(pk=tenant_b.pk).status == OrganisationStatus.SUSPENDUE
    event = AuditEvent.objects.get(action="organisation.suspendue", object_id=tenant_b.code)
    assert (event.actor, event.data["motif"]) == ("operateur.cycle", "Ticket 4521")
    assert "Réactiver l'organisation" in browser.get(url).content.decode()
    browser.post(url, {"action": "reactiver", "motif": "Ticket 4521 clos"})
    assert Organisation.objects.get(pk=tenant_b.pk).status == OrganisationStatus.ACTIVE


def test_console_refuses_without_reason_and_changes_nothing(operator, tenant_b):
    browser = operator(["plateforme-admin"])
    answer = browser.post(f"/console/organisations/{tenant_b.code}/acces/", {"action": "suspendre"})
    assert answer.status_code == 400
    assert "Indiquez le motif" in answer.content.decode()
    assert Organisation.objects.get(pk=tenant_b.pk).status == OrganisationStatus.ACTIVE
    assert not AuditEvent.objects.filter(
        action="organisation.suspendue", object_id=tenant_b.code
    ).exists()


def test_console_page_is_for_platform_roles_and_known_codes(operator, tenant_b):
    assert operator([]).get(f"/console/organisations/{tenant_b.code}/acces/").status_code == 403
    browser = operator(["tgr-operateur"])
    assert browser.get("/console/organisations/nope-nope/acces/").status_code == 404
    assert Organisation.objects.get(pk=tenant_b.pk).status == OrganisationStatus.ACTIVE
    assert connection.schema_name == "public"  # type: ignore[attr-defined]
