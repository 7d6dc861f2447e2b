"""A population for the batch path: read from CSV/parquet (polars) or generated (benchmarks).

File columns are documented in docs/remuneration/format-entree.md. Amounts are decimal dirhams,
converted exactly to centimes (a value finer than the centime is an error, not a rounding).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from remuneration.erreurs import DonneeInvalide
from remuneration.lot import ECHELLE_HE, Population
from remuneration.parametres import ZONES
from remuneration.situation import REGIMES, Indemnite, Retenue, Situation

COLONNES_MONTANTS = {
    "indemnites_imposables_soumises": "ind_imposable_soumise",
    "indemnites_imposables": "ind_imposable_non_soumise",
    "indemnites_non_imposables_soumises": "ind_non_imposable_soumise",
    "indemnites_non_imposables": "ind_non_imposable_non_soumise",
    "mutuelle": "mutuelle",
    "autres_retenues": "autres_retenues",
}
MONTANT = r"^\d+(\.\d{1,2})?$"


def _lire(chemin: Path) -> pl.DataFrame:
    if chemin.suffix == ".csv":
        return pl.read_csv(chemin, infer_schema_length=0)  # every column as text
    if chemin.suffix == ".parquet":
        return pl.read_parquet(chemin)
    raise DonneeInvalide(champ="population", message="fichier .csv ou .parquet attendu")


def _premiere_ligne_fautive(masque: pl.Series) -> int:
    return int(masque.arg_true()[0]) + 2  # header is line 1


def _centimes(df: pl.DataFrame, colonne: str) -> np.ndarray:
    if colonne not in df.columns:
        return np.zeros(df.height, dtype=np.int64)
    serie = df[colonne]
    if serie.dtype == pl.Float32 or serie.dtype == pl.Float64:
        raise DonneeInvalide(
            champ=colonne, message="montants en virgule flottante refusés : texte ou décimal"
        )
    texte = serie.cast(pl.Utf8).str.strip_chars().fill_null("0")
    invalide = ~texte.str.contains(MONTANT)
    if invalide.any():
        ligne = _premiere_ligne_fautive(invalide)
        raise DonneeInvalide(
            champ=colonne, message=f"montant invalide ligne {ligne} (dirhams, 2 décimales au plus)"
        )
    parties = texte.str.split_exact(".", 1).struct.unnest()
    entiers = parties["field_0"].cast(pl.Int64)
    fractions = parties["field_1"].fill_null("0").str.pad_end(2, "0").cast(pl.Int64)
    return (entiers * 100 + fractions).to_numpy().astype(np.int64)


def _entiers(df: pl.DataFrame, colonne: str, defaut: int | None) -> np.ndarray:
    if colonne not in df.columns:
        if defaut is None:
            raise DonneeInvalide(champ=colonne, message="colonne obligatoire absente")
        return np.full(df.height, defaut, dtype=np.int64)
    serie = df[colonne].cast(pl.Utf8).str.strip_chars()
    invalide = ~serie.str.contains(r"^\d+$").fill_null(False)
    if invalide.any():
        ligne = _premiere_ligne_fautive(invalide)
        raise DonneeInvalide(champ=colonne, message=f"entier positif attendu ligne {ligne}")
    return serie.cast(pl.Int64).to_numpy().astype(np.int64)


def _codes(
    df: pl.DataFrame, colonne: str, valeurs: tuple[str, ...], defaut: str | None
) -> np.ndarray:
    if colonne not in df.columns:
        if defaut is None:
            raise DonneeInvalide(champ=colonne, message="colonne obligatoire absente")
        return np.full(df.height, valeurs.index(defaut), dtype=np.int64)
    serie = df[colonne].cast(pl.Utf8).str.strip_chars().str.to_uppercase()
    invalide = ~serie.is_in(list(valeurs)).fill_null(False)
    if invalide.any():
        ligne = _premiere_ligne_fautive(invalide)
        raise DonneeInvalide(
            champ=colonne, message=f"valeur inconnue ligne {ligne} ({', '.join(valeurs)})"
        )
    return (
        serie.replace_strict(list(valeurs), list(range(len(valeurs))))
        .cast(pl.Int64)
        .to_numpy()
        .astype(np.int64)
    )


def _booleens(df: pl.DataFrame, colonne: str) -> np.ndarray:
    if colonne not in df.columns:
        return np.zeros(df.height, dtype=np.bool_)
    serie = df[colonne].cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    vrai = serie.is_in(["true", "1", "oui"]).fill_null(False)
    faux = serie.is_in(["false", "0", "non", ""]).fill_null(True)
    if (~(vrai | faux)).any():
        ligne = _premiere_ligne_fautive(~(vrai | faux))
        raise DonneeInvalide(champ=colonne, message=f"true/false attendu ligne {ligne}")
    return vrai.to_numpy().astype(np.bool_)


def population_lire(chemin: Path) -> tuple[Population, list[str]]:
    """(population, matricules) from a CSV or parquet file."""
    df = _lire(chemin)
    echelles = (*tuple(str(n) for n in range(1, 12)), "HE")
    echelle = _codes(df, "echelle", echelles, None) + 1
    echelle[echelle == len(echelles)] = ECHELLE_HE
    enfants = _entiers(df, "enfants_a_charge", 0)
    conjoint = _booleens(df, "conjoint_a_charge").astype(np.int64)
    enfants_af = (
        _entiers(df, "enfants_allocations", 0) if "enfants_allocations" in df.columns else enfants
    )
    personnes = (
        _entiers(df, "personnes_a_charge_ir", 0)
        if "personnes_a_charge_ir" in df.columns
        else enfants + conjoint
    )
    montants = {cible: _centimes(df, colonne) for colonne, cible in COLONNES_MONTANTS.items()}
    population = Population(
        indice=_entiers(df, "indice", None),
        echelle=echelle,
        zone=_codes(df, "zone", ZONES, None),
        enfants_allocations=enfants_af,
        personnes_a_charge_ir=personnes,
        regime=_codes(df, "regime_retraite", REGIMES, "CMR"),
        hausses_generales=_booleens(df, "hausses_generales"),
        **montants,
    )
    population.verifier()
    matricules = (
        df["matricule"].cast(pl.Utf8).to_list()
        if "matricule" in df.columns
        else [str(i + 1) for i in range(df.height)]
    )
    return population, matricules


def population_synthetique(*, agents: int, graine: int = 2026) -> Population:
    """A plausible random population (synthetic: not drawn from any real payroll)."""
    rng = np.random.default_rng(graine)
    echelle = rng.choice(np.array([6, 7, 8, 9, 10, 11, ECHELLE_HE]), size=agents)
    indice = np.where(
        echelle == ECHELLE_HE, rng.integers(704, 931, agents), rng.integers(151, 640, agents)
    ).astype(np.int64)
    regime = rng.choice(np.array([0, 1, 2]), size=agents, p=[0.85, 0.13, 0.02])
    enfants = rng.integers(0, 8, agents).astype(np.int64)
    return Population(
        indice=indice,
        echelle=echelle.astype(np.int64),
        zone=rng.integers(0, 3, agents).astype(np.int64),
        enfants_allocations=enfants,
        personnes_a_charge_ir=enfants + rng.integers(0, 2, agents),
        regime=regime.astype(np.int64),
        ind_imposable_soumise=rng.integers(0, 100_000, agents).astype(np.int64),
        ind_imposable_non_soumise=rng.integers(0, 1_500_000, agents).astype(np.int64),
        ind_non_imposable_soumise=np.zeros(agents, dtype=np.int64),
        ind_non_imposable_non_soumise=rng.integers(0, 50_000, agents).astype(np.int64),
        mutuelle=rng.integers(0, 20_000, agents).astype(np.int64),
        autres_retenues=rng.integers(0, 100_000, agents).astype(np.int64),
        hausses_generales=rng.random(agents) < 0.5,
    )


def situation_de(population: Population, index: int) -> Situation:
    """Row `index` of a population as a scalar-path situation (same amounts, same rules)."""
    p, i = population, index

    def ind(code: str, montant: np.ndarray, imposable: bool, soumise: bool) -> list[Indemnite]:
        valeur = int(montant[i])
        return (
            [
                Indemnite(
                    code=code,
                    montant_centimes=valeur,
                    imposable=imposable,
                    soumise_retraite=soumise,
                )
            ]
            if valeur
            else []
        )

    echelle = int(p.echelle[i])
    return Situation(
        indice=int(p.indice[i]),
        echelle="HE" if echelle == ECHELLE_HE else str(echelle),
        zone=ZONES[int(p.zone[i])],
        enfants_allocations=int(p.enfants_allocations[i]),
        personnes_a_charge_ir=int(p.personnes_a_charge_ir[i]),
        regime_retraite=REGIMES[int(p.regime[i])],
        indemnites=tuple(
            ind("IS", p.ind_imposable_soumise, True, True)
            + ind("IN", p.ind_imposable_non_soumise, True, False)
            + ind("NS", p.ind_non_imposable_soumise, False, True)
            + ind("NN", p.ind_non_imposable_non_soumise, False, False)
        ),
        mutuelle_centimes=int(p.mutuelle[i]),
        autres_retenues=(
            (Retenue(code="AR", montant_centimes=int(p.autres_retenues[i])),)
            if int(p.autres_retenues[i])
            else ()
        ),
        hausses_generales=bool(p.hausses_generales[i]),
    )
