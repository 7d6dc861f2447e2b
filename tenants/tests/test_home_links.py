"""The tenant home page offers the onboarding checklist only to whole-tenant admins."""

from __future__ import annotations

import pytest

from identity.permissions import SESSION_HABILITATIONS_KEY


@pytest.mark.parametrize(
    ("habilitation", "visible"), [(["admin", None], True), (["admin", "X"], False)]
)
def test_the_onboarding_link_follows_the_right_to_open_it(
    tenant_a, login_client, habilitation, visible
):
    client = login_client(tenant_a, roles=())
    session = client.session
    session[SESSION_HABILITATIONS_KEY] = [habilitation]
    session.save()
    page = client.get("/").content.decode()
    assert ('href="/demarrage/"' in page) is visible
