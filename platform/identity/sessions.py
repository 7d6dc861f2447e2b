"""What a Django session keeps of the person's Keycloak login, and how it stays current.

Habilitations are read from the access token. The session refreshes its tokens once the
refresh interval (default: the access-token lifespan, 5 min) has passed, so a habilitation
granted or revoked in Keycloak, a removed membership or a disabled account takes effect within
that delay. A refresh that Keycloak refuses ends the session.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest

from identity import assisted, habilitations, oidc
from identity.models import AssistedAccess
from identity.permissions import SESSION_HABILITATIONS_KEY, SESSION_ROLES_KEY

logger = logging.getLogger(__name__)

SESSION_TENANT_KEY = "indimaj_tenant_schema"
ID_TOKEN_KEY = "indimaj_id_token"  # noqa: S105 — session key names, not secrets
REFRESH_TOKEN_KEY = "indimaj_refresh_token"  # noqa: S105
CLAIMS_AT_KEY = "indimaj_claims_at"
ASSISTED_KEY = "indimaj_assisted_access"


def _tenant_code(request: HttpRequest) -> str | None:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        return None
    return str(tenant.code)


def _store_claims(request: HttpRequest, tokens: dict[str, Any], claims: dict[str, Any]) -> None:
    code = _tenant_code(request)
    request.session[SESSION_ROLES_KEY] = sorted(oidc.realm_roles_of(claims))
    if request.session.get(ASSISTED_KEY):
        held = assisted.GRANTED_HABILITATIONS  # read-only, whatever the token says
    elif code:
        held = habilitations.habilitations_of(claims, organization=code)
    else:
        held = frozenset()
    request.session[SESSION_HABILITATIONS_KEY] = habilitations.to_session(held)
    request.session[ID_TOKEN_KEY] = tokens.get("id_token") or request.session.get(ID_TOKEN_KEY)
    request.session[REFRESH_TOKEN_KEY] = tokens.get("refresh_token")
    request.session[CLAIMS_AT_KEY] = time.time()


def session_open(
    request: HttpRequest,
    *,
    tokens: dict[str, Any],
    claims: dict[str, Any],
    assisted_access: AssistedAccess | None = None,
) -> None:
    """After login(): bind the session to this host's schema and keep the token's grants
    (or, for a TGR operator's assisted access, read-only grants and the access id)."""
    request.session[SESSION_TENANT_KEY] = getattr(request, "tenant").schema_name  # noqa: B009
    request.session[ASSISTED_KEY] = assisted_access.id if assisted_access else None
    _store_claims(request, tokens, claims)


def assisted_check(request: HttpRequest) -> None:
    """An assisted session ends with its access; while it lasts, each page is logged."""
    access_id = request.session.get(ASSISTED_KEY)
    if not access_id:
        return
    if not assisted.assisted_access_still_valid(access_id=int(access_id)):
        logger.info("assisted access %s is over: session ended", access_id)
        logout(request)
        return
    if not request.path.startswith(("/static/", "/healthz")):
        assisted.assisted_page_seen(
            access_id=int(access_id),
            operator_username=request.user.get_username(),
            path=request.path,
        )


def session_refresh_if_due(request: HttpRequest) -> None:
    """Refresh the grants from Keycloak when they are older than the refresh interval."""
    claims_at = float(request.session.get(CLAIMS_AT_KEY, 0))
    if time.time() - claims_at < settings.HABILITATION_REFRESH_SECONDS:
        return
    refresh_token = request.session.get(REFRESH_TOKEN_KEY)
    if not refresh_token:
        return  # a session opened without Keycloak tokens (tests, tools): nothing to refresh
    try:
        tokens = oidc.refresh(refresh_token=str(refresh_token))
        claims = oidc.decode_token(tokens["access_token"], audience=None)
    except (oidc.OidcError, KeyError) as error:
        logger.info("session ended: Keycloak refused the refresh (%s)", error)
        logout(request)
        return
    code = _tenant_code(request)
    assisted_session = bool(request.session.get(ASSISTED_KEY))
    if code is not None and not assisted_session and code not in oidc.organizations_of(claims):
        logger.info("session ended: no longer a member of %s", code)
        logout(request)
        return
    _store_claims(request, tokens, claims)
