"""Dead letters: background jobs that failed for good, with a retry button for operators."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from identity.permissions import platform_role_required
from tenants import selectors, services

OPERATOR_ROLES = ("tgr-operateur", "plateforme-admin")


@require_GET
@platform_role_required(*OPERATOR_ROLES)
def failed_jobs(request: HttpRequest) -> HttpResponse:
    jobs = selectors.failed_job_list()[:200]
    return render(request, "console/failed_jobs.html", {"jobs": jobs})


@require_POST
@platform_role_required(*OPERATOR_ROLES)
def failed_job_retry(request: HttpRequest, failed_job_id: int) -> HttpResponse:
    failed_job = selectors.failed_job_get(failed_job_id=failed_job_id)
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
