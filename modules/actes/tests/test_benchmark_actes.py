"""`benchmark actes` at a small scale: it runs end to end (the baseline's deltas equal the fast
path's, or the run fails), prints one JSON line of the documented shape, and leaves nothing
behind. Timings are never asserted."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.models import Domain, InscriptionPpr, Organisation

pytestmark = pytest.mark.django_db


def test_benchmark_actes_runs_small_and_leaves_nothing_behind(referentiel: Any) -> None:
    organisations = Organisation.objects.count()
    inscriptions = InscriptionPpr.objects.count()
    out = StringIO()

    call_command("benchmark", "actes", "--actes", "18", "--agents", "240", "--json", stdout=out)

    resultat = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(resultat) == {
        "benchmark",
        "params",
        "metrics",
        "ratio_vs_baseline",
        "baseline",
        "peak_rss_mb",
    }
    assert resultat["benchmark"] == "actes"
    assert resultat["params"]["actes"] == 18
    assert resultat["params"]["agents"] == 240
    assert resultat["params"]["echantillon_baseline"] == 18
    metrics = resultat["metrics"]
    # the yearly advancement over the 240 agents, and acte_creer on a sample of its acts
    assert metrics["bulk_advancement_seconds"] > 0
    assert metrics["bulk_candidates"] > 0
    assert 0 < metrics["bulk_acts_created"] <= metrics["bulk_candidates"]
    assert metrics["bulk_per_act_loop_sample"] == min(100, metrics["bulk_acts_created"])
    assert metrics["bulk_mismatches"] == 0
    assert metrics["bulk_blocking"] == 0  # every residence is classified: every impact computed
    assert metrics["bulk_ratio_vs_per_act_loop"] > 0
    for cle in ("impact_p95_ms", "impact_median_ms", "baseline_p95_ms", "months_per_act_mean"):
        assert isinstance(metrics[cle], int | float), cle
        assert metrics[cle] > 0, cle
    assert metrics["impact_median_ms"] <= metrics["impact_p95_ms"]
    # every act was read and costed; the baseline found the same deltas (else the run fails)
    assert metrics["acts_refused_at_reading"] == 0
    assert metrics["impact_errors"] == 0
    assert metrics["mismatches"] == 0
    assert 1 <= metrics["months_per_act_max"] <= 25
    assert set(metrics["impact_p95_ms_by_type"]) <= {
        "avancement_echelon",
        "mutation",
        "situation_familiale",
        "attribution_indemnite",
        "mise_retraite",
        "titularisation",
    }
    assert len(metrics["impact_p95_ms_by_type"]) >= 5
    assert resultat["ratio_vs_baseline"] > 0
    assert resultat["peak_rss_mb"] > 0
    assert resultat["baseline"].endswith("on 18 of the same acts")
    # the throwaway tenant is gone, with its registry rows, domain and schema
    assert Organisation.objects.count() == organisations
    assert not Organisation.objects.filter(code="bench-actes").exists()
    assert not Domain.objects.filter(domain__startswith="bench-actes.").exists()
    assert InscriptionPpr.objects.count() == inscriptions
    assert not schema_exists("t_bench_actes")
    assert connection.schema_name == "public"  # type: ignore[attr-defined]


def test_benchmark_actes_refuses_a_size_that_is_not_positive(referentiel: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--actes doit être positif"):
        call_command("benchmark", "actes", "--actes", "-1", "--json", stdout=StringIO())
    assert not Organisation.objects.filter(code="bench-actes").exists()
