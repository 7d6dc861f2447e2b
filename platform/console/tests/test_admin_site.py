"""The Django admin: `plateforme-admin` only, public-schema models only, apex only."""

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import URLResolver
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from console.admin_site import site
from console.tests.support import APEX, TENANT_A_HOST
from identity.permissions import ACCESS_RULE_ATTR, SESSION_ROLES_KEY
from referentiel.models import Parametre
from tenants.models import Domain, FailedJob, Organisation

pytestmark = pytest.mark.django_db
ADMIN = "/django-admin/"


def _admin_paths():
    """One concrete path for every URL pattern of the admin site."""
    found = []

    def walk(entries, prefix):
        for entry in entries:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            else:
                found.append((prefix + str(entry.pattern), entry))

    walk(site.get_urls(), "")
    paths = []
    for route, entry in found:
        concrete = re.sub(r"\(\?P<app_label>[^)]*\)", "tenants", route)
        concrete = concrete.replace("(?P<url>.*)", "ailleurs/")
        concrete = re.sub(r"<[^>]+>", "1", concrete).replace("^", "").replace("$", "")
        paths.append((ADMIN + concrete, entry))
    return paths


ADMIN_PATHS = _admin_paths()


def test_every_admin_url_carries_an_access_rule():
    rules = {path: getattr(entry.callback, ACCESS_RULE_ATTR, None) for path, entry in ADMIN_PATHS}
    login = ADMIN + "login/"
    assert rules.pop(login) == "public"  # it only sends people to Keycloak
    assert set(rules.values()) == {"platform:plateforme-admin"}
    assert len(rules) > 20  # site views and each model's list/add/change/delete/history


@pytest.mark.parametrize("roles", [["tgr-operateur"], []])
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_admin_url_refuses_anyone_but_a_platform_admin(apex_client, roles, method):
    client = apex_client(roles)
    for path, _entry in ADMIN_PATHS:
        response = getattr(client, method)(path)
        assert response.status_code == 403, (path, response.status_code)


def test_every_admin_url_sends_the_anonymous_to_keycloak(client):
    for path, _entry in ADMIN_PATHS:
        response = client.get(path, HTTP_HOST=APEX)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/oidc/login?next="), path


def test_the_login_page_has_no_password_form(client):
    response = client.get(ADMIN + "login/?next=/django-admin/tenants/", HTTP_HOST=APEX)
    assert response.status_code == 302
    assert response["Location"] == "/oidc/login?next=%2Fdjango-admin%2Ftenants%2F"
    elsewhere = client.get(ADMIN + "login/?next=https://evil.example/", HTTP_HOST=APEX)
    assert elsewhere["Location"] == "/oidc/login?next=%2Fdjango-admin%2F"


def test_a_platform_admin_sees_the_public_models(apex_client, tenant_a):
    client = apex_client(["plateforme-admin"])
    index = client.get(ADMIN)
    assert index.status_code == 200
    for listing in ("tenants/organisation/", "tenants/domain/", "tenants/failedjob/"):
        assert f'href="{ADMIN}{listing}"' in index.text
        assert client.get(ADMIN + listing).status_code == 200, listing
    organisations = client.get(ADMIN + "tenants/organisation/").text
    assert "test-a" in organisations
    change = client.get(f"{ADMIN}tenants/organisation/{tenant_a.pk}/change/")
    assert change.status_code == 200
    assert 'name="password"' not in client.get(ADMIN + "login/", follow=True).text


def test_organisations_are_read_mostly_and_an_admin_change_is_audited(apex_client, tenant_a):
    client = apex_client(["plateforme-admin"])
    url = f"{ADMIN}tenants/organisation/{tenant_a.pk}/change/"
    response = client.post(
        url, {"name_fr": "Commune de test A (corrigé)", "name_ar": tenant_a.name_ar, "code": "x"}
    )
    assert response.status_code == 302
    tenant_a.refresh_from_db()
    assert tenant_a.name_fr == "Commune de test A (corrigé)"
    assert tenant_a.code == "test-a"  # read-only fields are not taken from the form
    event = AuditEvent.objects.order_by("-seq").first()  # the platform's (public) chain
    assert event
    assert (event.action, event.object_type, event.object_id) == (
        "admin.changed",
        "tenants.organisation",
        str(tenant_a.pk),
    )
    assert event.data == {"fields": ["name_fr"]}
    assert client.get(ADMIN + "tenants/organisation/add/").status_code == 403
    delete = f"{ADMIN}tenants/organisation/{tenant_a.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Organisation.objects.filter(pk=tenant_a.pk).exists()


def test_domains_cannot_be_deleted_and_failed_jobs_are_read_only(apex_client, tenant_a):
    client = apex_client(["plateforme-admin"])
    domain = Domain.objects.get(tenant=tenant_a)
    assert (
        client.post(f"{ADMIN}tenants/domain/{domain.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Domain.objects.filter(pk=domain.pk).exists()
    assert client.get(ADMIN + "tenants/failedjob/add/").status_code == 403


def test_passwords_are_changed_in_keycloak_and_view_on_site_is_gone(apex_client):
    client = apex_client(["plateforme-admin"])
    response = client.get(ADMIN + "password_change/")
    assert response.status_code == 302
    assert response["Location"] == f"{settings.KEYCLOAK_URL}/realms/indimaj/account/"
    assert client.get(ADMIN + "r/1/1/").status_code == 404


def test_only_public_schema_models_are_registered():
    assert set(site._registry) == {Organisation, Domain, FailedJob, Parametre}
    tenant_apps = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS}
    assert not {m._meta.app_label for m in site._registry} & tenant_apps
    # Django's default site stays empty: autodiscovery is off (SimpleAdminConfig).
    assert not {m._meta.app_label for m in admin.site._registry} & tenant_apps


def test_the_admin_is_not_served_on_a_tenant_host(login_client, tenant_a):
    client = login_client(tenant_a, roles=("admin",))
    session = client.session
    session[SESSION_ROLES_KEY] = ["plateforme-admin"]
    session.save()
    for path in (ADMIN, ADMIN + "login/", ADMIN + "tenants/organisation/"):
        assert client.get(path, HTTP_HOST=TENANT_A_HOST).status_code == 404, path


def test_the_site_refuses_any_schema_but_public(tenant_a, django_user_model):
    request = RequestFactory().get(ADMIN)
    request.user = django_user_model.objects.create(username="admin.plateforme")
    request.session = {SESSION_ROLES_KEY: ["plateforme-admin"]}  # type: ignore[assignment]
    assert site.has_permission(request)
    with schema_context(tenant_a.schema_name):
        assert not site.has_permission(request)


def test_logout_from_the_admin_ends_the_keycloak_session_too(apex_client):
    client = apex_client(["plateforme-admin"])
    response = client.post(ADMIN + "logout/")
    assert response.status_code == 302
    assert response["Location"].startswith(
        f"{settings.KEYCLOAK_URL}/realms/indimaj/protocol/openid-connect/logout?"
    )
    assert client.get(ADMIN)["Location"].startswith("/oidc/login?next=")
