"""The permission matrix: which tenant roles may do which action. The only place that says so.

Every page and API operation declares one action (or is explicitly public); the test
`test_permission_matrix` walks the URL confs and fails for any that does not.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError

from audit import services as audit_services
from identity.habilitations import TENANT_ROLES, Habilitation, from_session

__all__ = [
    "DATA_ACTIONS",
    "Action",
    "allowed",
    "api_requires",
    "from_session",
    "platform_role_required",
    "public",
    "requires",
]

SESSION_HABILITATIONS_KEY = "indimaj_habilitations"
SESSION_ROLES_KEY = "indimaj_realm_roles"
ACCESS_RULE_ATTR = "indimaj_access_rule"
PageView = Callable[..., HttpResponse]


class Action(StrEnum):
    ACCUEIL_VOIR = "accueil.voir"
    JOURNAL_LIRE = "journal.lire"
    UNITES_VOIR = "unites.voir"
    UNITES_GERER = "unites.gerer"
    HABILITATIONS_VOIR = "habilitations.voir"
    HABILITATIONS_GERER = "habilitations.gerer"
    PERSONNEL_VOIR = "personnel.voir"
    PERSONNEL_GERER = "personnel.gerer"
    PERSONNEL_IMPORTER = "personnel.importer"
    PERSONNEL_DONNEES_SENSIBLES = "personnel.donnees_sensibles"
    POSTES_VOIR = "postes.voir"
    POSTES_GERER = "postes.gerer"
    DEMARRAGE = "demarrage.gerer"
    ACTES_VOIR = "actes.voir"
    ACTES_REDIGER = "actes.rediger"
    ACTES_VALIDER = "actes.valider"
    ECHANGES_VOIR = "echanges.voir"
    ACTES_MODELES_GERER = "actes.modeles_gerer"
    PAIE_VOIR = "paie.voir"
    PAIE_ECARTS_TRAITER = "paie.ecarts_traiter"


ALL_ROLES = frozenset(TENANT_ROLES)

MATRIX: dict[Action, frozenset[str]] = {
    Action.ACCUEIL_VOIR: ALL_ROLES,
    Action.JOURNAL_LIRE: frozenset({"admin"}),
    Action.UNITES_VOIR: ALL_ROLES,
    Action.UNITES_GERER: frozenset({"admin"}),
    Action.HABILITATIONS_VOIR: frozenset({"admin"}),
    Action.HABILITATIONS_GERER: frozenset({"admin"}),
    Action.PERSONNEL_VOIR: ALL_ROLES,
    Action.PERSONNEL_GERER: frozenset({"admin", "gestionnaire"}),
    Action.PERSONNEL_IMPORTER: frozenset({"admin", "gestionnaire"}),
    # CIN, RIB and health-related positions (law 09-08): those who keep or check the files.
    Action.PERSONNEL_DONNEES_SENSIBLES: frozenset({"admin", "gestionnaire", "valideur"}),
    Action.POSTES_VOIR: frozenset({"admin", "gestionnaire", "valideur", "budget", "lecture"}),
    Action.POSTES_GERER: frozenset({"admin", "budget"}),
    # The onboarding wizard: the organisation's profile and its setup checklist.
    Action.DEMARRAGE: frozenset({"admin"}),
    # Acts: the gestionnaire drafts and corrects, the valideur validates and transmits (never
    # the same person for one act: services refuse it), everyone else reads.
    Action.ACTES_VOIR: ALL_ROLES,
    Action.ACTES_REDIGER: frozenset({"admin", "gestionnaire"}),
    Action.ACTES_VALIDER: frozenset({"valideur"}),
    # The tenant's exchange files with the Treasury (they carry PPRs, pay, acts' contents).
    Action.ECHANGES_VOIR: frozenset({"admin", "gestionnaire", "valideur", "paie"}),
    # The templates of the official documents (arrêtés, décisions): the tenant's admin.
    Action.ACTES_MODELES_GERER: frozenset({"admin"}),
    # What the Treasury paid, to whom: the pay role only (within its perimeter).
    Action.PAIE_VOIR: frozenset({"paie"}),
    Action.PAIE_ECARTS_TRAITER: frozenset({"paie"}),
}


def roles_for(action: Action) -> frozenset[str]:
    return MATRIX[action]


# Actions on data that belongs to no unit (the whole tenant's journal): a habilitation limited
# to a unit never grants them, whatever its role.
WHOLE_TENANT_ACTIONS = frozenset(
    {Action.JOURNAL_LIRE, Action.POSTES_GERER, Action.DEMARRAGE, Action.ACTES_MODELES_GERER}
)

# Rights on data inside pages (which fields are shown unmasked), declared by no page itself.
DATA_ACTIONS = frozenset({Action.PERSONNEL_DONNEES_SENSIBLES})


def allowed(habilitations: frozenset[Habilitation], action: Action) -> bool:
    return any(
        h.role in MATRIX[action] and (h.unit is None or action not in WHOLE_TENANT_ACTIONS)
        for h in habilitations
    )


def _record_denial(request: HttpRequest, *, rule: str) -> None:
    """Every refusal is an audit event of the schema the request is in."""
    actor = request.user.get_username() if request.user.is_authenticated else "anonyme"
    principal = getattr(request, "auth", None)
    if principal is not None and hasattr(principal, "get_username"):
        actor = principal.get_username()
    with transaction.atomic():
        audit_services.audit_record(
            actor=actor,
            action="acces.refuse",
            object_type="url",
            object_id=request.path[:100],
            data={"regle": rule, "methode": request.method},
        )


def _to_login(request: HttpRequest) -> HttpResponse:
    """Anonymous visitors go through Keycloak, then come back to the page they asked for."""
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('identity:login')}?{query}")


def mark(view: Callable[..., Any], rule: str) -> None:
    setattr(view, ACCESS_RULE_ATTR, rule)


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """A page anyone may open (landing page, health, login itself)."""
    mark(view, "public")
    return view


def requires(action: Action) -> Callable[[PageView], PageView]:
    """Tenant pages: a logged-in member holding a role that the matrix allows for `action`."""

    def decorator(view: PageView) -> PageView:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return _to_login(request)
            held = from_session(request.session.get(SESSION_HABILITATIONS_KEY))
            if not allowed(held, action):
                _record_denial(request, rule=f"action:{action}")
                reason = (
                    _("Aucune habilitation ne vous est encore attribuée dans cette organisation.")
                    if not held
                    else _("Votre habilitation ne permet pas cette action.")
                )
                return render(request, "identity/denied.html", {"reason": reason}, status=403)
            return view(request, *args, **kwargs)

        mark(wrapper, f"action:{action}")
        return wrapper

    return decorator


def api_requires(action: Action) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """API operations: the caller (bearer principal or session) must hold the action."""

    def decorator(operation: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(operation)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            principal = getattr(request, "auth", None)
            held = getattr(principal, "habilitations", None)
            if held is None:  # a browser session
                held = from_session(request.session.get(SESSION_HABILITATIONS_KEY))
            if not allowed(held, action):
                _record_denial(request, rule=f"action:{action}")
                raise AuthorizationError(
                    403, _("Votre habilitation ne permet pas cette action (%(a)s).") % {"a": action}
                )
            return operation(request, *args, **kwargs)

        mark(wrapper, f"action:{action}")
        return wrapper

    return decorator


def platform_role_required(*roles: str) -> Callable[[PageView], PageView]:
    """Platform pages (apex host) for holders of one of the given Keycloak realm roles."""

    def decorator(view: PageView) -> PageView:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return _to_login(request)
            held = set(request.session.get(SESSION_ROLES_KEY, []))
            if not held.intersection(roles):
                _record_denial(request, rule="platform:" + ",".join(roles))
                reason = _("Cette page est réservée aux opérateurs de la plateforme.")
                return render(request, "identity/denied.html", {"reason": reason}, status=403)
            return view(request, *args, **kwargs)

        mark(wrapper, "platform:" + ",".join(roles))
        return wrapper

    return decorator
