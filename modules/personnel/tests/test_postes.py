"""Budget posts: services (create, edit, deactivate), occupancy derived from career events, the
table page by budget line, its XLSX export and forms, for each role."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook  # type: ignore[import-untyped]

from audit.models import AuditEvent
from identity.habilitations import TENANT_ROLES
from identity.permissions import MATRIX, Action
from modules.personnel import postes, selectors_postes, services, services_postes
from modules.personnel.models import PosteBudgetaire
from modules.unites.perimetres import TOUT

pytestmark = pytest.mark.django_db


def requetes(capture: CaptureQueriesContext) -> list[str]:
    """The statements run, without django-tenants' own switch of schema."""
    return [
        q["sql"] for q in capture.captured_queries if not q["sql"].startswith("SET search_path")
    ]


def occupation() -> dict[str, tuple[int, int, int]]:
    return {o.code: (o.nombre, o.occupes, o.vacants) for o in postes.occupation_list()}


def etat() -> tuple[list[tuple[str, str, int, bool]], int]:
    return (
        list(
            PosteBudgetaire.objects.order_by("code").values_list(
                "code", "libelle", "nombre", "actif"
            )
        ),
        AuditEvent.objects.count(),
    )


# --- Services ---------------------------------------------------------------------------------


def test_creating_a_post_writes_it_and_its_audit_row(postes_a):
    avant = AuditEvent.objects.count()
    poste = services_postes.poste_creer(
        auteur="budget.test",
        code=" p-ing-2026 ",
        libelle=" Ingénieurs d'État ",
        grade_code="adm-2",
        ligne_budgetaire="10.1.1.13",
        nombre=4,
    )
    poste.refresh_from_db()
    assert (poste.code, poste.libelle, poste.grade_code, poste.categorie) == (
        "P-ING-2026",
        "Ingénieurs d'État",
        "ADM-2",
        "",
    )
    assert (poste.ligne_budgetaire, poste.nombre, poste.actif) == ("10.1.1.13", 4, True)
    assert AuditEvent.objects.count() == avant + 1
    audit = AuditEvent.objects.order_by("-seq")[0]
    assert (audit.actor, audit.action, audit.object_id) == (
        "budget.test",
        "personnel.poste_creer",
        "P-ING-2026",
    )
    assert audit.data["nombre"] == "4"


def test_invalid_fields_are_each_named_and_nothing_is_written(postes_a):
    avant = etat()
    with pytest.raises(ValidationError) as erreur:
        services_postes.poste_creer(
            auteur="t", code="p adm!", libelle="", grade_code="NOPE", ligne_budgetaire="", nombre=-1
        )
    assert set(erreur.value.message_dict) == {
        "code",
        "libelle",
        "grade_code",
        "ligne_budgetaire",
        "nombre",
    }
    assert erreur.value.message_dict["grade_code"] == [
        "Grade « NOPE » inconnu du référentiel : choisissez un grade de la nomenclature."
    ]
    with pytest.raises(ValidationError) as erreur:
        services_postes.poste_creer(
            auteur="t", code="P-X", libelle="X", ligne_budgetaire="1", nombre=1
        )
    assert erreur.value.message_dict == {
        "grade_code": ["Indiquez le grade du poste, ou à défaut sa catégorie / échelle."]
    }
    assert etat() == avant


def test_a_code_is_unique(postes_a):
    avant = etat()
    with pytest.raises(ValidationError) as erreur:
        services_postes.poste_creer(
            auteur="t", code="p-adm", libelle="X", categorie="10", ligne_budgetaire="1", nombre=1
        )
    assert erreur.value.message_dict == {"code": ["Le poste « P-ADM » existe déjà : modifiez-le."]}
    assert etat() == avant


def test_budgeted_posts_cannot_go_below_the_agents_holding_them(postes_a, creer_agent):
    creer_agent(poste="P-ADM")
    creer_agent(poste="P-ADM")
    poste = postes_a["P-ADM"]
    avant = etat()
    with pytest.raises(ValidationError) as erreur:
        services_postes.poste_modifier(
            auteur="t",
            poste=poste,
            libelle=poste.libelle,
            grade_code=poste.grade_code,
            ligne_budgetaire=poste.ligne_budgetaire,
            nombre=1,
        )
    assert erreur.value.message_dict == {
        "nombre": [
            "2 agent(s) occupent aujourd'hui le poste « P-ADM » : le nombre de postes budgétés "
            "ne peut pas descendre sous 2. Affectez d'abord des agents à un autre poste, ou "
            "gardez 2."
        ]
    }
    assert etat() == avant
    services_postes.poste_modifier(
        auteur="t",
        poste=poste,
        libelle="Administrateurs",
        grade_code=poste.grade_code,
        ligne_budgetaire=poste.ligne_budgetaire,
        nombre=2,
    )
    assert occupation()["P-ADM"] == (2, 2, 0)
    audit = AuditEvent.objects.order_by("-seq")[0]
    assert audit.action == "personnel.poste_modifier"
    assert audit.data == {
        "avant": {"libelle": "Administrateurs 2e grade", "nombre": "5"},
        "apres": {"libelle": "Administrateurs", "nombre": "2"},
    }


def test_an_edit_that_changes_nothing_writes_nothing(postes_a):
    poste = postes_a["P-TECH"]
    avant = etat()
    services_postes.poste_modifier(
        auteur="t",
        poste=poste,
        libelle=poste.libelle,
        categorie=poste.categorie,
        ligne_budgetaire=poste.ligne_budgetaire,
        nombre=poste.nombre,
    )
    assert etat() == avant


def test_an_occupied_post_cannot_be_deactivated_a_free_one_can(postes_a, creer_agent):
    creer_agent(poste="P-ADM")
    avant = etat()
    with pytest.raises(ValidationError, match="1 agent\\(s\\) occupent encore le poste « P-ADM »"):
        services_postes.poste_desactiver(auteur="t", poste=postes_a["P-ADM"])
    assert etat() == avant
    services_postes.poste_desactiver(auteur="t", poste=postes_a["P-TECH"])
    assert not postes.poste_existe(code="P-TECH")
    assert AuditEvent.objects.order_by("-seq")[0].action == "personnel.poste_desactiver"
    # A deactivated post takes no new agent.
    with pytest.raises(ValidationError) as erreur:
        creer_agent(poste="P-TECH", situation={"grade_code": "ADM-2"})
    assert erreur.value.message_dict["poste_code"] == [
        "Le poste budgétaire « P-TECH » n'existe pas."
    ]
    services_postes.poste_reactiver(auteur="t", poste=postes_a["P-TECH"])
    assert postes.poste_existe(code="P-TECH")


# --- Occupancy from career events -------------------------------------------------------------


def test_recruitment_occupies_detachement_and_cessation_free(postes_a, creer_agent):
    assert occupation() == {"P-ADM": (5, 0, 5), "P-TECH": (2, 0, 2)}
    detache, sortant, mad = creer_agent(), creer_agent(), creer_agent()
    assert occupation()["P-ADM"] == (5, 3, 2)
    services.evenement_ajouter(
        auteur="t",
        agent=detache,
        nature="changement_position",
        date_effet=date(2024, 9, 1),
        valeurs={"position": "detachement"},
        perimetre=TOUT,
    )
    assert occupation()["P-ADM"] == (5, 2, 3)
    services.evenement_ajouter(
        auteur="t",
        agent=sortant,
        nature="sortie",
        date_effet=date(2024, 12, 31),
        valeurs={},
        perimetre=TOUT,
        motif="Retraite",
    )
    assert occupation()["P-ADM"] == (5, 1, 4)
    # A mise à disposition keeps the post: the home still pays.
    services.evenement_ajouter(
        auteur="t",
        agent=mad,
        nature="changement_position",
        date_effet=date(2025, 1, 1),
        valeurs={"position": "mise_a_disposition"},
        perimetre=TOUT,
    )
    assert occupation() == {"P-ADM": (5, 1, 4), "P-TECH": (2, 0, 2)}


def test_a_promotion_to_another_post_moves_the_occupancy(postes_a, creer_agent):
    agent = creer_agent(poste="P-ADM")
    services.evenement_ajouter(
        auteur="t",
        agent=agent,
        nature="avancement_grade",
        date_effet=date(2024, 1, 1),
        valeurs={"grade_code": "ADM-2", "poste_code": "P-TECH"},
        perimetre=TOUT,
    )
    assert occupation() == {"P-ADM": (5, 0, 5), "P-TECH": (2, 1, 1)}


def test_the_table_costs_two_queries_whatever_the_number_of_agents(postes_a, creer_agent):
    creer_agent()
    with CaptureQueriesContext(connection) as un:
        selectors_postes.postes_tableau()
    for _ in range(6):
        creer_agent(poste="P-TECH" if _ % 3 == 0 else "P-ADM")
    with CaptureQueriesContext(connection) as sept:
        tableau = selectors_postes.postes_tableau()
    assert len(requetes(un)) == len(requetes(sept)) == 2
    assert [(ligne.ligne, ligne.nombre, ligne.occupes, ligne.vacants) for ligne in tableau] == [
        ("10.1.1.11", 5, 5, 0),
        ("10.1.1.12", 2, 2, 0),
    ]


# --- Pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", TENANT_ROLES)
def test_the_table_is_for_post_readers_and_managing_for_budget_and_admin(postes_a, client_a, role):
    client = client_a((role, None))
    page = client.get("/personnel/postes/")
    if role not in MATRIX[Action.POSTES_VOIR]:
        assert page.status_code == 403
        return
    assert page.status_code == 200
    assert '<tr id="poste-' in page.text
    gerer = role in MATRIX[Action.POSTES_GERER]
    assert ("Nouveau poste" in page.text) is gerer
    assert (client.get("/personnel/postes/nouveau/").status_code == 200) is gerer
    modifier = client.get(f"/personnel/postes/{postes_a['P-ADM'].id}/modifier/").status_code
    assert modifier == (200 if gerer else 403)


def test_managing_posts_is_a_whole_tenant_habilitation(postes_a, client_a):
    client = client_a(("budget", "FES"))
    assert client.get("/personnel/postes/").status_code == 200
    assert client.get("/personnel/postes/nouveau/").status_code == 403
    refus = client.post(
        "/personnel/postes/nouveau/",
        {"code": "P-X", "libelle": "X", "categorie": "9", "ligne_budgetaire": "1", "nombre": "1"},
    )
    assert refus.status_code == 403
    assert not PosteBudgetaire.objects.filter(code="P-X").exists()


def test_the_page_shows_each_line_with_its_totals(postes_a, creer_agent, client_a):
    creer_agent(poste="P-ADM")
    creer_agent(poste="P-TECH", situation={"grade_code": "ADM-2"})
    creer_agent(poste="P-TECH", situation={"grade_code": "ADM-2"})
    page = client_a(("lecture", None)).get("/personnel/postes/").text
    assert "7 postes budgétés : 3 occupés, 4 vacants." in page
    assert "Ligne budgétaire 10.1.1.11" in page
    assert "Ligne budgétaire 10.1.1.12" in page
    ligne_adm = page[page.index(f'id="poste-{postes_a["P-ADM"].id}"') :]
    cellules = ligne_adm[: ligne_adm.index("</tr>")]
    assert [c.split("<")[0] for c in cellules.split('<td class="nombre">')[1:]] == ["5", "1", "4"]


def test_the_page_query_count_does_not_grow_with_agents(postes_a, creer_agent, client_a):
    client = client_a(("budget", None))
    client.get("/personnel/postes/")  # warm the session
    creer_agent()
    with CaptureQueriesContext(connection) as un:
        client.get("/personnel/postes/")
    for _ in range(4):
        creer_agent()
    with CaptureQueriesContext(connection) as cinq:
        client.get("/personnel/postes/")
    assert len(requetes(un)) == len(requetes(cinq))


def test_the_page_speaks_arabic(postes_a, client_a):
    client = client_a(("admin", None))
    client.cookies["django_language"] = "ar"
    page = client.get("/personnel/postes/")
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text


def test_an_empty_tenant_is_told_what_to_do(dans_a, client_a):
    page = client_a(("budget", None)).get("/personnel/postes/").text
    assert "Aucun poste budgétaire pour l'instant. Créez les postes de votre budget" in page


def test_the_xlsx_export_lists_every_post_as_text(postes_a, creer_agent, client_a):
    creer_agent()
    PosteBudgetaire.objects.create(
        code="P-FORM", libelle='=HYPERLINK("x")', categorie="5", ligne_budgetaire="10.2", nombre=1
    )
    reponse = client_a(("lecture", None)).get("/personnel/postes/export.xlsx")
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"] == 'attachment; filename="postes-budgetaires.xlsx"'
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    assert [list(r) for r in feuille.iter_rows(values_only=True)] == [
        list(services_postes_colonnes()),
        ["10.1.1.11", "P-ADM", "Administrateurs 2e grade", "ADM-2", None, 5, 1, 4, "oui"],
        ["10.1.1.12", "P-TECH", "Techniciens", None, "9", 2, 0, 2, "oui"],
        ["10.2", "P-FORM", '=HYPERLINK("x")', None, "5", 1, 0, 1, "oui"],
    ]
    assert feuille["C4"].data_type == "s"  # text, never run as a formula


def services_postes_colonnes():
    from modules.personnel import vues_postes

    return vues_postes.COLONNES_EXPORT


def test_creating_a_post_from_the_form(postes_a, client_a):
    reponse = client_a(("budget", None)).post(
        "/personnel/postes/nouveau/",
        {
            "code": "p-ing",
            "libelle": "Ingénieurs",
            "ligne_budgetaire": "10.1.1.14",
            "grade_code": "ADM-2",
            "categorie": "",
            "nombre": "3",
        },
    )
    poste = PosteBudgetaire.objects.get(code="P-ING")
    assert reponse.status_code == 302
    assert reponse["Location"] == f"/personnel/postes/#poste-{poste.id}"
    assert (poste.libelle, poste.nombre) == ("Ingénieurs", 3)


def test_the_form_shows_why_a_reduction_is_refused(postes_a, creer_agent, client_a):
    creer_agent()
    creer_agent()
    poste = postes_a["P-ADM"]
    reponse = client_a(("admin", None)).post(
        f"/personnel/postes/{poste.id}/modifier/",
        {
            "libelle": poste.libelle,
            "ligne_budgetaire": poste.ligne_budgetaire,
            "grade_code": "ADM-2",
            "categorie": "",
            "nombre": "1",
        },
    )
    assert reponse.status_code == 200
    assert "ne peut pas descendre sous 2" in reponse.text
    poste.refresh_from_db()
    assert poste.nombre == 5


def test_deactivating_an_occupied_post_from_the_page_is_refused(postes_a, creer_agent, client_a):
    creer_agent()
    client = client_a(("admin", None))
    adm, tech = postes_a["P-ADM"], postes_a["P-TECH"]
    refus = client.post(f"/personnel/postes/{adm.id}/desactiver/")
    assert refus.status_code == 400
    assert "occupent encore le poste « P-ADM »" in refus.text
    ok = client.post(f"/personnel/postes/{tech.id}/desactiver/")
    assert ok.status_code == 302
    tech.refresh_from_db()
    adm.refresh_from_db()
    assert (adm.actif, tech.actif) == (True, False)
    assert "désactivé" in client.get("/personnel/postes/").text
    assert client.post(f"/personnel/postes/{tech.id}/reactiver/").status_code == 302
    tech.refresh_from_db()
    assert tech.actif


def test_an_unknown_post_id_is_404(postes_a, client_a):
    client = client_a(("admin", None))
    assert client.get(f"/personnel/postes/{10**12}/modifier/").status_code == 404
    assert client.post(f"/personnel/postes/{10**12}/desactiver/").status_code == 404
