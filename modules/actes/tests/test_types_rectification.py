"""Rectification and annulation of a visé act: the restated event supersedes the old one, the
annulation takes it back and the agent's situation returns to what it was; impacts golden."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from modules.actes import services
from modules.actes.models import Acte, Etat
from modules.actes.tests.conftest import jusqu_au_visa
from modules.actes.tests.test_types_communs import (
    anomalies,
    attendu,
    bloquantes,
    entree,
    refuse,
    verifier_impact,
)
from modules.personnel import facade as personnel
from modules.personnel.models import Agent, EvenementCarriere
from modules.unites.perimetres import TOUT

pytestmark = pytest.mark.django_db

Rediger = Callable[..., Acte]
Creer = Callable[..., Agent]


def _avance(
    creer_agent: Creer, rediger: Rediger, le: date = date(2026, 1, 1)
) -> tuple[Agent, Acte]:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    acte = rediger("avancement_echelon", agent=agent, date_effet=le, echelon="4")
    return agent, jusqu_au_visa(acte, visa="V-ORIG")


def _en_vigueur(agent: Agent) -> list[personnel.EvenementResume]:
    return personnel.evenements_en_vigueur(perimetre=TOUT, agent_id=agent.id) or []


def test_origine_obligatoire_et_visee(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    assert refuse(rediger, "rectification", agent=agent, motif="x") == {
        "origine": ["Choisissez l'acte visé à rectifier ou à annuler."]
    }
    brouillon = rediger("avancement_echelon", agent=agent, echelon="4")
    assert refuse(rediger, "annulation", origine=brouillon, motif="x") == {
        "origine": ["Choisissez l'acte visé à rectifier ou à annuler."]
    }


def test_rectification_champs_de_l_acte_d_origine(creer_agent: Creer, rediger: Rediger) -> None:
    _agent, origine = _avance(creer_agent, rediger)
    assert refuse(rediger, "rectification", origine=origine, echelon="", motif="") == {
        "echelon": ["Ce champ est obligatoire."],
        "motif": ["Ce champ est obligatoire."],
    }


def test_rectification_d_un_acte_sans_evenement(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    mariage = jusqu_au_visa(
        rediger(
            "situation_familiale", agent=agent, evenement="mariage", date_effet=date(2026, 1, 1)
        )
    )
    acte = rediger("annulation", origine=mariage, date_effet=date(2026, 1, 1), motif="erreur")
    assert bloquantes(acte) == [
        (
            "Seul un acte visé qui a inscrit un événement de carrière (recrutement, "
            "titularisation, avancement, mutation, retraite) se rectifie ou s'annule ainsi. "
            "Pour une indemnité ou la famille, rédigez l'acte inverse.",
            "",
        )
    ]


def test_rectification_avancee_restate_l_evenement(creer_agent: Creer, rediger: Rediger) -> None:
    agent, origine = _avance(creer_agent, rediger)
    (ancien,) = origine.evenements
    acte = rediger(
        "rectification",
        origine=origine,
        date_effet=date(2025, 7, 1),
        echelon="4",
        motif="Date d'ancienneté erronée",
    )
    assert acte.agent_id == agent.id
    assert anomalies(acte) == []
    # échelon 4 six months earlier: arrears July–December 2025, nothing from January on
    golden = attendu(
        date(2025, 7, 1),
        lambda m: entree(m, echelon="4" if m >= date(2026, 1, 1) else "3"),
        lambda m: entree(m, echelon="4"),
    )
    verifier_impact(services.version_courante(acte).impact, golden)
    assert golden.rappel["traitement_base"] > 0
    assert set(golden.variation.values()) == {0}
    # the file is unchanged before the visa
    assert [e.id for e in _en_vigueur(agent) if e.reference == origine.numero] == [ancien]
    acte = jusqu_au_visa(acte, visa="V-RECT")
    (nouveau,) = acte.evenements
    assert EvenementCarriere.objects.get(id=nouveau).remplace_id == ancien
    vigueur = {e.id: e for e in _en_vigueur(agent)}
    assert ancien not in vigueur
    assert (vigueur[nouveau].date_effet, vigueur[nouveau].reference) == (
        date(2025, 7, 1),
        acte.numero,
    )
    assert EvenementCarriere.objects.get(id=nouveau).source == "acte"
    agent.refresh_from_db()
    assert agent.echelon == "4"


def test_rectification_reculee_reprend_les_mois_intermediaires(
    creer_agent: Creer, rediger: Rediger
) -> None:
    _agent, origine = _avance(creer_agent, rediger, le=date(2026, 1, 1))
    acte = rediger(
        "rectification", origine=origine, date_effet=date(2026, 4, 1), echelon="4", motif="Date"
    )
    # January–March lose échelon 4: the impact starts at the original date, not the new one
    golden = attendu(
        date(2026, 1, 1),
        lambda m: entree(m, echelon="4"),
        lambda m: entree(m, echelon="4" if m >= date(2026, 4, 1) else "3"),
    )
    verifier_impact(services.version_courante(acte).impact, golden)
    assert golden.rappel["traitement_base"] < 0
    assert golden.mois_rappel >= 3


def test_rectification_reprend_les_controles(creer_agent: Creer, rediger: Rediger) -> None:
    _agent, origine = _avance(creer_agent, rediger)
    acte = rediger("rectification", origine=origine, echelon="5", motif="x")
    assert bloquantes(acte) == [("L'échelon suivant de l'échelon 3 est 4, pas 5.", "echelon")]


def test_annulation_rend_la_situation_d_avant(creer_agent: Creer, rediger: Rediger) -> None:
    agent, origine = _avance(creer_agent, rediger)
    (ancien,) = origine.evenements
    agent.refresh_from_db()
    assert agent.echelon == "4"
    acte = rediger("annulation", origine=origine, date_effet=date(2026, 6, 1), motif="Erreur")
    assert anomalies(acte) == []
    golden = attendu(date(2026, 1, 1), lambda m: entree(m, echelon="4"), entree)
    verifier_impact(services.version_courante(acte).impact, golden)
    assert golden.variation["traitement_base"] < 0
    acte = jusqu_au_visa(acte, visa="V-ANN")
    assert acte.etat == Etat.VISE
    assert ancien not in {e.id for e in _en_vigueur(agent)}
    (annulation,) = acte.evenements
    trace = EvenementCarriere.objects.get(id=annulation)
    assert (trace.nature, trace.remplace_id, trace.reference, trace.source) == (
        "annulation",
        ancien,
        acte.numero,
        "acte",
    )
    agent.refresh_from_db()
    assert agent.echelon == "3"
    # the same visé act cannot be annulled twice
    encore = rediger("annulation", origine=origine, date_effet=date(2026, 6, 1), motif="Encore")
    assert bloquantes(encore) == [
        (
            "Cet acte a déjà été rectifié ou annulé : rectifiez ou annulez le dernier acte visé "
            "qui le concerne.",
            "",
        )
    ]
    with pytest.raises(ValidationError):
        jusqu_au_visa(encore, visa="V-ANN2")
    agent.refresh_from_db()
    assert agent.echelon == "3"


def test_rectification_d_un_recrutement(rediger: Rediger) -> None:
    from modules.actes.tests.test_types_recrutement import recrue

    recrutement = jusqu_au_visa(
        rediger("recrutement", date_effet=date(2026, 2, 1), **recrue()), visa="V-REC"
    )
    assert recrutement.agent_id is not None
    agent = Agent.objects.get(id=recrutement.agent_id)
    (ancien,) = recrutement.evenements
    acte = rediger(
        "rectification",
        origine=recrutement,
        date_effet=date(2026, 2, 1),
        **recrue(echelon="2", statut="titulaire"),
        motif="Échelon de reclassement",
    )
    assert acte.agent_id == agent.id
    assert bloquantes(acte) == []
    golden = attendu(
        date(2026, 2, 1), lambda m: entree(m, echelon="1"), lambda m: entree(m, echelon="2")
    )
    verifier_impact(services.version_courante(acte).impact, golden)
    acte = jusqu_au_visa(acte, visa="V-RREC")
    (nouveau,) = acte.evenements
    assert EvenementCarriere.objects.get(id=nouveau).remplace_id == ancien
    agent.refresh_from_db()
    assert (agent.echelon, agent.statut, agent.position) == ("2", "titulaire", "activite")


def test_rectification_et_annulation_d_une_mutation_avec_residence(
    creer_agent: Creer, rediger: Rediger
) -> None:
    from modules.actes.tests.test_types_carriere import _zone_b

    _zone_b()
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    mutation = jusqu_au_visa(
        rediger(
            "mutation",
            agent=agent,
            date_effet=date(2026, 3, 1),
            unite_code="FES-RH",
            commune_residence="01.511",
        ),
        visa="V-MUT",
    )
    agent.refresh_from_db()
    assert agent.commune_residence == "01.511"
    acte = rediger(
        "rectification",
        origine=mutation,
        date_effet=date(2026, 3, 1),
        unite_code="FES-RH",
        commune_residence="04.421",
        motif="Résidence restée à Rabat",
    )
    assert anomalies(acte) == []
    # the file now says zone B; the rectification brings back zone A from March
    golden = attendu(date(2026, 3, 1), lambda m: entree(m, affectation="01.511"), entree)
    verifier_impact(services.version_courante(acte).impact, golden)
    assert golden.variation["indemnite_residence"] > 0
    jusqu_au_visa(acte, visa="V-RMUT")
    agent.refresh_from_db()
    assert (agent.unite_code, agent.commune_residence) == ("FES-RH", "04.421")
    annulation = rediger("annulation", origine=mutation, date_effet=date(2026, 3, 1), motif="x")
    # the mutation was rectified: only the rectification can still be annulled
    assert anomalies(annulation) == [
        (
            "Cet acte a déjà été rectifié ou annulé : rectifiez ou annulez le dernier acte visé "
            "qui le concerne.",
            "",
            True,
        ),
        (
            "L'acte annulé avait changé la commune de résidence (01.511) : l'annulation ne la "
            "rétablit pas, corrigez-la dans le dossier de l'agent.",
            "",
            False,
        ),
    ]
