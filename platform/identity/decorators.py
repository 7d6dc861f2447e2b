"""Access checks for pages: every view declares what it needs."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

SESSION_ROLES_KEY = "indimaj_realm_roles"

View = Callable[..., HttpResponse]


def login_required(view: View) -> View:
    """Anonymous visitors go through Keycloak, then come back to the page they asked for."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('identity:login')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


def platform_role_required(*roles: str) -> Callable[[View], View]:
    """Platform pages (apex host) for holders of one of the given Keycloak realm roles."""

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            held = set(request.session.get(SESSION_ROLES_KEY, []))
            if not held.intersection(roles):
                return render(
                    request,
                    "identity/denied.html",
                    {"reason": _("Cette page est réservée aux opérateurs de la plateforme.")},
                    status=403,
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
