"""The tenant admin invites, grants, revokes and deactivates, against the real Keycloak."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from audit.models import AuditEvent
from identity import facade as identity_facade
from identity import keycloak_admin
from identity.habilitation_copies import habilitations_for_job
from identity.habilitations import Habilitation
from modules.unites import services as unites_services

pytestmark = pytest.mark.django_db
MAIL_DIR = Path(settings.INDIMAJ_STATE_DIR) / "mail"


@pytest.fixture
def keycloak_users():
    """Users created by a test are deleted after it (by e-mail)."""
    emails: list[str] = []
    yield emails
    admin = keycloak_admin.admin_client()
    for email in emails:
        user = keycloak_admin.user_by_email(admin, email)
        if user is not None:
            admin.delete_user(user["id"])


def _email(keycloak_users):
    address = f"agent-{uuid.uuid4().hex[:10]}@example.ma"
    keycloak_users.append(address)
    return address


def _member(alias, email):
    return next(m for m in identity_facade.tenant_members(alias=alias) if m.email == email)


def _mail_to(address):
    return [p for p in MAIL_DIR.glob("*.eml") if address in p.read_text(errors="replace")]


def _invite(client, email, role="gestionnaire", unite=""):
    return client.post(
        "/habilitations/inviter",
        {"email": email, "prenom": "Hind", "nom": "Berrada", "role": role, "unite": unite},
    )


def _unit(tenant, code):
    with schema_context(tenant.schema_name):
        unites_services.unite_create(
            actor="tests", code=code, parent=None, kind="direction", nom_fr=f"Direction {code}"
        )


def test_admin_invites_a_new_person_with_a_perimeter(tenant_a, login_client, keycloak_users):
    email = _email(keycloak_users)
    _unit(tenant_a, "FES")
    client = login_client(tenant_a)
    response = _invite(client, email, unite="fes")
    assert response.status_code == 302
    member = _member("test-a", email)
    assert member.habilitations == {Habilitation("gestionnaire", "FES")}
    # jobs see it at once: the copy is refreshed after each change made here
    assert habilitations_for_job(tenant_schema="t_test_a", user_sub=member.user_id) == {
        Habilitation("gestionnaire", "FES")
    }
    assert (member.first_name, member.last_name) == ("Hind", "Berrada")
    assert len(_mail_to(email)) == 1  # Keycloak's "set your password" e-mail
    with schema_context(tenant_a.schema_name):
        event = AuditEvent.objects.get(action="membre.invite", object_id=member.user_id)
    assert event.data == {"compte_cree": True, "habilitation": "gestionnaire@FES"}
    page = client.get("/habilitations/")
    assert email in page.text
    assert "gestionnaire@FES" in page.text


def test_inviting_someone_from_another_tenant_reuses_their_account(
    tenant_a, tenant_b, login_client, keycloak_users
):
    email = _email(keycloak_users)
    assert _invite(login_client(tenant_b), email, role="lecture").status_code == 302
    user_in_b = _member("test-b", email)
    assert _invite(login_client(tenant_a), email, role="paie").status_code == 302
    user_in_a = _member("test-a", email)
    assert user_in_a.user_id == user_in_b.user_id
    # each tenant sees only its own habilitations of that person
    assert user_in_a.habilitations == {Habilitation("paie")}
    assert _member("test-b", email).habilitations == {Habilitation("lecture")}
    with schema_context(tenant_a.schema_name):
        event = AuditEvent.objects.get(action="membre.invite", object_id=user_in_a.user_id)
    assert event.data["compte_cree"] is False


def test_granting_valideur_requires_a_second_factor(tenant_a, login_client, keycloak_users):
    email = _email(keycloak_users)
    client = login_client(tenant_a)
    _invite(client, email, role="lecture")
    member = _member("test-a", email)
    response = client.post(f"/habilitations/{member.user_id}/accorder", {"role": "valideur"})
    assert response.status_code == 302
    assert _member("test-a", email).habilitations == {
        Habilitation("lecture"),
        Habilitation("valideur"),
    }
    user = keycloak_admin.admin_client().get_user(member.user_id)
    assert "CONFIGURE_TOTP" in user["requiredActions"]


def test_revoke_then_deactivate(tenant_a, login_client, keycloak_users):
    email = _email(keycloak_users)
    client = login_client(tenant_a)
    _invite(client, email, role="budget")
    member = _member("test-a", email)
    client.post(f"/habilitations/{member.user_id}/retirer", {"role": "budget"})
    assert _member("test-a", email).habilitations == frozenset()
    client.post(f"/habilitations/{member.user_id}/desactiver")
    assert all(m.email != email for m in identity_facade.tenant_members(alias="test-a"))
    # the account belonged to test-a alone: it is disabled too
    assert keycloak_admin.admin_client().get_user(member.user_id)["enabled"] is False
    with schema_context(tenant_a.schema_name):
        actions = list(
            AuditEvent.objects.filter(object_id=member.user_id)
            .order_by("seq")
            .values_list("action", flat=True)
        )
    assert actions == ["membre.invite", "habilitation.retiree", "membre.desactive"]


def test_member_of_another_tenant_is_404_like_a_missing_one(
    tenant_a, tenant_b, login_client, keycloak_users
):
    email = _email(keycloak_users)
    _invite(login_client(tenant_b), email, role="lecture")
    stranger = _member("test-b", email)
    client = login_client(tenant_a)
    for path in ("accorder", "retirer", "desactiver"):
        theirs = client.post(f"/habilitations/{stranger.user_id}/{path}", {"role": "admin"})
        missing = client.post(f"/habilitations/{uuid.uuid4()}/{path}", {"role": "admin"})
        assert theirs.status_code == missing.status_code == 404
    assert _member("test-b", email).habilitations == {Habilitation("lecture")}


def test_bad_input_is_explained_and_nothing_is_created(tenant_a, login_client, keycloak_users):
    client = login_client(tenant_a)
    bad_email = _invite(client, "pas-une-adresse")
    assert bad_email.status_code == 400
    assert "Adresse électronique invalide." in bad_email.text
    email = _email(keycloak_users)
    bad_unit = _invite(client, email, unite="fès centre")
    assert bad_unit.status_code == 400
    assert "lettres majuscules, chiffres et tirets" in bad_unit.text
    unknown_unit = _invite(client, email, unite="MEKNES")
    assert unknown_unit.status_code == 400
    assert "Unité inconnue : MEKNES" in unknown_unit.text
    assert keycloak_admin.user_by_email(keycloak_admin.admin_client(), email) is None


def test_non_admin_cannot_manage(tenant_a, login_client):
    client = login_client(tenant_a, roles=("gestionnaire",))
    assert client.get("/habilitations/").status_code == 403
    assert client.post("/habilitations/inviter", {"email": "x@example.ma"}).status_code == 403


def test_matrix_page_lists_every_action(tenant_a, login_client):
    page = login_client(tenant_a).get("/habilitations/matrice")
    assert page.status_code == 200
    assert "habilitations.gerer" in page.text
    assert "journal.lire" in page.text
