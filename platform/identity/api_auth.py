"""Bearer JWT for the API: signed by the realm, for our audience, for this host's tenant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer

from identity import oidc
from identity.habilitations import Habilitation, habilitations_of


@dataclass(frozen=True)
class ApiPrincipal:
    """Who calls the API with a bearer token (a person or an integration's client)."""

    subject: str
    username: str
    client_id: str
    organizations: frozenset[str]
    realm_roles: frozenset[str]
    habilitations: frozenset[Habilitation] = frozenset()

    def get_username(self) -> str:
        return self.username


def principal_from_claims(claims: dict[str, Any], *, organization: str | None) -> ApiPrincipal:
    return ApiPrincipal(
        subject=str(claims["sub"]),
        # an integration's service account has no preferred_username: name it by its client
        username=str(claims.get("preferred_username") or f"client:{claims.get('azp', '?')}"),
        client_id=str(claims.get("azp") or ""),
        organizations=frozenset(oidc.organizations_of(claims)),
        realm_roles=frozenset(oidc.realm_roles_of(claims)),
        habilitations=(
            habilitations_of(claims, organization=organization) if organization else frozenset()
        ),
    )


class KeycloakBearer(HttpBearer):
    """401 for a token we cannot trust; 403 for a good token of another organisation."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiPrincipal:
        try:
            claims = oidc.decode_token(token, audience=settings.KEYCLOAK_API_AUDIENCE)
        except oidc.OidcError as error:
            raise AuthenticationError(401, f"Jeton refusé : {error}") from error
        tenant = getattr(request, "tenant", None)
        on_tenant = tenant is not None and tenant.schema_name != "public"
        code = str(getattr(tenant, "code", "")) if on_tenant else None
        principal = principal_from_claims(claims, organization=code)
        if on_tenant and code not in principal.organizations:
            raise AuthorizationError(403, f"Jeton émis pour une autre organisation que « {code} ».")
        return principal


bearer = KeycloakBearer()
