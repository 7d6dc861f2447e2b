"""Acts that stop or end pay: suspension / cessation de traitement and its reprise, démission,
révocation, décès, and the inter-ordonnateur sortie / entrée (the move of transferts.py driven
by two acts, one in each tenant)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django_tenants.utils import schema_context

from modules.actes import services
from modules.actes.etats import Partie
from modules.actes.models import Acte, Etat, OrdreRecette
from modules.actes.tests.conftest import jusqu_au_visa
from modules.actes.tests.test_types_communs import (
    anomalies,
    attendu,
    bloquantes,
    entree,
    refuse,
    verifier_impact,
)
from modules.personnel.models import Agent, EvenementCarriere
from modules.unites import services as unites_services
from modules.unites.perimetres import TOUT
from tenants.models import Organisation, StatutTransfert, TransfertAgent

pytestmark = pytest.mark.django_db

Rediger = Callable[..., Acte]
Creer = Callable[..., Agent]
EFFET = date(2026, 1, 1)


def _impact(acte: Acte) -> dict[str, Any]:
    return dict(services.version_courante(acte).impact)


def _evenements(agent: Agent) -> list[EvenementCarriere]:
    return list(agent.evenements.filter(source="acte").order_by("date_effet", "id"))


def _pieces(acte: Acte) -> tuple[str, ...]:
    from modules.actes.types import type_get

    type_acte = type_get(acte.type_code)
    assert type_acte is not None
    return type_acte.pieces(services.version_courante(acte).donnees)


# --- suspension / cessation de traitement ---------------------------------------------------


def test_abandon_de_poste_coupe_la_paie(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    acte = rediger("suspension_traitement", agent=agent, date_effet=EFFET, motif="abandon_poste")
    assert anomalies(acte) == []
    assert _pieces(acte) == ("proces_verbal",)
    verifier_impact(_impact(acte), attendu(EFFET, entree, lambda m: None))
    jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert agent.position == "suspension"
    (evenement,) = _evenements(agent)
    assert (evenement.position, evenement.quotite) == ("suspension", 0)
    assert agent.poste_code == "P-ADM"  # the post stays held


def test_suspension_disciplinaire_maintient_une_part(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    trop = rediger(
        "suspension_traitement", agent=agent, motif="suspension_disciplinaire", quotite="60"
    )
    assert bloquantes(trop) == [("La part maintenue est de 0 à 50 % du traitement.", "quotite")]
    absence = rediger(
        "suspension_traitement", agent=agent, motif="absence_irreguliere", quotite="50"
    )
    assert (
        "Une absence irrégulière ou un abandon de poste ne maintient aucun traitement : laissez 0.",
        "quotite",
    ) in bloquantes(absence)
    acte = rediger(
        "suspension_traitement",
        agent=agent,
        date_effet=EFFET,
        motif="suspension_disciplinaire",
        quotite="50",
    )
    assert bloquantes(acte) == []
    assert _pieces(acte) == ("arrete",)
    verifier_impact(_impact(acte), attendu(EFFET, entree, lambda m: entree(m, quotite=50)))


def test_reprise_de_traitement(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    refusee = rediger("reprise_traitement", agent=agent)
    assert bloquantes(refusee) == [
        (
            "Le traitement de l'agent n'est pas suspendu (position : activité) : pas de reprise "
            "à enregistrer.",
            "date_effet",
        )
    ]
    jusqu_au_visa(
        rediger("suspension_traitement", agent=agent, date_effet=EFFET, motif="absence_irreguliere")
    )
    reprise = rediger("reprise_traitement", agent=agent, date_effet=date(2026, 4, 1))
    assert bloquantes(reprise) == []
    verifier_impact(_impact(reprise), attendu(date(2026, 4, 1), lambda m: None, entree))
    jusqu_au_visa(reprise, visa="V-0002")
    agent.refresh_from_db()
    assert agent.position == "activite"


# --- démission, révocation, décès ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "brutes", "pieces"),
    [
        ("demission", {"date_demande": "2025-11-15"}, ("arrete",)),
        (
            "revocation",
            {"motif": "Conseil de discipline du 10/12/2025"},
            ("proces_verbal", "arrete"),
        ),
        ("deces", {"lieu": "Rabat"}, ("autre",)),
    ],
)
def test_radiations_arretent_la_paie(
    creer_agent: Creer, rediger: Rediger, code: str, brutes: dict[str, str], pieces: tuple[str, ...]
) -> None:
    agent = creer_agent(commune_residence="04.421")
    acte = rediger(code, agent=agent, date_effet=EFFET, **brutes)
    assert anomalies(acte) == []
    assert _pieces(acte) == pieces
    verifier_impact(_impact(acte), attendu(EFFET, entree, lambda m: None))
    jusqu_au_visa(acte)
    agent.refresh_from_db()
    assert (agent.position, agent.grade_code) == ("cessation", "ADM-2")
    (evenement,) = _evenements(agent)
    assert (evenement.nature, evenement.position) == ("sortie", "cessation")
    # nothing can follow
    apres = rediger(code, agent=agent, date_effet=date(2026, 3, 1), **brutes)
    assert bloquantes(apres)[0] == ("L'agent est déjà sorti des effectifs.", "date_effet")


def test_demission_avant_la_demande_refusee(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    acte = rediger("demission", agent=agent, date_effet=EFFET, date_demande="2026-02-01")
    assert bloquantes(acte) == [
        ("La démission ne peut prendre effet avant la demande de l'agent.", "date_demande")
    ]
    assert refuse(rediger, "revocation", agent=agent, motif="") == {
        "motif": ["Ce champ est obligatoire."]
    }


# --- inter-ordonnateur sortie / entrée ----------------------------------------------------------


def test_sortie_vers_ordonnateur_inconnu_bloque(creer_agent: Creer, rediger: Rediger) -> None:
    agent = creer_agent(commune_residence="04.421")
    acte = rediger(
        "transfert_sortie",
        agent=agent,
        destination="NULLE-PART",
        nature_mouvement="transfert",
        motif="Arrêté n° 12",
    )
    assert bloquantes(acte) == [
        (
            "Choisissez un ordonnateur actif de la plateforme (code inconnu : NULLE-PART).",
            "destination",
        )
    ]


def test_sortie_puis_entree_deplacent_le_dossier(
    creer_agent: Creer, rediger: Rediger, tenant_a: Organisation, tenant_b: Organisation
) -> None:
    agent = creer_agent(commune_residence="04.421")
    sortie = rediger(
        "transfert_sortie",
        agent=agent,
        date_effet=EFFET,
        destination=tenant_b.code,
        nature_mouvement="transfert",
        motif="Arrêté de transfert n° 12",
    )
    assert anomalies(sortie) == []
    verifier_impact(_impact(sortie), attendu(EFFET, entree, lambda m: None))
    sortie = jusqu_au_visa(sortie)
    # the visa proposes the move; the file does not change until the destination accepts
    mouvement = TransfertAgent.objects.get(ppr=agent.ppr)
    assert (mouvement.statut, mouvement.date_effet, mouvement.destination_id) == (
        StatutTransfert.PROPOSE,
        EFFET,
        tenant_b.pk,
    )
    assert mouvement.reference == sortie.numero
    agent.refresh_from_db()
    assert agent.position == "activite"
    assert _evenements(agent) == []
    # pay stops only when the destination accepts: no ordre de recette at the sortie's visa
    assert not OrdreRecette.objects.filter(acte=sortie).exists()

    with schema_context(tenant_b.schema_name):
        unites_services.unite_create(
            actor="tests", code="B-DIR", parent=None, kind="direction", nom_fr="B", nom_ar="ب"
        )
        faux = services.acte_creer(
            auteur="redacteur",
            perimetre=TOUT,
            type_code="transfert_entree",
            date_effet=date(2026, 2, 1),
            brutes={
                "transfert": str(mouvement.pk),
                "unite_code": "B-DIR",
                "commune_residence": "04.421",
            },
        )
        assert bloquantes(faux) == [
            ("La date d'effet doit être celle du mouvement proposé (2026-01-01).", "date_effet")
        ]
        entree_b = services.acte_creer(
            auteur="redacteur",
            perimetre=TOUT,
            type_code="transfert_entree",
            date_effet=EFFET,
            brutes={
                "transfert": str(mouvement.pk),
                "unite_code": "B-DIR",
                "commune_residence": "04.421",
            },
        )
        assert anomalies(entree_b) == []
        assert (entree_b.agent_ppr, entree_b.agent_nom) == (agent.ppr, "Alaoui Karim")
        verifier_impact(_impact(entree_b), attendu(EFFET, lambda m: None, entree))
        services.acte_annuler(
            auteur="redacteur", acte=faux, motif="doublon", partie=Partie.GESTIONNAIRE
        )
        entree_b = jusqu_au_visa(entree_b, visa="V-B-1")
        assert entree_b.etat == Etat.VISE
        arrive = Agent.objects.get(ppr=agent.ppr)
        assert entree_b.agent_id == arrive.id
        assert (arrive.position, arrive.unite_code, arrive.grade_code) == (
            "activite",
            "B-DIR",
            "ADM-2",
        )
    mouvement.refresh_from_db()
    assert mouvement.statut == StatutTransfert.ACCEPTE
    agent.refresh_from_db()
    assert agent.position == "cessation"
