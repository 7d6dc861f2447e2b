"""A TGR operator enters a tenant through Keycloak only while its admin's grant lasts."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from identity import assisted
from identity import facade as identity_facade
from identity.models import AssistedAccess
from tests.e2e.conftest import PASSWORD, fresh_totp, login
from tests.e2e.test_login_browser import A_HOME

pytestmark = [pytest.mark.browser]
SECRET = "indimaj-test-otp-operator"


@pytest.fixture
def operator(django_db_setup, django_db_blocker):
    sub = identity_facade.person_ensure(
        username="mehdi.tgr-test",
        email="mehdi.tgr-test@example.ma",
        first_name="Mehdi",
        last_name="Guessous",
        password=PASSWORD,
        realm_roles=("tgr-operateur",),
        otp_secret=SECRET,
    )
    with django_db_blocker.unblock():
        AssistedAccess.objects.filter(operator_sub=sub).delete()
    yield sub
    with django_db_blocker.unblock():
        AssistedAccess.objects.filter(operator_sub=sub).delete()


def _sign_in(page):
    page.goto(A_HOME)
    login(page, "mehdi.tgr-test")
    page.locator("#otp").fill(fresh_totp(SECRET))
    page.click("#kc-login")


def test_without_a_grant_the_operator_is_refused(web_server, operator, page):
    _sign_in(page)
    # Keycloak asks again for the organization the operator is not part of
    if page.locator("#password").is_visible():
        page.fill("#password", PASSWORD)
        page.click("#kc-login")
    expect(page.locator("h1")).to_have_text("Accès refusé")


@pytest.fixture
def granted(operator, django_db_blocker):
    """Created before the browser starts (Playwright's loop makes Django refuse DB calls)."""
    with django_db_blocker.unblock(), transaction.atomic():
        access = assisted.assisted_access_request(
            tenant_schema="t_test_a",
            tenant_code="test-a",
            operator_sub=operator,
            operator_username="mehdi.tgr-test",
            reason="Contrôle d'un bordereau rejeté",
            minutes=15,
        )
        assisted.assisted_access_decide(access=access, grant=True, admin_username="admin.test-a")
    return access


def test_with_a_grant_the_operator_reads_and_is_logged(web_server, granted, page):
    _sign_in(page)
    if page.locator("#password").is_visible():
        page.fill("#password", PASSWORD)
        page.click("#kc-login")
    expect(page).to_have_url(A_HOME)
    expect(page.locator(".assisted-banner")).to_contain_text("lecture seule")
    expect(page.locator("ul.habilitations")).to_contain_text("lecture")
    page.screenshot(path="artifacts/assisted-access.png", full_page=True)
