"""The demo acts: every state a user meets, made through the services by the demo roles, and a
second run changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from modules.actes import demo
from modules.actes.models import Acte, Bordereau, Etat, Observation
from modules.personnel.models import Agent, PosteBudgetaire


def test_demo_acts_in_every_state_then_a_second_run_changes_nothing(creer_agent: Any) -> None:
    PosteBudgetaire.objects.filter(code="P-ADM").update(nombre=10)
    agents = [
        creer_agent(
            date_effet=date(2018, 1, 1),
            unite="DRH" if i % 2 else "FES-RH",
            poste="P-ADM",
            commune_residence="04.421",
        )
        for i in range(5)
    ] + [creer_agent(date_effet=date(2018, 1, 1), unite="PAIE", commune_residence="03.271")]
    equipe = demo.Equipe(redacteur="redacteur.demo", valideur="valideur.demo")

    bilan = demo.demo_actes(equipe=equipe, code="a")

    actes = {a.numero: a for a in Acte.objects.all()}
    assert len(bilan.actes) == len(actes) == 6
    etats = sorted((a.type_code, a.etat, a.soumis) for a in actes.values())
    assert etats == [
        ("attribution_indemnite", Etat.VALIDE, True),
        ("avancement_echelon", Etat.BROUILLON, False),
        ("avancement_echelon", Etat.VISE, True),
        ("mutation", Etat.BROUILLON, True),
        ("mutation", Etat.REJETE, True),
        ("situation_familiale", Etat.PRIS_EN_CHARGE, True),
    ]
    assert all(a.cree_par == "redacteur.demo" for a in actes.values())
    vise = next(a for a in actes.values() if a.etat == Etat.VISE)
    assert vise.numero_visa == f"VISA-DEMO-{vise.numero}"
    # the visa wrote the advancement into the agent's file: échelon 3 → 4
    assert Agent.objects.get(id=int(vise.agent_id or 0)).echelon == "4"
    assert len({a.agent_id for a in actes.values()}) == 6
    rejete = next(a for a in actes.values() if a.etat == Etat.REJETE)
    assert sorted(Observation.objects.filter(acte=rejete).values_list("code", "champ")) == [
        ("OBS-DATE", "date_effet"),
        ("OBS-RES", "commune_residence"),
    ]
    assert Bordereau.objects.count() >= 1
    assert sum(b.nombre_actes for b in Bordereau.objects.all()) == 3
    brouillon = next(a for a in actes.values() if a.etat == Etat.BROUILLON and not a.soumis)
    anomalies = brouillon.versions.get().anomalies
    assert any(x["champ"] == "echelon" and x["bloquant"] for x in anomalies)
    # the other drafts have their impact computed (a demo shows it)
    for acte in actes.values():
        assert acte.versions.get(numero=acte.version).impact.get("erreur") == "", acte.numero

    second = demo.demo_actes(equipe=equipe, code="a")

    assert second.deja_la
    assert Acte.objects.count() == 6
    assert [a.id for a in agents]
