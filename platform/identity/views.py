"""Login through Keycloak on the tenant's own host (or the platform apex), and logout."""

import logging
from typing import Any
from urllib.parse import urlencode

import redis
from django.conf import settings
from django.contrib.auth import login, logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_tenants.utils import get_tenant_domain_model

from audit import services as audit_services
from identity import assisted, handoff, oidc, services, sessions
from identity.permissions import public

logger = logging.getLogger(__name__)
PENDING_FLOW_KEY = "indimaj_oidc_pending_flow"


def _tenant_code(request: HttpRequest) -> str | None:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        return None
    return str(tenant.code)


def apex_url() -> str:
    port = settings.INDIMAJ_WEB_PORT
    suffix = "" if port in (80, 443) else f":{port}"
    return f"{settings.INDIMAJ_SCHEME}://{settings.INDIMAJ_APEX}{suffix}"


def _callback_uri() -> str:
    # The only redirect URI the web client knows (ADR 0002 §5): no list of 2,000 tenant hosts.
    return f"{apex_url()}/oidc/callback"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


@public
@require_GET
def login_start(request: HttpRequest) -> HttpResponse:
    """On any host: remember the flow server-side, bind it to this browser's session here."""
    flow = oidc.login_request(redirect_uri=_callback_uri(), organization=_tenant_code(request))
    try:
        _remember_flow(request, flow)
    except redis.RedisError:
        logger.exception("login impossible: Redis unreachable")
        return render(
            request,
            "identity/denied.html",
            {
                "reason": _(
                    "La connexion est momentanément indisponible. Réessayez dans un instant."
                )
            },
            status=503,
        )
    request.session[PENDING_FLOW_KEY] = flow.state
    return HttpResponseRedirect(flow.url)


def _remember_flow(request: HttpRequest, flow: oidc.LoginRequest) -> None:
    handoff.put(
        "flow",
        {
            "nonce": flow.nonce,
            "verifier": flow.code_verifier,
            "next": _safe_next(request, request.GET.get("next")),
            "host": request.get_host(),
            "schema": getattr(getattr(request, "tenant", None), "schema_name", "public"),
        },
        ttl=handoff.FLOW_TTL_SECONDS,
        token=flow.state,
    )


def _denied(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "identity/denied.html", {"reason": reason}, status=403)


EXPIRED = gettext_lazy("La connexion a expiré ou a été interrompue. Recommencez.")


@public
@require_GET
def login_callback(request: HttpRequest) -> HttpResponse:
    """On the apex only: exchange the code, check the tokens, hand them to the tenant host."""
    state = request.GET.get("state", "")
    flow = handoff.take("flow", state)
    if flow is None:
        return _denied(request, str(EXPIRED))
    if "error" in request.GET:
        return _denied(
            request, _("Keycloak a refusé la connexion : %(e)s") % {"e": request.GET["error"]}
        )
    try:
        tokens = oidc.exchange_code(
            code=request.GET.get("code", ""),
            redirect_uri=_callback_uri(),
            code_verifier=flow["verifier"],
        )
        id_claims = oidc.decode_token(tokens["id_token"], audience=settings.KEYCLOAK_CLIENT_ID)
        access_claims = oidc.decode_token(tokens["access_token"], audience=None)
    except (oidc.OidcError, KeyError) as error:
        logger.warning("OIDC callback rejected: %s", error)
        return _denied(request, _("La réponse du fournisseur d'identité est invalide."))
    if id_claims.get("nonce") != flow["nonce"]:
        return _denied(request, _("La réponse du fournisseur d'identité est invalide."))
    if flow["schema"] == "public":
        # a login for the apex itself (operators' console): finish here
        if request.session.pop(PENDING_FLOW_KEY, None) != state:
            return _denied(request, str(EXPIRED))
        return _complete_login(request, tokens, id_claims, access_claims, flow["next"])
    ticket = handoff.put(
        "ticket",
        {
            "state": state,
            "schema": flow["schema"],
            "next": flow["next"],
            "tokens": {k: tokens.get(k) for k in ("id_token", "refresh_token")},
            "id_claims": id_claims,
            "access_claims": access_claims,
        },
        ttl=handoff.TICKET_TTL_SECONDS,
    )
    scheme = "https" if request.is_secure() else "http"
    return HttpResponseRedirect(
        f"{scheme}://{flow['host']}/oidc/handoff?{urlencode({'ticket': ticket})}"
    )


@public
@require_GET
def login_handoff(request: HttpRequest) -> HttpResponse:
    """On the tenant host: redeem the single-use ticket the apex made for this browser."""
    ticket = handoff.take("ticket", request.GET.get("ticket", ""))
    pending = request.session.pop(PENDING_FLOW_KEY, None)
    schema = getattr(getattr(request, "tenant", None), "schema_name", None)
    if ticket is None or ticket["state"] != pending or ticket["schema"] != schema:
        return _denied(request, str(EXPIRED))
    return _complete_login(
        request, ticket["tokens"], ticket["id_claims"], ticket["access_claims"], ticket["next"]
    )


def _complete_login(
    request: HttpRequest,
    tokens: dict[str, Any],
    id_claims: dict[str, Any],
    access_claims: dict[str, Any],
    next_url: str,
) -> HttpResponse:
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
    return HttpResponseRedirect(next_url)


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Ends the Django session, then the Keycloak session (RP-initiated logout). Keycloak
    sends the browser back to the apex, which forwards it to the host it came from."""
    id_token = request.session.get(sessions.ID_TOKEN_KEY)
    if request.user.is_authenticated:
        with transaction.atomic():
            audit_services.audit_record(actor=request.user.get_username(), action="logout")
    logout(request)
    back = f"{apex_url()}/oidc/apres-deconnexion?{urlencode({'vers': request.get_host()})}"
    return HttpResponseRedirect(oidc.logout_url(id_token=id_token, post_logout_redirect_uri=back))


@public
@require_GET
def after_logout(request: HttpRequest) -> HttpResponse:
    """Back from Keycloak's logout: to the tenant's home if the host is one of ours."""
    host = request.GET.get("vers", "")
    name = host.split(":", 1)[0]
    if name and get_tenant_domain_model().objects.filter(domain=name).exists():
        scheme = "https" if request.is_secure() else "http"
        return HttpResponseRedirect(f"{scheme}://{host}/")
    return HttpResponseRedirect("/")
