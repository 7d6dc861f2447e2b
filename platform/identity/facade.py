"""What other apps may call in identity."""

from __future__ import annotations

from django.conf import settings

from identity import keycloak_admin


def tenant_identity_ensure(*, alias: str, name: str, base_url: str) -> str:
    """Keycloak side of a tenant: its Organization and its callback URL. Returns the org id."""
    admin = keycloak_admin.admin_client()
    org_id = keycloak_admin.organization_ensure(admin, alias=alias, name=name, base_url=base_url)
    keycloak_admin.client_redirects_ensure(
        admin, client_id=settings.KEYCLOAK_CLIENT_ID, base_url=base_url
    )
    return org_id


def platform_identity_ensure(*, base_url: str) -> None:
    """The apex (operators' console) callback URL on the web client."""
    keycloak_admin.client_redirects_ensure(
        keycloak_admin.admin_client(), client_id=settings.KEYCLOAK_CLIENT_ID, base_url=base_url
    )


def person_ensure(
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    organization_aliases: tuple[str, ...] = (),
    realm_roles: tuple[str, ...] = (),
    habilitations: tuple[str, ...] = (),
) -> str:
    """A Keycloak user, member of the given tenants' organizations (demo and tests).

    `habilitations` are group names (`admin`, `gestionnaire@FES`…) granted in every one of
    those organizations.
    """
    admin = keycloak_admin.admin_client()
    org_ids = []
    for alias in organization_aliases:
        org_id = keycloak_admin.organization_id_by_alias(admin, alias)
        if org_id is None:
            raise keycloak_admin.KeycloakUnavailableError(f"organization {alias} does not exist")
        org_ids.append(org_id)
    user_id = keycloak_admin.user_ensure(
        admin,
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        password=password,
        realm_roles=realm_roles,
        organization_ids=tuple(org_ids),
    )
    if habilitations:
        for org_id in org_ids:
            keycloak_admin.organization_groups_ensure(
                admin, org_id=org_id, user_id=user_id, group_names=habilitations
            )
    return user_id


def realm_ensure() -> None:
    """Realm settings that came after the first import (run by migrate_platform)."""
    admin = keycloak_admin.admin_client()
    keycloak_admin.organization_group_mapper_ensure(admin)
    keycloak_admin.api_audience_ensure(
        admin,
        audience=settings.KEYCLOAK_API_AUDIENCE,
        client_ids=(settings.KEYCLOAK_CLIENT_ID,),
    )
