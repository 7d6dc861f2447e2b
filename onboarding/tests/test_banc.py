"""The onboarding benchmark at a tiny scale: it runs, prints its JSON, and leaves nothing."""

import io
import json

from django.core.management import call_command
from django.db import connection

from onboarding import banc
from onboarding.tests.support import keycloak_organization
from tenants import pool
from tenants.models import Organisation


def test_benchmark_smoke_prints_the_metrics_and_cleans_up(committed):
    pool_before = {s.name for s in pool.pool_schemas()}
    out = io.StringIO()
    call_command("benchmark", "onboarding", "--tenants", "3", "--json", stdout=out)
    result = json.loads(out.getvalue().splitlines()[-1])
    assert result["benchmark"] == "onboarding"
    assert result["params"] == {
        "tenants": 3,
        "stock_tenants": 3,
        "keycloak_tenants": 1,
        "median_window": 1,
    }
    for key in (
        "provision_median_s_first",
        "provision_median_s_last",
        "provision_with_keycloak_median_s",
        "noop_upgrade_seconds",
    ):
        assert result["metrics"][key] > 0, key
    assert result["ratio_vs_baseline"] > 1
    assert result["peak_rss_mb"] > 0
    # nothing left: rows, schemas (tenants, stock, pool), Keycloak organizations
    assert not Organisation.objects.filter(code__startswith=banc.PREFIXE).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't_bench_onb_%%' "
            "OR nspname LIKE 'bench_stock_%%'"
        )
        assert cursor.fetchone()[0] == 0
    assert {s.name for s in pool.pool_schemas()} == pool_before
    assert keycloak_organization(f"{banc.PREFIXE}00003") is None
