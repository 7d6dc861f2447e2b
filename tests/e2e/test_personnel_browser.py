"""A clerk searches an agent by an Arabic name typed without its marks, opens the file and
reads the career timeline, the corrected event struck through with who, when and why."""

from datetime import date

import pytest
from django.db import transaction
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from identity import facade as identity_facade
from modules.personnel import normalisation
from modules.personnel.models import Agent, EvenementCarriere
from tests.e2e.conftest import PASSWORD, login
from tests.e2e.test_login_browser import A_HOME
from tests.support.processes import ARTIFACTS

pytestmark = [pytest.mark.browser]
PPR = "7700001"


@pytest.fixture
def gestionnaire(django_db_setup):
    identity_facade.person_ensure(
        username="samira.rh-a",
        email="samira.rh-a@example.ma",
        first_name="Samira",
        last_name="Kettani",
        password=PASSWORD,
        organization_aliases=("test-a",),
        habilitations=("gestionnaire",),
    )
    return "samira.rh-a"


@pytest.fixture
def dossier(django_db_setup, django_db_blocker):
    """Committed (the web server is another process), written straight to the tables so that no
    audit row outlives the test, and removed afterwards. Created before the browser starts:
    Playwright's loop makes Django refuse database calls."""
    with django_db_blocker.unblock(), schema_context("t_test_a"), transaction.atomic():
        agent = Agent(
            ppr=PPR,
            nom_fr="Bennani",
            prenom_fr="Fatima-Zahra",
            nom_ar="بنّاني",
            prenom_ar="فاطمة الزهراء",
            sexe="F",
            cin="AB123456",
            grade_code="ADM-2",
            echelon="4",
            position="activite",
            statut="titulaire",
            unite_code="DRH",
        )
        agent.recherche = normalisation.cle_recherche(
            ppr=PPR,
            cin=agent.cin,
            nom_fr=agent.nom_fr,
            prenom_fr=agent.prenom_fr,
            nom_ar=agent.nom_ar,
            prenom_ar=agent.prenom_ar,
        )
        agent.nom_tri = normalisation.cle_tri(nom_fr=agent.nom_fr, prenom_fr=agent.prenom_fr)
        agent.save()
        commun = {"agent": agent, "source": "saisie"}
        EvenementCarriere.objects.create(
            nature="recrutement",
            date_effet=date(2019, 9, 1),
            statut="titulaire",
            grade_code="ADM-2",
            echelon="1",
            position="activite",
            unite_code="DRH",
            auteur="rh.saisie",
            reference="Arrêté 101/2019",
            **commun,
        )
        avancement = EvenementCarriere.objects.create(
            nature="avancement_echelon",
            date_effet=date(2023, 1, 1),
            echelon="5",
            auteur="rh.saisie",
            **commun,
        )
        EvenementCarriere.objects.create(
            nature="correction",
            date_effet=date(2023, 1, 1),
            echelon="4",
            remplace=avancement,
            motif="L'arrêté porte l'échelon 4",
            auteur="rh.controle",
            **commun,
        )
    yield agent
    with django_db_blocker.unblock(), schema_context("t_test_a"), transaction.atomic():
        evenements = EvenementCarriere.objects.filter(agent__ppr=PPR)
        evenements.exclude(remplace=None).delete()
        evenements.delete()
        Agent.objects.filter(ppr=PPR).delete()


def test_search_open_the_agent_and_read_the_timeline(web_server, gestionnaire, dossier, page):
    page.goto(f"{A_HOME}personnel/")
    login(page, gestionnaire)
    expect(page.locator("h1")).to_have_text("Personnel")

    # typed without the shadda and with ه for ة: the normalised search still finds her
    page.get_by_label("Rechercher").fill("فاطمه بناني")
    page.get_by_role("button", name="Rechercher").click()
    rangees = page.locator("#lignes tr[id^=agent-]")
    expect(rangees).to_have_count(1)
    expect(rangees.first).to_contain_text(PPR)
    page.screenshot(path=str(ARTIFACTS / "personnel-recherche.png"), full_page=True)

    page.get_by_role("link", name="Bennani Fatima-Zahra").click()
    expect(page.locator("h1")).to_contain_text("Bennani Fatima-Zahra")
    chronologie = page.locator("#carriere ol.chronologie > li")
    expect(chronologie).to_have_count(3)
    expect(chronologie.nth(0)).to_contain_text("Correction")
    corrige = chronologie.nth(1)
    expect(corrige).to_have_class("evenement supplante")
    expect(corrige).to_contain_text("Corrigé par rh.controle")
    expect(corrige).to_contain_text("L'arrêté porte l'échelon 4")
    expect(corrige.locator(".nature")).to_have_css("text-decoration-line", "line-through")
    expect(chronologie.nth(2)).to_contain_text("Recrutement")
    expect(page.locator("#identite .cin")).to_contain_text("AB123456")
    page.screenshot(path=str(ARTIFACTS / "personnel-fiche.png"), full_page=True)

    page.click("button[value=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#carriere ol.chronologie > li")).to_have_count(3)
    page.screenshot(path=str(ARTIFACTS / "personnel-fiche-ar.png"), full_page=True)
