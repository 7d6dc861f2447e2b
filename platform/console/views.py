"""The operators' console (platform apex): supervision of tenants and dead letters.

Operators see organisations, counts and timestamps; never a tenant's members or records.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from console import deploiement as console_deploiement
from console import exports, selectors, supervision
from console.forms import ETAT_LABELS, DeploiementFilterForm, OrganisationFilterForm
from identity.permissions import platform_role_required
from tenants import selectors as tenant_selectors
from tenants import services
from tenants.models import OrganisationStatus

OPERATOR_ROLES = ("tgr-operateur", "plateforme-admin")
PAGE_SIZE = 50


@require_GET
@platform_role_required(*OPERATOR_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    by_status = selectors.organisation_count_by_status()
    statuses = [(label, by_status.get(value, 0)) for value, label in OrganisationStatus.choices]
    return render(
        request,
        "console/home.html",
        {
            "statuses": statuses,
            "organisation_total": sum(by_status.values()),
            "failed_job_total": selectors.failed_job_count(),
        },
    )


def _filters(request: HttpRequest) -> tuple[OrganisationFilterForm, dict[str, str]]:
    form = OrganisationFilterForm(request.GET)
    if not form.is_valid():
        return form, {"kind": "", "status": "", "apres": ""}
    return form, {k: form.cleaned_data[k] or "" for k in ("kind", "status", "apres")}


@require_GET
@platform_role_required(*OPERATOR_ROLES)
def organisations(request: HttpRequest) -> HttpResponse:
    form, chosen = _filters(request)
    page = selectors.organisation_page(
        kind=chosen["kind"], status=chosen["status"], after=chosen["apres"], size=PAGE_SIZE
    )
    table = supervision.organisation_facts(page.organisations)
    filters = {k: v for k, v in chosen.items() if k != "apres" and v}
    return render(
        request,
        "console/organisations.html",
        {
            "form": form,
            "table": table,
            "page": page,
            "is_first_page": not chosen["apres"],
            "filter_query": urlencode(filters),
            "next_query": urlencode({**filters, "apres": page.next_after or ""}),
        },
    )


@require_GET
@platform_role_required(*OPERATOR_ROLES)
def organisations_csv(request: HttpRequest) -> HttpResponse:
    _form, chosen = _filters(request)
    organisations = list(selectors.organisation_list(kind=chosen["kind"], status=chosen["status"]))
    table = supervision.organisation_facts(organisations)
    response = HttpResponse(
        exports.organisations_csv(table.rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="organisations-{stamp}.csv"'
    return response


@require_GET
@platform_role_required(*OPERATOR_ROLES)
def organisation_detail(request: HttpRequest, code: str) -> HttpResponse:
    organisation = selectors.organisation_get(code=code)
    if organisation is None:
        raise Http404
    table = supervision.organisation_facts([organisation])
    return render(
        request,
        "console/organisation_detail.html",
        {
            "facts": table.rows[0],
            "members_available": table.members_available,
            "failed_jobs": selectors.failed_job_count(tenant_schema=organisation.schema_name),
            "base_url": services.tenant_base_url(organisation.code),
        },
    )


@require_GET
@platform_role_required(*OPERATOR_ROLES)
def failed_jobs(request: HttpRequest) -> HttpResponse:
    jobs = tenant_selectors.failed_job_list()[:200]
    return render(request, "console/failed_jobs.html", {"jobs": jobs})


@require_POST
@platform_role_required(*OPERATOR_ROLES)
def failed_job_retry(request: HttpRequest, failed_job_id: int) -> HttpResponse:
    failed_job = tenant_selectors.failed_job_get(failed_job_id=failed_job_id)
    if failed_job is None:
        raise Http404
    try:
        message_id = services.failed_job_retry(
            failed_job=failed_job, actor=request.user.get_username()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Job relancé (message %(id)s).") % {"id": message_id})
    return HttpResponseRedirect(reverse("console:failed-jobs"))


@require_GET
@platform_role_required(*OPERATOR_ROLES)
def deploiement(request: HttpRequest) -> HttpResponse:
    form = DeploiementFilterForm(request.GET)
    chosen = form.cleaned_data if form.is_valid() else {"vague": None, "etat": "", "apres": ""}
    page = console_deploiement.deploiement_page(
        vague=chosen["vague"], etat=chosen["etat"] or "", apres=chosen["apres"] or ""
    )
    filters = {k: v for k, v in (("vague", chosen["vague"]), ("etat", chosen["etat"])) if v}
    return render(
        request,
        "console/deploiement.html",
        {
            "form": form,
            "vagues": console_deploiement.deploiement_vagues(),
            "etats": ETAT_LABELS,
            "page": page,
            "next_query": urlencode({**filters, "apres": page.apres or ""}),
        },
    )
