from dataclasses import replace
from datetime import date

import pytest

from remuneration.erreurs import DonneeInvalide
from remuneration.lot import calculer_lot, population_depuis_situations
from remuneration.moteur import calculer
from remuneration.retraite import age_limite_mois, date_limite_age
from remuneration.situation import Indemnite, Situation
from remuneration.sources import jeu_fixtures, parametres_fixtures


@pytest.mark.parametrize(
    ("annee", "mois"),
    [(1950, 720), (1956, 720), (1957, 726), (1960, 744), (1961, 750), (1970, 756)],
)
def test_age_limit_by_birth_year(annee, mois):
    assert age_limite_mois(annee_naissance=annee, jeu=jeu_fixtures(date(2025, 1, 1))) == mois


def test_age_limit_date_is_the_birthday_and_clamps_to_month_end():
    jeu = jeu_fixtures(date(2025, 1, 1))
    assert date_limite_age(naissance=date(1961, 3, 15), jeu=jeu) == date(2023, 9, 15)  # 62 y 6 m
    assert date_limite_age(naissance=date(1957, 8, 31), jeu=jeu) == date(2018, 2, 28)  # 60 y 6 m


def test_age_limit_before_the_reform_is_not_guessed():
    with pytest.raises(DonneeInvalide) as info:
        age_limite_mois(annee_naissance=1960, jeu=jeu_fixtures(date(2016, 6, 1)))
    assert info.value.champ == "date"


def test_pension_base_follows_its_parameter_in_both_paths():
    parametres = replace(
        parametres_fixtures(date(2025, 3, 1)), assiette_retraite=(True, False, False)
    )
    situation = Situation(
        indice=336,
        echelle="11",
        zone="A",
        indemnites=(Indemnite(code="X", montant_centimes=100_000, soumise_retraite=True),),
    )
    scalaire = calculer(situation=situation, parametres=parametres).totaux
    lot = calculer_lot(population=population_depuis_situations([situation]), parametres=parametres)
    # TB 1944.76 only: 1944.76 × 14 % = 272.2664 → 272.27
    assert scalaire["cmr"] == int(lot["cmr"][0]) == 27227
