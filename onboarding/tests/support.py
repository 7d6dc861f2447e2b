"""Committed-data helpers for rollout tests: what a test provisions, it removes (rows, schemas,
Keycloak organizations and invited accounts). Audit rows stay: the chain is append-only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from psycopg2 import sql  # type: ignore[import-untyped]

from identity import keycloak_admin
from onboarding.models import DeploiementOrganisation
from tenants import services
from tenants.models import Organisation


def keycloak_organization(code: str) -> dict[str, Any] | None:
    admin = keycloak_admin.admin_client()
    org_id = keycloak_admin.organization_id_by_alias(admin, code)
    return None if org_id is None else dict(admin.get_organization(org_id))


def keycloak_organizations_matching(code: str) -> int:
    admin = keycloak_admin.admin_client()
    return sum(
        1
        for org in admin.get_organizations({"search": keycloak_admin.organization_domain(code)})
        if org.get("alias") == code
    )


def tout_supprimer(codes: Iterable[str], emails: Iterable[str] = ()) -> None:
    codes = list(codes)
    admin = keycloak_admin.admin_client()
    for code in codes:
        org_id = keycloak_admin.organization_id_by_alias(admin, code)
        if org_id is not None:
            admin.delete_organization(org_id)
    for email in emails:
        user = keycloak_admin.user_by_email(admin, email)
        if user is not None:
            admin.delete_user(user["id"])
    DeploiementOrganisation.objects.filter(code__in=codes).delete()
    Organisation.objects.filter(code__in=codes).delete()
    with connection.cursor() as cursor:
        for code in codes:
            cursor.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                    sql.Identifier(services.schema_name_for(code))
                )
            )
