"""A session belongs to the tenant where it was opened, and to no other."""

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SESSION_TENANT_KEY = "indimaj_tenant_schema"


class TenantSessionGuardMiddleware:
    """Session cookies are host-only already; this also stops a cookie replayed elsewhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            schema = getattr(getattr(request, "tenant", None), "schema_name", None)
            if request.session.get(SESSION_TENANT_KEY) != schema:
                logout(request)
        return self.get_response(request)
