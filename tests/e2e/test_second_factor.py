"""An admin signs in with a second factor; a wrong code does not open the tenant."""

import pytest
from playwright.sync_api import expect

from identity import facade as identity_facade
from identity import otp
from tests.e2e.conftest import PASSWORD, fresh_totp, login
from tests.e2e.test_login_browser import A_HOME

pytestmark = [pytest.mark.browser]
SECRET = "indimaj-test-otp-ines"


@pytest.fixture
def admin_with_otp(django_db_setup):
    identity_facade.person_ensure(
        username="ines.admin-a",
        email="ines.admin-a@example.ma",
        first_name="Ines",
        last_name="Kettani",
        password=PASSWORD,
        organization_aliases=("test-a",),
        habilitations=("admin",),
        otp_secret=SECRET,
    )
    return "ines.admin-a"


def test_admin_needs_the_one_time_code(web_server, admin_with_otp, page):
    page.goto(A_HOME)
    login(page, admin_with_otp)
    otp_field = page.locator("#otp")
    expect(otp_field).to_be_visible()
    wrong = "000000" if otp.totp(SECRET) != "000000" else "111111"
    otp_field.fill(wrong)
    page.click("#kc-login")
    expect(page.locator("#otp")).to_be_visible()  # still on Keycloak's page
    assert not page.url.startswith(A_HOME)
    page.locator("#otp").fill(fresh_totp(SECRET))
    page.click("#kc-login")
    expect(page).to_have_url(A_HOME)
    expect(page.locator("ul.habilitations")).to_contain_text("admin")
    expect(page.locator("#journal-title")).to_be_visible()  # admins read the journal


@pytest.fixture
def unit_e2e(django_db_setup, django_db_blocker):
    """A committed unit of test-a for the browser (removed after: other suites expect none)."""
    from django_tenants.utils import schema_context

    from modules.unites import services as unites_services
    from modules.unites.models import Unite

    with django_db_blocker.unblock(), schema_context("t_test_a"):
        Unite.objects.filter(code="E2E-FES").delete()
        unites_services.unite_create(
            actor="tests", code="E2E-FES", parent=None, kind="direction", nom_fr="Fès (e2e)"
        )
    yield "E2E-FES"
    with django_db_blocker.unblock(), schema_context("t_test_a"):
        Unite.objects.filter(code="E2E-FES").delete()


def test_admin_invites_a_person_and_grants_a_perimeter_from_the_browser(
    web_server, admin_with_otp, unit_e2e, page
):
    from identity import keycloak_admin

    email = "zineb.invitee-a@example.ma"
    admin = keycloak_admin.admin_client()
    stale = keycloak_admin.user_by_email(admin, email)
    if stale is not None:
        admin.delete_user(stale["id"])
    page.goto(A_HOME + "habilitations/inviter")
    login(page, admin_with_otp)
    page.locator("#otp").fill(fresh_totp(SECRET))
    page.click("#kc-login")
    expect(page.locator("h1")).to_have_text("Inviter une personne")
    page.fill("#email", email)
    page.fill("#prenom", "Zineb")
    page.fill("#nom", "Sqalli")
    page.select_option("#role", "gestionnaire")
    page.fill("#unite", unit_e2e)
    page.click("text=Envoyer l'invitation")
    expect(page.locator(".message.success")).to_contain_text(email)
    row = page.locator("tr", has_text=email)
    expect(row).to_contain_text(f"gestionnaire@{unit_e2e}")
    page.screenshot(path="artifacts/tenant-admin-invite.png", full_page=True)
    created = keycloak_admin.user_by_email(admin, email)
    assert created is not None
    admin.delete_user(created["id"])
