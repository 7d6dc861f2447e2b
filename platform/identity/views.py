"""Login through Keycloak on the tenant's own host (or the platform apex), and logout."""

import logging

from django.conf import settings
from django.contrib.auth import login, logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import services as audit_services
from identity import assisted, oidc, services, sessions
from identity.permissions import public

logger = logging.getLogger(__name__)
FLOW_KEY = "indimaj_oidc_flow"


def _tenant_code(request: HttpRequest) -> str | None:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        return None
    return str(tenant.code)


def _callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri("/oidc/callback")


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


@public
@require_GET
def login_start(request: HttpRequest) -> HttpResponse:
    flow = oidc.login_request(
        redirect_uri=_callback_uri(request), organization=_tenant_code(request)
    )
    request.session[FLOW_KEY] = {
        "state": flow.state,
        "nonce": flow.nonce,
        "verifier": flow.code_verifier,
        "next": _safe_next(request, request.GET.get("next")),
    }
    return HttpResponseRedirect(flow.url)


def _denied(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "identity/denied.html", {"reason": reason}, status=403)


@public
@require_GET
def login_callback(request: HttpRequest) -> HttpResponse:
    flow = request.session.pop(FLOW_KEY, None)
    if flow is None or request.GET.get("state") != flow["state"]:
        return _denied(request, _("La connexion a expiré ou a été interrompue. Recommencez."))
    if "error" in request.GET:
        return _denied(
            request, _("Keycloak a refusé la connexion : %(e)s") % {"e": request.GET["error"]}
        )
    try:
        tokens = oidc.exchange_code(
            code=request.GET.get("code", ""),
            redirect_uri=_callback_uri(request),
            code_verifier=flow["verifier"],
        )
        id_claims = oidc.decode_token(tokens["id_token"], audience=settings.KEYCLOAK_CLIENT_ID)
        access_claims = oidc.decode_token(tokens["access_token"], audience=None)
    except (oidc.OidcError, KeyError) as error:
        logger.warning("OIDC callback rejected: %s", error)
        return _denied(request, _("La réponse du fournisseur d'identité est invalide."))
    if id_claims.get("nonce") != flow["nonce"]:
        return _denied(request, _("La réponse du fournisseur d'identité est invalide."))

    code = _tenant_code(request)
    username = str(id_claims.get("preferred_username", id_claims["sub"]))
    outsider = code is not None and code not in oidc.organizations_of(access_claims)
    assisted_access = None
    if outsider and "tgr-operateur" in oidc.realm_roles_of(access_claims):
        # a TGR operator enters a tenant only through an access its admin granted
        assisted_access = assisted.assisted_access_active(
            tenant_schema=request.tenant.schema_name,  # type: ignore[attr-defined]
            operator_sub=str(id_claims["sub"]),
        )
    if outsider and assisted_access is None:
        with transaction.atomic():
            audit_services.audit_record(
                actor=username, action="login.denied", data={"reason": "not a member"}
            )
        return _denied(
            request,
            _("Votre compte n'est pas habilité pour cette organisation (%(code)s).")
            % {"code": code},
        )

    user = services.user_sync_from_claims(claims=id_claims)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    sessions.session_open(
        request, tokens=tokens, claims=access_claims, assisted_access=assisted_access
    )
    with transaction.atomic():
        audit_services.audit_record(
            actor=user.username,
            action="login.acces_assiste" if assisted_access else "login",
            object_id=user.keycloak_sub or "",
        )
    return HttpResponseRedirect(flow["next"])


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Ends the Django session, then the Keycloak session (RP-initiated logout)."""
    id_token = request.session.get(sessions.ID_TOKEN_KEY)
    if request.user.is_authenticated:
        with transaction.atomic():
            audit_services.audit_record(actor=request.user.get_username(), action="logout")
    logout(request)
    return HttpResponseRedirect(
        oidc.logout_url(id_token=id_token, post_logout_redirect_uri=request.build_absolute_uri("/"))
    )
