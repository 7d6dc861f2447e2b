"""An admin signs in with a second factor; a wrong code does not open the tenant."""

import pytest
from playwright.sync_api import expect

from identity import facade as identity_facade
from identity import otp
from tests.e2e.conftest import PASSWORD, login
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
    page.locator("#otp").fill(otp.totp(SECRET))
    page.click("#kc-login")
    expect(page).to_have_url(A_HOME)
    expect(page.locator("ul.habilitations")).to_contain_text("admin")
    expect(page.locator("#journal-title")).to_be_visible()  # admins read the journal
