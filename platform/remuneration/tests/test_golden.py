"""Golden cases: amounts written by an independent Decimal worksheet from the domain reference,
with the arithmetic of each case in `donnees/cas_golden.json` (see feuille_de_calcul.py)."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from remuneration.arrondi import centimes, texte
from remuneration.difference import difference
from remuneration.lot import calculer_lot, population_depuis_situations
from remuneration.moteur import calculer, frais_professionnels, ir_mensuel
from remuneration.situation import mois_lire, situation_lire
from remuneration.sources import parametres_fixtures

DONNEES = json.loads(
    (Path(__file__).parent / "donnees" / "cas_golden.json").read_text(encoding="utf-8")
)


def test_at_least_thirty_golden_cases():
    assert sum(len(section) for section in DONNEES.values()) >= 30
    assert all(cas["arithmetique"] for section in DONNEES.values() for cas in section)


@pytest.mark.parametrize("cas", DONNEES["bulletins"], ids=lambda c: c["id"])
def test_scalar_path_matches_the_worksheet(cas):
    entree = cas["entree"]
    parametres = parametres_fixtures(mois_lire(entree["mois"]))
    situation = situation_lire(entree, jeu=parametres.jeu)

    bulletin = calculer(situation=situation, parametres=parametres)

    assert {k: texte(bulletin.totaux[k]) for k in cas["attendu"]} == cas["attendu"]


@pytest.mark.parametrize("cas", DONNEES["bulletins"], ids=lambda c: c["id"])
def test_batch_path_matches_the_worksheet(cas):
    entree = cas["entree"]
    parametres = parametres_fixtures(mois_lire(entree["mois"]))
    situation = situation_lire(entree, jeu=parametres.jeu)

    totaux = calculer_lot(
        population=population_depuis_situations([situation]), parametres=parametres
    )

    assert {k: texte(int(totaux[k][0])) for k in cas["attendu"]} == cas["attendu"]


@pytest.mark.parametrize(
    "cas", DONNEES["ir_bornes"], ids=lambda c: f"{c['annee']}-{c['net_imposable']}-{c['personnes']}"
)
def test_ir_at_each_bracket_edge(cas):
    parametres = parametres_fixtures(date(cas["annee"], 1, 1))

    ir, _, _ = ir_mensuel(
        net_imposable=centimes(Decimal(cas["net_imposable"])),
        personnes_a_charge=cas["personnes"],
        parametres=parametres,
    )

    assert texte(ir) == cas["ir"]


@pytest.mark.parametrize("cas", DONNEES["frais_pro_bornes"], ids=lambda c: c["brut_imposable"])
def test_frais_professionnels_threshold_and_cap(cas):
    parametres = parametres_fixtures(mois_lire(cas["mois"]))

    montant, _ = frais_professionnels(
        brut_imposable=centimes(Decimal(cas["brut_imposable"])), parametres=parametres
    )

    assert texte(montant) == cas["frais_professionnels"]


@pytest.mark.parametrize("cas", DONNEES["rappels"], ids=lambda c: c["id"])
def test_echelon_advancement_arrears(cas):
    jeu = parametres_fixtures(mois_lire(cas["du"])).jeu
    avant = situation_lire(cas["avant"], jeu=jeu)
    apres = situation_lire(cas["apres"], jeu=jeu)

    resultat = difference(
        avant=avant,
        apres=apres,
        du=mois_lire(cas["du"]),
        au=mois_lire(cas["au"]),
        mois_paiement=mois_lire(cas["mois_paiement"]),
        parametres=parametres_fixtures,
    )

    assert resultat.mois_rappel == cas["mois_rappel"]
    assert {k: texte(resultat.rappel[k]) for k in cas["rappel"]} == cas["rappel"]
    assert {k: texte(resultat.variation_mensuelle[k]) for k in cas["variation_mensuelle"]} == cas[
        "variation_mensuelle"
    ]
