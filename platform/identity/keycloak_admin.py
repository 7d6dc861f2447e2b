"""Keycloak administration through python-keycloak, as the backend's service account.

Keycloak cannot join our database transactions, so every write here is idempotent and read
back: callers may retry it, and a reconcile job re-runs it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from keycloak import KeycloakAdmin, KeycloakOpenIDConnection
from keycloak.exceptions import KeycloakError

logger = logging.getLogger(__name__)
T = TypeVar("T")


class KeycloakUnavailableError(RuntimeError):
    pass


def admin_client() -> KeycloakAdmin:
    connection = KeycloakOpenIDConnection(
        server_url=settings.KEYCLOAK_URL,
        realm_name=settings.KEYCLOAK_REALM,
        client_id=settings.KEYCLOAK_ADMIN_CLIENT_ID,
        client_secret_key=settings.KEYCLOAK_ADMIN_CLIENT_SECRET,
        grant_type="client_credentials",
        timeout=settings.KEYCLOAK_TIMEOUT_SECONDS,
    )
    return KeycloakAdmin(connection=connection)


def with_retries(operation: Callable[[], T], *, what: str, attempts: int = 3) -> T:
    last: Exception | None = None
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except (KeycloakError, OSError) as error:
            last = error
            logger.warning("Keycloak %s failed (attempt %d/%d): %s", what, attempt, attempts, error)
            time.sleep(0.5 * attempt)
    raise KeycloakUnavailableError(f"Keycloak: {what} failed after {attempts} attempts: {last}")


def organization_domain(alias: str) -> str:
    return f"{alias}.{settings.INDIMAJ_APEX}"


def organization_id_by_alias(admin: KeycloakAdmin, alias: str) -> str | None:
    for org in admin.get_organizations({"search": organization_domain(alias), "exact": True}):
        if org.get("alias") == alias:
            return str(org["id"])
    return None


def organization_ensure(admin: KeycloakAdmin, *, alias: str, name: str, base_url: str) -> str:
    """The Organization whose alias is the tenant code; returns its id."""

    domain = organization_domain(alias)

    def find() -> dict[str, Any] | None:
        # The admin API searches names and domains, not aliases: each tenant's org carries
        # its host as domain, which is unique, and we check the alias on what comes back.
        for org in admin.get_organizations({"search": domain, "exact": True}):
            if org.get("alias") == alias:
                return dict(org)
        return None

    def ensure() -> str:
        found = find()
        if found is None:
            admin.create_organization(
                {
                    "name": name,
                    "alias": alias,
                    "enabled": True,
                    "redirectUrl": base_url + "/",
                    "domains": [{"name": domain, "verified": False}],
                }
            )
            found = find()
        if found is None:
            raise KeycloakError(f"organization {alias} not found after creation")
        if found.get("name") != name:
            # the database names the tenant; Keycloak's copy follows it
            admin.update_organization(str(found["id"]), {**found, "name": name})
        return str(found["id"])

    return with_retries(ensure, what=f"organization {alias}")


def client_redirects_ensure(admin: KeycloakAdmin, *, client_id: str, base_url: str) -> None:
    """Register the tenant's callback on the web client (Keycloak has no subdomain wildcard)."""

    def ensure() -> None:
        internal_id = admin.get_client_id(client_id)
        if internal_id is None:
            raise KeycloakError(f"client {client_id} missing from realm")
        client = admin.get_client(internal_id)
        redirects = set(client.get("redirectUris") or [])
        origins = set(client.get("webOrigins") or [])
        attributes = dict(client.get("attributes") or {})
        post_logout = set(filter(None, attributes.get("post.logout.redirect.uris", "").split("##")))
        wanted_redirect, wanted_logout = f"{base_url}/oidc/callback", f"{base_url}/*"
        if wanted_redirect in redirects and wanted_logout in post_logout and base_url in origins:
            return
        redirects.add(wanted_redirect)
        origins.add(base_url)
        post_logout.add(wanted_logout)
        attributes["post.logout.redirect.uris"] = "##".join(sorted(post_logout))
        admin.update_client(
            internal_id,
            {
                "redirectUris": sorted(redirects),
                "webOrigins": sorted(origins),
                "attributes": attributes,
            },
        )
        after = admin.get_client(internal_id)
        if wanted_redirect not in (after.get("redirectUris") or []):
            raise KeycloakError(f"redirect URI {wanted_redirect} not kept by Keycloak")

    with_retries(ensure, what=f"redirect URIs for {base_url}")


def user_ensure(
    admin: KeycloakAdmin,
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    realm_roles: tuple[str, ...] = (),
    organization_ids: tuple[str, ...] = (),
) -> str:
    """A ready-to-use user (no pending required action); returns its Keycloak id."""

    def ensure() -> str:
        user_id = admin.get_user_id(username)
        payload = {
            "username": username,
            "email": email,
            "emailVerified": True,
            "firstName": first_name,
            "lastName": last_name,
            "enabled": True,
            "requiredActions": [],
        }
        if user_id is None:
            user_id = admin.create_user(payload, exist_ok=True)
        else:
            admin.update_user(user_id, payload)
        admin.set_user_password(user_id, password, temporary=False)
        if realm_roles:
            roles = [admin.get_realm_role(name) for name in realm_roles]
            admin.assign_realm_roles(user_id, roles)
            # platform roles never work without a second factor (ADR 0002)
            if not user_has_otp(admin, user_id):
                user_require_actions(admin, user_id=user_id, actions=("CONFIGURE_TOTP",))
        member_of = {org["id"] for org in admin.get_user_organizations(user_id)}
        for org_id in organization_ids:
            if org_id not in member_of:
                admin.organization_user_add(user_id, org_id)
        return str(user_id)

    return with_retries(ensure, what=f"user {username}")


API_SCOPE = "indimaj-api"


def api_audience_ensure(
    admin: KeycloakAdmin, *, audience: str, client_ids: tuple[str, ...]
) -> None:
    """A client scope that puts the API audience in access tokens, default for the clients.

    Realm JSON is imported only into a new realm; changes made after go-live are applied here,
    idempotently, by `migrate_platform`.
    """

    def ensure() -> None:
        scope = next((s for s in admin.get_client_scopes() if s["name"] == API_SCOPE), None)
        if scope is None:
            admin.create_client_scope(
                {
                    "name": API_SCOPE,
                    "protocol": "openid-connect",
                    "attributes": {
                        "include.in.token.scope": "false",
                        "display.on.consent.screen": "false",
                    },
                },
                skip_exists=True,
            )
            scope = next(s for s in admin.get_client_scopes() if s["name"] == API_SCOPE)
        mappers = admin.get_mappers_from_client_scope(scope["id"])
        if not any(m.get("name") == "audience" for m in mappers):
            admin.add_mapper_to_client_scope(
                scope["id"],
                {
                    "name": "audience",
                    "protocol": "openid-connect",
                    "protocolMapper": "oidc-audience-mapper",
                    "config": {
                        "included.custom.audience": audience,
                        "access.token.claim": "true",
                        "id.token.claim": "false",
                    },
                },
            )
        for client_id in client_ids:
            internal = admin.get_client_id(client_id)
            if internal is None:
                raise KeycloakError(f"client {client_id} missing from realm")
            defaults = {s["name"] for s in admin.get_client_default_client_scopes(internal)}
            if API_SCOPE not in defaults:
                admin.add_client_default_client_scope(internal, scope["id"], {})

    with_retries(ensure, what="API audience scope")


def organization_group_mapper_ensure(admin: KeycloakAdmin) -> None:
    """Put the member's groups of the requested organization in the token (ADR 0002)."""

    def ensure() -> None:
        scope = next((s for s in admin.get_client_scopes() if s["name"] == "organization"), None)
        if scope is None:
            raise KeycloakError("client scope 'organization' missing: are Organizations enabled?")
        mappers = admin.get_mappers_from_client_scope(scope["id"])
        if any(m.get("protocolMapper") == GROUP_MAPPER for m in mappers):
            return
        admin.add_mapper_to_client_scope(
            scope["id"],
            {
                "name": "organization groups",
                "protocol": "openid-connect",
                "protocolMapper": GROUP_MAPPER,
                "config": {
                    "access.token.claim": "true",
                    "id.token.claim": "true",
                    "introspection.token.claim": "true",
                },
            },
        )

    with_retries(ensure, what="organization group mapper")


GROUP_MAPPER = "oidc-organization-group-membership-mapper"


def organization_groups_ensure(
    admin: KeycloakAdmin, *, org_id: str, user_id: str, group_names: tuple[str, ...]
) -> None:
    """The user is a member of these groups of the organization (created when missing).

    python-keycloak 7.1 has no organization-group calls: raw admin REST calls.
    """
    base = f"admin/realms/{admin.connection.realm_name}/organizations/{org_id}/groups"

    def groups() -> dict[str, str]:
        answer = admin.connection.raw_get(base)
        answer.raise_for_status()
        return {g["name"]: g["id"] for g in answer.json()}

    def ensure() -> None:
        existing = groups()
        for name in group_names:
            if name not in existing:
                created = admin.connection.raw_post(base, data=json.dumps({"name": name}))
                if created.status_code not in (201, 409):
                    raise KeycloakError(f"group {name}: {created.status_code} {created.text[:200]}")
        existing = groups()
        for name in group_names:
            added = admin.connection.raw_put(f"{base}/{existing[name]}/members/{user_id}", data="")
            if added.status_code not in (204, 409):
                raise KeycloakError(f"membership {name}: {added.status_code} {added.text[:200]}")

    with_retries(ensure, what=f"organization groups {group_names}")


def _org_groups_base(admin: KeycloakAdmin, org_id: str) -> str:
    return f"admin/realms/{admin.connection.realm_name}/organizations/{org_id}/groups"


def organization_groups(admin: KeycloakAdmin, *, org_id: str) -> dict[str, str]:
    """Group name → group id, for the organization's (flat) habilitation groups."""
    answer = admin.connection.raw_get(_org_groups_base(admin, org_id), max=-1)
    if answer.status_code != 200:
        raise KeycloakError(f"organization groups: {answer.status_code} {answer.text[:200]}")
    return {g["name"]: g["id"] for g in answer.json()}


def organization_group_members(admin: KeycloakAdmin, *, org_id: str, group_id: str) -> list[str]:
    answer = admin.connection.raw_get(
        f"{_org_groups_base(admin, org_id)}/{group_id}/members", max=-1
    )
    if answer.status_code != 200:
        raise KeycloakError(f"group members: {answer.status_code} {answer.text[:200]}")
    return [str(user["id"]) for user in answer.json()]


def organization_group_member_remove(
    admin: KeycloakAdmin, *, org_id: str, group_id: str, user_id: str
) -> None:
    answer = admin.connection.raw_delete(
        f"{_org_groups_base(admin, org_id)}/{group_id}/members/{user_id}"
    )
    if answer.status_code not in (204, 404):
        raise KeycloakError(f"remove from group: {answer.status_code} {answer.text[:200]}")


def user_by_email(admin: KeycloakAdmin, email: str) -> dict[str, Any] | None:
    for user in admin.get_users({"email": email, "exact": True}):
        if str(user.get("email", "")).lower() == email.lower():
            return dict(user)
    return None


def user_has_otp(admin: KeycloakAdmin, user_id: str) -> bool:
    return any(c.get("type") == "otp" for c in admin.get_credentials(user_id))


def user_require_actions(admin: KeycloakAdmin, *, user_id: str, actions: tuple[str, ...]) -> None:
    user = admin.get_user(user_id)
    wanted = sorted(set(user.get("requiredActions") or []) | set(actions))
    if wanted != sorted(user.get("requiredActions") or []):
        admin.update_user(user_id, {"requiredActions": wanted})


def user_create_with_otp(
    admin: KeycloakAdmin,
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    otp_secret: str,
) -> None:
    """Create a user with a password and an enrolled TOTP credential (demo and test accounts).

    The admin API cannot add an OTP credential to an existing user; a partial import can
    create one with it. An existing user without OTP is recreated.
    """
    user_id = admin.get_user_id(username)
    if user_id is not None:
        if user_has_otp(admin, user_id):
            return
        admin.delete_user(user_id)
    otp = {
        "type": "otp",
        "userLabel": "INDIMAJ",
        "secretData": json.dumps({"value": otp_secret}),
        "credentialData": json.dumps(
            {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}
        ),
    }
    payload = {
        "ifResourceExists": "SKIP",
        "users": [
            {
                "username": username,
                "email": email,
                "emailVerified": True,
                "firstName": first_name,
                "lastName": last_name,
                "enabled": True,
                "credentials": [
                    {"type": "password", "value": password, "temporary": False},
                    otp,
                ],
            }
        ],
    }
    answer = admin.connection.raw_post(
        f"admin/realms/{admin.connection.realm_name}/partialImport", data=json.dumps(payload)
    )
    if answer.status_code != 200:
        raise KeycloakError(
            f"partial import of {username}: {answer.status_code} {answer.text[:200]}"
        )


SERVICE_ACCOUNT_ROLES = (
    "manage-users",
    "view-users",
    "query-users",
    "manage-clients",
    "view-clients",
    "manage-realm",
    "view-realm",
    "view-events",
    "manage-events",
)


def realm_bootstrap_ensure(*, username: str, password: str) -> None:
    """What the backend's service account cannot give itself, done as Keycloak's own admin
    (the master realm's bootstrap admin, known to the infra scripts in dev and tests):
    the realm-management roles of the service account, and the realm's event settings."""
    from identity.keycloak_events import events_config_ensure

    connection = KeycloakOpenIDConnection(
        server_url=settings.KEYCLOAK_URL,
        username=username,
        password=password,
        realm_name=settings.KEYCLOAK_REALM,
        user_realm_name="master",
        client_id="admin-cli",
        timeout=settings.KEYCLOAK_TIMEOUT_SECONDS,
    )
    admin = KeycloakAdmin(connection=connection)

    def ensure() -> None:
        backend = admin.get_client_id(settings.KEYCLOAK_ADMIN_CLIENT_ID)
        management = admin.get_client_id("realm-management")
        if backend is None or management is None:
            raise KeycloakError("backend client or realm-management missing from the realm")
        account = admin.get_client_service_account_user(backend)
        held = {r["name"] for r in admin.get_client_roles_of_user(account["id"], management)}
        missing = [
            admin.get_client_role(management, name)
            for name in SERVICE_ACCOUNT_ROLES
            if name not in held
        ]
        if missing:
            admin.assign_client_role(account["id"], management, missing)
        events_config_ensure(admin)

    with_retries(ensure, what="realm bootstrap (service account roles, events)")


def organization_habilitations(admin: KeycloakAdmin, *, org_id: str) -> dict[str, set[Any]]:
    """User id → habilitations, from the organization's habilitation groups."""
    from identity.habilitations import Habilitation

    held: dict[str, set[Any]] = {}
    for name, group_id in organization_groups(admin, org_id=org_id).items():
        habilitation = Habilitation.from_group(name)
        if habilitation is None:
            continue
        for user_id in organization_group_members(admin, org_id=org_id, group_id=group_id):
            held.setdefault(user_id, set()).add(habilitation)
    return held
