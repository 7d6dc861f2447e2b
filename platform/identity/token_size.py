"""How big a token gets as a tenant's unit tree grows (ADR 0002 §3), measured on Keycloak.

Our design puts in the token only the person's own habilitation groups. The baseline is the
naive one a first design would take: every unit of the tree in the token (here: membership of
every unit's group). Both are real tokens issued by the realm for the same organization.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests
from keycloak import KeycloakAdmin

from identity import keycloak_admin, oidc

BENCH_ORG = "bench-jeton"
BENCH_CLIENT = "indimaj-bench-cli"
PASSWORD = "Bench-Jeton-2026!"  # noqa: S105 — a benchmark account in the bench organization
OWN_HABILITATIONS = ("gestionnaire@U00001", "valideur@U00002", "lecture")


@dataclass(frozen=True)
class TokenSizes:
    units: int
    ours_bytes: int
    baseline_bytes: int
    seconds_to_issue: float


def _bench_client(admin: KeycloakAdmin) -> None:
    if admin.get_client_id(BENCH_CLIENT) is None:
        admin.create_client(
            {
                "clientId": BENCH_CLIENT,
                "publicClient": True,
                "directAccessGrantsEnabled": True,
                "standardFlowEnabled": False,
                "defaultClientScopes": ["basic", "roles", keycloak_admin.API_SCOPE],
                "optionalClientScopes": ["organization"],
            },
            skip_exists=True,
        )


def _person(admin: KeycloakAdmin, username: str, org_id: str, groups: tuple[str, ...]) -> None:
    user_id = keycloak_admin.user_ensure(
        admin,
        username=username,
        email=f"{username}@bench.indimaj.localhost",
        first_name="Bench",
        last_name="Jeton",
        password=PASSWORD,
        organization_ids=(org_id,),
    )
    keycloak_admin.organization_groups_ensure(
        admin, org_id=org_id, user_id=user_id, group_names=groups
    )


def _token(username: str) -> str:
    answer = requests.post(
        f"{oidc.issuer()}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": BENCH_CLIENT,
            "username": username,
            "password": PASSWORD,
            "scope": f"organization:{BENCH_ORG}",
        },
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def measure(*, units: int, base_url: str) -> TokenSizes:
    """Build (idempotently) a bench organization with `units` unit groups, then issue both
    tokens. Creating the groups the first time takes one admin call per unit."""
    admin = keycloak_admin.admin_client()
    org_id = keycloak_admin.organization_ensure(
        admin, alias=BENCH_ORG, name="Benchmark jeton", base_url=base_url
    )
    _bench_client(admin)
    every_unit = tuple(f"gestionnaire@U{n:05d}" for n in range(1, units + 1))
    _person(admin, "bench.ours", org_id, OWN_HABILITATIONS)
    # one baseline account per tree size: memberships are only ever added, never pruned
    baseline_user = f"bench.baseline-{units}"
    _person(admin, baseline_user, org_id, every_unit)
    started = time.perf_counter()
    ours = _token("bench.ours")
    seconds = time.perf_counter() - started
    baseline = _token(baseline_user)
    return TokenSizes(
        units=units,
        ours_bytes=len(ours.encode()),
        baseline_bytes=len(baseline.encode()),
        seconds_to_issue=seconds,
    )
