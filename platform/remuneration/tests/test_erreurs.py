"""Bad input gives a clear French error naming the field, never a silent zero."""

from datetime import date

import pytest

from remuneration.erreurs import DonneeInvalide
from remuneration.lot import calculer_lot, population_depuis_situations
from remuneration.moteur import calculer
from remuneration.situation import Situation, mois_lire, situation_lire
from remuneration.sources import parametres_fixtures

MARS_2025 = parametres_fixtures(date(2025, 3, 1))
BASE = {"mois": "2025-03", "indice": 336, "echelle": 11, "zone": "B"}


def erreur(data) -> DonneeInvalide:
    with pytest.raises(DonneeInvalide) as info:
        situation_lire(data, jeu=MARS_2025.jeu)
    return info.value


def test_unknown_grade_names_the_grade_field():
    e = erreur({"mois": "2025-03", "grade": "INCONNU-9", "echelon": "1", "zone": "B"})
    assert e.champ == "grade"
    assert "INCONNU-9" in str(e)


def test_unknown_echelon_names_the_echelon_field():
    e = erreur({"mois": "2025-03", "grade": "ADM-2", "echelon": "14", "zone": "B"})
    assert e.champ == "echelon"
    assert "E11" in str(e)


def test_grade_and_echelon_resolve_through_the_grid_and_explicit_values_win():
    par_grade = situation_lire({"grade": "ADM-2", "echelon": "3", "zone": "B"}, jeu=MARS_2025.jeu)
    explicite = situation_lire(
        {"grade": "ADM-2", "echelon": "3", "indice": 500, "zone": "B"}, jeu=MARS_2025.jeu
    )
    assert (par_grade.indice, par_grade.echelle) == (403, "11")
    assert (explicite.indice, explicite.echelle) == (500, "11")
    assert "grille.E11.3" in par_grade.origine["indice"]


def test_negative_child_count_names_the_field():
    e = erreur({**BASE, "enfants_a_charge": -1})
    assert e.champ == "enfants_a_charge"
    assert "négatif" in str(e)


def test_month_before_any_rule_names_the_month():
    with pytest.raises(DonneeInvalide) as info:
        parametres_fixtures(date(2015, 6, 1))
    assert info.value.champ == "mois"
    assert "2015-06-01" in str(info.value)


def test_malformed_month_names_the_month():
    with pytest.raises(DonneeInvalide) as info:
        mois_lire("mars 2025")
    assert info.value.champ == "mois"


@pytest.mark.parametrize(
    ("data", "champ"),
    [
        ({**BASE, "zone": "D"}, "zone"),
        ({**BASE, "echelle": 13}, "echelle"),
        ({**BASE, "indice": 0}, "indice"),
        ({**BASE, "regime_retraite": "CNSS"}, "regime_retraite"),
        ({**BASE, "indemnites": [{"code": "SUJ", "montant": "12.345"}]}, "indemnites[0].montant"),
        ({**BASE, "indemnites": [{"code": "SUJ", "montant": "-5"}]}, "indemnites[0].montant"),
        ({**BASE, "indemnites": [{"montant": "5"}]}, "indemnites[0].code"),
        ({**BASE, "conjoint_a_charge": "oui"}, "conjoint_a_charge"),
        ({"mois": "2025-03", "echelle": 11, "zone": "B"}, "indice"),
        ({"mois": "2025-03", "indice": 336, "echelle": 11}, "zone"),
        ({**BASE, "zone": None, "affectation": "99.999"}, "affectation"),
    ],
)
def test_each_bad_field_is_named(data, champ):
    data = {k: v for k, v in data.items() if v is not None}
    assert erreur(data).champ == champ


def test_affectation_resolves_a_commune_through_its_province_zone():
    situation = situation_lire(
        {"indice": 336, "echelle": 11, "affectation": "03.271.01.1"}, jeu=MARS_2025.jeu
    )
    assert situation.zone == "A"


def test_rcar_before_its_ceiling_is_known_is_an_error_in_both_paths():
    parametres = parametres_fixtures(date(2020, 6, 1))
    situation = Situation(indice=336, echelle="11", zone="B", regime_retraite="RCAR")
    with pytest.raises(DonneeInvalide) as scalaire:
        calculer(situation=situation, parametres=parametres)
    with pytest.raises(DonneeInvalide) as lot:
        calculer_lot(population=population_depuis_situations([situation]), parametres=parametres)
    assert scalaire.value.champ == lot.value.champ == "mois"


def test_statutory_indemnities_come_from_the_grade_and_say_they_are_synthetic():
    situation = situation_lire(
        {
            "grade": "TECH-2",
            "echelon": "1",
            "zone": "C",
            "indemnites_statutaires": True,
            "indemnites": [{"code": "PRI", "montant": "100.00"}],
        },
        jeu=MARS_2025.jeu,
    )
    assert [(i.code, i.montant_centimes) for i in situation.indemnites] == [
        ("PRI", 10000),
        ("ITE", 110000),
        ("SUJ", 80000),
    ]
    assert "synthetique" in situation.origine["indemnites_statutaires"]


def test_statutory_indemnities_need_a_known_grade():
    assert erreur({**BASE, "indemnites_statutaires": True}).champ == "indemnites_statutaires"
    e = erreur({"grade": "ING-CHEF-1", "echelon": "1", "zone": "B", "indemnites_statutaires": True})
    assert e.champ == "grade"
