"""The personnel side of the access log: `consultation` writes through the audit service; the
journal page (whole-tenant admins) filters by PPR, user, nature and period, pages by keyset."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from audit import actors as audit_actors
from audit import services as audit_services
from audit.models import AccesDonnees
from identity.habilitations import TENANT_ROLES
from modules.personnel import journal_acces
from tenants import scheduler

pytestmark = pytest.mark.django_db
URL = "/personnel/acces/"


def requetes(capture: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in capture.captured_queries if not q["sql"].startswith("SET search_path")
    ]


def test_consultation_writes_one_row_per_agent_in_one_statement(dans_a):
    with CaptureQueriesContext(connection) as capture:
        journal_acces.consultation(
            acteur="k.alaoui", nature="liste", agent_ids=[3, 1, 2], details="page 1"
        )
    assert len(requetes(capture)) == 1
    assert list(
        AccesDonnees.objects.order_by("id").values_list("acteur", "nature", "agent_id", "details")
    ) == [
        ("k.alaoui", "liste", 3, "page 1"),
        ("k.alaoui", "liste", 1, "page 1"),
        ("k.alaoui", "liste", 2, "page 1"),
    ]


def test_consultation_refuses_an_unknown_nature(dans_a):
    with pytest.raises(ValueError, match="nature d'accès inconnue : 'consultation'"):
        journal_acces.consultation(acteur="a", nature="consultation", agent_ids=[1])
    assert AccesDonnees.objects.count() == 0


def test_recent_readers_of_an_agent(dans_a, creer_agent):
    agent = creer_agent()
    journal_acces.consultation(acteur="a", nature="fiche", agent_ids=[agent.id])
    journal_acces.consultation(acteur="b", nature="liste", agent_ids=[agent.id, 999])
    journal_acces.consultation(acteur="a", nature="piece", agent_ids=[agent.id])
    lecteurs = journal_acces.consultants_recents(agent_id=agent.id)
    assert [(c.acteur, c.nombre) for c in lecteurs] == [("a", 2), ("b", 1)]


def test_a_request_id_is_recorded_from_a_page(dans_a, creer_agent, client_a, settings, tmp_path):
    """Rows written during a request carry its id (config.observability sets it)."""
    settings.INDIMAJ_DOCUMENTS_DIR = tmp_path
    agent = creer_agent()
    from modules.personnel import services_pieces

    piece = services_pieces.piece_ajouter(
        auteur="t", agent=agent, type_piece="arrete", nom_fichier="a.pdf", contenu=b"%PDF-1.4\n"
    )
    reponse = client_a(("admin", None)).get(
        f"/personnel/pieces/{piece.id}/", HTTP_X_REQUEST_ID="abc123"
    )
    assert reponse.status_code == 200
    assert reponse["X-Request-ID"] == "abc123"
    assert AccesDonnees.objects.get().request_id == "abc123"


# --- The journal page -------------------------------------------------------------------------


@pytest.fixture
def journal(dans_a, creer_agent):
    """Two agents and a few accesses, at known instants."""
    karim = creer_agent(ppr="3000001", nom_fr="Alaoui", prenom_fr="Karim")
    salma = creer_agent(ppr="3000002", nom_fr="Bennani", prenom_fr="Salma")
    jour = timezone.make_aware(datetime(2026, 10, 15, 10, 0))
    for instant, acteur, nature, agent in [
        (jour - timedelta(days=10), "k.gestion", "fiche", karim),
        (jour - timedelta(days=1), "s.lecture", "liste", karim),
        (jour - timedelta(days=1), "s.lecture", "liste", salma),
        (jour, "k.gestion", "export", salma),
    ]:
        audit_services.acces_enregistrer(
            acteur=acteur, nature=nature, agent_ids=[agent.id], instant=instant
        )
    return {"karim": karim, "salma": salma}


def lignes(page: str) -> list[str]:
    """(user, nature, PPR) of each row, in order."""
    corps = page[page.index('<tbody id="acces-lignes">') : page.index("</tbody>")]
    resultat = []
    for rangee in corps.split("<tr>")[1:]:
        cellules = [c.split("</td>")[0] for c in rangee.split("<td>")[1:]]
        ppr = cellules[3].split("<code>")[1].split("</code>")[0]
        resultat.append(f"{cellules[1]} {cellules[2]} {ppr}")
    return resultat


@pytest.mark.parametrize("role", TENANT_ROLES)
def test_only_whole_tenant_admins_read_the_journal(dans_a, client_a, role):
    attendu = 200 if role == "admin" else 403
    assert client_a((role, None)).get(URL).status_code == attendu


def test_an_admin_of_one_unit_does_not_read_the_journal(dans_a, client_a):
    assert client_a(("admin", "FES")).get(URL).status_code == 403


def test_the_journal_lists_newest_first_with_names(journal, client_a):
    page = client_a(("admin", None)).get(URL)
    assert page.status_code == 200
    assert lignes(page.text) == [
        "k.gestion Export 3000002",
        "s.lecture Liste d&#x27;agents 3000002",
        "s.lecture Liste d&#x27;agents 3000001",
        "k.gestion Fiche d&#x27;un agent 3000001",
    ]
    assert "Bennani Salma" in page.text


def test_filters_by_ppr_user_nature_and_period(journal, client_a):
    client = client_a(("admin", None))

    def filtrer(**parametres):
        return lignes(client.get(URL, parametres).text)

    assert filtrer(ppr="3000001") == [
        "s.lecture Liste d&#x27;agents 3000001",
        "k.gestion Fiche d&#x27;un agent 3000001",
    ]
    assert filtrer(acteur="k.gestion") == [
        "k.gestion Export 3000002",
        "k.gestion Fiche d&#x27;un agent 3000001",
    ]
    assert filtrer(nature="export") == ["k.gestion Export 3000002"]
    assert filtrer(du="2026-10-14", au="2026-10-14") == [
        "s.lecture Liste d&#x27;agents 3000002",
        "s.lecture Liste d&#x27;agents 3000001",
    ]
    assert filtrer(ppr="3000002", acteur="s.lecture") == ["s.lecture Liste d&#x27;agents 3000002"]


def test_an_unknown_ppr_and_a_reversed_period_are_explained(journal, client_a):
    client = client_a(("admin", None))
    inconnu = client.get(URL, {"ppr": "9999999"}).text
    assert "Aucun agent de votre organisation n'a le PPR 9999999" in inconnu
    assert '<tbody id="acces-lignes">' not in inconnu
    inverse = client.get(URL, {"du": "2026-10-15", "au": "2026-10-01"}).text
    assert "La fin de la période précède son début : inversez les dates." in inverse
    assert '<tbody id="acces-lignes">' not in inverse


def test_keyset_pages_with_htmx(dans_a, creer_agent, client_a):
    agent = creer_agent(ppr="3000009")
    maintenant = timezone.now()
    for n in range(60):
        audit_services.acces_enregistrer(
            acteur=f"u{n:02d}",
            nature="fiche",
            agent_ids=[agent.id],
            instant=maintenant - timedelta(seconds=n),
        )
    client = client_a(("admin", None))
    premiere = client.get(URL, {"ppr": "3000009"}).text
    assert premiere.count("<tr>") == 1 + 50  # header + 50 rows
    assert [f"u{n:02d}" in premiere for n in (0, 49, 50)] == [True, True, False]
    suite = premiere.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    assert "ppr=3000009" in suite
    fin = client.get(suite, HTTP_HX_REQUEST="true")
    assert "<html" not in fin.text  # only the rows, appended in place
    assert [f"u{n:02d}" in fin.text for n in (50, 59)] == [True, True]
    assert fin.text.count("<tr>") == 10
    assert "Suivants" not in fin.text


def test_the_page_query_count_does_not_grow_with_rows(dans_a, creer_agent, client_a):
    agents = [creer_agent() for _ in range(3)]
    client = client_a(("admin", None))
    client.get(URL)  # warm the session
    audit_services.acces_enregistrer(acteur="a", nature="fiche", agent_ids=[agents[0].id])
    with CaptureQueriesContext(connection) as une:
        client.get(URL)
    audit_services.acces_enregistrer(
        acteur="b", nature="liste", agent_ids=[a.id for a in agents] * 1
    )
    with CaptureQueriesContext(connection) as quatre:
        page = client.get(URL)
    assert page.text.count("<tr>") == 1 + 4
    assert len(requetes(une)) == len(requetes(quatre))


def test_the_journal_speaks_arabic(journal, client_a):
    client = client_a(("admin", None))
    client.cookies["django_language"] = "ar"
    page = client.get(URL)
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text


def test_reading_the_journal_adds_nothing_to_it(journal, client_a):
    avant = AccesDonnees.objects.count()
    client_a(("admin", None)).get(URL)
    assert AccesDonnees.objects.count() == avant


def test_rows_of_another_tenant_never_show(journal, tenant_b, login_client):
    page = login_client(tenant_b, roles=("admin",)).get(URL)
    assert page.status_code == 200
    assert "Aucun accès ne correspond" in page.text
    with schema_context(tenant_b.schema_name):
        assert AccesDonnees.objects.count() == 0


def test_the_scheduler_keeps_the_partitions_every_day():
    periodiques = {p.name: p for p in scheduler.default_schedule()}
    assert periodiques["acces_partitions"].every_seconds == 86400
    assert periodiques["acces_partitions"].send == audit_actors.acces_partitions_maintenir_tous.send
