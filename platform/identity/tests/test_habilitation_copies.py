"""Jobs read habilitations from Django's copy, which follows Keycloak."""

import pytest

from identity import facade as identity_facade
from identity.habilitation_copies import habilitations_for_job
from identity.habilitations import Habilitation

pytestmark = pytest.mark.django_db
PASSWORD = "Copie-Test-2026!"


def test_copy_follows_grants_and_revocations(tenant_a, tenant_b):
    user_id = identity_facade.person_ensure(
        username="yasmine.copie-a",
        email="yasmine.copie-a@example.ma",
        first_name="Yasmine",
        last_name="Alami",
        password=PASSWORD,
        organization_aliases=("test-a",),
        habilitations=("budget@RABAT",),
    )
    identity_facade.tenant_habilitation_revoke(
        alias="test-a", user_id=user_id, habilitation=Habilitation("paie")
    )
    identity_facade.habilitation_copy_refresh(alias="test-a")
    assert habilitations_for_job(tenant_schema="t_test_a", user_sub=user_id) == {
        Habilitation("budget", "RABAT")
    }
    identity_facade.tenant_habilitation_grant(
        alias="test-a", user_id=user_id, habilitation=Habilitation("paie")
    )
    identity_facade.tenant_habilitation_revoke(
        alias="test-a", user_id=user_id, habilitation=Habilitation("budget", "RABAT")
    )
    identity_facade.habilitation_copy_refresh(alias="test-a")
    assert habilitations_for_job(tenant_schema="t_test_a", user_sub=user_id) == {
        Habilitation("paie")
    }
    # nothing of test-a leaks into test-b's copy
    identity_facade.habilitation_copy_refresh(alias="test-b")
    assert habilitations_for_job(tenant_schema="t_test_b", user_sub=user_id) == frozenset()
