"""The ordonnateur's own exchange files with the Treasury: what left (bordereaux), what came
back (responses, situations), with their state, and each file downloadable as received.
Scoped to the tenant's own party: `ORD:<code>` and its sous-ordonnateurs."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_tenants.utils import get_tenant_model

from exchange import selectors as echanges
from exchange.protocole.fichiers import FichierEchange
from identity import permissions
from identity.permissions import Action


def _partie() -> str:
    schema = connection.schema_name  # type: ignore[attr-defined]
    code = (
        get_tenant_model().objects.filter(schema_name=schema).values_list("code", flat=True).get()
    )
    return f"ORD:{code}"


@permissions.requires(Action.ECHANGES_VOIR)
def fichiers(request: HttpRequest) -> HttpResponse:
    page = Paginator(echanges.fichiers(partie=_partie()), 50).get_page(request.GET.get("page"))
    return render(request, "echanges/fichiers.html", {"page": page, "partie": _partie()})


@permissions.requires(Action.ECHANGES_VOIR)
def telecharger(request: HttpRequest, fichier_id: int) -> HttpResponse:
    ligne = echanges.fichier_get(fichier_id=fichier_id)
    partie = _partie()
    concerne = ligne is not None and any(
        p == partie or p.startswith(partie + "/") for p in (ligne.emetteur, ligne.destinataire)
    )
    if ligne is None or not concerne or not ligne.chemin:
        raise Http404
    charge = FichierEchange(Path(ligne.chemin)).charge
    if not charge.exists():
        raise Http404
    reponse = FileResponse(
        charge.open("rb"),
        as_attachment=True,
        filename=charge.name,
        content_type="application/jsonl",
    )
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Cache-Control"] = "private, no-store"
    # A streamed response; permissions.requires is typed for plain pages.
    return cast(HttpResponse, reponse)
