"""Importing agents from a legacy file (GIPE-Ordonnateur export, spreadsheet): CSV or XLSX.

`importer_fichier` reads, checks every line, compares with the tenant's files, and — unless it
is a dry run — writes, all in one transaction of the current tenant's schema:

    lecture → controle (file and reference data) → rapprochement (agents, registry, posts)
            → ecriture (COPY and set-based SQL) → one audit row

All or nothing by default: one error anywhere and nothing is written. With
`tout_ou_rien=False`, the valid lines are applied and the others reported. Re-importing the
same file changes nothing. The template and its rules: `colonnes` and docs/personnel/import.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django.db import connection, transaction

from audit import services as audit_services
from modules.personnel.importation import controle, ecriture, lecture, rapprochement
from modules.personnel.importation.bilan import BilanImport, ErreurLigne
from modules.personnel.models import PosteBudgetaire
from modules.unites.perimetres import Perimetre

__all__ = ["BilanImport", "ErreurLigne", "Progression", "importer_fichier"]

Progression = Callable[[int, int], None]
# Steps of `progression(fait, TOTAL)`: reading and checking, then writing.
TOTAL = 100
_LU, _VERIFIE, _RAPPROCHE = 10, 25, 40


def _verrouiller_postes(codes: list[str]) -> dict[str, int]:
    """Active posts (code → budgeted number); those the file names are locked until commit,
    so that a recruitment elsewhere cannot take a vacancy the import counted on."""
    if codes:
        list(PosteBudgetaire.objects.select_for_update().filter(code__in=codes).values("id"))
    return dict(PosteBudgetaire.objects.filter(actif=True).values_list("code", "nombre"))


def _refus(lu: lecture.Lecture, *, debut: float, phases: dict[str, float]) -> BilanImport:
    """A file that cannot be read: its problems, nothing else checked."""
    return BilanImport(
        lignes=lu.donnees.height,
        crees=0,
        modifies=0,
        inchanges=0,
        erreurs=list(lu.erreurs),
        applique=False,
        empreinte=lu.empreinte,
        erreurs_total=len(lu.erreurs),
        lignes_en_erreur=lu.donnees.height,
        secondes=time.perf_counter() - debut,
        phases=phases,
    )


def _bilan(
    plan: rapprochement.Plan,
    empreinte: str,
    *,
    applique: bool,
    debut: float,
    phases: dict[str, float],
    ecrit: ecriture.Ecrit | None = None,
) -> BilanImport:
    return BilanImport(
        lignes=plan.lignes.height,
        crees=plan.compte("creer"),
        modifies=plan.compte("modifier"),
        inchanges=plan.compte("inchange"),
        erreurs=plan.erreurs.liste(),
        applique=applique,
        empreinte=empreinte,
        erreurs_total=plan.erreurs.total,
        lignes_en_erreur=int(plan.erreurs.masque.sum()),
        evenements=ecrit.evenements if ecrit else 0,
        enfants=ecrit.enfants if ecrit else 0,
        secondes=time.perf_counter() - debut,
        phases=phases,
    )


def importer_fichier(
    *,
    chemin: Path,
    auteur: str,
    perimetre: Perimetre,
    simulation: bool,
    tout_ou_rien: bool = True,
    progression: Progression | None = None,
) -> BilanImport:
    """Check (and unless `simulation`, apply) a file of agents in the current tenant.

    `perimetre`: where the importer may assign agents (and which existing agents it may
    update). Counts say what was done — or, for a dry run or a refused file, what applying
    the valid lines would do. `progression(fait, total)` follows the steps (total = 100).
    """
    schema = cast(Any, connection).schema_name
    if not schema or schema == "public":
        raise RuntimeError("importer_fichier runs inside a tenant's schema")
    debut = time.perf_counter()
    phases: dict[str, float] = {}

    def etape(nom: str, fait: int) -> None:
        phases[nom] = round(time.perf_counter() - debut - sum(phases.values()), 3)
        if progression is not None:
            progression(fait, TOTAL)

    lu = lecture.lire(chemin)

    def fin() -> None:
        if progression is not None:
            progression(TOTAL, TOTAL)

    etape("lecture", _LU)
    if lu.erreurs:
        fin()
        return _refus(lu, debut=debut, phases=phases)
    empreinte = lu.empreinte

    with transaction.atomic():
        with connection.cursor() as curseur:
            # One import at a time per tenant: two files naming the same new PPR cannot both
            # pass the duplicate check.
            curseur.execute(
                "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':personnel-import'))"
            )
        codes_postes = lu.donnees["poste_budgetaire"].drop_nulls().unique().to_list()
        postes = _verrouiller_postes([] if simulation else codes_postes)
        reference = controle.reference_charger(perimetre=perimetre, postes=postes)
        verification = controle.verifier(lu, reference)
        del lu  # the texts read are no longer needed (the report keeps what it quotes)
        etape("verification", _VERIFIE)
        plan = rapprochement.rapprocher(
            verification, reference, rapprochement.occupation_actuelle()
        )
        del verification
        etape("rapprochement", _RAPPROCHE)
        bloque = plan.erreurs.total > 0 and tout_ou_rien
        if simulation or bloque or plan.valides.height == 0:
            transaction.set_rollback(True)  # temporary tables and locks go; nothing was written
            fin()
            return _bilan(plan, empreinte, applique=False, debut=debut, phases=phases)
        if plan.compte("creer") + plan.compte("modifier") == 0:
            # Every line is already there as the file says: applied, and nothing to write —
            # not even an audit row.
            transaction.set_rollback(True)
            fin()
            return _bilan(plan, empreinte, applique=True, debut=debut, phases=phases)

        def ecriture_progression(fait: int, total: int) -> None:
            if progression is not None and total:
                progression(_RAPPROCHE + (TOTAL - _RAPPROCHE - 1) * fait // total, TOTAL)

        ecrit = ecriture.ecrire(
            plan,
            auteur=auteur,
            reference=f"import {empreinte[:16]}",
            motif=f"Reprise de l'existant : {chemin.name}"[:200],
            progression=ecriture_progression,
        )
        audit_services.audit_record(
            actor=auteur,
            action="personnel.import",
            object_type="fichier",
            object_id=empreinte,
            data={
                "fichier": chemin.name,
                "sha256": empreinte,
                "lignes": plan.lignes.height,
                "crees": ecrit.crees,
                "modifies": ecrit.modifies,
                "inchanges": plan.compte("inchange"),
                "evenements": ecrit.evenements,
                "enfants": ecrit.enfants,
                "lignes_refusees": int(plan.erreurs.masque.sum()),
                "tout_ou_rien": tout_ou_rien,
            },
        )
        etape("ecriture", TOTAL - 1)
    etape("validation", TOTAL)  # the commit (nothing when the caller holds a transaction)
    phases |= ecrit.phases
    return _bilan(plan, empreinte, applique=True, debut=debut, phases=phases, ecrit=ecrit)
