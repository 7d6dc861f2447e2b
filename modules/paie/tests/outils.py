"""Helpers of the paie pages' suites: a pay month written straight into the tables (the fake at
the ingestion's boundary — the real ingestion is tested in test_echange.py), and a Treasury
line built from the engine's own payslip for an agent of the HR file."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from modules.paie.models import LignePaie, MoisPaie, TotalPaie
from modules.personnel import facade as personnel
from modules.personnel.models import Agent
from modules.unites.perimetres import TOUT
from remuneration import facade as remuneration
from remuneration.situation import situation_lire
from remuneration.sources import ParametresBase


def el(code: str, sens: str, montant: int, origine: str = "engine") -> dict[str, Any]:
    return {
        "code": code,
        "libelle": f"Libellé {code}",
        "libelle_ar": f"بند {code}",
        "sens": sens,
        "montant": montant,
        "origine": origine,
    }


def ligne(
    ppr: str,
    elements: list[dict[str, Any]],
    *,
    nom: str = "",
    agent_id: int | None = None,
    unite_code: str = "",
    imputation: str = "10.1.1.11",
    grade: str = "ADM-2",
    echelon: str = "3",
    indice: int | None = None,
    position: str = "activite",
) -> dict[str, Any]:
    brut = sum(e["montant"] for e in elements if e["sens"] == "gain")
    retenues = sum(e["montant"] for e in elements if e["sens"] == "retenue")
    return {
        "ppr": ppr,
        "nom": nom or f"Agent {ppr}",
        "agent_id": agent_id,
        "unite_code": unite_code,
        "imputation": imputation,
        "grade": grade,
        "echelon": echelon,
        "indice": indice,
        "position": position,
        "brut": brut,
        "retenues": retenues,
        "net": brut - retenues,
        "elements": elements,
    }


def ligne_agent(agent: Agent, mois: date, **changements: Any) -> dict[str, Any]:
    """The line the Treasury pays when it agrees with the HR file: the engine's payslip of the
    agent's situation, every element of origin « engine », and the index the engine resolves
    (the Treasury states it; the HR file usually holds grade and échelon only)."""
    entree = personnel.situation_paie(perimetre=TOUT, agent_id=agent.id, mois=mois)
    assert entree is not None
    bulletin = remuneration.bulletin_calculer(situation=entree)
    elements = [
        el(e.code, e.nature, e.montant_centimes) for e in bulletin.elements if e.montant_centimes
    ]
    valeurs: dict[str, Any] = {
        "nom": f"{agent.nom_fr} {agent.prenom_fr}",
        "agent_id": agent.id,
        "unite_code": agent.unite_code,
        "grade": agent.grade_code,
        "echelon": agent.echelon,
        "indice": indice_moteur(entree, mois),
        "position": agent.position,
        **changements,
    }
    return ligne(agent.ppr, elements, **valeurs)


def indice_moteur(entree: dict[str, Any], mois: date) -> int:
    return situation_lire(entree, jeu=ParametresBase()(mois).jeu).indice


def mois_creer(mois: date, lignes: list[dict[str, Any]], *, sequence: int = 1) -> MoisPaie:
    """A month as the ingestion leaves it: lines, and totals per (imputation, rubrique, sens)."""
    m = MoisPaie.objects.create(
        mois=mois,
        fichier=f"paie-{mois:%Y%m}.jsonl",
        sequence=sequence,
        sha256="0" * 64,
        date_arret=mois.replace(day=20),
        date_paiement=mois.replace(day=27),
        agents=len(lignes),
        brut=sum(x["brut"] for x in lignes),
        retenues=sum(x["retenues"] for x in lignes),
        net=sum(x["net"] for x in lignes),
    )
    LignePaie.objects.bulk_create([LignePaie(mois=m, **x) for x in lignes])
    totaux: dict[tuple[str, str, str], list[Any]] = defaultdict(lambda: [0, 0, ""])
    for x in lignes:
        for e in x["elements"]:
            t = totaux[(x["imputation"], e["code"], e["sens"])]
            t[0] += e["montant"]
            t[1] += 1
            t[2] = e["libelle"]
    TotalPaie.objects.bulk_create(
        [
            TotalPaie(
                mois=m, imputation=i, rubrique=r, sens=s, montant=v[0], agents=v[1], libelle=v[2]
            )
            for (i, r, s), v in totaux.items()
        ]
    )
    return m
