"""A tenant whose access is cut (suspended or archived), on both sides of the login.

Django side: every request on such a tenant's host ends the session it carries and answers
"organisation suspendue" (a page, or JSON under /api/), whatever the path, so browser logins,
open sessions and API bearer tokens are all refused in one place (identity.middleware).

Keycloak side: the tenant's Organization is disabled, so Keycloak itself issues no token for
it any more (a token request naming `organization:<code>` is refused as an invalid scope) and
the refresh of an open session fails. The Organization, its members and their groups are kept:
reactivation only enables it again.

This module also reads and rewrites an Organization whole (members, habilitation groups) for a
tenant's backup and restore. The kernel does not know the tenant model: it reads the status
string django-tenants put on `request.tenant` (tenants.models.OrganisationStatus values; a test
in tenants checks they agree).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError

from identity import keycloak_admin

logger = logging.getLogger(__name__)

STATUTS_SANS_ACCES = frozenset({"suspendue", "archivee"})
# Answered as usual on a cut tenant: the health probe, static files, and the language switch
# (so the refusal can be read in Arabic or French; it only sets a cookie).
CHEMINS_LIBRES = ("/healthz", "/static/", "/i18n/")


def acces_coupe(request: HttpRequest) -> bool:
    """True on the host of a tenant that is suspended or archived."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        return False
    if request.path.startswith(CHEMINS_LIBRES):
        return False
    return getattr(tenant, "status", None) in STATUTS_SANS_ACCES


def message_acces_coupe(*, statut: str) -> str:
    if statut == "archivee":
        return _(
            "Cette organisation est archivée : plus personne ne peut s'y connecter et ses "
            "données sont conservées en lecture seule. Contactez la TGR pour les consulter."
        )
    return _(
        "Cette organisation est suspendue : la connexion est impossible pour l'instant et ses "
        "données sont conservées. Contactez la TGR pour la faire réactiver."
    )


def reponse_acces_coupe(request: HttpRequest) -> HttpResponse:
    """End the session the request carries (if any) and say why, in the person's language."""
    tenant = getattr(request, "tenant")  # noqa: B009 — acces_coupe() checked it is there
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logger.info("session of %s ended: %s is %s", request.user, tenant.code, tenant.status)
        logout(request)
    message = message_acces_coupe(statut=str(tenant.status))
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "statut": str(tenant.status)}, status=403)
    return render(
        request,
        "identity/organisation_suspendue.html",
        {"reason": message, "statut": str(tenant.status)},
        status=403,
    )


# --- Keycloak: enable / disable the tenant's Organization ------------------------------------


def _organisation_url(admin: KeycloakAdmin, org_id: str) -> str:
    return f"admin/realms/{admin.connection.realm_name}/organizations/{org_id}"


def _organisation_lire(admin: KeycloakAdmin, org_id: str) -> dict[str, Any]:
    answer = admin.connection.raw_get(_organisation_url(admin, org_id))
    if answer.status_code != 200:
        raise KeycloakError(f"organization {org_id}: {answer.status_code} {answer.text[:200]}")
    return dict(answer.json())


def organisation_keycloak_activer(*, alias: str, actif: bool) -> bool:
    """Enable or disable the Organization (idempotent, read back). False when Keycloak has no
    Organization for this tenant (nothing to cut; the reconcile job creates it enabled)."""
    admin = keycloak_admin.admin_client()

    def appliquer() -> bool:
        org_id = keycloak_admin.organization_id_by_alias(admin, alias)
        if org_id is None:
            return False
        org = _organisation_lire(admin, org_id)
        if bool(org.get("enabled", True)) != actif:
            answer = admin.connection.raw_put(
                _organisation_url(admin, org_id), data=json.dumps({**org, "enabled": actif})
            )
            if answer.status_code != 204:
                raise KeycloakError(f"organization {alias}: {answer.status_code} {answer.text}")
            if bool(_organisation_lire(admin, org_id).get("enabled", True)) != actif:
                raise KeycloakError(f"organization {alias}: enabled={actif} not kept")
        return True

    return keycloak_admin.with_retries(appliquer, what=f"organization {alias} enabled={actif}")


def organisation_keycloak_active(*, alias: str) -> bool | None:
    """Whether the Organization is enabled (None when it does not exist)."""
    admin = keycloak_admin.admin_client()
    org_id = keycloak_admin.organization_id_by_alias(admin, alias)
    if org_id is None:
        return None
    return bool(_organisation_lire(admin, org_id).get("enabled", True))


# --- Keycloak: a tenant's Organization as data (backup and restore) ---------------------------

FORMAT_KEYCLOAK = 1
USER_FIELDS = ("username", "email", "firstName", "lastName", "enabled", "emailVerified")


def organisation_keycloak_exporter(*, alias: str) -> dict[str, Any] | None:
    """The Organization, its members (profile, no credentials) and its habilitation groups
    with their members' usernames. None when Keycloak has no Organization for the tenant."""
    admin = keycloak_admin.admin_client()

    def lire() -> dict[str, Any] | None:
        org_id = keycloak_admin.organization_id_by_alias(admin, alias)
        if org_id is None:
            return None
        org = _organisation_lire(admin, org_id)
        members = admin.get_organization_members(org_id)
        username_of = {str(m["id"]): str(m["username"]) for m in members}
        groups = {}
        for name, group_id in keycloak_admin.organization_groups(admin, org_id=org_id).items():
            ids = keycloak_admin.organization_group_members(admin, org_id=org_id, group_id=group_id)
            groups[name] = sorted(username_of[i] for i in ids if i in username_of)
        return {
            "format": FORMAT_KEYCLOAK,
            "organisation": {
                "name": org.get("name"),
                "alias": org.get("alias"),
                "enabled": bool(org.get("enabled", True)),
                "redirectUrl": org.get("redirectUrl") or "",
                "description": org.get("description") or "",
                "domains": [{"name": d["name"]} for d in org.get("domains", [])],
                "attributes": org.get("attributes") or {},
            },
            "membres": sorted(
                ({k: m.get(k) for k in USER_FIELDS} for m in members),
                key=lambda m: str(m["username"]),
            ),
            "groupes": dict(sorted(groups.items())),
        }

    return keycloak_admin.with_retries(lire, what=f"export of organization {alias}")


def organisation_keycloak_supprimer(*, alias: str) -> bool:
    """Delete the Organization (its groups go with it; the user accounts stay)."""
    admin = keycloak_admin.admin_client()

    def supprimer() -> bool:
        org_id = keycloak_admin.organization_id_by_alias(admin, alias)
        if org_id is None:
            return False
        answer = admin.connection.raw_delete(_organisation_url(admin, org_id))
        if answer.status_code not in (204, 404):
            raise KeycloakError(f"delete organization {alias}: {answer.status_code}")
        return True

    return keycloak_admin.with_retries(supprimer, what=f"deletion of organization {alias}")


def organisation_keycloak_restaurer(*, donnees: dict[str, Any]) -> list[str]:
    """Recreate the Organization from `organisation_keycloak_exporter`'s data.

    Existing accounts (matched by username) become members again; a missing account is
    recreated without credentials and must set its password (returned: the usernames
    recreated). Idempotent: running it twice changes nothing more.
    """
    if donnees.get("format") != FORMAT_KEYCLOAK:
        raise ValueError(f"format Keycloak inconnu : {donnees.get('format')!r}")
    admin = keycloak_admin.admin_client()
    org = donnees["organisation"]
    alias = str(org["alias"])

    def organisation() -> str:
        org_id = keycloak_admin.organization_id_by_alias(admin, alias)
        if org_id is None:
            admin.create_organization(
                {
                    "name": org["name"],
                    "alias": alias,
                    "enabled": bool(org.get("enabled", True)),
                    "redirectUrl": org.get("redirectUrl") or "",
                    "description": org.get("description") or "",
                    "attributes": org.get("attributes") or {},
                    "domains": [{"name": d["name"], "verified": False} for d in org["domains"]],
                }
            )
            org_id = keycloak_admin.organization_id_by_alias(admin, alias)
        if org_id is None:
            raise KeycloakError(f"organization {alias} not found after creation")
        return org_id

    org_id = keycloak_admin.with_retries(organisation, what=f"restore of organization {alias}")
    recreated: list[str] = []

    def membres() -> dict[str, str]:
        ids: dict[str, str] = {}
        present = {str(m["id"]) for m in admin.get_organization_members(org_id)}
        for member in donnees["membres"]:
            username = str(member["username"])
            user_id = admin.get_user_id(username)
            if user_id is None:
                payload = {k: member.get(k) for k in USER_FIELDS if member.get(k) is not None}
                user_id = admin.create_user(
                    {**payload, "requiredActions": ["UPDATE_PASSWORD"]}, exist_ok=True
                )
                recreated.append(username)
            if str(user_id) not in present:
                admin.organization_user_add(user_id, org_id)
            ids[username] = str(user_id)
        return ids

    ids = keycloak_admin.with_retries(membres, what=f"members of organization {alias}")
    _groupes_vides_creer(
        admin, org_id=org_id, noms=[g for g, u in donnees["groupes"].items() if not u]
    )
    for group, usernames in donnees["groupes"].items():
        for username in usernames:
            keycloak_admin.organization_groups_ensure(
                admin, org_id=org_id, user_id=ids[username], group_names=(group,)
            )
    return sorted(set(recreated))


def _groupes_vides_creer(admin: KeycloakAdmin, *, org_id: str, noms: list[str]) -> None:
    """Habilitation groups that had no member still exist after a restore."""
    if not noms:
        return
    base = f"{_organisation_url(admin, org_id)}/groups"

    def creer() -> None:
        existants = keycloak_admin.organization_groups(admin, org_id=org_id)
        for nom in noms:
            if nom not in existants:
                answer = admin.connection.raw_post(base, data=json.dumps({"name": nom}))
                if answer.status_code not in (201, 409):
                    raise KeycloakError(f"group {nom}: {answer.status_code} {answer.text[:200]}")

    keycloak_admin.with_retries(creer, what="empty organization groups")
