"""The tenant's home page and the platform's landing page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit import selectors as audit_selectors
from identity.decorators import login_required
from tenants import selectors, services


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tenants/home.html",
        {"events": audit_selectors.audit_event_list_recent(limit=10)},
    )


def platform_home(request: HttpRequest) -> HttpResponse:
    organisations = [
        (organisation, services.tenant_base_url(organisation.code))
        for organisation in selectors.organisation_list_active()
    ]
    return render(request, "tenants/platform_home.html", {"organisations": organisations})
