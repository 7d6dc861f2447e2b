"""Smoke run of the token-size benchmark against the real Keycloak (tiny tree)."""

import json
from io import StringIO

from django.core.management import call_command


def test_token_benchmark_runs_and_prints_one_json_line(django_db_setup):
    out = StringIO()
    call_command("benchmark", "jeton", "--unites", "3", "--json", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["benchmark"] == "jeton"
    assert result["params"] == {"unites": 3, "habilitations_personne": 3}
    assert result["metrics"]["token_bytes"] > 0
    assert result["ratio_vs_baseline"] == round(
        result["metrics"]["baseline_token_bytes"] / result["metrics"]["token_bytes"], 1
    )
