"""Changement de situation familiale end to end: mariage, divorce, naissance, décès d'enfant —
checks on the right field, golden impact on AF and IR, the file changed only by the visa."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from modules.actes import services
from modules.actes.models import Acte
from modules.actes.tests.conftest import jusqu_au_visa
from modules.actes.tests.test_types_communs import (
    anomalies,
    attendu,
    bloquantes,
    entree,
    refuse,
    verifier_impact,
)
from modules.personnel import services_actes, services_famille
from modules.personnel.models import Agent, Enfant

pytestmark = pytest.mark.django_db

Rediger = Callable[..., Acte]
Creer = Callable[..., Agent]


def _impact(acte: Acte) -> dict[str, object]:
    return dict(services.version_courante(acte).impact)


# A taxable monthly bonus: without it the test agent's pay is under the IR threshold.
PRIME = {
    "code": "PRIME",
    "libelle_fr": "Prime de rendement",
    "montant": "6000.00",
    "imposable": True,
    "soumise_retraite": False,
}


def _prime(agent: Agent) -> None:
    services_actes.indemnite_attribuer(
        auteur="tests",
        agent=agent,
        code="PRIME",
        libelle="Prime de rendement",
        montant=Decimal("6000.00"),
        imposable=True,
        soumise_retraite=False,
        du=date(2019, 1, 1),
        reference="tests",
    )


def imposable(m: date, **valeurs: Any) -> dict[str, Any]:
    return entree(m, indemnites=[PRIME], **valeurs)


def _enfant(agent: Agent, naissance: date = date(2020, 6, 1)) -> Enfant:
    return services_famille.enfant_ajouter(
        auteur="tests", agent=agent, prenom="Yasmine", date_naissance=naissance
    )


def test_champs_invalides_refuses(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    erreurs = refuse(
        rediger,
        "situation_familiale",
        agent=agent,
        evenement="",
        enfant_date_naissance="2026-13-01",
        enfant="premier",
    )
    assert erreurs == {
        "evenement": ["Ce champ est obligatoire."],
        "enfant_date_naissance": ["Date invalide : écrivez-la JJ/MM/AAAA."],
        "enfant": ["Nombre entier attendu."],
    }


def test_naissance_checks(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    sans = rediger("situation_familiale", agent=agent, evenement="naissance")
    assert bloquantes(sans) == [
        ("Indiquez le prénom de l'enfant.", "enfant_prenom"),
        ("Indiquez la date de naissance de l'enfant.", "enfant_date_naissance"),
    ]
    future = rediger(
        "situation_familiale",
        agent=agent,
        date_effet=date(2026, 1, 1),
        evenement="naissance",
        enfant_prenom="Adam",
        enfant_date_naissance="02/01/2026",
    )
    assert bloquantes(future) == [
        ("La naissance est postérieure à la date d'effet de l'acte.", "enfant_date_naissance")
    ]
    avant_agent = rediger(
        "situation_familiale",
        agent=agent,
        date_effet=date(2026, 1, 1),
        evenement="naissance",
        enfant_prenom="Adam",
        enfant_date_naissance="01/01/1980",
    )
    assert ("L'enfant serait né avant l'agent.", "enfant_date_naissance") in bloquantes(avant_agent)


def test_naissance_change_af_et_ir_puis_enfant_inscrit(
    creer_agent: Creer, rediger: Rediger
) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    _prime(agent)
    acte = rediger(
        "situation_familiale",
        agent=agent,
        date_effet=date(2026, 2, 10),
        evenement="naissance",
        enfant_prenom="Adam",
        enfant_date_naissance="10/02/2026",
    )
    assert anomalies(acte) == []
    golden = attendu(
        date(2026, 2, 10),
        imposable,
        lambda m: imposable(m, enfants_allocations=1, personnes_a_charge_ir=1),
    )
    impact = _impact(acte)
    verifier_impact(impact, golden)
    assert impact["variation_elements"].keys() == {"AF", "IR"}  # type: ignore[attr-defined]
    assert golden.variation["allocations_familiales"] > 0
    assert golden.variation["ir"] < 0
    assert not agent.enfants.exists()  # nothing before the visa
    jusqu_au_visa(acte)
    (enfant,) = agent.enfants.all()
    assert (enfant.prenom, enfant.date_naissance, enfant.date_deces) == (
        "Adam",
        date(2026, 2, 10),
        None,
    )


def test_mariage_deja_marie_et_divorce_non_marie(creer_agent: Creer, rediger: Rediger) -> None:
    marie = creer_agent(commune_residence="04.421", situation_familiale="marie")
    acte = rediger("situation_familiale", agent=marie, evenement="mariage")
    assert bloquantes(acte) == [("L'agent est déjà marié(e) dans son dossier.", "evenement")]
    celibataire = creer_agent(commune_residence="04.421", situation_familiale="celibataire")
    acte = rediger("situation_familiale", agent=celibataire, evenement="divorce")
    assert bloquantes(acte) == [("L'agent n'est pas marié(e) dans son dossier.", "evenement")]


def test_mariage_conjoint_a_charge_change_l_ir(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(
        date_effet=date(2020, 1, 1), commune_residence="04.421", situation_familiale="celibataire"
    )
    _prime(agent)
    acte = rediger(
        "situation_familiale",
        agent=agent,
        date_effet=date(2026, 5, 1),
        evenement="mariage",
        conjoint_a_charge="on",
    )
    assert anomalies(acte) == []
    golden = attendu(date(2026, 5, 1), imposable, lambda m: imposable(m, personnes_a_charge_ir=1))
    verifier_impact(_impact(acte), golden)
    assert golden.variation_elements.keys() == {"IR"}
    agent.refresh_from_db()
    assert (agent.situation_familiale, agent.conjoint_a_charge) == ("celibataire", False)
    jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert (agent.situation_familiale, agent.conjoint_a_charge) == ("marie", True)


def test_divorce_retire_le_conjoint(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(
        date_effet=date(2020, 1, 1),
        commune_residence="04.421",
        situation_familiale="marie",
        conjoint_a_charge=True,
    )
    _prime(agent)
    acte = rediger(
        "situation_familiale", agent=agent, date_effet=date(2026, 3, 1), evenement="divorce"
    )
    golden = attendu(date(2026, 3, 1), lambda m: imposable(m, personnes_a_charge_ir=1), imposable)
    verifier_impact(_impact(acte), golden)
    assert golden.variation["ir"] > 0
    jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert (agent.situation_familiale, agent.conjoint_a_charge) == ("divorce", False)


def test_deces_enfant(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    enfant = _enfant(agent)
    inconnu = rediger("situation_familiale", agent=agent, evenement="deces_enfant", enfant="999999")
    assert bloquantes(inconnu) == [("Choisissez l'enfant dans la liste.", "enfant")]
    acte = rediger(
        "situation_familiale",
        agent=agent,
        date_effet=date(2026, 4, 1),
        evenement="deces_enfant",
        enfant=str(enfant.id),
    )
    assert bloquantes(acte) == []
    golden = attendu(
        date(2026, 4, 1),
        lambda m: entree(m, enfants_allocations=1, personnes_a_charge_ir=1),
        entree,
    )
    verifier_impact(_impact(acte), golden)
    assert golden.variation["allocations_familiales"] < 0
    enfant.refresh_from_db()
    assert enfant.date_deces is None
    jusqu_au_visa(acte)
    enfant.refresh_from_db()
    assert enfant.date_deces == date(2026, 4, 1)
    deja = rediger(
        "situation_familiale",
        agent=agent,
        date_effet=date(2026, 5, 1),
        evenement="deces_enfant",
        enfant=str(enfant.id),
    )
    assert bloquantes(deja) == [("Le décès de cet enfant est déjà enregistré.", "enfant")]


def test_deces_avant_naissance(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(date_effet=date(2020, 1, 1), commune_residence="04.421")
    enfant = _enfant(agent, naissance=date(2024, 6, 1))
    acte = rediger(
        "situation_familiale",
        agent=agent,
        date_effet=date(2024, 1, 1),
        evenement="deces_enfant",
        enfant=str(enfant.id),
    )
    assert bloquantes(acte) == [("La date d'effet précède la naissance de l'enfant.", "date_effet")]
