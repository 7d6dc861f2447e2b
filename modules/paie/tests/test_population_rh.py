"""The HR file read set-based for a month (personnel facade `situations_paie_mois`) gives, agent by
agent, exactly what the agent's own pay file gives (`DossierPaie.entree`): corrections and
annulations, a later correction taking back an earlier event, half pay, a future event, children,
indemnities in force or not, a position this ordonnateur does not pay; perimeter-scoped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from modules.personnel import facade as personnel
from modules.personnel.models import (
    Agent,
    Enfant,
    EvenementCarriere,
    IndemniteAgent,
    PosteBudgetaire,
)
from modules.unites.perimetres import TOUT, Perimetre

NOV = date(2026, 11, 1)


def _evenement(agent: Agent, nature: str, le: date, **valeurs: object) -> EvenementCarriere:
    return EvenementCarriere.objects.create(
        agent=agent, nature=nature, date_effet=le, source="saisie", auteur="tests", **valeurs
    )


def test_lecture_en_masse_egale_la_fiche_agent(creer_agent) -> None:
    PosteBudgetaire.objects.filter(code="P-ADM").update(nombre=20)

    def agent(nom: str, **kw: object) -> Agent:
        return creer_agent(nom_fr=nom, commune_residence="04.421", **kw)

    simple = agent("Alami")
    corrige = agent("Bakkali")
    avancement = _evenement(corrige, "avancement_echelon", date(2024, 1, 1), echelon="5")
    _evenement(
        corrige, "correction", date(2024, 1, 1), echelon="4", remplace=avancement, motif="Erreur"
    )
    annule_plus_tard = agent("Chami")
    vieux = _evenement(annule_plus_tard, "avancement_echelon", date(2025, 1, 1), echelon="6")
    _evenement(annule_plus_tard, "annulation", date(2027, 1, 1), remplace=vieux, motif="Annulé")
    demi = agent("Daoudi")
    _evenement(demi, "changement_position", date(2026, 10, 1), position="conge_maladie_longue",
               quotite=50)  # fmt: skip
    futur = agent("Elalami")
    _evenement(futur, "avancement_echelon", date(2026, 12, 1), echelon="9")
    famille = agent("Filali", conjoint_a_charge=True)
    Enfant.objects.create(agent=famille, prenom="Sara", date_naissance=date(2015, 3, 2))
    Enfant.objects.create(agent=famille, prenom="Ali", date_naissance=date(1999, 3, 2))
    IndemniteAgent.objects.create(
        agent=famille,
        code="IFR",
        libelle="Fonction",
        montant=Decimal("1200.50"),
        du=date(2025, 1, 1),
        auteur="t",
    )
    IndemniteAgent.objects.create(agent=famille, code="IOLD", libelle="Close",
                                  montant=Decimal("99.00"), du=date(2020, 1, 1),
                                  au=date(2026, 6, 30), auteur="t")  # fmt: skip
    detache = agent("Ghazi", situation={"position": "detachement"})
    fes = agent("Hajji", unite="FES-RH")

    lus = {s.agent_id: s for s in personnel.situations_paie_mois(perimetre=TOUT, mois=NOV)}
    tous = [simple, corrige, annule_plus_tard, demi, futur, famille, detache, fes]
    assert set(lus) == {a.id for a in tous}
    for a in tous:
        dossier = personnel.dossier_paie(perimetre=TOUT, agent_id=a.id)
        assert dossier is not None
        assert lus[a.id].entree == dossier.entree(NOV), a.nom_fr
        assert lus[a.id].payee is (dossier.entree(NOV) is not None)
    assert lus[corrige.id].echelon == "4"
    assert lus[annule_plus_tard.id].echelon == "3"
    entree_demi = lus[demi.id].entree
    assert entree_demi is not None
    assert entree_demi["quotite"] == 50
    assert lus[futur.id].echelon == "3"
    entree_famille = lus[famille.id].entree
    assert entree_famille is not None
    assert [i["code"] for i in entree_famille["indemnites"]] == ["IFR"]
    assert (entree_famille["enfants_allocations"], entree_famille["personnes_a_charge_ir"]) == (
        1,
        2,
    )
    assert (lus[detache.id].payee, lus[detache.id].entree) == (False, None)

    drh = personnel.situations_paie_mois(perimetre=Perimetre(racines=frozenset({"DRH"})), mois=NOV)
    assert fes.id not in {s.agent_id for s in drh}
    assert len(drh) == len(tous) - 1
