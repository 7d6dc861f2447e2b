"""Every page and API operation declares its access rule, and the matrix is enforced for every
role: generated from the URL confs, so a new endpoint without a rule fails here."""

from importlib import import_module

import pytest
from django.urls import URLPattern, URLResolver

from config.api import api
from identity.habilitations import TENANT_ROLES
from identity.permissions import (
    ACCESS_RULE_ATTR,
    DATA_ACTIONS,
    MATRIX,
    SESSION_HABILITATIONS_KEY,
    Action,
)

pytestmark = pytest.mark.django_db

# Django's own language switch: it only sets a cookie, for anyone.
PUBLIC_BY_DESIGN = {"set_language"}
A_HOST = "test-a.indimaj.localhost:8765"


def _patterns(urlconf):
    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "api-v1":
                    continue  # operations are checked one by one below
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry

    return list(walk(import_module(urlconf).urlpatterns))


def _operations():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield prefix + path, operation


@pytest.mark.parametrize("urlconf", ["config.urls_tenants", "config.urls_public"])
def test_every_page_declares_an_access_rule(urlconf):
    missing = [
        route
        for route, pattern in _patterns(urlconf)
        if pattern.name not in PUBLIC_BY_DESIGN
        and not getattr(pattern.callback, ACCESS_RULE_ATTR, None)
    ]
    assert _patterns(urlconf)  # the walk found the pages
    assert missing == []


def test_every_api_operation_declares_an_action_and_needs_a_caller(client):
    operations = list(_operations())
    assert operations
    for route, operation in operations:
        rule = getattr(operation.view_func, ACCESS_RULE_ATTR, "")
        assert rule.startswith("action:"), route
        for method in operation.methods:
            response = client.generic(method, "/api/v1" + route, HTTP_HOST=A_HOST)
            assert response.status_code == 401, (method, route)  # no anonymous API


def _tenant_pages():
    return [
        (route, getattr(p.callback, ACCESS_RULE_ATTR).removeprefix("action:"))
        for route, p in _patterns("config.urls_tenants")
        if getattr(p.callback, ACCESS_RULE_ATTR, "").startswith("action:") and "<" not in route
    ]


@pytest.mark.parametrize("role", TENANT_ROLES)
def test_pages_follow_the_matrix_for_each_role(role, tenant_a, login_client):
    client = login_client(tenant_a, roles=(role,))
    pages = _tenant_pages()
    assert pages
    for route, action in pages:
        expected = 200 if role in MATRIX[Action(action)] else 403
        assert client.get("/" + route).status_code == expected, (route, role)


@pytest.mark.parametrize("role", TENANT_ROLES)
def test_api_follows_the_matrix_for_each_role(role, tenant_a, login_client):
    client = login_client(tenant_a, roles=(role,))
    for route, operation in _operations():
        if "GET" not in operation.methods or "{" in route:
            continue
        action = Action(getattr(operation.view_func, ACCESS_RULE_ATTR).removeprefix("action:"))
        expected = 200 if role in MATRIX[action] else 403
        assert client.get("/api/v1" + route).status_code == expected, (route, role)


def test_member_without_any_habilitation_is_told_so(tenant_a, login_client):
    response = login_client(tenant_a, roles=()).get("/")
    assert response.status_code == 403
    assert "Aucune habilitation" in response.text


def test_every_action_of_the_matrix_is_used_somewhere():
    declared = {
        getattr(p.callback, ACCESS_RULE_ATTR, "") for _, p in _patterns("config.urls_tenants")
    }
    declared |= {getattr(op.view_func, ACCESS_RULE_ATTR, "") for _, op in _operations()}
    pages = {a for a in Action if a not in DATA_ACTIONS}
    assert {f"action:{a}" for a in pages} <= declared


def test_a_refusal_is_an_audit_event_of_the_tenant(tenant_a, login_client):
    from django_tenants.utils import schema_context

    from audit.models import AuditEvent

    client = login_client(tenant_a, username="curieux.test", roles=("lecture",))
    assert client.get("/habilitations/").status_code == 403
    assert client.get("/api/v1/journal/").status_code == 403
    with schema_context(tenant_a.schema_name):
        refusals = list(
            AuditEvent.objects.filter(action="acces.refuse", actor="curieux.test")
            .order_by("seq")
            .values_list("object_id", "data")
        )
    assert refusals == [
        ("/habilitations/", {"regle": "action:habilitations.voir", "methode": "GET"}),
        ("/api/v1/journal/", {"regle": "action:journal.lire", "methode": "GET"}),
    ]


def test_an_admin_of_a_unit_does_not_read_the_whole_tenants_journal(tenant_a, login_client):
    client = login_client(tenant_a, username="admin.unite")
    session = client.session
    session[SESSION_HABILITATIONS_KEY] = [["admin", "FES"]]
    session.save()
    assert client.get("/api/v1/journal/").status_code == 403
    home = client.get("/")
    assert home.status_code == 200
    assert 'id="journal-title"' not in home.text


def test_home_links_to_the_admin_pages_only_for_admins(tenant_a, login_client):
    assert "/habilitations/" in login_client(tenant_a, roles=("admin",)).get("/").text
    assert "/habilitations/" not in login_client(tenant_a, roles=("lecture",)).get("/").text
