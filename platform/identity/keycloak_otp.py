"""Second factor by role, enforced by Keycloak's own browser flow (ADR 0002 §6, amended).

A required action (CONFIGURE_TOTP) set when a role is granted is not enough: the user could
later delete the credential from Keycloak's account console and log in with a password only.
So the realm's browser flow is a copy of Keycloak's, `indimaj browser`, where:

- a CONDITIONAL sub-flow asks for the OTP whenever the user carries the admin-only attribute
  `indimaj_otp = requis` (set when a role that needs a second factor is granted: tenant
  `admin`/`valideur`, platform roles). With no credential, Keycloak's OTP form makes the user
  enrol one before going on;
- Keycloak's own "Conditional 2FA" sub-flow (for users who enrolled a factor on their own) gets
  the negated condition, so nobody is asked twice.

The attribute is declared in the user profile as viewable and editable by administrators only.
Every step is idempotent and checked against what is already there.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from django.conf import settings
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError

from identity.keycloak_admin import with_retries

FLOW_ALIAS = "indimaj browser"
SUBFLOW_ALIAS = "indimaj OTP par role"
ATTRIBUTE = "indimaj_otp"
REQUIRED_VALUE = "requis"
OTP_REALM_ROLES = frozenset({"tgr-operateur", "plateforme-admin"})


def _base(admin: KeycloakAdmin) -> str:
    return f"admin/realms/{admin.connection.realm_name}"


def _check(answer: Any, what: str, ok: tuple[int, ...] = (200, 201, 204)) -> Any:
    if answer.status_code not in ok:
        raise KeycloakError(f"{what}: {answer.status_code} {answer.text[:300]}")
    return answer


def user_profile_attribute_ensure(admin: KeycloakAdmin) -> None:
    """Declare `indimaj_otp` (admin-only), else the user profile drops it on every update."""
    url = f"{_base(admin)}/users/profile"
    profile = _check(admin.connection.raw_get(url), "user profile").json()
    if any(a.get("name") == ATTRIBUTE for a in profile.get("attributes", [])):
        return
    profile.setdefault("attributes", []).append(
        {
            "name": ATTRIBUTE,
            "displayName": "Second facteur requis (INDIMAJ)",
            "permissions": {"view": ["admin"], "edit": ["admin"]},
            "multivalued": False,
        }
    )
    _check(admin.connection.raw_put(url, data=json.dumps(profile)), "user profile update")


def _executions(admin: KeycloakAdmin, flow_alias: str) -> list[dict[str, Any]]:
    url = f"{_base(admin)}/authentication/flows/{_quote(flow_alias)}/executions"
    return list(_check(admin.connection.raw_get(url), f"executions of {flow_alias}").json())


def _quote(alias: str) -> str:
    return quote(alias, safe="")


def _add_execution(admin: KeycloakAdmin, flow_alias: str, provider: str) -> None:
    url = f"{_base(admin)}/authentication/flows/{_quote(flow_alias)}/executions/execution"
    _check(
        admin.connection.raw_post(url, data=json.dumps({"provider": provider})),
        f"execution {provider} in {flow_alias}",
    )


def _set_requirement(
    admin: KeycloakAdmin, flow_alias: str, execution: dict[str, Any], requirement: str
) -> None:
    if execution.get("requirement") == requirement:
        return
    url = f"{_base(admin)}/authentication/flows/{_quote(flow_alias)}/executions"
    body = {**execution, "requirement": requirement}
    _check(admin.connection.raw_put(url, data=json.dumps(body)), "execution requirement")


def _configure(
    admin: KeycloakAdmin, execution: dict[str, Any], alias: str, config: dict[str, str]
) -> None:
    if execution.get("authenticationConfig"):
        return
    url = f"{_base(admin)}/authentication/executions/{execution['id']}/config"
    _check(
        admin.connection.raw_post(url, data=json.dumps({"alias": alias, "config": config})),
        f"config {alias}",
    )


def _condition_config(*, negate: bool) -> dict[str, str]:
    return {
        "attribute_name": ATTRIBUTE,
        "attribute_expected_value": REQUIRED_VALUE,
        "not": "true" if negate else "false",
        "regex": "false",
        "include_group_attributes": "false",
    }


def _direct_children(executions: list[dict[str, Any]], parent_name: str) -> list[dict[str, Any]]:
    """Executions one level below the sub-flow named `parent_name` (list order = tree order)."""
    children: list[dict[str, Any]] = []
    inside, level = False, -1
    for execution in executions:
        if inside:
            if execution["level"] <= level:
                break
            if execution["level"] == level + 1:
                children.append(execution)
        elif execution.get("displayName") == parent_name:
            inside, level = True, execution["level"]
    return children


def browser_flow_ensure(admin: KeycloakAdmin) -> None:
    """Build (or complete) `indimaj browser` and bind it as the realm's browser flow."""
    base = _base(admin)
    flows = _check(admin.connection.raw_get(f"{base}/authentication/flows"), "flows").json()
    if not any(f["alias"] == FLOW_ALIAS for f in flows):
        _check(
            admin.connection.raw_post(
                f"{base}/authentication/flows/browser/copy",
                data=json.dumps({"newName": FLOW_ALIAS}),
            ),
            "copy of the browser flow",
        )
    executions = _executions(admin, FLOW_ALIAS)
    forms = next(
        e
        for e in executions
        if e.get("authenticationFlow") and e["level"] == 0 and "forms" in e["displayName"]
    )
    forms_alias = forms["displayName"]
    two_fa = next(
        e
        for e in _direct_children(executions, forms_alias)
        if e.get("authenticationFlow") and "Conditional" in e["displayName"]
    )
    # 1. Keycloak's own optional 2FA: only for users who do NOT carry the attribute.
    two_fa_children = _direct_children(executions, two_fa["displayName"])
    negated = [e for e in two_fa_children if e.get("providerId") == "conditional-user-attribute"]
    if not negated:
        _add_execution(admin, two_fa["displayName"], "conditional-user-attribute")
        executions = _executions(admin, FLOW_ALIAS)
        negated = [
            e
            for e in _direct_children(executions, two_fa["displayName"])
            if e.get("providerId") == "conditional-user-attribute"
        ]
    _set_requirement(admin, two_fa["displayName"], negated[0], "REQUIRED")
    _configure(admin, negated[0], "indimaj otp non requis", _condition_config(negate=True))
    # 2. Our sub-flow: the attribute makes the OTP form required.
    executions = _executions(admin, FLOW_ALIAS)
    if not any(e.get("displayName") == SUBFLOW_ALIAS for e in executions):
        url = f"{base}/authentication/flows/{_quote(forms_alias)}/executions/flow"
        _check(
            admin.connection.raw_post(
                url,
                data=json.dumps(
                    {
                        "alias": SUBFLOW_ALIAS,
                        "type": "basic-flow",
                        "provider": "registration-page-form",
                        "description": "OTP exigé par les rôles INDIMAJ",
                    }
                ),
            ),
            "OTP sub-flow",
        )
        executions = _executions(admin, FLOW_ALIAS)
    subflow = next(e for e in executions if e.get("displayName") == SUBFLOW_ALIAS)
    _set_requirement(admin, forms_alias, subflow, "CONDITIONAL")
    children = _direct_children(executions, SUBFLOW_ALIAS)
    if not any(e.get("providerId") == "conditional-user-attribute" for e in children):
        _add_execution(admin, SUBFLOW_ALIAS, "conditional-user-attribute")
    if not any(e.get("providerId") == "auth-otp-form" for e in children):
        _add_execution(admin, SUBFLOW_ALIAS, "auth-otp-form")
    children = _direct_children(_executions(admin, FLOW_ALIAS), SUBFLOW_ALIAS)
    for child in children:
        _set_requirement(admin, SUBFLOW_ALIAS, child, "REQUIRED")
        if child.get("providerId") == "conditional-user-attribute":
            _configure(admin, child, "indimaj otp requis", _condition_config(negate=False))
    realm = admin.get_realm(settings.KEYCLOAK_REALM)
    if realm.get("browserFlow") != FLOW_ALIAS:
        admin.update_realm(settings.KEYCLOAK_REALM, {"browserFlow": FLOW_ALIAS})


def otp_flow_ensure(admin: KeycloakAdmin) -> None:
    """The flow, the attribute's declaration, and the attribute on every holder of a platform
    role (a handful of users)."""
    with_retries(lambda: user_profile_attribute_ensure(admin), what="user profile attribute")
    with_retries(lambda: browser_flow_ensure(admin), what="OTP browser flow")
    for role in sorted(OTP_REALM_ROLES):
        for holder in _role_members(admin, role):
            user_otp_required_ensure(admin, user_id=holder["id"])


def _role_members(admin: KeycloakAdmin, role: str) -> list[dict[str, Any]]:
    def members() -> list[dict[str, Any]]:
        return list(admin.get_realm_role_members(role))

    return with_retries(members, what=f"holders of {role}")


def user_otp_required_ensure(admin: KeycloakAdmin, *, user_id: str) -> None:
    """Mark the user as needing a second factor (kept when roles are later revoked: a stricter
    login is harmless, an administrator clears it in Keycloak)."""

    def ensure() -> None:
        user = admin.get_user(user_id)
        attributes = dict(user.get("attributes") or {})
        if attributes.get(ATTRIBUTE) == [REQUIRED_VALUE]:
            return
        attributes[ATTRIBUTE] = [REQUIRED_VALUE]
        # The user profile validates the whole representation: send it back complete.
        admin.update_user(user_id, {**user, "attributes": attributes})

    with_retries(ensure, what=f"OTP attribute of {user_id}")


def user_otp_required(admin: KeycloakAdmin, *, user_id: str) -> bool:
    attributes = admin.get_user(user_id).get("attributes") or {}
    return bool(attributes.get(ATTRIBUTE) == [REQUIRED_VALUE])
