"""`benchmark onboarding --tenants N`: provisioning and upgrades at rollout scale (ADR 0005).

Measures, in one run: django-tenants' stock creation (empty schema + every migration) on a few
tenants, the baseline; the warm pool's fill (clones, the background work); provisioning of N
tenants one after the other, each on a fresh connection, without the Keycloak step (median of
the first and of the last tenth, to show whether it stays flat as schemas accumulate); a few
more tenants end to end with their Keycloak Organization; a no-op upgrade over every schema.
Everything it created is removed at the end (schemas, rows, Keycloak organizations); audit rows
stay, the chain being append-only.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from psycopg2 import sql  # type: ignore[import-untyped]

from identity import keycloak_admin
from tenants import pool, services, upgrade
from tenants.models import Organisation

PREFIXE = "bench-onb-"
STOCK_PREFIXE = "bench_stock_"


@dataclass(frozen=True)
class MesureOnboarding:
    params: dict[str, Any]
    metrics: dict[str, Any]
    ratio_vs_baseline: float
    baseline: str


def _chrono(operation: Callable[[], object]) -> float:
    connections.close_all()  # each tenant on a fresh connection (ADR 0005)
    debut = time.perf_counter()
    operation()
    return time.perf_counter() - debut


def _spec(index: int) -> services.OrganisationSpec:
    return services.OrganisationSpec(
        code=f"{PREFIXE}{index:05d}",
        kind="commune",
        name_fr=f"Commune de banc {index}",
        name_ar=f"جماعة الاختبار {index}",
    )


def _stock_creation(schema: str) -> None:
    """django-tenants' path without a template: CREATE SCHEMA, then every migration."""
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0)


def _median(valeurs: list[float]) -> float:
    return round(statistics.median(valeurs), 4) if valeurs else 0.0


def mesurer(*, tenants: int, stock: int = 3, avec_keycloak: int = 10) -> MesureOnboarding:
    if Organisation.objects.filter(code__startswith=PREFIXE).exists():
        raise RuntimeError(f"organisations {PREFIXE}* exist: a previous run was interrupted")
    stock_schemas = [f"{STOCK_PREFIXE}{i}" for i in range(stock)]
    crees: list[str] = []
    pool_crees: list[str] = []
    keycloak_n = min(avec_keycloak, max(1, tenants // 10))
    try:
        stock_s = [_chrono(lambda s=s: _stock_creation(s)) for s in stock_schemas]  # type: ignore[misc]

        debut_pool = time.perf_counter()
        remplissage = pool.pool_fill(target=pool.pool_ready_count() + tenants + keycloak_n)
        pool_crees.extend(remplissage.created)
        pool_s = time.perf_counter() - debut_pool

        debut = time.perf_counter()
        durees: list[float] = []
        for index in range(tenants):
            spec = _spec(index)
            durees.append(
                _chrono(
                    lambda spec=spec: services.organisation_provision(  # type: ignore[misc]
                        spec=spec, actor="benchmark", sync_identity=False
                    )
                )
            )
            crees.append(spec.code)
        total_s = time.perf_counter() - debut

        avec_kc: list[float] = []
        for index in range(tenants, tenants + keycloak_n):
            spec = _spec(index)

            def bout_en_bout(spec: services.OrganisationSpec = spec) -> None:
                organisation = services.organisation_provision(
                    spec=spec, actor="benchmark", sync_identity=False
                )
                crees.append(spec.code)
                services.organisation_sync_identity(organisation=organisation)

            avec_kc.append(_chrono(bout_en_bout))

        connections.close_all()
        debut_upgrade = time.perf_counter()
        rapport = upgrade.upgrade_platform(parallel=2)
        noop_s = time.perf_counter() - debut_upgrade
        if rapport.results:
            raise RuntimeError(f"the no-op upgrade migrated {len(rapport.results)} schema(s)")
    finally:
        _nettoyer(crees, stock_schemas, pool_crees)

    dixieme = max(1, tenants // 10)
    premiers, derniers = _median(durees[:dixieme]), _median(durees[-dixieme:])
    stock_median = _median(stock_s)
    return MesureOnboarding(
        params={
            "tenants": tenants,
            "stock_tenants": stock,
            "keycloak_tenants": keycloak_n,
            "median_window": dixieme,
        },
        metrics={
            "provision_median_s_first": premiers,
            "provision_median_s_last": derniers,
            "provision_with_keycloak_median_s": _median(avec_kc),
            "noop_upgrade_seconds": round(noop_s, 3),
            "noop_upgrade_plan_seconds": round(rapport.plan_seconds, 3),
            "provision_total_seconds": round(total_s, 3),
            "stock_creation_median_s": stock_median,
            "pool_fill_seconds": round(pool_s, 3),
            "pool_clone_median_s": _median(list(remplissage.seconds)),
            "schemas_upgraded_checked": rapport.planned_schemas,
        },
        ratio_vs_baseline=round(stock_median / derniers, 1) if derniers else 0.0,
        baseline=(
            f"django-tenants stock creation (empty schema + all migrations) on {stock} tenants; "
            "ratio against the median of the last tenth"
        ),
    )


def _nettoyer(codes: list[str], stock_schemas: list[str], pool_schemas: list[str]) -> None:
    connections.close_all()
    admin = keycloak_admin.admin_client()
    for code in codes:
        org_id = keycloak_admin.organization_id_by_alias(admin, code)
        if org_id is not None:
            admin.delete_organization(org_id)
    schemas = [services.schema_name_for(c) for c in codes] + stock_schemas
    Organisation.objects.filter(code__in=codes).delete()
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
            )
    restants = {s.name for s in pool.pool_schemas()}
    for name in pool_schemas:
        if name in restants:
            pool.pool_drop(name=name)
    assert settings.TENANT_BASE_SCHEMA not in schemas
