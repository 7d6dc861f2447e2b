"""The user's notifications: newest first, marked read when opened (explicitly, by a button)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from identity import permissions
from identity.permissions import Action
from modules.notifications import selectors, services


@permissions.requires(Action.ACCUEIL_VOIR)
def notifications(request: HttpRequest) -> HttpResponse:
    moi = str(request.user.get_username())
    page = Paginator(selectors.notifications_de(destinataire=moi), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/liste.html",
        {"page": page, "non_lues": selectors.non_lues_nombre(destinataire=moi)},
    )


@require_POST
@permissions.requires(Action.ACCUEIL_VOIR)
def marquer_lues(request: HttpRequest) -> HttpResponse:
    services.notifications_marquer_lues(destinataire=str(request.user.get_username()))
    return HttpResponseRedirect(reverse("notifications:liste"))
