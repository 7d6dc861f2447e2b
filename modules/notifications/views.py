"""The user's notifications: newest first, marked read when opened (explicitly, by a button)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from identity import permissions
from identity.permissions import Action
from modules.notifications import selectors, services


@permissions.requires(Action.ACCUEIL_VOIR)
def notifications(request: HttpRequest) -> HttpResponse:
    """GET: the list. POST: everything marked read, then the list again."""
    moi = str(request.user.get_username())
    if request.method == "POST":
        services.notifications_marquer_lues(destinataire=moi)
        return HttpResponseRedirect(reverse("notifications:liste"))
    page = Paginator(selectors.notifications_de(destinataire=moi), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/liste.html",
        {"page": page, "non_lues": selectors.non_lues_nombre(destinataire=moi)},
    )
