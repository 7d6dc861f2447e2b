"""A person logs in through the real Keycloak in Debian's Chromium, driven by Playwright."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from identity import facade as identity_facade
from tests.e2e.conftest import PASSWORD, login
from tests.support.processes import ARTIFACTS

pytestmark = [pytest.mark.browser]

A_HOME = "http://test-a.indimaj.localhost:8765/"
B_HOME = "http://test-b.indimaj.localhost:8765/"


@pytest.fixture(scope="module")
def person_of_a(django_db_setup):
    identity_facade.person_ensure(
        username="nadia.test-a",
        email="nadia.test-a@example.ma",
        first_name="Nadia",
        last_name="Bennani",
        password=PASSWORD,
        organization_aliases=("test-a",),
        habilitations=("lecture",),
    )
    return "nadia.test-a"


def test_login_through_keycloak_shows_the_users_name(web_server, person_of_a, page):
    page.goto(A_HOME)
    expect(page).to_have_url(re.compile(r"^http://localhost:58080/realms/indimaj/"))
    login(page, person_of_a)
    expect(page).to_have_url(A_HOME)
    expect(page.locator("h1")).to_have_text("Bienvenue, Nadia Bennani")
    expect(page.locator(".tenant-name")).to_have_text("Commune de test A")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(Path(ARTIFACTS) / "login-tenant-a.png"), full_page=True)

    # Arabic: the same page, right to left
    page.click("button[value=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.screenshot(path=str(Path(ARTIFACTS) / "login-tenant-a-ar.png"), full_page=True)


def test_member_of_a_is_refused_on_tenant_b(web_server, person_of_a, page):
    page.goto(A_HOME)
    login(page, person_of_a)
    expect(page.locator("h1")).to_contain_text("Nadia")
    # Keycloak's SSO session exists, but it issues no token for B's organization to a
    # non-member: it asks to sign in again; doing so still does not open B.
    page.goto(B_HOME)
    expect(page).to_have_url(re.compile(r"^http://localhost:58080/realms/indimaj/"))
    page.screenshot(path=str(ARTIFACTS / "tenant-b-prompt.png"), full_page=True)
    page.fill("#password", PASSWORD)
    page.click("#kc-login")
    # The token then names no B organization, and B's callback refuses it.
    expect(page.locator("h1")).to_have_text("Accès refusé")
    expect(page.locator("[role=alert]")).to_contain_text("pas habilité pour cette organisation")
    assert page.url.startswith(B_HOME)
    expect(page.locator("body")).not_to_contain_text("Bienvenue")
    page.screenshot(path=str(ARTIFACTS / "tenant-b-refused.png"), full_page=True)


def test_logout_ends_the_keycloak_session(web_server, person_of_a, page):
    page.goto(A_HOME)
    login(page, person_of_a)
    expect(page.locator("h1")).to_contain_text("Nadia")
    page.click("text=Se déconnecter")
    # Back on the tenant, which sends us to Keycloak: it must ask for credentials again.
    page.wait_for_url(lambda url: url.startswith("http://localhost:58080/"))
    expect(page.locator("#username")).to_be_visible()
