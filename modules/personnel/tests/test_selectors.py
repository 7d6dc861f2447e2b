"""Scoped reads: perimeter, search in both scripts, keyset pages, pay elements, children."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from modules.personnel import famille, paie, selectors, services
from modules.personnel.models import Enfant
from modules.personnel.selectors import Filtres
from modules.unites.perimetres import TOUT, Perimetre

FES = Perimetre(racines=frozenset({"FES"}))
DRH = Perimetre(racines=frozenset({"DRH"}))


def ppr_de(agents):
    return [a.ppr for a in agents]


def test_perimeter_keeps_branches_apart(dans_a, creer_agent):
    rabat = creer_agent(unite="PAIE")
    fes = creer_agent(unite="FES-RH")
    assert ppr_de(selectors.agents_scopes(perimetre=DRH)) == [rabat.ppr]
    assert ppr_de(selectors.agents_scopes(perimetre=FES)) == [fes.ppr]
    assert selectors.agent_get(perimetre=FES, agent_id=rabat.id) is None
    assert selectors.agent_get(perimetre=TOUT, agent_id=rabat.id) == rabat
    assert list(selectors.agents_scopes(perimetre=Perimetre())) == []


def test_search_by_name_in_either_script_ppr_and_cin(dans_a, creer_agent):
    fatima = creer_agent(
        ppr="3000001",
        nom_fr="Bennani",
        prenom_fr="Fatima-Zahra",
        nom_ar="بنّاني",
        prenom_ar="فاطمة الزهراء",
        cin="AB123456",
    )
    creer_agent(ppr="3000002", nom_fr="Tazi", prenom_fr="Omar", nom_ar="التازي", prenom_ar="عمر")
    for q in (
        "bennani",
        "BENNANI fatima",
        "zahra benn",
        "fatima zahra",
        "فاطمه",
        "الزهراء بناني",
        "3000001",
        "ab123456",
    ):
        trouves = selectors.agent_page(perimetre=TOUT, filtres=Filtres(q=q)).agents
        assert ppr_de(trouves) == [fatima.ppr], q
    assert selectors.agent_page(perimetre=TOUT, filtres=Filtres(q="Bennani Omar")).agents == []


def test_filters_combine(dans_a, creer_agent):
    cible = creer_agent(unite="FES-RH", situation={"echelon": "5"})
    creer_agent(unite="FES-RH", situation={"position": "disponibilite"})
    creer_agent(unite="DRH")
    filtres = Filtres(unite="FES-RH", position="activite", grade="ADM-2")
    assert ppr_de(selectors.agent_page(perimetre=TOUT, filtres=filtres).agents) == [cible.ppr]


def test_keyset_pages_cover_the_list_once_in_order(dans_a, creer_agent):
    noms = ["Zahiri", "alami", "Bennis", "Alami", "ćherkaoui", "Daoudi", "alami"]
    for nom in noms:
        creer_agent(nom_fr=nom, poste="")
    vus, curseur, pages = [], "", 0
    while True:
        page = selectors.agent_page(perimetre=TOUT, filtres=Filtres(), apres=curseur, taille=3)
        vus += page.agents
        pages += 1
        if page.suivant is None:
            break
        curseur = page.suivant
    assert pages == 3
    assert len({a.id for a in vus}) == len(noms)
    assert [a.nom_tri for a in vus] == sorted(a.nom_tri for a in vus)
    assert [a.nom_fr for a in vus][:3] == ["alami", "Alami", "alami"]


def test_a_tampered_cursor_starts_over(dans_a, creer_agent):
    creer_agent()
    assert len(selectors.agent_page(perimetre=TOUT, filtres=Filtres(), apres="n0p3").agents) == 1


def test_situation_at_a_date_and_pay_elements(dans_a, creer_agent):
    agent = creer_agent(commune_residence="04.421")
    dossier = selectors.agent_dossier(perimetre=TOUT, agent_id=agent.id)
    assert dossier is not None
    situation = selectors.situation_au(agent=dossier, le=date(2025, 3, 1))
    elements = paie.elements_paie(agent=dossier, situation=situation, mois=date(2025, 3, 1))
    assert elements.motif == ""
    assert elements.bulletin is not None
    codes = [e.code for e in elements.bulletin.elements]
    assert {"TB", "RES", "AMO"} <= set(codes)
    assert elements.bulletin.totaux["net"] > 0
    avant = paie.elements_paie(
        agent=dossier,
        situation=selectors.situation_au(agent=dossier, le=date(2019, 1, 1)),
        mois=date(2019, 1, 1),
    )
    assert (avant.bulletin, avant.motif) == (None, "Aucune situation à cette date.")


def test_no_pay_in_detachement_says_who_pays(dans_a, creer_agent):
    agent = creer_agent(situation={"position": "detachement"}, poste="")
    dossier = selectors.agent_dossier(perimetre=TOUT, agent_id=agent.id)
    assert dossier is not None
    situation = selectors.situation_au(agent=dossier, le=date(2025, 3, 1))
    elements = paie.elements_paie(agent=dossier, situation=situation, mois=date(2025, 3, 1))
    assert elements.bulletin is None
    assert "organisme d'accueil" in elements.motif


def test_children_counts_for_allocations_and_ir_differ(dans_a, creer_agent):
    agent = creer_agent(situation_familiale="marie", conjoint_a_charge=True)
    for prenom, naissance, scolarise, handicape in (
        ("Yassine", date(2010, 4, 3), False, False),
        ("Salma", date(2002, 9, 21), True, False),  # 22 years old, studying
        ("Nour", date(1995, 1, 1), False, True),
    ):
        Enfant.objects.create(
            agent=agent,
            prenom=prenom,
            date_naissance=naissance,
            scolarise=scolarise,
            handicape=handicape,
        )
    charges = famille.charges_au(
        enfants=agent.enfants.all(), conjoint_a_charge=True, le=date(2025, 1, 1)
    )
    assert charges == famille.Charges(enfants_allocations=2, personnes_a_charge_ir=4)


def test_keyset_pages_of_a_name_search(dans_a, creer_agent):
    for prenom in ("Zineb", "Adil", "Mehdi", "Adil", "Hind"):
        creer_agent(nom_fr="Alami", prenom_fr=prenom, poste="")
    creer_agent(nom_fr="Tazi", poste="")
    vus, curseur = [], ""
    while True:
        page = selectors.agent_page(
            perimetre=TOUT, filtres=Filtres(q="alami", position="activite"), apres=curseur, taille=2
        )
        vus += page.agents
        if page.suivant is None:
            break
        curseur = page.suivant
    assert [a.prenom_fr for a in vus] == ["Adil", "Adil", "Hind", "Mehdi", "Zineb"]
    assert len({a.id for a in vus}) == 5


def test_a_hosted_mise_a_disposition_is_paid_by_the_home(dans_a, creer_agent):
    agent = creer_agent(poste="", commune_residence="04.421")
    services.evenement_ajouter(
        auteur="tests",
        agent=agent,
        nature="entree",
        date_effet=date(2024, 1, 1),
        valeurs={"position": "mise_a_disposition"},
        perimetre=None,
    )
    dossier = selectors.agent_dossier(perimetre=TOUT, agent_id=agent.id)
    assert dossier is not None
    # the home's own file keeps its grade: it pays
    avec_grade = paie.elements_paie(
        agent=dossier,
        situation=selectors.situation_au(agent=dossier, le=date(2025, 1, 1)),
        mois=date(2025, 1, 1),
    )
    assert avec_grade.bulletin is not None
    sans_grade = replace(
        selectors.situation_au(agent=dossier, le=date(2025, 1, 1)), grade_code="", indice=None
    )
    accueilli = paie.elements_paie(agent=dossier, situation=sans_grade, mois=date(2025, 1, 1))
    assert accueilli.bulletin is None
    assert "ordonnateur d'origine" in accueilli.motif
