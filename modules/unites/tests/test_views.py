"""Unit pages for every role; perimeters; the same 404 for missing and out-of-perimeter ids."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from identity.habilitations import TENANT_ROLES
from modules.unites.models import Unite
from modules.unites.tests.conftest import chemins

pytestmark = pytest.mark.django_db

GESTION = ["nouvelle/", "import/"]


def _in_a(tenant_a, function, *args, **kwargs):
    with schema_context(tenant_a.schema_name):
        return function(*args, **kwargs)


@pytest.mark.parametrize("role", TENANT_ROLES)
def test_every_role_sees_the_tree_and_only_admin_manages(arbre, client_a, role):
    client = client_a((role, None))
    page = client.get("/unites/")
    assert page.status_code == 200
    assert page.text.count('<code class="unite-code">') == 6
    management = [client.get(f"/unites/{path}").status_code for path in GESTION]
    edit = client.get(f"/unites/{arbre['FES'].id}/modifier/").status_code
    if role == "admin":
        assert management == [200, 200]
        assert edit == 200
        assert "Nouvelle unité" in page.text
    else:
        assert management == [403, 403]
        assert edit == 403
        assert "Nouvelle unité" not in page.text
        assert "/modifier/" not in page.text


def test_a_gestionnaire_of_fes_sees_the_fes_subtree_and_nothing_of_rabat(arbre, client_a):
    client = client_a(("gestionnaire", "FES"))
    page = client.get("/unites/")
    assert page.status_code == 200
    for code in ("FES", "FES-RH", "FES-BUDGET"):
        assert f'<code class="unite-code">{code}</code>' in page.text
    for code in ("RABAT", "DRH", "PAIE"):
        assert code not in page.text
    export = client.get("/unites/export.csv")
    assert export.status_code == 200
    assert export.content.decode("utf-8-sig").splitlines() == [
        "code;code_parent;type;nom_fr;nom_ar;imputation_budgetaire",
        "FES;;sous_ordonnateur;Unité FES;وحدة FES;",
        "FES-BUDGET;FES;service;Unité FES-BUDGET;وحدة FES-BUDGET;",
        "FES-RH;FES;service;Unité FES-RH;وحدة FES-RH;",
    ]


def test_a_nested_perimeter_does_not_name_the_units_above_it(arbre, client_a):
    client = client_a(("lecture", "DRH"))
    export = client.get("/unites/export.csv").content.decode("utf-8-sig").splitlines()
    assert export[1:] == [
        "DRH;;service;Unité DRH;وحدة DRH;",
        "PAIE;DRH;service;Unité PAIE;وحدة PAIE;",
    ]
    assert "RABAT" not in client.get("/unites/").text


@pytest.mark.parametrize("action", ["modifier", "deplacer", "desactiver", "reactiver"])
def test_out_of_perimeter_is_the_same_404_as_missing(arbre, client_a, action):
    client = client_a(("admin", "FES"))
    missing = client.get(f"/unites/{10**12}/{action}/")
    foreign = client.get(f"/unites/{arbre['RABAT'].id}/{action}/")
    mine = client.get(f"/unites/{arbre['FES-RH'].id}/{action}/")
    assert (missing.status_code, foreign.status_code, mine.status_code) == (404, 404, 200)
    assert foreign.content == missing.content
    posted = client.post(f"/unites/{arbre['RABAT'].id}/{action}/", {"parent": ""})
    assert posted.status_code == 404
    assert posted.content == missing.content


def test_a_scoped_admin_cannot_move_a_unit_out_of_their_perimeter(arbre, client_a, tenant_a):
    client = client_a(("admin", "FES"))
    before = _in_a(tenant_a, chemins)
    response = client.post(
        f"/unites/{arbre['FES-RH'].id}/deplacer/", {"parent": str(arbre["RABAT"].id)}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text
    root = client.post(f"/unites/{arbre['FES-RH'].id}/deplacer/", {"parent": ""})
    assert "Choisissez une unité parente dans votre périmètre." in root.text
    assert _in_a(tenant_a, chemins) == before


def test_admin_creates_a_unit_under_a_parent(arbre, client_a, tenant_a):
    client = client_a(("admin", None))
    form = client.get(f"/unites/nouvelle/?parent={arbre['FES'].id}")
    assert f'<option value="{arbre["FES"].id}" selected>' in form.text
    response = client.post(
        "/unites/nouvelle/",
        {
            "code": "fes-form",
            "parent": str(arbre["FES"].id),
            "kind": "service",
            "nom_fr": "Formation",
            "nom_ar": "التكوين",
            "imputation_budgetaire": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/unites/#unite-FES-FORM"
    created = _in_a(tenant_a, lambda: Unite.objects.get(code="FES-FORM"))
    assert (created.chemin, created.nom_ar) == ("/FES/FES-FORM/", "التكوين")


def test_create_shows_what_to_fix_and_creates_nothing(arbre, client_a, tenant_a):
    client = client_a(("admin", None))
    before = _in_a(tenant_a, chemins)
    response = client.post(
        "/unites/nouvelle/",
        {"code": "FES", "parent": "", "kind": "direction", "nom_fr": "Doublon"},
    )
    assert response.status_code == 200
    assert "Le code « FES » est déjà utilisé par une autre unité." in response.text
    response = client.post(
        "/unites/nouvelle/",
        {"code": "É-1", "parent": "", "kind": "direction", "nom_fr": "Accent"},
    )
    assert "« É-1 » n&#x27;est pas un code valide" in response.text
    both = client.post("/unites/nouvelle/", {"code": "x y", "parent": "", "kind": "service"})
    assert "« X Y » n&#x27;est pas un code valide" in both.text
    assert "Ce champ est obligatoire." in both.text  # nom_fr, reported in the same answer
    assert _in_a(tenant_a, chemins) == before


def test_edit_then_move_then_cycle_refused(arbre, client_a, tenant_a):
    client = client_a(("admin", None))
    edited = client.post(
        f"/unites/{arbre['DRH'].id}/modifier/",
        {
            "kind": "direction",
            "nom_fr": "Direction RH",
            "nom_ar": "",
            "imputation_budgetaire": "13",
        },
    )
    assert edited.status_code == 302
    moved = client.post(f"/unites/{arbre['DRH'].id}/deplacer/", {"parent": str(arbre["FES"].id)})
    assert moved.status_code == 302
    assert _in_a(tenant_a, chemins)["PAIE"] == "/FES/DRH/PAIE/"
    # PAIE is not offered as a parent of its own ancestor, and posting it anyway is refused
    form = client.get(f"/unites/{arbre['DRH'].id}/deplacer/")
    assert f'value="{arbre["PAIE"].id}"' not in form.text
    cycle = client.post(f"/unites/{arbre['DRH'].id}/deplacer/", {"parent": str(arbre["PAIE"].id)})
    assert cycle.status_code == 200
    assert _in_a(tenant_a, chemins)["DRH"] == "/FES/DRH/"
    drh = _in_a(tenant_a, lambda: Unite.objects.get(code="DRH"))
    assert (drh.kind, drh.nom_fr, drh.imputation_budgetaire) == ("direction", "Direction RH", "13")


def test_deactivation_refused_then_done(arbre, client_a, tenant_a):
    client = client_a(("admin", None))
    refused = client.post(f"/unites/{arbre['FES'].id}/desactiver/")
    assert refused.status_code == 400
    assert "a encore 2 sous-unité(s) active(s)" in refused.text
    done = client.post(f"/unites/{arbre['FES-RH'].id}/desactiver/")
    assert done.status_code == 302
    inactive = _in_a(
        tenant_a, lambda: set(Unite.objects.filter(active=False).values_list("code", flat=True))
    )
    assert inactive == {"FES-RH"}
    page = client.get("/unites/")
    assert "désactivée" in page.text
    assert f"/unites/{arbre['FES-RH'].id}/reactiver/" in page.text


def test_empty_state(dans_a, client_a):
    admin = client_a(("admin", None)).get("/unites/")
    assert "Aucune unité pour l'instant." in admin.text
    assert "export.csv" not in admin.text
    reader = client_a(("lecture", "FES")).get("/unites/")
    assert "Aucune unité dans votre périmètre." in reader.text


def test_import_previews_then_creates_all(dans_a, client_a, tenant_a):
    client = client_a(("admin", None))
    fichier = SimpleUploadedFile(
        "organigramme.csv",
        b"code;code_parent;nom_fr\nB;A;Service B\nA;;Direction A\n",
        content_type="text/csv",
    )
    preview = client.post("/unites/import/", {"fichier": fichier})
    assert preview.status_code == 200
    assert "organigramme.csv : 2 unités à créer" in preview.text
    assert _in_a(tenant_a, Unite.objects.count) == 0
    jeton = preview.context["jeton"]
    done = client.post("/unites/import/", {"jeton": jeton})
    assert done.status_code == 302
    assert _in_a(tenant_a, chemins) == {"A": "/A/", "B": "/A/B/"}
    again = client.post("/unites/import/", {"jeton": jeton})  # single use
    assert "L'aperçu a expiré" in again.text
    assert (
        _in_a(tenant_a, lambda: AuditEvent.objects.filter(action="unites.importees").count()) == 1
    )


def test_import_lists_errors_and_offers_no_confirmation(dans_a, client_a, tenant_a):
    client = client_a(("admin", None))
    fichier = SimpleUploadedFile("u.csv", b"code;code_parent;nom_fr\nA;Z;A\n")
    response = client.post("/unites/import/", {"fichier": fichier})
    assert "u.csv : 1 erreur, rien n'a été importé" in response.text
    assert (
        "Ligne 2, colonne B (code_parent) : le code parent « Z » n&#x27;existe ni" in response.text
    )
    assert 'name="jeton"' not in response.text
    assert _in_a(tenant_a, Unite.objects.count) == 0


def test_another_persons_preview_token_is_useless(dans_a, client_a, login_client, tenant_a):
    client = client_a(("admin", None))
    fichier = SimpleUploadedFile("u.csv", b"code;code_parent;nom_fr\nA;;A\n")
    jeton = client.post("/unites/import/", {"fichier": fichier}).context["jeton"]
    other = login_client(tenant_a, username="autre.admin", roles=("admin",))
    response = other.post("/unites/import/", {"jeton": jeton})
    assert "L'aperçu a expiré" in response.text
    assert _in_a(tenant_a, Unite.objects.count) == 0


def test_xlsx_export_is_a_workbook(arbre, client_a):
    response = client_a(("lecture", None)).get("/unites/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="unites.xlsx"'
    assert response.content[:2] == b"PK"


def test_the_tree_is_arabic_in_arabic(arbre, client_a):
    client = client_a(("lecture", None))
    client.cookies["django_language"] = "ar"
    page = client.get("/unites/")
    assert 'dir="rtl"' in page.text
    assert '<span lang="ar">وحدة FES</span>' in page.text
    assert "<h1>الوحدات الإدارية</h1>" in page.text
    assert "وحدتان فرعيتان" in page.text  # FES has two sub-units: Arabic's dual form


def test_the_home_page_links_to_the_units(dans_a, client_a):
    assert 'href="/unites/"' in client_a(("lecture", None)).get("/").text


def test_the_tree_markup_nests_and_closes_every_branch(arbre, client_a):
    text = client_a(("lecture", None)).get("/unites/").text
    tree = text[
        text.index('<ul class="unites-arbre"') : text.index(
            "</section>", text.index("unites-arbre")
        )
    ]
    assert tree.count("<ul") == tree.count("</ul>") == 4  # the tree, FES, RABAT and DRH
    assert tree.count("<li") == tree.count("</li>") == 6
    assert tree.index('id="unite-PAIE"') > tree.index('id="sous-DRH"')


def test_the_tree_page_costs_the_same_queries_for_more_units(arbre, client_a, tenant_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_a(("admin", "FES"))
    with CaptureQueriesContext(connection) as small:
        assert client.get("/unites/").status_code == 200
    with schema_context(tenant_a.schema_name):
        from modules.unites.tests.conftest import creer

        for index in range(20):
            creer(f"FES-S{index}", parent="FES-RH")
    with CaptureQueriesContext(connection) as large:
        page = client.get("/unites/")
    assert page.text.count('<code class="unite-code">') == 23
    assert len(large.captured_queries) == len(small.captured_queries)
