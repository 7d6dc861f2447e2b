"""Quotité de traitement (a congé de maladie's half pay): the share of the traitement de base
paid, rounded half up once; the residence indemnity follows the reduced TB; indemnities and
family allowances stay whole; scalar and batch paths agree to the centime."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from remuneration.erreurs import DonneeInvalide
from remuneration.lot import calculer_lot, population_depuis_situations
from remuneration.moteur import calculer
from remuneration.situation import Indemnite, Situation, situation_lire
from remuneration.sources import jeu_fixtures, parametres_fixtures

MOIS = date(2025, 3, 1)
# indice 336: annual TB 23,337.12 DH → 1,944.76 DH a month (domain reference §3.1)
PLEIN = Situation(
    indice=336,
    echelle="11",
    zone="A",
    enfants_allocations=2,
    personnes_a_charge_ir=2,
    indemnites=(Indemnite(code="SUJ", montant_centimes=120_000),),
)


def test_demi_traitement_par_la_formule() -> None:
    parametres = parametres_fixtures(MOIS)
    plein = calculer(situation=PLEIN, parametres=parametres).totaux
    demi = calculer(situation=replace(PLEIN, quotite=50), parametres=parametres).totaux
    assert plein["traitement_base"] == 194_476
    assert demi["traitement_base"] == 97_238  # 1944.76 × 50 %
    # zone A: 25 % of the reduced TB
    assert demi["indemnite_residence"] == (97_238 * 2_500 + 5_000) // 10_000 == 24_310
    assert demi["indemnites"] == plein["indemnites"] == 120_000
    assert demi["allocations_familiales"] == plein["allocations_familiales"] > 0
    tiers = calculer(situation=replace(PLEIN, quotite=33), parametres=parametres).totaux
    assert tiers["traitement_base"] == (194_476 * 33 + 50) // 100 == 64_177  # 641.7708 DH → 641.77


@pytest.mark.parametrize("quotite", [100, 75, 50, 33, 1])
def test_chemins_scalaire_et_vectoriel_d_accord(quotite: int) -> None:
    parametres = parametres_fixtures(MOIS)
    population = [
        replace(PLEIN, quotite=quotite),
        replace(PLEIN, indice=137, echelle="5", zone="C"),
        replace(PLEIN, indice=704, echelle="HE", zone="B", quotite=quotite, regime_retraite="RCAR"),
    ]
    lot = calculer_lot(population=population_depuis_situations(population), parametres=parametres)
    for rang, situation in enumerate(population):
        scalaire = calculer(situation=situation, parametres=parametres).totaux
        assert {k: int(v[rang]) for k, v in lot.items()} == scalaire


def test_quotite_lue_et_controlee() -> None:
    jeu = jeu_fixtures(MOIS)
    base = {"indice": 336, "echelle": "11", "zone": "A"}
    assert situation_lire(base, jeu=jeu).quotite == 100
    assert situation_lire({**base, "quotite": 50}, jeu=jeu).quotite == 50
    for mauvaise in (0, 101):
        with pytest.raises(DonneeInvalide) as erreur:
            situation_lire({**base, "quotite": mauvaise}, jeu=jeu)
        assert erreur.value.champ == "quotite"
    with pytest.raises(DonneeInvalide) as erreur:
        situation_lire({**base, "quotite": "50"}, jeu=jeu)
    assert erreur.value.champ == "quotite"
