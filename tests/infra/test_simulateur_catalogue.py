"""The Treasury simulator's copy after the visa of the catalogue's acts (issue 9): positions,
congés with half pay, suspension, departures (cessation: the simulator's books mark the agent
absent), inter-ordonnateur sortie and entrée. Pure: no database, no process."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

INFRA = str(Path(__file__).resolve().parents[2] / "infra")
if INFRA not in sys.path:
    sys.path.insert(0, INFRA)

from simulateur import controles  # noqa: E402

COPIE = {"grade": "ADM-2", "echelon": "3", "position": "activite", "unite": "DRH", "present": True}


def _enregistrement(type_acte: str, donnees: dict[str, Any], effet: str = "2026-01-01") -> Any:
    return {"type": type_acte, "donnees": donnees, "date_effet": effet, "situation_avant": None}


@pytest.mark.parametrize(
    ("type_acte", "donnees", "position"),
    [
        ("mise_a_disposition", {"organisme": "X"}, "mise_a_disposition"),
        ("detachement", {"organisme": "X"}, "detachement"),
        ("disponibilite", {"motif": "enfant", "date_fin": "2027-01-01"}, "disponibilite"),
        ("demission", {"date_demande": "2025-12-01"}, "cessation"),
        ("revocation", {"motif": "CD"}, "cessation"),
        ("deces", {}, "cessation"),
        ("transfert_sortie", {"nature_mouvement": "transfert"}, "cessation"),
        ("transfert_sortie", {"nature_mouvement": "detachement"}, "detachement"),
        ("transfert_sortie", {"nature_mouvement": "mise_a_disposition"}, "mise_a_disposition"),
    ],
)
def test_positions_et_sorties(type_acte: str, donnees: dict[str, Any], position: str) -> None:
    apres = controles.appliquer(_enregistrement(type_acte, donnees), dict(COPIE))
    assert apres == {
        "grade": "ADM-2",
        "echelon": "3",
        "position": position,
        "unite": "DRH",
    }


@pytest.mark.parametrize(
    ("type_acte", "depuis"),
    [
        ("reintegration_detachement", "detachement"),
        ("reintegration_disponibilite", "disponibilite"),
        ("reprise_conge_maladie", "conge_maladie_longue"),
        ("reprise_traitement", "suspension"),
    ],
)
def test_retours_en_activite_rendent_le_plein_traitement(type_acte: str, depuis: str) -> None:
    copie = {**COPIE, "position": depuis, "quotite": 50}
    apres = controles.appliquer(_enregistrement(type_acte, {"unite_code": "FES-RH"}), copie)
    assert apres == {"grade": "ADM-2", "echelon": "3", "position": "activite", "unite": "FES-RH"}


def test_suspension_et_conges_portent_la_quotite() -> None:
    suspendu = controles.appliquer(
        _enregistrement("suspension_traitement", {"motif": "abandon_poste", "quotite": ""}),
        dict(COPIE),
    )
    assert (suspendu["position"], suspendu["quotite"]) == ("suspension", 0)
    demi_deja = controles.appliquer(
        _enregistrement(
            "conge_maladie_moyenne",
            {"date_fin": "2026-06-30", "demi_traitement_du": "2026-01-01"},
        ),
        dict(COPIE),
    )
    assert (demi_deja["position"], demi_deja["quotite"]) == ("conge_maladie_moyenne", 50)
    demi_plus_tard = controles.appliquer(
        _enregistrement(
            "conge_maladie_longue",
            {"date_fin": "2029-12-31", "demi_traitement_du": "2029-01-01"},
        ),
        dict(COPIE),
    )
    assert "quotite" not in demi_plus_tard
    assert demi_plus_tard["demi_traitement_du"] == "2029-01-01"
    plein = controles.appliquer(
        _enregistrement("conge_maladie_longue", {"date_fin": "2026-06-30"}), dict(COPIE)
    )
    assert plein == {
        "grade": "ADM-2",
        "echelon": "3",
        "position": "conge_maladie_longue",
        "unite": "DRH",
    }


def test_entree_ouvre_la_copie_avec_le_grade_recu() -> None:
    apres = controles.appliquer(
        _enregistrement(
            "transfert_entree",
            {
                "nature_mouvement": "transfert",
                "grade_code": "ADM-2",
                "echelon": "3",
                "unite_code": "B-DIR",
            },
        ),
        None,
    )
    assert apres == {"position": "activite", "grade": "ADM-2", "echelon": "3", "unite": "B-DIR"}


def test_type_inconnu_garde_la_situation() -> None:
    apres = controles.appliquer(
        _enregistrement("attribution_indemnite", {"code": "X"}), dict(COPIE)
    )
    assert apres == {k: v for k, v in COPIE.items() if k != "present"}


def test_paie_mensuelle_applique_la_quotite_de_la_copie() -> None:
    """The monthly run pays the share of the traitement the copy carries: half pay from the
    first month whose 1st day is on or after the day a congé reaches it; a whole suspension
    is not paid at all (the engine refuses a quotité of 0, so the run must skip it)."""
    from datetime import date

    from simulateur import paie

    conge = controles.appliquer(
        _enregistrement(
            "conge_maladie_longue", {"demi_traitement_du": "2029-01-15"}, effet="2026-01-15"
        ),
        dict(COPIE),
    )
    avant = paie.entree_moteur(conge, mois=date(2029, 1, 1), zone_defaut="B")
    apres = paie.entree_moteur(conge, mois=date(2029, 2, 1), zone_defaut="B")
    assert "quotite" not in avant
    assert apres["quotite"] == 50
    suspendu = controles.appliquer(
        _enregistrement("suspension_traitement", {"quotite": 0}), dict(COPIE)
    )
    assert suspendu["quotite"] == 0
    plein = paie.entree_moteur(dict(COPIE), mois=date(2026, 2, 1), zone_defaut="B")
    assert "quotite" not in plein
