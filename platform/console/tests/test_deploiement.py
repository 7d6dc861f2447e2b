"""The rollout dashboard: waves and per-organisation status, for platform roles only."""

import pytest
from django.apps import apps
from django.urls import reverse

from console.tests.support import APEX, PUBLIC

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    modele = apps.get_model("onboarding", "DeploiementOrganisation")
    for code, vague, etat, erreur in (
        ("dash-reg", 1, "termine", ""),
        ("dash-min", 1, "termine", ""),
        ("dash-prov", 2, "echec", "étape « identite » : Keycloak ne répond pas"),
        ("dash-com", 2, "a_faire", ""),
    ):
        modele.objects.create(
            code=code,
            vague=vague,
            kind="commune",
            name_fr=f"Nom {code}",
            name_ar="اسم",
            manifeste="m.csv",
            empreinte="x",
            etat=etat,
            erreur=erreur,
            etapes=["organisation"] if etat != "a_faire" else [],
        )


def url(**query):
    base = reverse("console:deploiement", urlconf=PUBLIC)
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_operator_sees_waves_counts_and_errors(apex_client, rows):
    page = apex_client(["tgr-operateur"]).get(url())
    assert page.status_code == 200
    text = page.text
    assert 'aria-current="page">Déploiement' in text
    assert "Vague 1" in text
    assert "Vague 2" in text
    assert 'value="100"' in text  # wave 1 is complete
    assert 'value="0"' in text  # wave 2 has nothing finished
    assert "Keycloak ne répond pas" in text
    assert "4 organisations." in text


def test_filters_by_wave_and_state(apex_client, rows):
    page = apex_client(["plateforme-admin"]).get(url(vague=2, etat="echec"))
    assert "1 organisation." in page.text
    assert "dash-prov" in page.text
    assert "dash-com" not in page.text
    assert "dash-reg" not in page.text
    bad = apex_client(["plateforme-admin"]).get(url(vague="zero"))
    assert "Filtre invalide" in bad.text


def test_no_rollout_yet_says_what_to_do(apex_client):
    page = apex_client(["tgr-operateur"]).get(url())
    assert "Aucun déploiement lancé" in page.text


def test_users_without_a_platform_role_are_refused(apex_client, rows):
    page = apex_client(["admin"]).get(url())
    assert page.status_code == 403
    assert "dash-prov" not in page.text


def test_not_served_on_a_tenant_host(client):
    assert (
        client.get("/console/deploiement/", HTTP_HOST="test-a.indimaj.localhost:8765").status_code
        == 404
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get(url(), HTTP_HOST=APEX)
    assert response.status_code == 302
