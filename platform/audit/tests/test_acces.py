"""The personal-data access log: bulk writes, reads by keyset and filters, per schema."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from audit import selectors, services
from audit.context import request_id_var
from audit.models import AccesDonnees

pytestmark = pytest.mark.django_db


def _sans_search_path(requetes: CaptureQueriesContext) -> list[str]:
    """The statements run, without django-tenants' own switch of schema."""
    return [
        q["sql"] for q in requetes.captured_queries if not q["sql"].startswith("SET search_path")
    ]


def _rangees(schema: str) -> list[tuple[str, str, int, str]]:
    with schema_context(schema):
        return list(
            AccesDonnees.objects.order_by("id").values_list(
                "acteur", "nature", "agent_id", "request_id"
            )
        )


def test_a_list_page_of_50_agents_is_one_statement(tenant_a):
    jeton = request_id_var.set("req-123")
    try:
        with schema_context(tenant_a.schema_name), CaptureQueriesContext(connection) as requetes:
            ecrites = services.acces_enregistrer(
                acteur="k.alaoui", nature="liste", agent_ids=range(1, 51), details="page 1"
            )
    finally:
        request_id_var.reset(jeton)
    assert ecrites == 50
    instructions = _sans_search_path(requetes)
    assert len(instructions) == 1
    assert instructions[0].lstrip().startswith("INSERT INTO audit_acces")
    rangees = _rangees(tenant_a.schema_name)
    assert rangees == [("k.alaoui", "liste", n, "req-123") for n in range(1, 51)]
    with schema_context(tenant_a.schema_name):
        assert AccesDonnees.objects.values("instant").distinct().count() == 1
        assert set(AccesDonnees.objects.values_list("details", flat=True)) == {"page 1"}


def test_each_agent_once_and_nothing_for_an_empty_list(tenant_a):
    with schema_context(tenant_a.schema_name):
        with CaptureQueriesContext(connection) as requetes:
            assert services.acces_enregistrer(acteur="x", nature="fiche", agent_ids=[]) == 0
        assert _sans_search_path(requetes) == []
        assert services.acces_enregistrer(acteur="x", nature="fiche", agent_ids=[7, 7, 3]) == 2
    assert [r[2] for r in _rangees(tenant_a.schema_name)] == [7, 3]
    assert _rangees(tenant_a.schema_name)[0][3] == ""  # no request: no request id


def test_an_unknown_nature_is_refused_and_nothing_written(tenant_a):
    with (
        schema_context(tenant_a.schema_name),
        pytest.raises(ValueError, match="nature d'accès inconnue"),
    ):
        services.acces_enregistrer(acteur="x", nature="lecture", agent_ids=[1])
    assert _rangees(tenant_a.schema_name) == []


def test_rows_stay_in_their_tenant(tenant_a, tenant_b):
    with schema_context(tenant_a.schema_name):
        services.acces_enregistrer(acteur="a", nature="fiche", agent_ids=[1])
    assert _rangees(tenant_b.schema_name) == []
    assert _rangees("public") == []
    assert _rangees(tenant_a.schema_name) == [("a", "fiche", 1, "")]


def test_a_row_lands_in_its_month_partition(tenant_a):
    with schema_context(tenant_a.schema_name):
        services.acces_enregistrer(acteur="a", nature="export", agent_ids=[1])
        with connection.cursor() as cursor:
            cursor.execute("SELECT tableoid::regclass::text FROM audit_acces")
            (partition,) = cursor.fetchone()
    local = timezone.localtime()
    assert partition == f"audit_acces_p{local.year:04d}{local.month:02d}"


def test_the_public_schema_has_a_working_access_log():
    """audit is a shared and a tenant app: its migration ran in public too."""
    with schema_context("public"):
        services.acces_enregistrer(acteur="plateforme", nature="fiche", agent_ids=[5])
        assert list(AccesDonnees.objects.values_list("acteur", "agent_id")) == [("plateforme", 5)]


def _journal(schema, lignes):
    """Rows at given instants: (instant, acteur, nature, agent_id)."""
    with schema_context(schema):
        for instant, acteur, nature, agent in lignes:
            services.acces_enregistrer(
                acteur=acteur, nature=nature, agent_ids=[agent], instant=instant
            )


def test_keyset_pages_run_newest_first_without_gap_or_duplicate(tenant_a):
    maintenant = timezone.now().replace(microsecond=0)
    # Pairs of rows share an instant: the id breaks the tie.
    _journal(
        tenant_a.schema_name,
        [(maintenant - timedelta(minutes=n // 2), "a", "fiche", n) for n in range(120)],
    )
    vus: list[int] = []
    apres = ""
    tailles = []
    with schema_context(tenant_a.schema_name):
        while True:
            page = selectors.acces_page(filtres=selectors.FiltresAcces(), apres=apres)
            tailles.append(len(page.lignes))
            vus += [ligne.agent_id for ligne in page.lignes]
            if page.suivant is None:
                break
            apres = page.suivant
        attendu = list(
            AccesDonnees.objects.order_by("-instant", "-id").values_list("agent_id", flat=True)
        )
    assert tailles == [50, 50, 20]
    assert vus == attendu
    assert len(set(vus)) == 120


def test_a_tampered_cursor_starts_over(tenant_a):
    _journal(tenant_a.schema_name, [(timezone.now(), "a", "fiche", 1)])
    with schema_context(tenant_a.schema_name):
        page = selectors.acces_page(filtres=selectors.FiltresAcces(), apres="pas-un-curseur")
    assert [ligne.agent_id for ligne in page.lignes] == [1]


def test_filters_by_agent_actor_nature_and_period(tenant_a):
    jour = timezone.make_aware(datetime(2026, 3, 10, 12, 0))
    _journal(
        tenant_a.schema_name,
        [
            (jour - timedelta(days=2), "a", "fiche", 1),
            (jour - timedelta(days=1), "b", "liste", 1),
            (jour, "a", "export", 2),
            (jour + timedelta(days=1), "a", "fiche", 2),
        ],
    )

    def agents(**filtres):
        with schema_context(tenant_a.schema_name):
            page = selectors.acces_page(filtres=selectors.FiltresAcces(**filtres))
        return [(ligne.acteur, ligne.agent_id) for ligne in page.lignes]

    assert agents(agent_ids=(1,)) == [("b", 1), ("a", 1)]
    assert agents(agent_ids=()) == []
    assert agents(acteur="a") == [("a", 2), ("a", 2), ("a", 1)]
    assert agents(nature="liste") == [("b", 1)]
    # Bounds are whole local days, both included.
    assert agents(du=date(2026, 3, 9), au=date(2026, 3, 10)) == [("a", 2), ("b", 1)]
    assert agents(du=date(2026, 3, 11)) == [("a", 2)]
    assert agents(acteur="a", au=date(2026, 3, 8)) == [("a", 1)]


def test_recent_readers_of_one_agent_one_line_per_person(tenant_a):
    maintenant = timezone.now()
    _journal(
        tenant_a.schema_name,
        [
            (maintenant - timedelta(days=200), "ancien", "fiche", 9),  # outside the 90 days
            (maintenant - timedelta(days=5), "a", "fiche", 9),
            (maintenant - timedelta(days=3), "b", "liste", 9),
            (maintenant - timedelta(days=1), "a", "piece", 9),
            (maintenant - timedelta(hours=1), "c", "fiche", 8),  # another agent
        ],
    )
    with schema_context(tenant_a.schema_name):
        lecteurs = selectors.consultants_recents(agent_id=9, maintenant=maintenant)
        derniers = selectors.acces_par_agent(agent_id=9, limite=2)
    assert [(c.acteur, c.nombre) for c in lecteurs] == [("a", 2), ("b", 1)]
    assert lecteurs[0].dernier == maintenant - timedelta(days=1)
    assert [(a.acteur, a.nature) for a in derniers] == [("a", "piece"), ("b", "liste")]
