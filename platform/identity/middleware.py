"""A session belongs to the tenant where it was opened, and to no other; its grants stay current."""

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from identity import organisations_etat, sessions
from identity.sessions import SESSION_TENANT_KEY

__all__ = ["SESSION_TENANT_KEY", "TenantSessionGuardMiddleware"]


class TenantSessionGuardMiddleware:
    """Session cookies are host-only already; this also stops a cookie replayed elsewhere,
    refreshes the person's habilitations from Keycloak when they are due, and shuts every
    door of a suspended or archived tenant."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if organisations_etat.acces_coupe(request):
            # a suspended or archived tenant: no login, no session, no API call
            return organisations_etat.reponse_acces_coupe(request)
        if request.user.is_authenticated:
            schema = getattr(getattr(request, "tenant", None), "schema_name", None)
            if request.session.get(SESSION_TENANT_KEY) != schema:
                logout(request)
            else:
                sessions.session_refresh_if_due(request)
                if request.user.is_authenticated:
                    sessions.assisted_check(request)
        return self.get_response(request)
