"""A clerk drafts an échelon advancement from the agent's page, reads its pecuniary impact and
submits it; another person, a valideur (with the one-time code), validates it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from identity import facade as identity_facade
from modules.actes.models import (
    Acte,
    Compteur,
    LigneBordereau,
    Observation,
    PieceActe,
    Transition,
    VersionActe,
)
from modules.personnel import normalisation
from modules.personnel.models import Agent, EvenementCarriere
from referentiel import fixtures_io
from referentiel.models import Corps, Grade, Parametre, Territoire
from tests.e2e.conftest import PASSWORD, fresh_totp, login
from tests.e2e.test_login_browser import A_HOME
from tests.support.processes import ARTIFACTS

pytestmark = [pytest.mark.browser]
PPR = "7700071"
SECRET = "indimaj-test-otp-actes-valideur"


@pytest.fixture
def personnes(django_db_setup) -> dict[str, str]:
    identity_facade.person_ensure(
        username="samira.actes-a",
        email="samira.actes-a@example.ma",
        first_name="Samira",
        last_name="Kettani",
        password=PASSWORD,
        organization_aliases=("test-a",),
        habilitations=("gestionnaire",),
    )
    identity_facade.person_ensure(
        username="omar.valideur-a",
        email="omar.valideur-a@example.ma",
        first_name="Omar",
        last_name="Tazi",
        password=PASSWORD,
        organization_aliases=("test-a",),
        habilitations=("valideur",),
        otp_secret=SECRET,
    )
    return {"gestionnaire": "samira.actes-a", "valideur": "omar.valideur-a"}


def _referentiel_ecrire() -> bool:
    """The reference data the engine needs, written straight to the tables (the session's
    database starts without it); False when it was already there (then it is left alone)."""
    if Parametre.objects.exists():
        return False
    maintenant = timezone.now()
    Parametre.objects.bulk_create(
        Parametre(
            code=p.code,
            valide_du=p.valide_du,
            enregistre_le=maintenant,
            valeur=p.valeur,
            source=p.source,
            statut=p.statut,
            auteur="e2e",
            motif="e2e",
            fichier=p.fichier,
        )
        for p in fixtures_io.parametres_fixtures()
    )
    corps = {c.code: c for c in fixtures_io.corps_fixtures()}
    Corps.objects.bulk_create(
        Corps(code=c.code, libelle_fr=c.libelle_fr, source=c.source) for c in corps.values()
    )
    ids = dict(Corps.objects.values_list("code", "id"))
    Grade.objects.bulk_create(
        Grade(code=g.code, corps_id=ids[g.corps_code], libelle_fr=g.libelle_fr, source=g.source)
        for g in fixtures_io.grades_fixtures()
    )
    Territoire.objects.bulk_create(
        Territoire(
            code=t.code,
            niveau=t.niveau,
            nom_fr=t.nom_fr,
            nom_ar=t.nom_ar,
            parent_code=t.parent_code,
            statut=t.statut,
            source=t.source,
        )
        for t in fixtures_io.territoires_fixtures()
    )
    return True


def _actes_effacer(agent_ids: list[int]) -> None:
    actes = Acte.objects.filter(agent_ppr=PPR) | Acte.objects.filter(agent_id__in=agent_ids)
    ids = list(actes.values_list("id", flat=True))
    bordereaux = set(
        LigneBordereau.objects.filter(acte_id__in=ids).values_list("bordereau_id", flat=True)
    )
    for modele in (PieceActe, LigneBordereau, Observation, Transition, VersionActe):
        modele.objects.filter(acte_id__in=ids).delete()  # type: ignore[attr-defined]
    Acte.objects.filter(id__in=ids).delete()
    if bordereaux:
        from modules.actes.models import Bordereau

        Bordereau.objects.filter(id__in=bordereaux).delete()


@pytest.fixture
def dossier(django_db_setup, django_db_blocker) -> Iterator[Agent]:
    """An agent at échelon 3 of ADM-2 since 2020 (committed: the web server is another
    process), written before the browser starts; removed afterwards with the acts about it."""
    with django_db_blocker.unblock(), transaction.atomic():
        charge = _referentiel_ecrire()
    with django_db_blocker.unblock(), schema_context("t_test_a"), transaction.atomic():
        agent = Agent(
            ppr=PPR,
            nom_fr="Amrani",
            prenom_fr="Youssef",
            nom_ar="العمراني",
            prenom_ar="يوسف",
            sexe="M",
            date_naissance=date(1985, 5, 17),
            grade_code="ADM-2",
            echelon="3",
            position="activite",
            statut="titulaire",
            unite_code="DRH",
            commune_residence="04.421",
        )
        agent.recherche = normalisation.cle_recherche(
            ppr=PPR,
            cin="",
            nom_fr=agent.nom_fr,
            prenom_fr=agent.prenom_fr,
            nom_ar=agent.nom_ar,
            prenom_ar=agent.prenom_ar,
        )
        agent.nom_tri = normalisation.cle_tri(nom_fr=agent.nom_fr, prenom_fr=agent.prenom_fr)
        agent.save()
        EvenementCarriere.objects.create(
            agent=agent,
            source="saisie",
            nature="recrutement",
            date_effet=date(2020, 1, 1),
            statut="titulaire",
            grade_code="ADM-2",
            echelon="3",
            position="activite",
            unite_code="DRH",
            auteur="rh.saisie",
            reference="Arrêté 12/2020",
        )
        compteurs = set(Compteur.objects.values_list("cle", flat=True))
    yield agent
    with django_db_blocker.unblock(), schema_context("t_test_a"), transaction.atomic():
        _actes_effacer([agent.id])
        Compteur.objects.exclude(cle__in=compteurs).delete()
        EvenementCarriere.objects.filter(agent__ppr=PPR).delete()
        Agent.objects.filter(ppr=PPR).delete()
    if charge:
        with django_db_blocker.unblock(), transaction.atomic():
            Grade.objects.all().delete()
            Corps.objects.all().delete()
            Territoire.objects.all().delete()
            Parametre.objects.all().delete()


def numero_id(page: Any) -> str:
    """The id of the only act row of the bordereau page."""
    return str(page.locator("tr[id^=ligne-]").first.get_attribute("id")).removeprefix("ligne-")


def _deconnecter(page: Any) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def test_rediger_voir_l_impact_soumettre_puis_un_valideur_valide(
    web_server, personnes, dossier, page
):
    page.goto(f"{A_HOME}personnel/{dossier.id}/")
    login(page, personnes["gestionnaire"])
    expect(page.locator("h1")).to_contain_text("Amrani Youssef")

    page.get_by_role("link", name="Rédiger un acte").click()
    page.get_by_label("Type d'acte").select_option("avancement_echelon")
    page.get_by_role("button", name="Continuer").press("Enter")  # the keyboard is enough
    expect(page.locator("h1")).to_have_text("Avancement d'échelon")
    expect(page.get_by_label("Nouvel échelon")).to_have_value("4")
    page.get_by_label("Date d'effet").fill("2026-01-01")
    page.screenshot(path=str(ARTIFACTS / "actes-formulaire.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    expect(page.locator("h1")).to_contain_text("Avancement d'échelon")
    impact = page.locator("#impact")
    expect(impact).to_contain_text("Coût annuel (brut)")
    brut = impact.locator("table.impact-totaux tr", has_text="Salaire brut").locator("td").first
    expect(brut).to_have_text(re.compile(r"^\+\d+\.\d{2}$"))
    numero = page.locator("dl.entete dd").first.inner_text().strip()
    page.screenshot(path=str(ARTIFACTS / "actes-impact.png"), full_page=True)
    page.get_by_role("button", name="Soumettre à validation").click()
    expect(page.locator(".messages")).to_contain_text("Acte soumis à validation.")
    expect(page.get_by_role("button", name="Valider")).to_have_count(0)  # not a valideur
    _deconnecter(page)

    page.goto(f"{A_HOME}actes/a-traiter/")
    login(page, personnes["valideur"])
    page.locator("#otp").fill(fresh_totp(SECRET))
    page.click("#kc-login")
    a_valider = page.locator("#a_valider")
    expect(a_valider).to_contain_text(numero)
    a_valider.get_by_role("link", name=numero).click()
    expect(page.locator("#impact")).to_contain_text("Coût annuel (brut)")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator(".messages")).to_contain_text("Acte validé")
    expect(page.locator("h1 .etat")).to_have_text("Validé")
    expect(page.locator("#historique")).to_contain_text("omar.valideur-a")
    page.screenshot(path=str(ARTIFACTS / "actes-valide.png"), full_page=True)
    url_acte = page.url

    page.goto(f"{A_HOME}actes/transmission/")
    expect(page.get_by_label(numero)).to_be_checked()
    page.get_by_role("button", name="Constituer les bordereaux et transmettre").click()
    expect(page.locator("h1")).to_contain_text("Bordereau BE-")
    expect(page.locator(f"#ligne-{numero_id(page)}")).to_contain_text("Transmis")
    page.screenshot(path=str(ARTIFACTS / "actes-bordereau.png"), full_page=True)
    page.goto(f"{A_HOME}actes/?q={PPR}")
    expect(page.locator("#resultats tbody tr")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "actes-liste.png"), full_page=True)

    page.click("button[value=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#resultats tbody tr")).to_have_count(1)
    page.goto(url_acte)
    expect(page.locator("#impact table.impact-totaux")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "actes-transmis-ar.png"), full_page=True)
