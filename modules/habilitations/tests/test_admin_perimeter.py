"""An administrator of a unit manages habilitations inside that unit's subtree only."""

import pytest
from django_tenants.utils import schema_context

from identity import facade as identity_facade
from identity.habilitations import Habilitation
from identity.permissions import SESSION_HABILITATIONS_KEY
from modules.unites import services as unites_services
from modules.unites.models import Unite

pytestmark = pytest.mark.django_db
PASSWORD = "Perimetre-2026!"


@pytest.fixture
def tree(tenant_a):
    with schema_context(tenant_a.schema_name):
        fes = unites_services.unite_create(
            actor="t", code="FES", parent=None, kind="direction", nom_fr="Fès"
        )
        unites_services.unite_create(
            actor="t", code="FES-NORD", parent=fes, kind="service", nom_fr="Fès Nord"
        )
        unites_services.unite_create(
            actor="t", code="RABAT", parent=None, kind="direction", nom_fr="Rabat"
        )
        assert Unite.objects.count() == 3


@pytest.fixture
def people():
    def person(username, habilitations):
        user_id = identity_facade.person_ensure(
            username=username,
            email=f"{username}@example.ma",
            first_name="P",
            last_name=username,
            password=PASSWORD,
            organization_aliases=("test-a",),
            habilitations=habilitations,
        )
        member = identity_facade.tenant_member_get(alias="test-a", user_id=user_id)
        assert member is not None
        for h in member.habilitations:
            if h.group_name not in habilitations:
                identity_facade.tenant_habilitation_revoke(
                    alias="test-a", user_id=user_id, habilitation=h
                )
        return user_id

    return {
        "nord": person("perim.nord", ("gestionnaire@FES-NORD", "lecture@RABAT")),
        "tout": person("perim.tout", ("lecture",)),
    }


@pytest.fixture
def admin_fes(tenant_a, login_client):
    client = login_client(tenant_a, username="admin.fes")
    session = client.session
    session[SESSION_HABILITATIONS_KEY] = [["admin", "FES"]]
    session.save()
    return client


def test_sees_only_members_and_habilitations_inside_fes(tree, people, admin_fes):
    page = admin_fes.get("/habilitations/").text
    assert "perim.nord@example.ma" in page
    assert "gestionnaire@FES-NORD" in page
    assert "lecture@RABAT" not in page
    assert "perim.tout@example.ma" not in page


def test_grants_inside_fes_only(tree, people, admin_fes):
    nord = people["nord"]
    admin_fes.post(f"/habilitations/{nord}/accorder", {"role": "valideur", "unite": "FES-NORD"})
    refused_whole = admin_fes.post(
        f"/habilitations/{nord}/accorder", {"role": "budget"}, follow=True
    )
    assert "ne couvre pas cette unité" in refused_whole.text
    admin_fes.post(f"/habilitations/{nord}/accorder", {"role": "budget", "unite": "RABAT"})
    member = identity_facade.tenant_member_get(alias="test-a", user_id=nord)
    assert member is not None
    held = member.habilitations
    assert Habilitation("valideur", "FES-NORD") in held
    assert Habilitation("budget") not in held
    assert Habilitation("budget", "RABAT") not in held


def test_outside_members_and_whole_tenant_actions_are_refused(tree, people, admin_fes):
    stranger = people["tout"]
    assert (
        admin_fes.post(
            f"/habilitations/{stranger}/accorder", {"role": "lecture", "unite": "FES"}
        ).status_code
        == 404
    )
    assert admin_fes.post(f"/habilitations/{people['nord']}/desactiver").status_code == 403
    assert admin_fes.get("/habilitations/api/").status_code == 403
