"""The tenant's home page and the platform's landing page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit import selectors as audit_selectors
from identity import permissions
from identity.permissions import Action
from tenants import selectors, services


@permissions.requires(Action.ACCUEIL_VOIR)
def home(request: HttpRequest) -> HttpResponse:
    held = permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))
    can_read_journal = permissions.allowed(held, Action.JOURNAL_LIRE)
    events = audit_selectors.audit_event_list_recent(limit=10) if can_read_journal else None
    return render(
        request,
        "tenants/home.html",
        {
            "events": events,
            "can_read_journal": can_read_journal,
            "can_manage_habilitations": permissions.allowed(held, Action.HABILITATIONS_VOIR),
            "can_onboard": permissions.allowed(held, Action.DEMARRAGE),
            "can_draft_acts": permissions.allowed(held, Action.ACTES_REDIGER),
            "can_read_pay": permissions.allowed(held, Action.PAIE_VOIR),
            "habilitations": sorted(held),
        },
    )


@permissions.public
def platform_home(request: HttpRequest) -> HttpResponse:
    organisations = [
        (organisation, services.tenant_base_url(organisation.code))
        for organisation in selectors.organisation_list_active()
    ]
    return render(request, "tenants/platform_home.html", {"organisations": organisations})
