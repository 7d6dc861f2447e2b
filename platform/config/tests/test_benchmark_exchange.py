"""`benchmark exchange` at a small scale: the file is built, verified and ingested in a throwaway
tenant (every line, the unknown PPRs unresolved), the baseline runs, one JSON line of the
documented shape is printed, and nothing is left behind. Timings are never asserted."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists

from exchange.models import Cle, Fichier, Sequence
from modules.personnel.tests.conftest import referentiel  # noqa: F401  (fixture)
from tenants.models import Domain, InscriptionPpr, Organisation

pytestmark = pytest.mark.django_db


def test_benchmark_exchange_runs_small_and_leaves_nothing_behind(referentiel: Any) -> None:  # noqa: F811
    organisations = Organisation.objects.count()
    inscriptions = InscriptionPpr.objects.count()
    fichiers = Fichier.objects.count()
    out = StringIO()

    call_command("benchmark", "exchange", "--agents", "1200", "--json", stdout=out)

    resultat = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(resultat) == {
        "benchmark", "params", "metrics", "ratio_vs_baseline", "baseline", "peak_rss_mb",
    }  # fmt: skip
    assert resultat["benchmark"] == "exchange"
    assert resultat["params"] == {
        "agents": 1200, "ppr_inconnus": 1, "echantillon": 1199, "mois": "2026-10",
    }  # fmt: skip
    metrics = resultat["metrics"]
    assert metrics["agents_resolved"] == 1199
    # header + 1,200 agents + the trailer (24 imputations × the rubriques present)
    assert metrics["records"] == 1 + 1200 + metrics["totals"]
    # (the comparison is triggered on commit: the test's transaction never commits, so
    # `comparison_triggered` is only meaningful in a real run)
    for cle in ("ingest_dispatch_seconds", "verify_seconds", "baseline_sample_seconds"):
        assert metrics[cle] > 0, cle
    assert resultat["ratio_vs_baseline"] > 0
    assert resultat["baseline"] == "row-by-row ORM ingestion on a 1,199-line sample, extrapolated"
    # the throwaway tenant and the run's gateway rows are gone
    assert Organisation.objects.count() == organisations
    assert not Domain.objects.filter(domain__startswith="bench-echange.").exists()
    assert InscriptionPpr.objects.count() == inscriptions
    assert not schema_exists("t_bench_echange")
    assert Fichier.objects.count() == fichiers
    assert not Sequence.objects.filter(destinataire="ORD:bench-echange").exists()
    assert not Cle.objects.filter(partie="TGR:BANC").exists()
    assert connection.schema_name == "public"  # type: ignore[attr-defined]
