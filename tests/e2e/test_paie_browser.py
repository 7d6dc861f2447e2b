"""A payroll reader walks a month the Treasury sent: months list → état de paie → an agent's
payslip → the HR ↔ pay gaps, in French, then the same pages in Arabic (right to left)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from django.db import transaction
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from identity import facade as identity_facade
from modules.paie.models import EcartPaie, LignePaie, MoisPaie, TotalPaie
from modules.personnel import normalisation
from modules.personnel.models import Agent
from tests.e2e.conftest import PASSWORD, login
from tests.e2e.test_login_browser import A_HOME
from tests.support.processes import ARTIFACTS

pytestmark = [pytest.mark.browser]
PPR, INCONNU = "7700091", "7799991"
MOIS = date(2031, 3, 1)  # far from any other suite's month


@pytest.fixture
def lecteur_paie(django_db_setup) -> str:
    identity_facade.person_ensure(
        username="nadia.paie-a",
        email="nadia.paie-a@example.ma",
        first_name="Nadia",
        last_name="Sqalli",
        password=PASSWORD,
        organization_aliases=("test-a",),
        habilitations=("paie",),
    )
    return "nadia.paie-a"


def _element(
    code: str, libelle: str, libelle_ar: str, sens: str, montant: int
) -> dict[str, object]:
    return {"code": code, "libelle": libelle, "libelle_ar": libelle_ar, "sens": sens,
            "montant": montant, "origine": "engine" if code != "OPP" else "tresor"}  # fmt: skip


@pytest.fixture
def mois_paie(django_db_setup, django_db_blocker) -> Iterator[tuple[int, int]]:
    """A month as the ingestion leaves it (committed: the web server is another process),
    written before the browser starts and removed afterwards with the agent."""
    elements = [
        _element("TB", "Traitement de base", "الأجرة الأساسية", "gain", 612_345),
        _element("RES", "Indemnité de résidence", "تعويض عن الإقامة", "gain", 61_234),
        _element("IR", "Impôt sur le revenu", "الضريبة على الدخل", "retenue", 45_678),
        _element("OPP", "Opposition", "تعرض", "retenue", 10_000),
    ]
    with django_db_blocker.unblock(), schema_context("t_test_a"), transaction.atomic():
        agent = Agent(ppr=PPR, nom_fr="Ouazzani", prenom_fr="Leila", nom_ar="الوزاني",
                      prenom_ar="ليلى", sexe="F", grade_code="ADM-2", echelon="3",
                      position="activite", statut="titulaire", unite_code="DRH")  # fmt: skip
        agent.recherche = normalisation.cle_recherche(
            ppr=PPR, cin="", nom_fr=agent.nom_fr, prenom_fr=agent.prenom_fr,
            nom_ar=agent.nom_ar, prenom_ar=agent.prenom_ar,
        )  # fmt: skip
        agent.nom_tri = normalisation.cle_tri(nom_fr=agent.nom_fr, prenom_fr=agent.prenom_fr)
        agent.save()
        mois = MoisPaie.objects.create(
            mois=MOIS, fichier="paie-e2e.jsonl", sequence=1, sha256="0" * 64,
            date_arret=MOIS.replace(day=20), date_paiement=MOIS.replace(day=27), agents=2,
            brut=673_579 + 500_000, retenues=55_678, net=617_901 + 500_000,
            compare_le=None,
        )  # fmt: skip
        ligne = LignePaie.objects.create(
            mois=mois, ppr=PPR, agent_id=agent.id, nom="Ouazzani Leila", grade="ADM-2",
            echelon="3", indice=336, position="activite", unite_code="DRH",
            imputation="10.1.1.11", brut=673_579, retenues=55_678, net=617_901,
            elements=elements,
        )  # fmt: skip
        LignePaie.objects.create(
            mois=mois, ppr=INCONNU, nom="Inconnu Hamid", imputation="10.1.1.11", brut=500_000,
            retenues=0, net=500_000,
            elements=[_element("TB", "Traitement de base", "الأجرة الأساسية", "gain", 500_000)],
        )  # fmt: skip
        TotalPaie.objects.bulk_create(
            TotalPaie(mois=mois, imputation="10.1.1.11", rubrique=r, libelle=lib, sens=s,
                      montant=m, agents=n)
            for r, lib, s, m, n in [("TB", "Traitement de base", "gain", 1_112_345, 2),
                                    ("RES", "Indemnité de résidence", "gain", 61_234, 1),
                                    ("IR", "Impôt sur le revenu", "retenue", 45_678, 1),
                                    ("OPP", "Opposition", "retenue", 10_000, 1)]
        )  # fmt: skip
        EcartPaie.objects.create(mois=mois, ppr=INCONNU, nom="Inconnu Hamid",
                                 nature="paye_inconnu", paye=500_000)  # fmt: skip
        mois.compare_le = mois.recu_le
        mois.save()
    yield mois.id, ligne.id
    with django_db_blocker.unblock(), schema_context("t_test_a"), transaction.atomic():
        MoisPaie.objects.filter(mois=MOIS).delete()
        Agent.objects.filter(ppr=PPR).delete()


def _parcourir(page: Page, ids: tuple[int, int], langue: str) -> None:
    mois_id, ligne_id = ids
    page.goto(f"{A_HOME}paie/")
    expect(page.locator("tbody tr").first).to_contain_text(re.compile(r"11\D?179,01"))  # net
    page.screenshot(path=str(ARTIFACTS / f"paie-mois-{langue}.png"), full_page=True)
    page.goto(f"{A_HOME}paie/{mois_id}/")
    expect(page.locator("#t-rubriques + table")).to_contain_text(re.compile(r"11\D?123,45"))
    expect(page.locator("#t-agents ~ table tbody tr")).to_have_count(2)
    page.screenshot(path=str(ARTIFACTS / f"paie-etat-{langue}.png"), full_page=True)
    page.locator(f"#t-agents ~ table a[href$='/bulletins/{ligne_id}/']").click()
    expect(page.locator("table").first).to_contain_text(re.compile(r"6\D?179,01"))
    page.screenshot(path=str(ARTIFACTS / f"paie-bulletin-{langue}.png"), full_page=True)
    page.goto(f"{A_HOME}paie/{mois_id}/ecarts/")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text(INCONNU)
    page.screenshot(path=str(ARTIFACTS / f"paie-ecarts-{langue}.png"), full_page=True)


def test_mois_etat_bulletin_ecarts_en_francais_et_en_arabe(
    web_server, lecteur_paie, mois_paie, page
) -> None:
    page.goto(A_HOME)
    login(page, lecteur_paie)
    page.get_by_role("link", name="Paie", exact=True).click()
    expect(page.locator("h1")).to_have_text("Paie : les mois reçus du Trésor")
    page.get_by_role("link", name="mars 2031").click()
    expect(page.locator("h1")).to_have_text("Paie de mars 2031")
    page.get_by_role("link", name="Écarts RH ↔ paie").click()
    expect(page.locator("tbody tr")).to_contain_text("Payé, inconnu du dossier RH")
    _parcourir(page, mois_paie, "fr")

    page.click("button[value=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    _parcourir(page, mois_paie, "ar")
    expect(page.locator("h1")).to_contain_text("2031")
    page.goto(f"{A_HOME}paie/{mois_paie[0]}/bulletins/{mois_paie[1]}/")
    expect(page.locator("table").first).to_contain_text("الأجرة الأساسية")
