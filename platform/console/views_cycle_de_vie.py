"""Console pages to suspend and reactivate a tenant (platform roles, apex host).

Archiving is final and stays with the command line (`manage.py tenant archiver`).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from console import selectors
from identity.permissions import platform_role_required
from tenants import cycle_de_vie
from tenants.models import OrganisationStatus

ROLES = ("tgr-operateur", "plateforme-admin")


class MotifForm(forms.Form):
    action = forms.ChoiceField(choices=[("suspendre", "suspendre"), ("reactiver", "reactiver")])
    motif = forms.CharField(
        label=gettext_lazy("Motif (référence du courrier, du ticket…)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy(
                "Indiquez le motif (par exemple la référence du courrier ou du ticket)."
            )
        },
    )


@require_http_methods(["GET", "POST"])
@platform_role_required(*ROLES)
def organisation_cycle_de_vie(request: HttpRequest, code: str) -> HttpResponse:
    organisation = selectors.organisation_get(code=code)
    if organisation is None:
        raise Http404
    form = MotifForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = (
            cycle_de_vie.organisation_suspendre
            if form.cleaned_data["action"] == "suspendre"
            else cycle_de_vie.organisation_reactiver
        )
        try:
            changement = service(
                organisation=organisation,
                actor=request.user.get_username(),
                motif=form.cleaned_data["motif"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("« %(code)s » est maintenant « %(statut)s ».")
                % {"code": code, "statut": changement.organisation.get_status_display()},
            )
            if changement.keycloak_a_jour is False:
                messages.warning(
                    request,
                    _(
                        "Keycloak ne répond pas : l'accès est déjà coupé ou rétabli côté INDIMAJ, "
                        "Keycloak sera mis à jour par la réconciliation périodique."
                    ),
                )
            return HttpResponseRedirect(reverse("console:organisation-cycle", args=[code]))
    return render(
        request,
        "console/cycle_de_vie.html",
        {
            "organisation": organisation,
            "form": form,
            "peut_suspendre": organisation.status
            in (OrganisationStatus.ACTIVE, OrganisationStatus.EN_PREPARATION),
            "peut_reactiver": organisation.status == OrganisationStatus.SUSPENDUE,
        },
        status=400 if request.method == "POST" else 200,
    )
