"""Supervision pages: every tenant with counts and timestamps, for operators only, and never a
tenant member's name or e-mail."""

import re
import uuid

import pytest
import requests
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from audit import services as audit_services
from audit.models import AuditEvent
from console import members, selectors, views
from console.members import MemberCounts
from console.tests.support import APEX, PUBLIC, TENANT_A_HOST
from identity import facade, keycloak_admin
from tenants import services
from tenants.models import FailedJob, FailedJobStatus, OrganisationKind, OrganisationStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

PAGES = [
    reverse("console:home", urlconf=PUBLIC),
    reverse("console:organisations", urlconf=PUBLIC),
    reverse("console:organisations-csv", urlconf=PUBLIC),
    reverse("console:organisation", args=["test-a"], urlconf=PUBLIC),
]


def _url(name, *args, query=""):
    return reverse(f"console:{name}", args=args, urlconf=PUBLIC) + query


def _row(html, code):
    match = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*><code>{code}</code>.*?</tr>", html, re.S)
    assert match, f"no row for {code}"
    return match.group(0)


def _latest_event_at(schema):
    with schema_context(schema):
        return AuditEvent.objects.order_by("-seq").values_list("occurred_at", flat=True).first()


def _keycloak_count(alias):
    admin = keycloak_admin.admin_client()
    org_id = keycloak_admin.organization_id_by_alias(admin, alias)
    assert org_id
    return admin.get_organization_members_count(org_id)


@pytest.fixture
def member_of_test_a():
    """A real Keycloak member of test-a, deleted afterwards."""
    tag = uuid.uuid4().hex[:10]
    username, email = f"console.membre.{tag}", f"console.membre.{tag}@example.org"
    user_id = facade.person_ensure(
        username=username,
        email=email,
        first_name="Nadia",
        last_name=f"Membre{tag}",
        password="Console-" + uuid.uuid4().hex,
        organization_aliases=("test-a",),
    )
    yield {"username": username, "email": email, "last_name": f"Membre{tag}"}
    keycloak_admin.admin_client().delete_user(user_id)


def test_operator_sees_every_tenant_with_its_member_count_and_last_activity(
    apex_client, member_of_test_a
):
    before = _keycloak_count("test-a")
    response = apex_client(["tgr-operateur"]).get(_url("organisations"))
    after = _keycloak_count("test-a")
    assert response.status_code == 200
    row_a = _row(response.text, "test-a")
    count = re.search(r'<td class="number">(\d+)</td>', row_a)
    assert count
    shown = int(count.group(1))
    assert shown >= 1
    assert shown in {before, after}  # other suites may add members to test-a meanwhile
    assert "Commune de test A" in row_a
    assert "جماعة الاختبار أ" in row_a
    latest = timezone.localtime(_latest_event_at("t_test_a"))
    assert f'<time datetime="{latest.isoformat()}">' in row_a
    assert _row(response.text, "test-b")
    assert "<code>plateforme</code>" not in response.text  # the apex's own row is no tenant


def test_no_personal_data_of_members_in_the_pages(apex_client, member_of_test_a):
    client = apex_client(["tgr-operateur"])
    for url in (_url("organisations"), _url("organisation", "test-a"), _url("organisations-csv")):
        body = client.get(url).content.decode()
        for personal in member_of_test_a.values():
            assert personal not in body, (url, personal)


def test_filters_by_kind_and_status_and_the_empty_state(apex_client):
    client = apex_client(["plateforme-admin"])
    communes = client.get(_url("organisations", query="?kind=commune")).text
    assert "<code>test-a</code>" in communes
    assert "<code>test-b</code>" not in communes
    ministries = client.get(_url("organisations", query="?kind=ministere&status=active")).text
    assert "<code>test-b</code>" in ministries
    assert "<code>test-a</code>" not in ministries
    suspended = client.get(_url("organisations", query="?status=suspendue")).text
    assert "Aucune organisation ne correspond à ces filtres." in suspended
    assert "<table" not in suspended


def test_an_unknown_filter_is_said_and_ignored(apex_client):
    page = apex_client(["tgr-operateur"]).get(_url("organisations", query="?kind=galaxie")).text
    assert "Filtre inconnu" in page
    assert "<code>test-a</code>" in page
    assert "<code>test-b</code>" in page


def test_keyset_pagination(apex_client, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client = apex_client(["tgr-operateur"])
    first = client.get(_url("organisations")).text
    assert "<code>test-a</code>" in first
    assert "<code>test-b</code>" not in first
    assert 'href="/console/organisations/?apres=test-a" rel="next"' in first
    second = client.get(_url("organisations", query="?apres=test-a")).text
    assert "<code>test-b</code>" in second
    assert "<code>test-a</code>" not in second
    assert 'rel="next"' not in second
    assert "Première page" in second


def test_csv_export_content_is_exact(apex_client, monkeypatch, tenant_a):
    monkeypatch.setattr(
        members,
        "member_counts",
        lambda aliases: MemberCounts(by_alias={"test-a": 3, "test-b": None}, available=True),
    )
    # A name that a spreadsheet would run as a formula is neutralised.
    tenant_a.name_fr = "=HYPERLINK(1)"
    tenant_a.save(update_fields=["name_fr"])
    response = apex_client(["tgr-operateur"]).get(_url("organisations-csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="organisations-')
    a, b = tenant_a, tenant_a.__class__.objects.get(code="test-b")

    def iso(value):
        return timezone.localtime(value).isoformat(timespec="seconds")

    assert response.content.decode("utf-8") == (
        "\ufeffcode;nom_fr;nom_ar;nature;statut;cree_le;membres;derniere_activite\r\n"
        f"test-a;'=HYPERLINK(1);جماعة الاختبار أ;commune;active;{iso(a.created_at)};3;"
        f"{iso(_latest_event_at('t_test_a'))}\r\n"
        f"test-b;Ministère de test B;وزارة الاختبار ب;ministere;active;{iso(b.created_at)};;"
        f"{iso(_latest_event_at('t_test_b'))}\r\n"
    )


def test_csv_export_follows_the_filters(apex_client, monkeypatch):
    monkeypatch.setattr(
        members, "member_counts", lambda aliases: MemberCounts(dict.fromkeys(aliases), True)
    )
    body = apex_client(["tgr-operateur"]).get(_url("organisations-csv", query="?kind=ministere"))
    lines = body.content.decode().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("test-b;")


def test_tenant_detail_shows_the_aggregate_facts_and_failed_jobs_count(
    apex_client, member_of_test_a
):
    for status in (FailedJobStatus.FAILED, FailedJobStatus.FAILED, FailedJobStatus.RETRIED):
        FailedJob.objects.create(
            message_id=uuid.uuid4().hex,
            queue_name="default",
            actor_name="tenant_ping",
            tenant_schema="t_test_a",
            error="boom",
            message={},
            status=status,
        )
    FailedJob.objects.create(
        message_id=uuid.uuid4().hex,
        queue_name="d",
        actor_name="x",
        tenant_schema="t_test_b",
        error="boom",
        message={},
    )
    response = apex_client(["tgr-operateur"]).get(_url("organisation", "test-a"))
    assert response.status_code == 200
    text = response.text
    assert re.search(r"Jobs en échec</th><td>2 — ", text)
    members_cell = re.search(r"Membres</th><td>(\d+)</td>", text)
    assert members_cell
    assert int(members_cell.group(1)) >= 1
    latest = timezone.localtime(_latest_event_at("t_test_a"))
    assert f'<time datetime="{latest.isoformat()}">' in text
    assert "boom" not in text


@pytest.mark.parametrize("code", ["inconnue", "plateforme"])
def test_detail_of_an_unknown_tenant_or_of_the_platform_is_404(apex_client, code):
    assert apex_client(["tgr-operateur"]).get(_url("organisation", code)).status_code == 404


def test_console_home_links_tenants_and_failed_jobs(apex_client):
    response = apex_client(["tgr-operateur"]).get(_url("home"))
    assert response.status_code == 200
    assert f'href="{_url("organisations")}"' in response.text
    assert f'href="{_url("failed-jobs")}"' in response.text
    assert "2 organisations raccordées." in response.text


@pytest.mark.parametrize("url", PAGES)
def test_a_tenant_user_without_realm_role_is_refused(apex_client, url, monkeypatch):
    monkeypatch.setattr(members, "member_counts", pytest.fail)  # refused before any work
    response = apex_client([]).get(url)
    assert response.status_code == 403
    assert "Commune de test A" not in response.text


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url, HTTP_HOST=APEX)
    assert response.status_code == 302
    assert response["Location"].startswith("/oidc/login?next=")


@pytest.mark.parametrize("url", PAGES)
def test_supervision_is_not_served_on_a_tenant_host(login_client, tenant_a, url):
    assert login_client(tenant_a).get(url, HTTP_HOST=TENANT_A_HOST).status_code == 404


def test_keycloak_down_leaves_the_page_up_without_counts(apex_client, monkeypatch):
    def unreachable():
        raise requests.ConnectionError("connection refused")

    monkeypatch.setattr(keycloak_admin, "admin_client", unreachable)
    response = apex_client(["tgr-operateur"]).get(_url("organisations"))
    assert response.status_code == 200
    assert "Keycloak ne répond pas" in response.text
    assert '<span title="inconnu">—</span>' in _row(response.text, "test-a")


def test_member_counts_are_served_from_the_cache_within_its_lifetime(monkeypatch):
    first = members.member_counts(["test-a", "absent-de-keycloak"])
    assert first.available
    assert first.by_alias["test-a"] is not None
    assert first.by_alias["absent-de-keycloak"] is None

    def unreachable():
        raise requests.ConnectionError("connection refused")

    monkeypatch.setattr(keycloak_admin, "admin_client", unreachable)
    assert members.member_counts(["test-a", "absent-de-keycloak"]) == first


# --- last activity: one set-based read over the tenants' schemas --------------------------------


def test_last_activity_is_the_latest_event_of_each_schema(tenant_a):
    with schema_context(tenant_a.schema_name), transaction.atomic():
        event = audit_services.audit_record(actor="tests", action="console.probe")
        event.refresh_from_db()
    found = selectors.last_activity_by_schema(["t_test_a", "t_test_b", "t_nulle_part"])
    assert found == {
        "t_test_a": event.occurred_at,
        "t_test_b": _latest_event_at("t_test_b"),
        "t_nulle_part": None,
    }


def test_last_activity_reads_the_schemas_by_chunks(monkeypatch):
    whole = selectors.last_activity_by_schema(["t_test_a", "t_test_b"])
    monkeypatch.setattr(selectors, "LAST_ACTIVITY_CHUNK", 1)
    with CaptureQueriesContext(connection) as queries:
        assert selectors.last_activity_by_schema(["t_test_a", "t_test_b"]) == whole
    assert sum("UNION ALL" in q["sql"] or "occurred_at" in q["sql"] for q in queries) == 2
    assert all(whole.values())


def test_last_activity_quotes_schema_names_as_identifiers():
    odd = 'we"ird; DROP TABLE x'
    quoted = '"' + odd.replace('"', '""') + '"'
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quoted}")
        cursor.execute(
            f"CREATE TABLE {quoted}.audit_auditevent (LIKE public.audit_auditevent INCLUDING ALL)"
        )
        cursor.execute(
            f"INSERT INTO {quoted}.audit_auditevent (seq, occurred_at, actor, action, object_type,"  # noqa: S608
            " object_id, data, request_id, prev_hash, hash)"
            " VALUES (1, '2026-01-02T03:04:05Z', 'a', 'b', '', '', '{}', '', 'p', 'h')"
        )
    found = selectors.last_activity_by_schema([odd])[odd]
    assert found
    assert found.isoformat() == "2026-01-02T03:04:05+00:00"
    with pytest.raises(ValueError, match="NUL"):
        selectors.quote_identifier("a\x00b")


def test_the_page_costs_the_same_queries_whatever_the_number_of_tenants(apex_client, monkeypatch):
    monkeypatch.setattr(
        members, "member_counts", lambda aliases: MemberCounts(dict.fromkeys(aliases), True)
    )
    client = apex_client(["tgr-operateur"])
    client.get(_url("organisations"))  # warm the session
    with CaptureQueriesContext(connection) as two:
        client.get(_url("organisations"))
    for code in ("test-c", "test-d"):
        services.organisation_provision(
            spec=services.OrganisationSpec(
                code=code, kind=OrganisationKind.REGION, name_fr=code, name_ar=code
            ),
            actor="tests",
        )
    with CaptureQueriesContext(connection) as four:
        page = client.get(_url("organisations"))
    assert "<code>test-d</code>" in page.text
    assert len(four) == len(two)
    assert sum("UNION ALL" in q["sql"] for q in four.captured_queries) == 1


def test_status_counts_on_the_home_page(apex_client, tenant_a):
    tenant_a.status = OrganisationStatus.SUSPENDUE
    tenant_a.save(update_fields=["status"])
    text = apex_client(["tgr-operateur"]).get(_url("home")).text
    assert re.search(r"Suspendue</th><td>1</td>", text)
    assert re.search(r"Active</th><td>1</td>", text)


def test_the_pages_speak_arabic(apex_client, monkeypatch):
    monkeypatch.setattr(
        members, "member_counts", lambda aliases: MemberCounts(dict.fromkeys(aliases), True)
    )
    client = apex_client(["tgr-operateur"])
    client.cookies["django_language"] = "ar"
    listing = client.get(_url("organisations")).text
    assert 'dir="rtl"' in listing
    assert "آخر نشاط" in listing  # Dernière activité
    assert "<caption>2 مؤسستان</caption>" in listing
    assert "لوحة المشغلين" in client.get(_url("home")).text  # Console des opérateurs
