from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from modules.personnel import facade
from modules.personnel.models import EvenementCarriere
from modules.unites.perimetres import TOUT, Perimetre

FES = Perimetre(racines=frozenset({"FES"}))


def test_reads_are_scoped_and_frozen(dans_a, creer_agent):
    agent = creer_agent(unite="DRH")
    resume = facade.agent_resume(perimetre=TOUT, agent_id=agent.id)
    assert resume is not None
    assert (resume.ppr, resume.grade_code, resume.unite_code) == (agent.ppr, "ADM-2", "DRH")
    with pytest.raises(FrozenInstanceError):
        resume.ppr = "x"  # type: ignore[misc]
    assert facade.agent_resume(perimetre=FES, agent_id=agent.id) is None
    assert facade.situation_au(perimetre=FES, agent_id=agent.id, le=date(2024, 1, 1)) is None


def test_pay_input_with_an_acts_changes(dans_a, creer_agent):
    agent = creer_agent(commune_residence="04.421")
    avant = facade.situation_paie(perimetre=TOUT, agent_id=agent.id, mois=date(2025, 1, 1))
    apres = facade.situation_paie(
        perimetre=TOUT, agent_id=agent.id, mois=date(2025, 1, 1), changements={"echelon": "4"}
    )
    assert avant is not None
    assert apres is not None
    assert (avant["echelon"], apres["echelon"], apres["grade"]) == ("3", "4", "ADM-2")
    assert avant["affectation"] == "04.421"


def test_an_act_becomes_a_career_event_from_the_act(dans_a, creer_agent):
    agent = creer_agent()
    ident = facade.evenement_depuis_acte(
        auteur="valideur",
        perimetre=TOUT,
        agent_id=agent.id,
        nature="avancement_echelon",
        date_effet=date(2024, 1, 1),
        valeurs={"echelon": "4"},
        reference="ACTE-2024-0001",
    )
    assert ident is not None
    evenement = EvenementCarriere.objects.get(id=ident)
    assert (evenement.source, evenement.reference) == ("acte", "ACTE-2024-0001")
    assert (
        facade.evenement_depuis_acte(
            auteur="v",
            perimetre=FES,
            agent_id=agent.id,
            nature="avancement_echelon",
            date_effet=date(2024, 1, 1),
            valeurs={"echelon": "5"},
            reference="X",
        )
        is None
    )
