"""Wizard pages on the tenant's host: only a whole-tenant admin, refusals audited; the checklist
and its progress bar; the profile form (errors, audit, nothing half-applied); the logo served
on its own tenant only, and shown in the page header."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from identity import facade as identity_facade
from identity.habilitations import TENANT_ROLES, Habilitation
from identity.permissions import SESSION_HABILITATIONS_KEY
from modules.unites import services as unites_services
from onboarding.tests.test_assistant_profil import SVG, png
from tenants.models import Organisation

pytestmark = pytest.mark.django_db

PAGES = ["/demarrage/", "/demarrage/profil/"]


@pytest.fixture(autouse=True)
def keycloak(monkeypatch):
    """The member list is faked here (test_assistant_etapes reads the real Keycloak)."""
    cache.clear()
    membres = [
        identity_facade.TenantMember(
            user_id="sub-agent.test",
            username="agent.test",
            email="agent.test@example.ma",
            first_name="Agent",
            last_name="Test",
            enabled=True,
            habilitations=frozenset({Habilitation(role="admin", unit=None)}),
        )
    ]
    monkeypatch.setattr(identity_facade, "tenant_members", lambda *, alias: list(membres))
    return membres


@pytest.fixture
def etat(settings, tmp_path):
    settings.INDIMAJ_STATE_DIR = tmp_path
    return tmp_path


@pytest.fixture
def admin_a(tenant_a, login_client):
    return login_client(tenant_a, roles=("admin",))


def _profil(tenant, **champs):
    return {
        "name_fr": tenant.name_fr,
        "name_ar": tenant.name_ar,
        "sigle": "",
        "code_ordonnateur": "",
        **champs,
    }


_DEPART: dict[str, int] = {}


@pytest.fixture(autouse=True)
def depart_des_journaux(db):
    """Where each chain stood when the test began: the helpers read only what the test wrote
    (committed rows of browser tests of the same session stay in the chains)."""
    for schema in ("public", "t_test_a", "t_test_b"):
        with schema_context(schema):
            _DEPART[schema] = (
                AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
            )


def _audit(schema: str, action: str) -> list[tuple[str, str, dict[str, object]]]:
    with schema_context(schema):
        return list(
            AuditEvent.objects.filter(action=action, seq__gt=_DEPART[schema])
            .order_by("seq")
            .values_list("actor", "object_id", "data")
        )


def _progression(html: str) -> tuple[str, str]:
    balise = re.search(r'<progress id="progression" max="(\d+)" value="(\d+)"', html)
    assert balise is not None
    return balise.group(1), balise.group(2)


# --- Who may open the wizard -------------------------------------------------------------------


@pytest.mark.parametrize("role", TENANT_ROLES)
def test_only_an_admin_opens_the_wizard(role, tenant_a, login_client):
    client = login_client(tenant_a, username=f"{role}.test", roles=(role,))
    attendu = 200 if role == "admin" else 403
    assert [client.get(page).status_code for page in PAGES] == [attendu, attendu]


@pytest.mark.parametrize("role", [r for r in TENANT_ROLES if r != "admin"])
def test_a_refused_post_changes_nothing_and_is_audited(role, tenant_a, login_client, etat):
    client = login_client(tenant_a, username=f"{role}.curieux", roles=(role,))
    avant = Organisation.objects.values().get(pk=tenant_a.pk)
    reponse = client.post(
        "/demarrage/profil/",
        _profil(tenant_a, sigle="PIRATE", logo=SimpleUploadedFile("l.png", png())),
    )
    assert reponse.status_code == 403
    assert "Votre habilitation ne permet pas cette action." in reponse.text
    assert Organisation.objects.values().get(pk=tenant_a.pk) == avant
    assert not (etat / "logos").exists()
    assert _audit("t_test_a", "organisation.profil_modifie") == []
    assert _audit("t_test_a", "acces.refuse") == [
        (
            f"{role}.curieux",
            "/demarrage/profil/",
            {"regle": "action:demarrage.gerer", "methode": "POST"},
        )
    ]


def test_an_admin_of_one_unit_is_not_an_admin_of_the_organisation(tenant_a, login_client):
    client = login_client(tenant_a, username="admin.fes")
    session = client.session
    session[SESSION_HABILITATIONS_KEY] = [["admin", "FES"]]
    session.save()
    assert [client.get(page).status_code for page in PAGES] == [403, 403]


def test_anonymous_visitors_go_to_the_login(client, tenant_a):
    reponse = client.get("/demarrage/", HTTP_HOST="test-a.indimaj.localhost:8765")
    assert reponse.status_code == 302
    assert reponse["Location"].endswith("?next=%2Fdemarrage%2F")


def test_home_links_to_the_wizard_for_admins_only(tenant_a, login_client):
    assert 'href="/demarrage/"' in login_client(tenant_a, roles=("admin",)).get("/").text
    assert 'href="/demarrage/"' not in login_client(tenant_a, roles=("gestionnaire",)).get("/").text


# --- The checklist -----------------------------------------------------------------------------


def test_the_checklist_shows_each_status_and_the_progress(admin_a, tenant_a):
    page = admin_a.get("/demarrage/")
    assert page.status_code == 200
    assert _progression(page.text) == ("6", "0")
    assert "0 étapes sur 6 faites" in page.text
    statuts = re.findall(r'<li id="etape-(\w+)" data-statut="(\w+)"', page.text)
    assert statuts == [
        ("profil", "en_cours"),
        ("unites", "a_faire"),
        ("utilisateurs", "a_faire"),
        ("postes", "a_faire"),
        ("agents", "a_faire"),
        ("echange", "a_faire"),
    ]
    # the next step to do is marked for assistive technologies, and only that one
    assert re.findall(r'<li id="etape-(\w+)"[^>]*aria-current="step"', page.text) == ["profil"]
    assert "Lancer l'échange d'essai</button>" in page.text
    for lien in (
        "/demarrage/profil/",
        "/unites/nouvelle/",
        "/unites/import/",
        "/habilitations/inviter",
        "/personnel/postes/",
    ):
        assert f'href="{lien}"' in page.text


def test_the_checklist_follows_the_data_at_every_visit(admin_a, tenant_a):
    with schema_context(tenant_a.schema_name):
        unite = unites_services.unite_create(
            actor="tests", code="DEM-1", parent=None, kind="direction", nom_fr="Direction"
        )
    page = admin_a.get("/demarrage/")
    assert _progression(page.text) == ("6", "1")
    assert "1 étape sur 6 faite" in page.text
    assert '<li id="etape-unites" data-statut="fait"' in page.text
    with schema_context(tenant_a.schema_name):
        unites_services.unite_deactivate(actor="tests", unite=unite)
    page = admin_a.get("/demarrage/")
    assert _progression(page.text) == ("6", "0")
    assert '<li id="etape-unites" data-statut="en_cours"' in page.text


def test_the_checklist_in_arabic_is_right_to_left(admin_a):
    admin_a.cookies["django_language"] = "ar"
    page = admin_a.get("/demarrage/")
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text
    assert _progression(page.text) == ("6", "0")


def test_the_checklist_page_costs_a_fixed_number_of_queries(
    admin_a, tenant_a, django_assert_num_queries
):
    admin_a.get("/demarrage/")  # warms the member cache
    # domain, session, user; units, last audit sequence, posts, agents, the test exchange's
    # files: one query each, and django-tenants sets the search_path before each
    with django_assert_num_queries(16):
        admin_a.get("/demarrage/")
    with schema_context(tenant_a.schema_name):
        for code in ("DEM-1", "DEM-2", "DEM-3"):
            unites_services.unite_create(
                actor="tests", code=code, parent=None, kind="direction", nom_fr=code
            )
    admin_a.get("/demarrage/")  # the audit chain moved: members read again
    with django_assert_num_queries(16):
        admin_a.get("/demarrage/")


# --- The profile form --------------------------------------------------------------------------


def test_the_form_starts_from_the_current_profile_and_shows_the_kind_read_only(admin_a):
    page = admin_a.get("/demarrage/profil/")
    assert 'value="Commune de test A"' in page.text
    assert 'value="جماعة الاختبار أ"' in page.text
    assert 'name="kind"' not in page.text
    assert "<dd>Commune</dd>" in page.text
    assert 'lang="ar" dir="rtl"' in page.text
    assert 'accept="image/png,image/jpeg"' in page.text


def test_saving_the_profile_completes_step_one(admin_a, tenant_a, etat):
    reponse = admin_a.post(
        "/demarrage/profil/",
        _profil(
            tenant_a,
            sigle="CTA",
            code_ordonnateur="0712",
            logo=SimpleUploadedFile("logo.png", png(), content_type="image/png"),
        ),
    )
    assert reponse.status_code == 302
    assert reponse["Location"] == "/demarrage/"
    organisation = Organisation.objects.get(pk=tenant_a.pk)
    assert (organisation.sigle, organisation.code_ordonnateur, organisation.logo_type) == (
        "CTA",
        "0712",
        "image/png",
    )
    assert (etat / "logos" / "t_test_a" / f"{organisation.logo_sha256}.png").read_bytes() == png()
    ((acteur, objet, data),) = _audit("t_test_a", "organisation.profil_modifie")
    assert (acteur, objet, data["apres"]) == (
        "agent.test",
        "test-a",
        {"sigle": "CTA", "code_ordonnateur": "0712"},
    )
    assert data["logo"] == {
        "sha256": organisation.logo_sha256,
        "type": "image/png",
        "taille": len(png()),
        "largeur": 4,
        "hauteur": 2,
    }
    assert _audit("public", "organisation.profil_modifie") == [(acteur, objet, data)]
    page = admin_a.get("/demarrage/")
    assert "Profil de l&#x27;organisation enregistré." in page.text
    assert '<li id="etape-profil" data-statut="fait"' in page.text
    assert _progression(page.text) == ("6", "1")


def test_an_invalid_profile_shows_what_to_fix_and_changes_nothing(admin_a, tenant_a, etat):
    avant = Organisation.objects.values().get(pk=tenant_a.pk)
    reponse = admin_a.post(
        "/demarrage/profil/",
        _profil(
            tenant_a,
            name_fr="",
            name_ar="Commune A",
            sigle="<script>",
            code_ordonnateur="07 12",
            logo=SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml"),
        ),
    )
    assert reponse.status_code == 400
    for message in (
        "Le profil n'est pas enregistré : corrigez les champs signalés ci-dessous.",
        "Indiquez le nom de l&#x27;organisation en français.",
        "Le nom en arabe doit être écrit en lettres arabes",
        "Le sigle fait au plus 20 caractères",
        "« 07 12 » n&#x27;est pas un code ordonnateur valide",
        "le SVG n&#x27;est pas accepté",
    ):
        assert message in reponse.text, message
    assert 'aria-invalid="true" aria-describedby="id_name_ar_error"' in reponse.text
    assert '<ul class="errorlist" id="id_name_ar_error">' in reponse.text
    assert Organisation.objects.values().get(pk=tenant_a.pk) == avant
    assert _audit("t_test_a", "organisation.profil_modifie") == []
    assert not (etat / "logos").exists()


def test_a_logo_over_one_megabyte_is_refused(admin_a, tenant_a, etat):
    gros = png() + b"\x00" * (1024 * 1024)
    reponse = admin_a.post(
        "/demarrage/profil/", _profil(tenant_a, logo=SimpleUploadedFile("gros.png", gros))
    )
    assert reponse.status_code == 400
    assert "Le logo dépasse 1 Mo" in reponse.text
    assert Organisation.objects.get(pk=tenant_a.pk).logo_sha256 == ""


def test_a_tgr_code_of_another_tenant_is_refused_on_the_form(admin_a, tenant_a, tenant_b):
    Organisation.objects.filter(pk=tenant_b.pk).update(code_ordonnateur="0712")
    reponse = admin_a.post("/demarrage/profil/", _profil(tenant_a, code_ordonnateur="0712"))
    assert reponse.status_code == 400
    assert "est déjà déclaré par une autre organisation" in reponse.text
    assert Organisation.objects.get(pk=tenant_a.pk).code_ordonnateur == ""


def test_submitting_an_unchanged_profile_says_so_and_writes_nothing(admin_a, tenant_a):
    reponse = admin_a.post("/demarrage/profil/", _profil(tenant_a), follow=True)
    assert "Aucune modification : le profil était déjà à jour." in reponse.text
    assert _audit("t_test_a", "organisation.profil_modifie") == []


# --- The logo ----------------------------------------------------------------------------------


@pytest.fixture
def logo_a(admin_a, tenant_a, etat) -> str:
    admin_a.post(
        "/demarrage/profil/", _profil(tenant_a, logo=SimpleUploadedFile("logo.png", png()))
    )
    return Organisation.objects.get(pk=tenant_a.pk).logo_sha256


def test_the_logo_is_served_to_the_tenants_members_and_shown_in_the_header(
    logo_a, tenant_a, login_client
):
    lecteur = login_client(tenant_a, username="lecteur.test", roles=("lecture",))
    reponse = lecteur.get(f"/demarrage/logo/{logo_a}")
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "image/png"
    assert reponse["Cache-Control"] == "private, max-age=31536000, immutable"
    assert b"".join(reponse.streaming_content) == png()
    accueil = lecteur.get("/").text
    assert f'src="/demarrage/logo/{logo_a}"' in accueil
    assert "◆" not in accueil


def test_the_logo_is_not_served_on_another_tenant_nor_under_another_name(
    logo_a, tenant_b, login_client
):
    membre_b = login_client(tenant_b, username="membre.b", roles=("admin",))
    assert membre_b.get(f"/demarrage/logo/{logo_a}").status_code == 404
    assert f"/demarrage/logo/{logo_a}" not in membre_b.get("/").text


def test_an_old_or_unknown_logo_address_is_not_found(logo_a, admin_a):
    assert admin_a.get("/demarrage/logo/" + "0" * 64).status_code == 404
    assert admin_a.get("/demarrage/logo/..%2F..%2Fsecret").status_code == 404


def test_the_logo_needs_a_member_of_the_tenant(logo_a):
    from django.test import Client

    anonyme = Client(HTTP_HOST="test-a.indimaj.localhost:8765")
    reponse = anonyme.get(f"/demarrage/logo/{logo_a}")
    assert reponse.status_code == 302
    assert reponse["Location"].endswith("?next=%2Fdemarrage%2Flogo%2F" + logo_a)


def test_without_a_logo_the_header_keeps_its_mark(admin_a):
    accueil = admin_a.get("/").text
    assert "/demarrage/logo/" not in accueil
    assert '<span class="logo" aria-hidden="true">◆</span>' in accueil
