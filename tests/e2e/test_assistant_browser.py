"""A tenant's admin opens the onboarding wizard, completes the organisation's profile with its
TGR code and logo, and sees step 1 done and the progress bar advance, in French and in Arabic."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from identity import facade as identity_facade
from identity import keycloak_admin
from onboarding.tests.test_assistant_profil import png
from tenants.models import Organisation
from tests.e2e.conftest import PASSWORD, fresh_totp, login
from tests.e2e.test_login_browser import A_HOME
from tests.support.processes import ARTIFACTS

pytestmark = [pytest.mark.browser]
SECRET = "indimaj-test-otp-hh-demarrage"
ADMIN = "hh.admin-demarrage-a"
COLLEGUE = "hh.gestion-demarrage-a"
# gold on white: visible on the green header
LOGO = png(64, 32, couleur=b"\xf2\xa9\x00")
CHAMPS = ("sigle", "code_ordonnateur", "logo_sha256", "logo_type")


@pytest.fixture
def personnes(django_db_setup):
    """The admin (with the second factor admins need) and a colleague holding a habilitation,
    so that step 3 is done whatever other suites left in test-a's Keycloak organization."""
    identity_facade.person_ensure(
        username=ADMIN,
        email=f"{ADMIN}@example.ma",
        first_name="Houda",
        last_name="Chraibi",
        password=PASSWORD,
        organization_aliases=("test-a",),
        habilitations=("admin",),
        otp_secret=SECRET,
    )
    identity_facade.person_ensure(
        username=COLLEGUE,
        email=f"{COLLEGUE}@example.ma",
        first_name="Omar",
        last_name="Idrissi",
        password=PASSWORD,
        organization_aliases=("test-a",),
        habilitations=("gestionnaire",),
    )
    yield ADMIN
    admin = keycloak_admin.admin_client()
    for username in (ADMIN, COLLEGUE):
        user = keycloak_admin.user_by_email(admin, f"{username}@example.ma")
        if user is not None:
            admin.delete_user(user["id"])


@pytest.fixture
def profil_rendu(django_db_setup, django_db_blocker):
    """The web server commits: test-a's profile is put back afterwards and the stored logo
    removed. Done before the browser starts (Playwright's loop makes Django refuse queries)."""
    with django_db_blocker.unblock():
        avant = Organisation.objects.filter(code="test-a").values(*CHAMPS).get()
    yield avant
    with django_db_blocker.unblock():
        apres = Organisation.objects.filter(code="test-a").values(*CHAMPS).get()
        Organisation.objects.filter(code="test-a").update(**avant)
    if apres["logo_sha256"] and apres["logo_sha256"] != avant["logo_sha256"]:
        (
            Path(settings.INDIMAJ_STATE_DIR) / "logos" / "t_test_a" / f"{apres['logo_sha256']}.png"
        ).unlink(missing_ok=True)
    repertoire = Path(settings.INDIMAJ_STATE_DIR) / "logos" / "t_test_a"
    if repertoire.exists() and not any(repertoire.iterdir()):
        shutil.rmtree(repertoire)


def _connexion(page, admin):
    page.goto(A_HOME + "demarrage/")
    login(page, admin)
    page.locator("#otp").fill(fresh_totp(SECRET))
    page.click("#kc-login")
    expect(page).to_have_url(A_HOME + "demarrage/")


def test_admin_completes_the_profile_and_sees_the_progress(
    web_server, personnes, profil_rendu, page
):
    _connexion(page, personnes)
    expect(page.locator("h1")).to_have_text("Démarrage de l'organisation")
    progression = page.locator("#progression")
    expect(page.locator("#progression-texte")).to_have_text("1 étape sur 6 faite")
    expect(progression).to_have_attribute("value", "1")
    expect(page.locator("#etape-profil .etape-statut")).to_contain_text("En cours")
    expect(page.locator("#etape-utilisateurs .etape-statut")).to_contain_text("Fait")
    expect(page.locator("#etape-echange")).to_contain_text("Aucun essai pour l'instant")
    expect(page.locator("#etape-profil")).to_have_attribute("aria-current", "step")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "demarrage-etapes.png"), full_page=True)

    # by keyboard: the step's link, then the form
    lien = page.get_by_role("link", name="Compléter le profil")
    lien.focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Profil de l'organisation")
    expect(page.get_by_label("Nom en français")).to_have_value("Commune de test A")

    # a name in Latin letters in the Arabic field: refused, saying what to write
    page.get_by_label("Nom en arabe").fill("Commune A")
    page.get_by_label("Code ordonnateur (TGR)").fill("0712-hh")
    page.get_by_role("button", name="Enregistrer le profil").click()
    expect(page.locator("#profil-erreurs")).to_be_visible()
    expect(page.locator("#id_name_ar_error")).to_contain_text("lettres arabes")
    champ_ar = page.get_by_label("Nom en arabe")
    expect(champ_ar).to_have_attribute("aria-invalid", "true")
    expect(champ_ar).to_have_attribute("aria-describedby", "id_name_ar_error")

    page.get_by_label("Nom en arabe").fill("جماعة الاختبار أ")
    page.get_by_label("Sigle").fill("CTA")
    page.get_by_label("Envoyer un logo").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": LOGO}]
    )
    expect(page.locator("#logo-apercu")).to_be_visible()  # preview before sending
    page.screenshot(path=str(ARTIFACTS / "demarrage-profil.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer le profil").click()

    expect(page).to_have_url(A_HOME + "demarrage/")
    expect(page.locator(".message.success")).to_have_text("Profil de l'organisation enregistré.")
    expect(page.locator("#etape-profil .etape-statut")).to_contain_text("Fait")
    expect(page.locator("#progression-texte")).to_have_text("2 étapes sur 6 faites")
    expect(progression).to_have_attribute("value", "2")
    expect(page.locator("#etape-unites")).to_have_attribute("aria-current", "step")
    entete = page.locator(".site-header img.logo-organisation")
    expect(entete).to_be_visible()
    assert entete.evaluate("img => img.complete && img.naturalWidth") == 64
    page.screenshot(path=str(ARTIFACTS / "demarrage-etapes-apres.png"), full_page=True)

    # Arabic: the same page right to left, the bar filling from the right
    page.click("button[value=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(progression).to_have_attribute("value", "2")
    assert progression.evaluate("p => getComputedStyle(p).direction") == "rtl"
    boite = progression.bounding_box()
    assert boite is not None
    page.screenshot(path=str(ARTIFACTS / "demarrage-etapes-ar.png"), full_page=True)
    expect(page.locator(".site-header img.logo-organisation")).to_be_visible()
    assert re.search(r"/demarrage/logo/[0-9a-f]{64}$", entete.get_attribute("src") or "")
