"""`benchmark personnel` at a small scale: it runs end to end, prints one JSON line of the
documented shape, and leaves nothing behind. Timings are never asserted."""

from __future__ import annotations

import json
from io import StringIO

import polars as pl
import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists

from identity.models import User
from modules.personnel import demo, generateur
from modules.personnel.models import Agent, EvenementCarriere
from tenants.models import Domain, InscriptionPpr, Organisation

pytestmark = pytest.mark.django_db


def test_the_baseline_creates_each_row_of_the_file_through_the_service(dans_a, postes_a, tmp_path):
    df = generateur.population(agents=12, seed=3, unites=["DRH", "FES-RH"])
    df = generateur.postes_affecter(df, [generateur.PosteLibre("P-ADM", "ADM-2", 5)])
    chemin = tmp_path / "echantillon.csv"
    generateur.ecrire_csv(df, chemin)

    assert demo.import_naif(chemin, auteur="tests") == 12

    agents = {a.ppr: a for a in Agent.objects.filter(ppr__in=df["ppr"].to_list())}
    assert len(agents) == 12
    for ligne in df.iter_rows(named=True):
        agent = agents[ligne["ppr"]]
        assert (agent.nom_fr, agent.prenom_ar, agent.rib, agent.grade_code, agent.position) == (
            ligne["nom"],
            ligne["prenom_ar"],
            ligne["rib"],
            ligne["grade"],
            ligne["position"],
        )
        assert agent.enfants.count() == len([e for e in ligne["enfants"].split(";") if e])
    assert EvenementCarriere.objects.filter(agent__ppr__in=list(agents)).count() == 12
    assert InscriptionPpr.objects.filter(ppr__in=list(agents), active=True).count() == 12


def test_benchmark_personnel_runs_small_and_leaves_nothing_behind(referentiel):
    organisations = Organisation.objects.count()
    inscriptions = InscriptionPpr.objects.count()
    out = StringIO()

    call_command("benchmark", "personnel", "--agents", "300", "--json", stdout=out)

    resultat = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(resultat) == {
        "benchmark",
        "params",
        "metrics",
        "ratio_vs_baseline",
        "baseline",
        "peak_rss_mb",
    }
    assert resultat["benchmark"] == "personnel"
    assert resultat["params"]["agents"] == 300
    assert resultat["params"]["echantillon_naif"] == 50
    metrics = resultat["metrics"]
    for cle in (
        "import_seconds",
        "peak_rss_mb",
        "list_p95_ms",
        "agent_page_p95_ms",
        "baseline_sample_seconds",
        "baseline_extrapolated_seconds",
        "agents_per_s",
    ):
        assert isinstance(metrics[cle], int | float), cle
        assert metrics[cle] > 0, cle
    assert resultat["ratio_vs_baseline"] > 0
    assert resultat["peak_rss_mb"] > 0
    assert resultat["baseline"] == (
        "row-by-row services.agent_creer on a 50-agent sample, extrapolated"
    )
    # the throwaway tenant is gone, with its registry rows, domain, schema and user
    assert Organisation.objects.count() == organisations
    assert not Organisation.objects.filter(code="bench-personnel").exists()
    assert not Domain.objects.filter(domain__startswith="bench-personnel.").exists()
    assert InscriptionPpr.objects.count() == inscriptions
    assert not schema_exists("t_bench_personnel")
    assert not User.objects.filter(username="bench.personnel").exists()
    assert connection.schema_name == "public"  # type: ignore[attr-defined]


def test_the_demo_tree_is_a_valid_unit_file():
    lignes = demo.arbre_csv(commune=False).decode().splitlines()
    assert lignes[0] == "code;code_parent;type;nom_fr;nom_ar"
    codes = [ligne.split(";")[0] for ligne in lignes[1:]]
    parents = {ligne.split(";")[1] for ligne in lignes[1:]} - {""}
    assert parents <= set(codes)
    assert len(codes) == len(set(codes)) == len(demo.ARBRE_MINISTERE)
    assert pl.Series(codes).str.contains(r"^[A-Z0-9]+(-[A-Z0-9]+)*$").all()
