"""Reading a population file: exact centimes, defaults, and errors naming column and line."""

from decimal import Decimal

import numpy as np
import polars as pl
import pytest

from remuneration.erreurs import DonneeInvalide
from remuneration.lot import ECHELLE_HE
from remuneration.population import population_lire, population_synthetique, situation_de


def test_parquet_with_decimal_and_integer_columns(tmp_path):
    chemin = tmp_path / "pop.parquet"
    pl.DataFrame(
        {
            "indice": [336, 870],
            "echelle": ["11", "HE"],
            "zone": ["b", "A"],
            "enfants_a_charge": [3, 0],
            "conjoint_a_charge": [True, False],
            "indemnites_imposables": pl.Series(
                [Decimal("1200.05"), Decimal("0.10")], dtype=pl.Decimal(12, 2)
            ),
        }
    ).write_parquet(chemin)

    population, matricules = population_lire(chemin)

    assert matricules == ["1", "2"]
    assert population.ind_imposable_non_soumise.tolist() == [120005, 10]
    assert population.echelle.tolist() == [11, ECHELLE_HE]
    assert population.zone.tolist() == [1, 0]
    assert population.personnes_a_charge_ir.tolist() == [4, 0]
    assert population.regime.tolist() == [0, 0]


def test_float_amounts_are_refused(tmp_path):
    chemin = tmp_path / "pop.parquet"
    pl.DataFrame(
        {"indice": [336], "echelle": ["11"], "zone": ["B"], "mutuelle": [12.5]}
    ).write_parquet(chemin)
    with pytest.raises(DonneeInvalide) as info:
        population_lire(chemin)
    assert info.value.champ == "mutuelle"


def test_missing_required_column_is_named(tmp_path):
    chemin = tmp_path / "pop.csv"
    chemin.write_text("indice,echelle\n336,11\n", encoding="utf-8")
    with pytest.raises(DonneeInvalide) as info:
        population_lire(chemin)
    assert info.value.champ == "zone"


def test_other_file_types_are_refused(tmp_path):
    chemin = tmp_path / "pop.xlsx"
    chemin.write_bytes(b"")
    with pytest.raises(DonneeInvalide) as info:
        population_lire(chemin)
    assert info.value.champ == "population"


def test_synthetic_rows_round_trip_to_scalar_situations():
    population = population_synthetique(agents=50)
    for index in range(50):
        situation = situation_de(population, index)
        assert situation.indice == int(population.indice[index])
        assert sum(i.montant_centimes for i in situation.indemnites) == int(
            population.ind_imposable_soumise[index]
            + population.ind_imposable_non_soumise[index]
            + population.ind_non_imposable_soumise[index]
            + population.ind_non_imposable_non_soumise[index]
        )
    assert np.array_equal(population.indice, population_synthetique(agents=50).indice)
