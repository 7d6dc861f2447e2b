"""A grant, a revocation or a removed membership reaches an open browser session within the
refresh interval (2 s in tests, the access-token lifespan in production)."""

import re
import time

import pytest
from playwright.sync_api import expect

from identity import facade as identity_facade
from identity.habilitations import Habilitation
from tests.e2e.conftest import PASSWORD, login
from tests.e2e.test_login_browser import A_HOME

pytestmark = [pytest.mark.browser]


@pytest.fixture
def person(django_db_setup):
    user_id = identity_facade.person_ensure(
        username="leila.revoc-a",
        email="leila.revoc-a@example.ma",
        first_name="Leila",
        last_name="Amrani",
        password=PASSWORD,
        organization_aliases=("test-a",),
        habilitations=("lecture",),
    )
    for role in ("paie",):
        identity_facade.tenant_habilitation_revoke(
            alias="test-a", user_id=user_id, habilitation=Habilitation(role)
        )
    return user_id


def test_grant_then_removal_take_effect_in_an_open_session(web_server, person, page):
    page.goto(A_HOME)
    login(page, "leila.revoc-a")
    habilitations = page.locator("ul.habilitations")
    expect(habilitations).to_contain_text("lecture")
    expect(habilitations).not_to_contain_text("paie")

    identity_facade.tenant_habilitation_grant(
        alias="test-a", user_id=person, habilitation=Habilitation("paie")
    )
    time.sleep(2.5)
    page.reload()
    expect(habilitations).to_contain_text("paie")

    identity_facade.tenant_member_remove(alias="test-a", user_id=person)
    time.sleep(2.5)
    page.goto(A_HOME)
    # the refresh is refused (account disabled, sessions ended): back to Keycloak's login
    expect(page).to_have_url(re.compile(r"^http://localhost:58080/realms/indimaj/"))
