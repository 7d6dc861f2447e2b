"""Turning the texts read into typed values: codes for coded columns (several spellings
accepted), dates in two formats, integers. A value that does not convert becomes null; the
checks compare with the text read to report it."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
from django.utils import translation

from modules.personnel.importation import colonnes
from modules.personnel.importation.lecture import LIGNE
from modules.personnel.models import Position, Statut

IDX = "_idx"  # row index in the file's table (0-based), the key of every frame


def _cle_enum(valeur: str) -> str:
    return colonnes.cle(valeur)


def _correspondances() -> dict[str, dict[str, str]]:
    """Accepted spellings of each coded column (codes, French labels, usual abbreviations)."""
    with translation.override("fr"):
        positions = {_cle_enum(str(p.label)): str(p.value) for p in Position}
        statuts = {_cle_enum(str(s.label)): str(s.value) for s in Statut}
    positions |= {str(p.value): str(p.value) for p in Position}
    positions |= {"en_activite": "activite", "mad": "mise_a_disposition"}
    statuts |= {str(s.value): str(s.value) for s in Statut}
    echelles = {str(n): str(n) for n in range(1, 12)} | {f"{n:02d}": str(n) for n in range(1, 10)}
    echelles |= {"he": "HE", "hors_echelle": "HE"}
    return {
        "sexe": {
            "m": "M",
            "h": "M",
            "masculin": "M",
            "homme": "M",
            "ذكر": "M",
            "f": "F",
            "feminin": "F",
            "femme": "F",
            "انثى": "F",
        },
        "situation_familiale": {
            "c": "celibataire",
            "celibataire": "celibataire",
            "m": "marie",
            "marie": "marie",
            "mariee": "marie",
            "marie_e": "marie",
            "d": "divorce",
            "divorce": "divorce",
            "divorcee": "divorce",
            "divorce_e": "divorce",
            "v": "veuf",
            "veuf": "veuf",
            "veuve": "veuf",
            "veuf_veuve": "veuf",
        },
        "statut": statuts,
        "position": positions,
        "regime_retraite": {"cmr": "CMR", "rcar": "RCAR", "aucun": "AUCUN"},
        "echelle": echelles,
        "conjoint_a_charge": dict.fromkeys(
            ("oui", "o", "1", "vrai", "true", "x", "yes", "y", "نعم"), "1"
        )
        | dict.fromkeys(("non", "n", "0", "faux", "false", "no", "لا"), "0"),
    }


def _enum(brut: pl.Series, correspondances: Mapping[str, str]) -> pl.Series:
    """Each value mapped through its accepted spellings; null when unknown (or blank)."""
    uniques = brut.drop_nulls().unique().to_list()
    table = {u: correspondances.get(_cle_enum(u)) for u in uniques}
    return brut.replace_strict(table, default=None, return_dtype=pl.String)


DATE_JJ_MM = r"^\d{1,2}/\d{1,2}/\d{4}$"
DATE_ISO = r"^\d{4}-\d{1,2}-\d{1,2}$"


def date(brut: pl.Series) -> pl.Series:
    cadre = pl.DataFrame({"v": brut})
    return cadre.select(
        pl.when(pl.col("v").str.contains(DATE_JJ_MM))
        .then(pl.col("v").str.strptime(pl.Date, "%d/%m/%Y", strict=False))
        .when(pl.col("v").str.contains(DATE_ISO))
        .then(pl.col("v").str.strptime(pl.Date, "%Y-%m-%d", strict=False))
        .otherwise(None)
        .alias("v")
    )["v"]


def typer(brut: pl.DataFrame, corps_du_grade: Mapping[str, str]) -> pl.DataFrame:
    """Normalised, typed values: codes for enums, dates, integers; null when unusable."""
    tables = _correspondances()
    c = brut
    conjoint = _enum(c["conjoint_a_charge"], tables["conjoint_a_charge"])
    grade = c["grade"]
    corps = pl.Series("corps", c["corps"]).fill_null(
        grade.replace_strict(dict(corps_du_grade), default=None, return_dtype=pl.String)
    )
    return pl.DataFrame(
        {
            IDX: c[IDX],
            LIGNE: c[LIGNE],
            "ppr": c["ppr"],
            "cin": c["cin"].str.replace_all(r"\s+", "").str.to_uppercase(),
            "nom": c["nom"],
            "prenom": c["prenom"],
            "nom_ar": c["nom_ar"],
            "prenom_ar": c["prenom_ar"],
            "date_naissance": date(c["date_naissance"]),
            "lieu_naissance": c["lieu_naissance"],
            "sexe": _enum(c["sexe"], tables["sexe"]),
            "situation_familiale": _enum(c["situation_familiale"], tables["situation_familiale"]),
            "conjoint_a_charge": conjoint.replace_strict(
                {"1": True, "0": False}, default=None, return_dtype=pl.Boolean
            ),
            "date_recrutement": date(c["date_recrutement"]),
            "statut": _enum(c["statut"], tables["statut"]),
            "corps": corps,
            "grade": grade,
            "echelle": _enum(c["echelle"], tables["echelle"]),
            "echelon": c["echelon"].str.to_uppercase(),
            "indice": c["indice"].str.strip_prefix("+").cast(pl.Int64, strict=False),
            "position": _enum(c["position"], tables["position"]),
            "unite": c["unite"],
            "poste_budgetaire": c["poste_budgetaire"],
            "date_effet_situation": date(c["date_effet_situation"]),
            "rib": c["rib"].str.replace_all(r"[\s.\-]+", ""),
            "banque": c["banque"],
            "adresse": c["adresse"],
            "commune_residence": c["commune_residence"],
            "telephone": c["telephone"].str.replace_all(r"[\s.\-()/]+", ""),
            "email": c["email"].str.to_lowercase(),
            "regime_retraite": _enum(c["regime_retraite"], tables["regime_retraite"]),
        }
    )
