"""What other apps may call in identity."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from keycloak import KeycloakAdmin

from identity import keycloak_admin, keycloak_otp
from identity.habilitations import Habilitation


def tenant_identity_ensure(*, alias: str, name: str, base_url: str) -> str:
    """Keycloak side of a tenant: its Organization. Returns the org id.

    Logins return through the apex callback (ADR 0002 §5): nothing per tenant on the client.
    """
    admin = keycloak_admin.admin_client()
    return keycloak_admin.organization_ensure(admin, alias=alias, name=name, base_url=base_url)


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
    otp_secret: str | None = None,
) -> str:
    """A Keycloak user, member of the given tenants' organizations (demo and tests).

    `habilitations` are group names (`admin`, `gestionnaire@FES`…) granted in every one of
    those organizations. With `otp_secret`, the account has a TOTP second factor enrolled.
    """
    admin = keycloak_admin.admin_client()
    org_ids = []
    for alias in organization_aliases:
        org_id = keycloak_admin.organization_id_by_alias(admin, alias)
        if org_id is None:
            raise keycloak_admin.KeycloakUnavailableError(f"organization {alias} does not exist")
        org_ids.append(org_id)
    if otp_secret:
        keycloak_admin.with_retries(
            lambda: keycloak_admin.user_create_with_otp(
                admin,
                username=username,
                email=email,
                first_name=first_name,
                last_name=last_name,
                password=password,
                otp_secret=otp_secret,
            ),
            what=f"OTP enrolment of {username}",
        )
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
    roles = {name.split("@", 1)[0] for name in habilitations}
    if roles & OTP_ROLES or set(realm_roles) & keycloak_otp.OTP_REALM_ROLES:
        keycloak_otp.user_otp_required_ensure(admin, user_id=user_id)
    return user_id


def realm_ensure() -> None:
    """Realm settings that came after the first import (run by migrate_platform)."""
    if settings.KEYCLOAK_BOOTSTRAP_ADMIN_PASSWORD:
        keycloak_admin.realm_bootstrap_ensure(
            username=settings.KEYCLOAK_BOOTSTRAP_ADMIN_USER,
            password=settings.KEYCLOAK_BOOTSTRAP_ADMIN_PASSWORD,
        )
    admin = keycloak_admin.admin_client()
    port = settings.INDIMAJ_WEB_PORT
    suffix = "" if port in (80, 443) else f":{port}"
    keycloak_admin.client_redirects_ensure(
        admin,
        client_id=settings.KEYCLOAK_CLIENT_ID,
        base_url=f"{settings.INDIMAJ_SCHEME}://{settings.INDIMAJ_APEX}{suffix}",
    )
    keycloak_admin.organization_group_mapper_ensure(admin)
    keycloak_admin.api_audience_ensure(
        admin,
        audience=settings.KEYCLOAK_API_AUDIENCE,
        client_ids=(settings.KEYCLOAK_CLIENT_ID,),
    )
    keycloak_otp.otp_flow_ensure(admin)


# --- Tenant members and their habilitations (used by the tenant admin pages) -----------------

OTP_ROLES = frozenset({"admin", "valideur"})


@dataclass(frozen=True)
class TenantMember:
    user_id: str
    username: str
    email: str
    first_name: str
    last_name: str
    enabled: bool
    habilitations: frozenset[Habilitation]

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.username


# Raised when Keycloak stays unreachable after retries; callers may defer to a reconcile job.
KeycloakUnavailableError = keycloak_admin.KeycloakUnavailableError


class UnknownTenantError(RuntimeError):
    pass


def _org_id(admin: KeycloakAdmin, alias: str) -> str:
    org_id = keycloak_admin.organization_id_by_alias(admin, alias)
    if org_id is None:
        raise UnknownTenantError(f"Keycloak has no organization {alias}: run the reconcile")
    return org_id


def tenant_members(*, alias: str) -> list[TenantMember]:
    """Every member of the tenant's organization with their habilitations there."""
    admin = keycloak_admin.admin_client()
    org_id = _org_id(admin, alias)
    held = keycloak_admin.organization_habilitations(admin, org_id=org_id)
    members = [
        TenantMember(
            user_id=str(user["id"]),
            username=str(user.get("username", "")),
            email=str(user.get("email", "")),
            first_name=str(user.get("firstName", "")),
            last_name=str(user.get("lastName", "")),
            enabled=bool(user.get("enabled", True)),
            habilitations=frozenset(held.get(str(user["id"]), set())),
        )
        for user in admin.get_organization_members(org_id)
    ]
    return sorted(members, key=lambda m: (m.last_name.lower(), m.first_name.lower(), m.username))


def tenant_member_get(*, alias: str, user_id: str) -> TenantMember | None:
    """The member with this id in this tenant, or None (missing and not-ours look the same)."""
    return next((m for m in tenant_members(alias=alias) if m.user_id == user_id), None)


def tenant_member_invite(
    *, alias: str, email: str, first_name: str, last_name: str
) -> tuple[str, bool]:
    """Make the person a member; a new account gets Keycloak's e-mail to set its password.

    Returns (user id, whether the account was created). An existing account (the person works
    for another ordonnateur too) is only added to this organization: its profile is not ours.
    """
    admin = keycloak_admin.admin_client()
    org_id = _org_id(admin, alias)
    existing = keycloak_admin.user_by_email(admin, email)
    created = existing is None
    if existing is None:
        user_id = str(
            admin.create_user(
                {
                    "username": email.lower(),
                    "email": email.lower(),
                    "firstName": first_name,
                    "lastName": last_name,
                    "enabled": True,
                    "emailVerified": False,
                    "requiredActions": ["UPDATE_PASSWORD", "VERIFY_EMAIL"],
                },
                exist_ok=False,
            )
        )
    else:
        user_id = str(existing["id"])
    members = {str(m["id"]) for m in admin.get_organization_members(org_id)}
    if user_id not in members:
        admin.organization_user_add(user_id, org_id)
    if created:
        # No redirect back to a tenant host: Keycloak accepts only registered redirect URIs.
        admin.send_update_account(
            user_id=user_id, payload=["UPDATE_PASSWORD", "VERIFY_EMAIL"], lifespan=72 * 3600
        )
    return user_id, created


def tenant_habilitation_grant(*, alias: str, user_id: str, habilitation: Habilitation) -> None:
    """Grant role × perimeter; roles that need a second factor make OTP a required action."""
    admin = keycloak_admin.admin_client()
    org_id = _org_id(admin, alias)
    keycloak_admin.organization_groups_ensure(
        admin, org_id=org_id, user_id=user_id, group_names=(habilitation.group_name,)
    )
    if habilitation.role in OTP_ROLES:
        # The attribute makes Keycloak's browser flow demand the OTP at every login, even if
        # the credential is later deleted; the required action enrols it at the next login.
        keycloak_otp.user_otp_required_ensure(admin, user_id=user_id)
        if not keycloak_admin.user_has_otp(admin, user_id):
            keycloak_admin.user_require_actions(admin, user_id=user_id, actions=("CONFIGURE_TOTP",))


def tenant_habilitation_revoke(*, alias: str, user_id: str, habilitation: Habilitation) -> None:
    admin = keycloak_admin.admin_client()
    org_id = _org_id(admin, alias)
    group_id = keycloak_admin.organization_groups(admin, org_id=org_id).get(habilitation.group_name)
    if group_id is not None:
        keycloak_admin.organization_group_member_remove(
            admin, org_id=org_id, group_id=group_id, user_id=user_id
        )


def tenant_member_remove(*, alias: str, user_id: str) -> bool:
    """End the membership (and its habilitations). Disables the account only when it belonged
    to this tenant alone. Returns whether the account was disabled."""
    admin = keycloak_admin.admin_client()
    org_id = _org_id(admin, alias)
    for group_id in keycloak_admin.organization_groups(admin, org_id=org_id).values():
        keycloak_admin.organization_group_member_remove(
            admin, org_id=org_id, group_id=group_id, user_id=user_id
        )
    admin.organization_user_remove(user_id, org_id)
    if admin.get_user_organizations(user_id):
        return False
    admin.update_user(user_id, {"enabled": False})
    admin.user_logout(user_id)
    return True


# --- API clients of a tenant's integrations (OAuth2 client credentials) ----------------------


@dataclass(frozen=True)
class ApiClient:
    client_id: str
    name: str
    habilitations: frozenset[Habilitation]


def _api_client_prefix(alias: str) -> str:
    return f"api-{alias}-"


def tenant_api_clients(*, alias: str) -> list[ApiClient]:
    admin = keycloak_admin.admin_client()
    org_id = _org_id(admin, alias)
    held = keycloak_admin.organization_habilitations(admin, org_id=org_id)
    clients = []
    prefix = _api_client_prefix(alias)
    for client in admin.get_clients():
        if not str(client.get("clientId", "")).startswith(prefix):
            continue
        account = admin.get_client_service_account_user(client["id"])
        clients.append(
            ApiClient(
                client_id=str(client["clientId"]),
                name=str(client.get("name") or client["clientId"]),
                habilitations=frozenset(held.get(str(account["id"]), set())),
            )
        )
    return sorted(clients, key=lambda c: c.name.lower())


def tenant_api_client_create(
    *, alias: str, name: str, habilitation: Habilitation
) -> tuple[str, str]:
    """A confidential client for one integration; returns (client_id, secret).

    The secret is returned once and never stored by INDIMAJ.
    """
    import secrets as token_source

    admin = keycloak_admin.admin_client()
    org_id = _org_id(admin, alias)
    client_id = f"{_api_client_prefix(alias)}{token_source.token_hex(4)}"
    admin.create_client(
        {
            "clientId": client_id,
            "name": name,
            "protocol": "openid-connect",
            "publicClient": False,
            "serviceAccountsEnabled": True,
            "standardFlowEnabled": False,
            "directAccessGrantsEnabled": False,
            "defaultClientScopes": ["basic", "roles", keycloak_admin.API_SCOPE],
            "optionalClientScopes": ["organization"],
        }
    )
    internal = admin.get_client_id(client_id)
    if internal is None:
        raise keycloak_admin.KeycloakUnavailableError(
            f"client {client_id} not found after creation"
        )
    account = admin.get_client_service_account_user(internal)
    admin.organization_user_add(account["id"], org_id)
    keycloak_admin.organization_groups_ensure(
        admin, org_id=org_id, user_id=str(account["id"]), group_names=(habilitation.group_name,)
    )
    return client_id, str(admin.get_client_secrets(internal)["value"])


def tenant_api_client_revoke(*, alias: str, client_id: str) -> bool:
    """Delete the integration's client (its tokens stop working at once: no client, no
    refresh, and Keycloak refuses new tokens). False when it is not this tenant's."""
    if not client_id.startswith(_api_client_prefix(alias)):
        return False
    admin = keycloak_admin.admin_client()
    internal = admin.get_client_id(client_id)
    if internal is None:
        return False
    admin.delete_client(internal)
    return True


def usernames_with_role(*, tenant_schema: str, role: str) -> list[str]:
    """Who holds `role` in the tenant (the jobs' copy of habilitations): usernames."""
    from identity import habilitation_copies

    return habilitation_copies.usernames_with_role(tenant_schema=tenant_schema, role=role)


def habilitation_copy_refresh(*, alias: str) -> int:
    """Bring the jobs' copy of this tenant's habilitations in line with Keycloak now."""
    from identity import habilitation_copies

    return habilitation_copies.tenant_habilitations_reconcile(alias=alias)


# --- Exchange parties on HTTPS (ADR 0007 §9) --------------------------------------------------

ROLE_ECHANGE = "tgr-echange"
ECHANGE_CLIENT_PREFIX = "echange-"


def echange_client_id(partie: str) -> str:
    """The Keycloak client of an exchange party (`TGR:WADEF` → `echange-TGR-WADEF`)."""
    return ECHANGE_CLIENT_PREFIX + partie.replace(":", "-").replace("/", "-")


def echange_client_ensure(*, partie: str) -> tuple[str, str]:
    """A confidential client for a party that exchanges files over HTTPS, its service account
    holding the realm role `tgr-echange`; returns (client_id, secret)."""
    admin = keycloak_admin.admin_client()
    client_id = echange_client_id(partie)
    admin.create_realm_role({"name": ROLE_ECHANGE}, skip_exists=True)
    if admin.get_client_id(client_id) is None:
        admin.create_client(
            {
                "clientId": client_id,
                "name": f"Échanges {partie}",
                "protocol": "openid-connect",
                "publicClient": False,
                "serviceAccountsEnabled": True,
                "standardFlowEnabled": False,
                "directAccessGrantsEnabled": False,
                "defaultClientScopes": ["basic", "roles", keycloak_admin.API_SCOPE],
            }
        )
    internal = admin.get_client_id(client_id)
    if internal is None:
        raise keycloak_admin.KeycloakUnavailableError(f"client {client_id} not found")
    account = admin.get_client_service_account_user(internal)
    role = admin.get_realm_role(ROLE_ECHANGE)
    admin.assign_realm_roles(user_id=str(account["id"]), roles=[role])
    return client_id, str(admin.get_client_secrets(internal)["value"])


def echange_client_delete(*, partie: str) -> None:
    admin = keycloak_admin.admin_client()
    internal = admin.get_client_id(echange_client_id(partie))
    if internal is not None:
        admin.delete_client(internal)
