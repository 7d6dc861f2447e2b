"""Bulk runs of the yearly avancement d'échelon: who is eligible (edge cases of the dates and
the grid), acts equal to `acte_creer`'s, idempotence and resumption, validation of a whole
run (four-eyes, blocking anomalies skipped), perimeters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from modules.actes import lots, lots_calcul, selectors_lots, services
from modules.actes.models import (
    Acte,
    Compteur,
    Etat,
    LigneLot,
    LotActes,
    StatutLot,
    Transition,
    VersionActe,
)
from modules.personnel import services as personnel_services
from modules.personnel.models import Agent, Enfant, IndemniteAgent, PosteBudgetaire
from modules.unites.perimetres import TOUT, Perimetre

pytestmark = pytest.mark.django_db

Creer = Callable[..., Agent]
CAMPAGNE = date(2026, 12, 31)
RESIDENCE = "04.421"


def _lancer(auteur: str = "redacteur", perimetre: Perimetre = TOUT, unite: str = "") -> LotActes:
    lot = lots.lot_lancer(
        auteur=auteur, perimetre=perimetre, date_campagne=CAMPAGNE, unite_code=unite
    )
    return lots.lot_executer(lot_id=lot.id)


def _generes(lot: LotActes) -> dict[int, tuple[date, str, str]]:
    """agent id -> (date d'effet, échelon before, échelon after) of the run's acts."""
    return {
        ligne.agent_id: (ligne.acte.date_effet, ligne.echelon_avant, ligne.echelon_apres)
        for ligne in LigneLot.objects.filter(lot=lot).select_related("acte")
    }


def _compter() -> tuple[int, int, int, int]:
    return (
        Acte.objects.count(),
        VersionActe.objects.count(),
        Transition.objects.count(),
        LigneLot.objects.count(),
    )


@pytest.fixture(autouse=True)
def _postes(postes_a: Any) -> None:
    """Room on the administrators' post for every agent of these tests."""
    PosteBudgetaire.objects.filter(code="P-ADM").update(nombre=100)


@pytest.fixture
def population(creer_agent: Creer, rediger: Callable[..., Acte]) -> dict[str, Agent]:
    """A crafted population around the campaign's date (31/12/2026); ADM-2 (grid E11):
    échelon 2 → 12 months, 3 and 4 → 24 months, 10 is the last."""
    agents = {
        "du_2020": creer_agent(date_effet=date(2020, 1, 1), commune_residence=RESIDENCE),
        "le_jour_meme": creer_agent(date_effet=date(2024, 12, 31), commune_residence=RESIDENCE),
        "le_lendemain": creer_agent(date_effet=date(2025, 1, 1), commune_residence=RESIDENCE),
        "29_fevrier": creer_agent(
            date_effet=date(2024, 2, 29),
            commune_residence=RESIDENCE,
            situation={"echelon": "2"},
        ),
        "dernier_echelon": creer_agent(
            date_effet=date(2010, 1, 1), commune_residence=RESIDENCE, situation={"echelon": "10"}
        ),
        "disponibilite": creer_agent(
            date_effet=date(2020, 1, 1),
            commune_residence=RESIDENCE,
            situation={"position": "disponibilite"},
        ),
        "en_cours": creer_agent(date_effet=date(2020, 1, 1), commune_residence=RESIDENCE),
        "fes": creer_agent(
            date_effet=date(2020, 1, 1), commune_residence=RESIDENCE, unite="FES-RH"
        ),
        "avance_en_2023": creer_agent(date_effet=date(2020, 1, 1), commune_residence=RESIDENCE),
    }
    personnel_services.evenement_ajouter(
        auteur="tests",
        agent=agents["avance_en_2023"],
        nature="avancement_echelon",
        date_effet=date(2023, 6, 1),
        valeurs={"echelon": "4"},
        perimetre=TOUT,
    )
    rediger("avancement_echelon", agent=agents["en_cours"], echelon="4")
    return agents


def test_eligibles_exactement(population: dict[str, Agent]) -> None:
    lot = _lancer()

    a = population
    assert _generes(lot) == {
        a["du_2020"].id: (date(2022, 1, 1), "3", "4"),
        # due on the campaign's date itself: eligible
        a["le_jour_meme"].id: (date(2026, 12, 31), "3", "4"),
        # 29/02/2024 + 12 months is 28/02/2025, one day short of 12 whole months
        a["29_fevrier"].id: (date(2025, 3, 1), "2", "3"),
        a["fes"].id: (date(2022, 1, 1), "3", "4"),
        # counted from the 2023 advancement, not from the recruitment
        a["avance_en_2023"].id: (date(2025, 6, 1), "4", "5"),
    }
    assert lot.statut == StatutLot.TERMINE
    assert lot.crees == 5
    assert lot.rapport["actes"] == 5
    assert lot.rapport["deja_en_cours"] == 1  # the agent with a draft under way
    # le_lendemain (due 01/01/2027), dernier_echelon; disponibilite is not a candidate
    assert lot.rapport["non_eligibles"] == 2
    assert lot.rapport["bloquants"] == 0
    assert lot.rapport["par_acte"] == 0
    assert lot.faits == lot.total == 7


def test_numeros_consecutifs_et_une_ligne_d_audit(population: dict[str, Agent]) -> None:
    avant = Compteur.objects.get(cle=f"acte:{date.today().year}").valeur
    audits = AuditEvent.objects.count()

    lot = _lancer()

    actes = Acte.objects.filter(ligne_lot__lot=lot).order_by("numero")
    annee = date.today().year
    assert [a.numero for a in actes] == [f"{annee}-{n:06d}" for n in range(avant + 1, avant + 6)]
    assert Compteur.objects.get(cle=f"acte:{annee}").valeur == avant + 5
    # launch + generation: two rows for five acts
    assert list(AuditEvent.objects.order_by("id")[audits:].values_list("action", flat=True)) == [
        "actes.lot_lancer",
        "actes.lot_generer",
    ]
    assert set(Transition.objects.filter(acte__in=actes).values_list("de", "vers", "motif")) == {
        ("brouillon", "brouillon", "Création")
    }


def _jumeaux(creer_agent: Creer, **options: Any) -> tuple[Agent, Agent]:
    """Two agents with the same file (children, spouse, indemnity): one for the run, one for
    acte_creer."""
    jumeaux = []
    for _i in range(2):
        agent = creer_agent(commune_residence=RESIDENCE, conjoint_a_charge=True, **options)
        # one child turns 21 inside the months of arrears, one is a student, one is born then
        Enfant.objects.create(agent=agent, prenom="Aya", date_naissance=date(2004, 6, 15))
        Enfant.objects.create(
            agent=agent, prenom="Omar", date_naissance=date(2003, 2, 1), scolarise=True
        )
        Enfant.objects.create(agent=agent, prenom="Lina", date_naissance=date(2024, 3, 10))
        IndemniteAgent.objects.create(
            agent=agent,
            code="SUJ",
            libelle="Sujétion",
            montant=Decimal("750.50"),
            imposable=True,
            du=date(2023, 1, 1),
            au=date(2025, 6, 30),
            auteur="tests",
        )
        jumeaux.append(agent)
    return jumeaux[0], jumeaux[1]


@pytest.mark.parametrize(
    "options",
    [
        {"date_effet": date(2022, 3, 1)},
        {"date_effet": date(2024, 12, 15), "situation": {"indice": 403}},
        {"date_effet": date(2023, 7, 20), "situation": {"echelon": "5"}},
    ],
    ids=["grille", "indice-explicite", "milieu-de-mois"],
)
def test_acte_genere_egal_a_acte_creer(
    creer_agent: Creer, postes_a: Any, options: dict[str, Any]
) -> None:
    lot_agent, seul = _jumeaux(creer_agent, **options)
    lot_agent.refresh_from_db()
    date_effet = lots_calcul.Calculateur(date_campagne=CAMPAGNE, aujourd_hui=date.today()).echeance(
        lot_agent.grade_code, lot_agent.echelon, options["date_effet"]
    )
    assert date_effet is not None
    reference = services.acte_creer(
        auteur="redacteur",
        perimetre=TOUT,
        type_code="avancement_echelon",
        date_effet=date_effet,
        brutes={"echelon": str(int(lot_agent.echelon) + 1)},
        agent_id=seul.id,
    )

    lot = _lancer()

    genere = Acte.objects.get(ligne_lot__lot=lot)
    assert genere.agent_id == lot_agent.id  # the other one has an act under way
    assert lot.rapport["par_acte"] == 0  # computed on arrays, not by the per-act path
    v_genere, v_reference = genere.versions.get(), reference.versions.get()
    assert v_reference.impact["lignes"], "the reference act has an impact"
    assert v_genere.anomalies == v_reference.anomalies == []
    assert v_genere.impact == v_reference.impact
    assert v_genere.connu_au == v_reference.connu_au
    assert (v_genere.donnees, v_genere.date_effet, v_genere.numero, v_genere.issue) == (
        v_reference.donnees,
        v_reference.date_effet,
        v_reference.numero,
        v_reference.issue,
    )
    champs: tuple[str, ...] = ("type_code", "etat", "version", "soumis", "unite_code")
    champs += ("emetteur_code", "date_effet", "cree_par", "agent_nom", "numero_visa", "evenements")
    assert {c: getattr(genere, c) for c in champs} == {c: getattr(reference, c) for c in champs}
    assert list(genere.transitions.values_list("version", "de", "vers", "par", "motif")) == list(
        reference.transitions.values_list("version", "de", "vers", "par", "motif")
    )


def test_impact_non_calculable_est_bloquant_comme_acte_creer(
    creer_agent: Creer, postes_a: Any
) -> None:
    sans_zone = creer_agent(date_effet=date(2022, 3, 1), commune_residence="")
    jumeau = creer_agent(date_effet=date(2022, 3, 1), commune_residence="")
    reference = services.acte_creer(
        auteur="redacteur",
        perimetre=TOUT,
        type_code="avancement_echelon",
        date_effet=date(2024, 3, 1),
        brutes={"echelon": "4"},
        agent_id=jumeau.id,
    )

    lot = _lancer()

    genere = Acte.objects.get(ligne_lot__lot=lot)
    assert genere.agent_id == sans_zone.id
    assert lot.rapport["par_acte"] == 0
    v_genere, v_reference = genere.versions.get(), reference.versions.get()
    assert v_reference.impact["erreur"]
    assert (v_genere.anomalies, v_genere.impact, v_genere.connu_au) == (
        v_reference.anomalies,
        v_reference.impact,
        None,
    )
    assert LigneLot.objects.get(lot=lot).bloquant is True
    assert lot.rapport["bloquants"] == 1


def test_deux_fois_la_meme_campagne_ne_cree_rien(population: dict[str, Agent]) -> None:
    premier = _lancer()
    apres_premier = _compter()
    compteur = Compteur.objects.get(cle=f"acte:{date.today().year}").valeur

    second = _lancer()
    lots.lot_executer(lot_id=premier.id)  # a finished run run again: nothing

    assert _compter() == apres_premier
    assert second.crees == 0
    assert second.rapport["actes"] == 0
    assert Compteur.objects.get(cle=f"acte:{date.today().year}").valeur == compteur
    assert LigneLot.objects.filter(lot=premier).count() == 5


def test_apres_une_panne_la_reprise_complete_sans_doublon(
    population: dict[str, Agent], monkeypatch: pytest.MonkeyPatch
) -> None:
    lot = lots.lot_lancer(auteur="redacteur", perimetre=TOUT, date_campagne=CAMPAGNE)
    ecrire = lots._ecrire
    appels = []

    def panne(*args: Any, **kwargs: Any) -> int:
        appels.append(1)
        if len(appels) == 2:
            raise RuntimeError("coupure")
        return ecrire(*args, **kwargs)

    monkeypatch.setattr(lots, "_ecrire", panne)
    with pytest.raises(RuntimeError):
        lots.lot_executer(lot_id=lot.id, taille_bloc=2)
    lots.lot_echec(lot_id=lot.id, message="coupure")
    lot.refresh_from_db()
    assert lot.statut == StatutLot.ECHEC
    # the first block (two candidates) was committed, the second one was not
    assert LigneLot.objects.filter(lot=lot).count() == 2
    monkeypatch.setattr(lots, "_ecrire", ecrire)

    lots.lot_relancer(auteur="redacteur", lot=lot)
    lot = lots.lot_executer(lot_id=lot.id, taille_bloc=2)

    assert lot.statut == StatutLot.TERMINE
    assert set(_generes(lot)) == {
        population[n].id for n in ("du_2020", "le_jour_meme", "29_fevrier", "fes", "avance_en_2023")
    }
    assert LigneLot.objects.filter(lot=lot).count() == 5
    assert lot.crees == 5


def test_valider_tout_le_lot(population: dict[str, Agent], creer_agent: Creer) -> None:
    bloque = creer_agent(date_effet=date(2020, 1, 1), commune_residence="")
    lot = _lancer()
    assert lot.crees == 6
    exclue = LigneLot.objects.get(lot=lot, agent_id=population["fes"].id)
    lots.lot_ligne_exclure(auteur="redacteur", perimetre=TOUT, lot=lot, ligne_id=exclue.id)

    with pytest.raises(ValidationError, match="quatre yeux"):
        lots.lot_valider(auteur="redacteur", perimetre=TOUT, lot=lot)
    assert not Acte.objects.filter(ligne_lot__lot=lot, etat=Etat.VALIDE).exists()

    resultat = lots.lot_valider(auteur="valideur", perimetre=TOUT, lot=lot)

    assert resultat == {
        "valides": 4,
        "bloques": 1,
        "quatre_yeux": 0,
        "exclus": 1,
        "hors_brouillon": 0,
    }
    etats = dict(Acte.objects.filter(ligne_lot__lot=lot).values_list("agent_id", "etat"))
    assert etats.pop(bloque.id) == Etat.BROUILLON
    assert etats.pop(population["fes"].id) == Etat.BROUILLON
    assert set(etats.values()) == {Etat.VALIDE}
    valides = Transition.objects.filter(acte__ligne_lot__lot=lot, vers=Etat.VALIDE)
    assert valides.count() == 4
    assert set(valides.values_list("de", "par")) == {(Etat.BROUILLON, "valideur")}
    lot.refresh_from_db()
    assert lot.valide_par == "valideur"
    assert lot.rapport["validation"]["valides"] == 4
    # validated again: nothing more
    assert lots.lot_valider(auteur="valideur", perimetre=TOUT, lot=lot)["valides"] == 0


def test_quatre_yeux_par_acte(population: dict[str, Agent]) -> None:
    lot = _lancer()
    acte = Acte.objects.get(ligne_lot__lot=lot, agent_id=population["du_2020"].id)
    # another person rewrote this draft: they cannot validate it with the run
    services.acte_modifier(
        auteur="valideur",
        perimetre=TOUT,
        acte=acte,
        date_effet=acte.date_effet,
        brutes={"echelon": "4"},
    )

    resultat = lots.lot_valider(auteur="valideur", perimetre=TOUT, lot=lot)

    assert (resultat["valides"], resultat["quatre_yeux"]) == (4, 1)
    acte.refresh_from_db()
    assert acte.etat == Etat.BROUILLON


def test_perimetre_d_un_gestionnaire_limite(population: dict[str, Agent]) -> None:
    drh = Perimetre(racines=frozenset({"DRH"}))
    with pytest.raises(ValidationError):
        lots.lot_lancer(
            auteur="gest.drh", perimetre=drh, date_campagne=CAMPAGNE, unite_code="FES-RH"
        )

    lot = _lancer(auteur="gest.drh", perimetre=drh, unite="DRH")

    assert population["fes"].id not in _generes(lot)
    assert len(_generes(lot)) == 4
    fes = Perimetre(racines=frozenset({"FES"}))
    assert selectors_lots.lot_get(perimetre=fes, lot_id=lot.id) is None
    assert selectors_lots.lot_get(perimetre=drh, lot_id=lot.id) == lot
    assert selectors_lots.lignes_scopees(perimetre=fes, lot=lot).count() == 0
    # the FES agent is still eligible for a run of the FES subtree
    lot_fes = _lancer(auteur="gest.fes", perimetre=fes, unite="FES")
    assert set(_generes(lot_fes)) == {population["fes"].id}


def test_totaux_du_lot(population: dict[str, Agent]) -> None:
    lot = _lancer()
    versions = VersionActe.objects.filter(acte__ligne_lot__lot=lot)

    totaux = selectors_lots.totaux(lignes=selectors_lots.lignes_scopees(perimetre=TOUT, lot=lot))

    assert totaux.nombre == 5
    assert totaux.variation_brut == sum(v.impact["variation"]["brut"] for v in versions)
    assert totaux.rappel_brut == sum(v.impact["rappel"]["brut"] for v in versions)
    assert totaux.variation_brut > 0
    assert totaux.cout_annuel == 12 * totaux.variation_brut


def test_un_dossier_qui_bouge_pendant_les_mois_de_l_acte_passe_par_le_calcul_acte_par_acte(
    creer_agent: Creer, postes_a: Any
) -> None:
    jumeaux = []
    for _i in range(2):
        agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence=RESIDENCE)
        personnel_services.evenement_ajouter(
            auteur="tests",
            agent=agent,
            nature="affectation",
            date_effet=date(2024, 6, 1),
            valeurs={"unite_code": "PAIE"},
            perimetre=TOUT,
        )
        jumeaux.append(agent)
    reference = services.acte_creer(
        auteur="redacteur",
        perimetre=TOUT,
        type_code="avancement_echelon",
        date_effet=date(2022, 1, 1),
        brutes={"echelon": "4"},
        agent_id=jumeaux[1].id,
    )

    lot = _lancer()

    assert lot.rapport["par_acte"] == 1
    genere = Acte.objects.get(ligne_lot__lot=lot)
    assert genere.agent_id == jumeaux[0].id
    assert genere.unite_code == reference.unite_code == "PAIE"
    v_genere, v_reference = genere.versions.get(), reference.versions.get()
    assert (v_genere.anomalies, v_genere.impact, v_genere.connu_au) == (
        v_reference.anomalies,
        v_reference.impact,
        v_reference.connu_au,
    )
