"""Tenant admin pages: who may do what here, invitations, grants and revocations."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit import selectors as audit_selectors
from identity import assisted
from identity import facade as identity_facade
from identity.habilitations import TENANT_ROLES
from identity.permissions import (
    MATRIX,
    SESSION_HABILITATIONS_KEY,
    Action,
    from_session,
    requires,
)
from modules.habilitations import services


def _tenant_code(request: HttpRequest) -> str:
    return str(request.tenant.code)  # type: ignore[attr-defined]


def _scope(request: HttpRequest) -> services.AdminScope:
    held = from_session(request.session.get(SESSION_HABILITATIONS_KEY))
    return services.admin_scope(habilitations=held)


def _member_or_404(request: HttpRequest, user_id: UUID) -> identity_facade.TenantMember:
    """Missing, of another tenant, or outside this admin's units: the same 404."""
    member = identity_facade.tenant_member_get(alias=_tenant_code(request), user_id=str(user_id))
    visible = member and services.member_in_scope(member=member, scope=_scope(request))
    if not visible:
        raise Http404
    return visible


def _whole_tenant_only(request: HttpRequest) -> HttpResponse | None:
    if _scope(request).whole_tenant:
        return None
    reason = _("Réservé aux administrateurs de toute l'organisation.")
    return render(request, "identity/denied.html", {"reason": reason}, status=403)


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@requires(Action.HABILITATIONS_VOIR)
def member_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    members = [
        visible
        for member in identity_facade.tenant_members(alias=_tenant_code(request))
        if (visible := services.member_in_scope(member=member, scope=scope))
    ]
    return render(
        request, "habilitations/members.html", {"members": members, "roles": TENANT_ROLES}
    )


@requires(Action.HABILITATIONS_VOIR)
def matrix(request: HttpRequest) -> HttpResponse:
    rows = [(action, [role in MATRIX[action] for role in TENANT_ROLES]) for action in Action]
    return render(request, "habilitations/matrix.html", {"rows": rows, "roles": TENANT_ROLES})


@require_http_methods(["GET", "POST"])
@requires(Action.HABILITATIONS_GERER)
def member_invite(request: HttpRequest) -> HttpResponse:
    form = {k: request.POST.get(k, "") for k in ("email", "prenom", "nom", "role", "unite")}
    if request.method == "POST":
        try:
            habilitation = services.habilitation_parse(role=form["role"], unit=form["unite"])
            services.habilitation_in_scope(habilitation=habilitation, scope=_scope(request))
            services.member_invite(
                tenant_code=_tenant_code(request),
                email=form["email"],
                first_name=form["prenom"],
                last_name=form["nom"],
                habilitation=habilitation,
                actor=request.user.get_username(),
            )
        except ValidationError as error:
            return render(
                request,
                "habilitations/invite.html",
                {"form": form, "roles": TENANT_ROLES, "error": _errors(error)},
                status=400,
            )
        messages.success(
            request,
            _("Invitation envoyée à %(email)s.") % {"email": form["email"].strip().lower()},
        )
        return HttpResponseRedirect(reverse("habilitations:members"))
    return render(request, "habilitations/invite.html", {"form": form, "roles": TENANT_ROLES})


def _change(request: HttpRequest, user_id: UUID, *, grant: bool) -> HttpResponse:
    member = _member_or_404(request, user_id)
    try:
        habilitation = services.habilitation_parse(
            role=request.POST.get("role", ""), unit=request.POST.get("unite", "")
        )
        services.habilitation_in_scope(habilitation=habilitation, scope=_scope(request))
        if grant:
            services.habilitation_grant(
                tenant_code=_tenant_code(request),
                member=member,
                habilitation=habilitation,
                actor=request.user.get_username(),
            )
        else:
            services.habilitation_revoke(
                tenant_code=_tenant_code(request),
                member=member,
                habilitation=habilitation,
                actor_user_id=str(getattr(request.user, "keycloak_sub", "")),
                actor=request.user.get_username(),
            )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        done = _("accordée à") if grant else _("retirée à")
        messages.success(
            request,
            _("Habilitation %(h)s %(done)s %(who)s.")
            % {"h": habilitation.group_name, "done": done, "who": member.display_name},
        )
    return HttpResponseRedirect(reverse("habilitations:members"))


@require_POST
@requires(Action.HABILITATIONS_GERER)
def habilitation_grant(request: HttpRequest, user_id: UUID) -> HttpResponse:
    return _change(request, user_id, grant=True)


@require_POST
@requires(Action.HABILITATIONS_GERER)
def habilitation_revoke(request: HttpRequest, user_id: UUID) -> HttpResponse:
    return _change(request, user_id, grant=False)


@require_POST
@requires(Action.HABILITATIONS_GERER)
def member_deactivate(request: HttpRequest, user_id: UUID) -> HttpResponse:
    if (refused := _whole_tenant_only(request)) is not None:
        return refused
    member = _member_or_404(request, user_id)
    try:
        services.member_deactivate(
            tenant_code=_tenant_code(request),
            member=member,
            actor_user_id=str(getattr(request.user, "keycloak_sub", "")),
            actor=request.user.get_username(),
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("%(who)s n'a plus accès.") % {"who": member.display_name})
    return HttpResponseRedirect(reverse("habilitations:members"))


@require_http_methods(["GET", "POST"])
@requires(Action.HABILITATIONS_GERER)
def api_clients(request: HttpRequest) -> HttpResponse:
    """Integrations' API clients: list, create (the secret is shown once, here)."""
    if (refused := _whole_tenant_only(request)) is not None:
        return refused
    context: dict[str, object] = {"roles": TENANT_ROLES, "form": {}}
    status = 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in ("nom", "role", "unite")}
        context["form"] = form
        try:
            habilitation = services.habilitation_parse(role=form["role"], unit=form["unite"])
            client_id, secret = services.api_client_create(
                tenant_code=_tenant_code(request),
                name=form["nom"],
                habilitation=habilitation,
                actor=request.user.get_username(),
            )
        except ValidationError as error:
            context["error"], status = _errors(error), 400
        else:
            context["created"] = {"client_id": client_id, "secret": secret}
            context["form"] = {}
    context["clients"] = identity_facade.tenant_api_clients(alias=_tenant_code(request))
    response = render(request, "habilitations/api_clients.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the page may carry a secret
    return response


@require_POST
@requires(Action.HABILITATIONS_GERER)
def api_client_revoke(request: HttpRequest, client_id: str) -> HttpResponse:
    if (refused := _whole_tenant_only(request)) is not None:
        return refused
    revoked = services.api_client_revoke(
        tenant_code=_tenant_code(request), client_id=client_id, actor=request.user.get_username()
    )
    if not revoked:
        raise Http404
    messages.success(request, _("Client %(c)s révoqué.") % {"c": client_id})
    return HttpResponseRedirect(reverse("habilitations:api-clients"))


@requires(Action.HABILITATIONS_VOIR)
def assisted_accesses(request: HttpRequest) -> HttpResponse:
    """TGR operators' requests for this tenant, and every page they saw."""
    schema = str(request.tenant.schema_name)  # type: ignore[attr-defined]
    return render(
        request,
        "habilitations/assisted.html",
        {
            "accesses": assisted.assisted_access_list_for_tenant(tenant_schema=schema),
            "pages": audit_selectors.audit_event_list_by_action(action=assisted.PAGE_SEEN),
        },
    )


@require_POST
@requires(Action.HABILITATIONS_GERER)
def assisted_access_decide(request: HttpRequest, access_id: int) -> HttpResponse:
    if (refused := _whole_tenant_only(request)) is not None:
        return refused
    schema = str(request.tenant.schema_name)  # type: ignore[attr-defined]
    access = assisted.assisted_access_get_for_tenant(tenant_schema=schema, access_id=access_id)
    if access is None:
        raise Http404
    decision = request.POST.get("decision", "")
    try:
        if decision == "terminer":
            assisted.assisted_access_end(access=access, by=request.user.get_username())
        elif decision in {"accorder", "refuser"}:
            assisted.assisted_access_decide(
                access=access,
                grant=decision == "accorder",
                admin_username=request.user.get_username(),
            )
        else:
            raise ValidationError(_("Décision inconnue."))
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Décision enregistrée."))
    return HttpResponseRedirect(reverse("habilitations:assisted"))
