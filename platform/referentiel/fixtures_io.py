"""Read the versioned fixture files (JSON parameters, CSV nomenclatures) without the database.

The loader command writes these into the public schema; tests and tools can also resolve
parameters straight from the files (`enregistrements_fixtures`) through the same bitemporal
resolution as the database, so both paths give identical parameter sets.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from referentiel.resolution import Enregistrement

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
STATUTS = ("verifie", "non_verifie", "connaissance_generale", "synthetique")
# Recordings read straight from the files are "known since forever": any instant sees them.
EPOQUE_FIXTURES = datetime(2000, 1, 1, tzinfo=UTC)


class FixtureInvalide(ValueError):
    pass


@dataclass(frozen=True)
class ParametreFixture:
    code: str
    valide_du: date
    valeur: Any
    source: str
    statut: str
    fichier: str


@dataclass(frozen=True)
class CorpsFixture:
    code: str
    libelle_fr: str
    source: str
    libelle_ar: str = ""


@dataclass(frozen=True)
class GradeFixture:
    code: str
    corps_code: str
    libelle_fr: str
    source: str
    # The Arabic labels are a translation from general knowledge, not checked against the
    # statutes' Arabic text (docs/remuneration/sources.md): they name the grade on bilingual pages.
    libelle_ar: str = ""


@dataclass(frozen=True)
class TerritoireFixture:
    niveau: str
    code: str
    nom_fr: str
    nom_ar: str
    parent_code: str
    statut: str
    source: str


def _check(*, statut: str, source: str, where: str) -> None:
    if statut not in STATUTS:
        raise FixtureInvalide(f"{where} : statut « {statut} » inconnu ({', '.join(STATUTS)})")
    if not source.strip():
        raise FixtureInvalide(f"{where} : la source est obligatoire")


def _csv(name: str) -> list[dict[str, str]]:
    with (FIXTURES_DIR / "nomenclatures" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def parametres_fixtures() -> list[ParametreFixture]:
    """Every parameter of the fixture files: the JSON files, plus the grids and the grade
    classification derived from the nomenclature CSVs (one parameter per row, its own source)."""
    out: list[ParametreFixture] = []
    for path in sorted((FIXTURES_DIR / "parametres").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for index, item in enumerate(document["parametres"], start=1):
            where = f"{path.name} #{index}"
            _check(statut=item["statut"], source=item["source"], where=where)
            out.append(
                ParametreFixture(
                    code=item["code"],
                    valide_du=date.fromisoformat(item["valide_du"]),
                    valeur=item["valeur"],
                    source=item["source"],
                    statut=item["statut"],
                    fichier=path.name,
                )
            )
    for index, row in enumerate(_csv("grille_indiciaire.csv"), start=2):
        _check(statut=row["statut"], source=row["source"], where=f"grille_indiciaire.csv:{index}")
        duree = row["duree_mois_vers_suivant"]
        out.append(
            ParametreFixture(
                code=f"grille.{row['grille']}.{row['echelon']}",
                valide_du=date(2016, 1, 1),
                valeur={"indice": int(row["indice"]), "duree_mois": int(duree) if duree else None},
                source=row["source"],
                statut=row["statut"],
                fichier="grille_indiciaire.csv",
            )
        )
    for index, row in enumerate(_csv("grades.csv"), start=2):
        _check(statut=row["statut"], source=row["source"], where=f"grades.csv:{index}")
        out.append(
            ParametreFixture(
                code=f"grade.{row['code']}",
                valide_du=date.fromisoformat(row["valide_du"]),
                valeur={"echelle": row["echelle"], "grille": row["grille"]},
                source=row["source"],
                statut=row["statut"],
                fichier="grades.csv",
            )
        )
    return out


def enregistrements_fixtures() -> list[Enregistrement]:
    """The fixture parameters as recordings known since `EPOQUE_FIXTURES`."""
    return [
        Enregistrement(
            code=p.code,
            valide_du=p.valide_du,
            enregistre_le=EPOQUE_FIXTURES,
            valeur=p.valeur,
            source=p.source,
            statut=p.statut,
            version=f"fixture:{p.fichier}:{p.code}@{p.valide_du.isoformat()}",
        )
        for p in parametres_fixtures()
    ]


def corps_fixtures() -> list[CorpsFixture]:
    return [
        CorpsFixture(
            code=r["code"],
            libelle_fr=r["libelle_fr"],
            libelle_ar=r.get("libelle_ar") or "",
            source=r["source"],
        )
        for r in _csv("corps.csv")
    ]


def grades_fixtures() -> list[GradeFixture]:
    return [
        GradeFixture(
            code=r["code"],
            corps_code=r["corps_code"],
            libelle_fr=r["libelle_fr"],
            libelle_ar=r.get("libelle_ar") or "",
            source=r["source"],
        )
        for r in _csv("grades.csv")
    ]


def territoires_fixtures() -> list[TerritoireFixture]:
    rows = _csv("territoires.csv")
    for index, row in enumerate(rows, start=2):
        _check(statut=row["statut"], source=row["source"], where=f"territoires.csv:{index}")
    return [
        TerritoireFixture(
            niveau=r["niveau"],
            code=r["code"],
            nom_fr=r["nom_fr"],
            nom_ar=r["nom_ar"],
            parent_code=r["parent_code"],
            statut=r["statut"],
            source=r["source"],
        )
        for r in rows
    ]
