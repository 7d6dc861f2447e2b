"""The TGR operator's side of assisted access (platform apex)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_tenants.utils import get_tenant_model

from identity import assisted
from identity.permissions import platform_role_required


@require_http_methods(["GET", "POST"])
@platform_role_required("tgr-operateur")
def operator_requests(request: HttpRequest) -> HttpResponse:
    operator_sub = str(getattr(request.user, "keycloak_sub", "") or "")
    form = {k: request.POST.get(k, "") for k in ("tenant", "motif", "minutes")}
    error = ""
    if request.method == "POST":
        tenant = (
            get_tenant_model()
            .objects.exclude(schema_name="public")
            .filter(code=form["tenant"])
            .first()
        )
        try:
            if tenant is None:
                raise ValidationError(_("Organisation inconnue : %(c)s") % {"c": form["tenant"]})
            minutes = int(form["minutes"] or 0)
            assisted.assisted_access_request(
                tenant_schema=tenant.schema_name,
                tenant_code=tenant.code,
                operator_sub=operator_sub,
                operator_username=request.user.get_username(),
                reason=form["motif"],
                minutes=minutes,
            )
        except ValueError:
            error = _("La durée doit être un nombre de minutes.")
        except ValidationError as failure:
            error = " ".join(failure.messages)
        else:
            messages.success(
                request,
                _("Demande envoyée à l'administrateur de %(c)s.") % {"c": tenant.code},
            )
            return HttpResponseRedirect(reverse("assisted:operator"))
    return render(
        request,
        "identity/assisted_operator.html",
        {
            "form": form,
            "error": error,
            "requests": assisted.assisted_access_list_for_operator(operator_sub=operator_sub),
            "max_minutes": assisted.MAX_MINUTES,
        },
        status=400 if error else 200,
    )
