"""Recrutement end to end: the draft holds the recruit (no file yet), the checks name the field
(PPR used, under 18, post), the impact is the whole pay from nothing, the visa opens the file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

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
from modules.personnel.models import Agent
from modules.unites.perimetres import Perimetre

pytestmark = pytest.mark.django_db

Rediger = Callable[..., Acte]


def recrue(**valeurs: Any) -> dict[str, Any]:
    return {
        "ppr": "1234567",
        "nom_fr": "Bennani",
        "prenom_fr": "Salma",
        "sexe": "F",
        "date_naissance": "12/04/1998",
        "situation_familiale": "celibataire",
        "commune_residence": "04.421",
        "statut": "stagiaire",
        "grade_code": "ADM-2",
        "echelon": "1",
        "unite_code": "DRH",
        "poste_code": "P-ADM",
        **valeurs,
    }


def test_champs_invalides_refuses_un_message_par_champ(rediger: Rediger) -> None:
    erreurs = refuse(
        rediger,
        "recrutement",
        **recrue(nom_fr="", sexe="X", date_naissance="31/02/1998", statut="", ppr="1" * 21),
    )
    assert erreurs == {
        "nom_fr": ["Ce champ est obligatoire."],
        "sexe": ["Choisissez une valeur de la liste."],
        "date_naissance": ["Date invalide : écrivez-la JJ/MM/AAAA."],
        "statut": ["Ce champ est obligatoire."],
        "ppr": ["Trop long (20 caractères au plus)."],
    }


def test_unite_hors_perimetre_refusee(postes_a: Any) -> None:
    fes = Perimetre(racines=frozenset({"FES"}))
    actes = Acte.objects.count()
    with pytest.raises(ValidationError) as refus:
        services.acte_creer(
            auteur="redacteur",
            perimetre=fes,
            type_code="recrutement",
            date_effet=date(2026, 1, 1),
            brutes=recrue(),
        )
    assert refus.value.message_dict == {
        "unite_code": ["Cette unité n'est pas dans votre périmètre."]
    }
    assert Acte.objects.count() == actes


def test_moins_de_18_ans(rediger: Rediger) -> None:
    jeune = recrue(date_naissance="02/01/2008")
    acte = rediger("recrutement", date_effet=date(2026, 1, 1), **jeune)
    assert ("La personne aurait moins de 18 ans à la date d'effet.", "date_naissance") in (
        bloquantes(acte)
    )


def test_ppr_deja_utilise(creer_agent: Callable[..., Agent], rediger: Rediger) -> None:
    creer_agent(ppr="7654321", commune_residence="04.421")
    acte = rediger("recrutement", **recrue(ppr="7654321"))
    assert bloquantes(acte) == [
        ("Un dossier existe déjà pour le PPR 7654321 dans cet ordonnateur.", "ppr")
    ]


def test_poste_d_un_autre_grade_liste_les_postes_libres(rediger: Rediger) -> None:
    acte = rediger("recrutement", **recrue(poste_code="P-TECH"))
    ((message, champ),) = bloquantes(acte)
    assert champ == "poste_code"
    assert message.endswith(" Postes libres de ce grade : P-ADM.")


def test_stagiaire_hors_premier_echelon_averti(rediger: Rediger) -> None:
    acte = rediger("recrutement", **recrue(echelon="2"))
    assert anomalies(acte) == [
        (
            "Un stagiaire est recruté au 1er échelon sauf disposition statutaire.",
            "echelon",
            False,
        )
    ]


def test_impact_toute_la_paie_depuis_rien_puis_dossier_ouvert(rediger: Rediger) -> None:
    acte = rediger("recrutement", date_effet=date(2026, 2, 1), **recrue())
    assert anomalies(acte) == []
    golden = attendu(date(2026, 2, 1), lambda m: None, lambda m: entree(m, echelon="1"))
    impact = services.version_courante(acte).impact
    verifier_impact(impact, golden)
    # from nothing: the variation is the whole bulletin
    assert impact["variation"]["net"] == golden.variation["net"] > 0
    assert impact["variation_elements"]["TB"] == impact["variation"]["traitement_base"]
    assert not Agent.objects.filter(ppr="1234567").exists()  # no file before the visa
    acte = jusqu_au_visa(acte)
    agent = Agent.objects.get(ppr="1234567")
    assert acte.agent_id == agent.id
    assert (agent.nom_fr, agent.statut, agent.grade_code, agent.echelon, agent.poste_code) == (
        "Bennani",
        "stagiaire",
        "ADM-2",
        "1",
        "P-ADM",
    )
    assert (agent.commune_residence, agent.date_naissance) == ("04.421", date(1998, 4, 12))
    (evenement,) = agent.evenements.all()
    assert (evenement.source, evenement.reference, evenement.date_effet) == (
        "acte",
        acte.numero,
        date(2026, 2, 1),
    )
    assert acte.evenements == [evenement.id]
