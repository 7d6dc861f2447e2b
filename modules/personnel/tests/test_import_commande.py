"""`python manage.py personnel modele|importer`: files written, exit codes, progress on stderr."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import schema_context
from openpyxl import load_workbook  # type: ignore[import-untyped]

from modules.personnel.importation import colonnes
from modules.personnel.models import Agent

pytestmark = pytest.mark.django_db

FICHIERS = Path(__file__).parent / "fichiers"


def commande(*args: str) -> tuple[str, str]:
    sortie, erreurs = io.StringIO(), io.StringIO()
    call_command("personnel", *args, stdout=sortie, stderr=erreurs)
    return sortie.getvalue(), erreurs.getvalue()


def test_modele_xlsx_has_the_columns_and_a_sheet_explaining_each_one(tmp_path):
    chemin = tmp_path / "modele.xlsx"

    sortie, _ = commande("modele", "--sortie", str(chemin))

    assert f"Modèle écrit : {chemin}" in sortie
    classeur = load_workbook(chemin)
    assert classeur.sheetnames == ["agents", "colonnes"]
    assert [c.value for c in classeur["agents"][1]] == list(colonnes.CODES)
    assert classeur["agents"].max_row == 1  # empty: the header only
    notes = list(classeur["colonnes"].iter_rows(values_only=True))
    assert notes[0][0] == "Colonne / العمود"
    assert [n[0] for n in notes[1:]] == list(colonnes.CODES)
    ppr = dict(zip(notes[0], notes[1], strict=True))
    assert ppr["التسمية"] == "رقم التأجير"
    assert ppr["Obligatoire / إجباري"] == "obligatoire"


def test_modele_csv_writes_the_header_and_the_explanations_beside_it(tmp_path):
    commande("modele", "--sortie", str(tmp_path / "modele.csv"))

    entete = (tmp_path / "modele.csv").read_text(encoding="utf-8-sig").strip()
    assert entete == ";".join(colonnes.CODES)
    with (tmp_path / "modele-colonnes.csv").open(encoding="utf-8-sig") as notes:
        lignes = list(csv.reader(notes, delimiter=";"))
    assert [ligne[0] for ligne in lignes[1:]] == list(colonnes.CODES)


def test_modele_refuses_another_format(tmp_path):
    with pytest.raises(CommandError, match=r"\.xlsx ou en \.csv"):
        commande("modele", "--sortie", str(tmp_path / "modele.ods"))


def test_importer_applies_a_valid_file_with_a_progress_bar_and_a_summary(postes_a, tenant_a):
    sortie, erreurs = commande(
        "importer", str(FICHIERS / "agents_valides.csv"), "--tenant", tenant_a.code
    )

    assert "agents_valides.csv : import appliqué : 5 ligne(s), 5 agent(s) créés, 0 modifiés" in (
        sortie
    )
    assert erreurs.endswith("import [##############################] 100 %\n")
    assert "\r" in erreurs
    with schema_context(tenant_a.schema_name):
        assert Agent.objects.filter(ppr__startswith="200000").count() == 5


def test_importer_dry_run_writes_nothing_and_says_so(postes_a, tenant_a):
    sortie, _ = commande(
        "importer", str(FICHIERS / "agents_valides.csv"), "--tenant", tenant_a.code, "--dry-run"
    )

    assert "vérification seule, rien n'est enregistré" in sortie
    assert "5 agent(s) à créer" in sortie
    with schema_context(tenant_a.schema_name):
        assert not Agent.objects.filter(ppr__startswith="200000").exists()


def test_importer_refused_file_exits_1_lists_errors_and_writes_the_report(
    postes_a, tenant_a, tmp_path
):
    rapport = tmp_path / "rapport.xlsx"
    with pytest.raises(CommandError) as refus:
        commande(
            "importer",
            str(FICHIERS / "agents_mixtes.csv"),
            "--tenant",
            tenant_a.code,
            "--rapport",
            str(rapport),
        )

    assert refus.value.returncode == 1
    assert "2 erreur(s) dans agents_mixtes.csv : rien n'a été importé." in str(refus.value)
    lignes = list(load_workbook(rapport)["Erreurs"].iter_rows(values_only=True))
    assert [(ligne[0], ligne[1]) for ligne in lignes[1:]] == [(4, "rib"), (5, "enfants")]
    with schema_context(tenant_a.schema_name):
        assert not Agent.objects.filter(ppr__startswith="40000").exists()


def test_importer_partial_exits_2_after_applying_the_valid_lines(postes_a, tenant_a):
    with pytest.raises(CommandError) as partiel:
        commande(
            "importer", str(FICHIERS / "agents_mixtes.csv"), "--tenant", tenant_a.code, "--partiel"
        )

    assert partiel.value.returncode == 2
    with schema_context(tenant_a.schema_name):
        assert set(Agent.objects.filter(ppr__startswith="40000").values_list("ppr", flat=True)) == {
            "4000001",
            "4000002",
        }


def test_importer_unknown_tenant_or_missing_file(tenant_a, tmp_path):
    with pytest.raises(CommandError, match="Organisation inconnue : nulle-part"):
        commande("importer", str(FICHIERS / "agents_valides.csv"), "--tenant", "nulle-part")
    with pytest.raises(CommandError, match="Fichier introuvable"):
        commande("importer", str(tmp_path / "absent.csv"), "--tenant", tenant_a.code)


def test_importer_as_a_process_exits_non_zero_and_prints_the_bar_on_stderr(
    postes_a, tenant_a, tmp_path
):
    """The real exit status of `manage.py` (CommandError's returncode)."""
    import subprocess
    import sys

    from tests.support.processes import REPO, child_env

    copie = tmp_path / "agents_mixtes.csv"
    shutil.copy(FICHIERS / "agents_mixtes.csv", copie)
    # The child sees committed data only: tenant A without this test's units, so every line
    # names an unknown unit — which is what this checks: a refusal and its exit status.
    fini = subprocess.run(
        [sys.executable, "manage.py", "personnel", "importer", str(copie), "--tenant", "test-a"],
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert fini.returncode == 1
    assert "rien n'a été importé" in fini.stderr
    assert "vérification" not in fini.stderr  # not a dry run
    assert "import [" in fini.stderr  # the progress bar
    assert "colonne unite « DRH » : Cette unité n'existe pas ou est désactivée." in fini.stdout
