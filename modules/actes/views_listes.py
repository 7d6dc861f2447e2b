"""Acts lists (htmx, FR/AR): filters, pages, CSV export, and what needs the person's action."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from identity import permissions
from identity.permissions import Action
from modules.actes import forms, presentation, sante, selectors, services
from modules.actes.models import Acte
from modules.actes.views import acteur, held, perimetre
from modules.unites import facade as unites

PAR_PAGE = 50


def _types() -> list[tuple[str, str]]:
    return [(t.code, str(t.libelle)) for t in services.types_disponibles()]


def _filtres(request: HttpRequest) -> tuple[forms.FiltresForm, selectors.FiltresActes]:
    voir = perimetre(request, Action.ACTES_VOIR)
    form = forms.FiltresForm(
        request.GET,
        types=_types(),
        unites=[(u.code, f"{u.code} — {u.nom_fr}") for u in unites.unite_list(perimeter=voir)],
    )
    return form, form.filtres()


def lignes(actes: Iterable[Acte]) -> list[tuple[Acte, str]]:
    """Each act with its type's label, for the acts tables."""
    return [(acte, presentation.type_libelle(acte.type_code)) for acte in actes]


def _requete_sans_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@permissions.requires(Action.ACTES_VOIR)
def liste(request: HttpRequest) -> HttpResponse:
    form, filtres = _filtres(request)
    actes = sante.masquer(
        selectors.actes_filtres(perimetre=perimetre(request, Action.ACTES_VOIR), filtres=filtres),
        sensibles=perimetre(request, Action.PERSONNEL_DONNEES_SENSIBLES),
        voir=perimetre(request, Action.ACTES_VOIR),
    )
    page = Paginator(actes, PAR_PAGE).get_page(request.GET.get("page"))
    habilitations = held(request)
    contexte = {
        "form": form,
        "page": page,
        "lignes": lignes(page.object_list),
        "requete": _requete_sans_page(request),
        "maintenant": timezone.now(),
        "peut_rediger": permissions.allowed(habilitations, Action.ACTES_REDIGER),
        "peut_valider": permissions.allowed(habilitations, Action.ACTES_VALIDER),
    }
    if request.headers.get("HX-Request"):
        return render(request, "actes/_resultats.html", contexte)
    return render(request, "actes/liste.html", contexte)


def _csv_lignes(actes: Iterable[Acte]) -> Iterator[list[str]]:
    yield [
        _("Numéro"),
        _("Type"),
        _("PPR"),
        _("Agent"),
        _("Unité"),
        _("État"),
        _("Dans cet état depuis"),
        _("Version"),
        _("Date d'effet"),
        _("Bordereau"),
        _("Numéro de visa"),
    ]
    for acte in actes:
        yield [
            acte.numero,
            presentation.type_libelle(acte.type_code),
            acte.agent_ppr,
            acte.agent_nom,
            acte.unite_code,
            presentation.etat_libelle(acte.etat),
            timezone.localtime(acte.etat_depuis).strftime("%d/%m/%Y %H:%M"),
            str(acte.version),
            acte.date_effet.strftime("%d/%m/%Y"),
            acte.bordereau.numero if acte.bordereau else "",
            acte.numero_visa,
        ]


class _Echo:
    def write(self, valeur: str) -> str:
        return valeur


def reponse_csv(lignes: Iterable[list[str]], nom: str) -> HttpResponse:
    """Streamed CSV (UTF-8 with BOM so spreadsheet software reads Arabic names)."""
    ecrivain = csv.writer(_Echo(), delimiter=";")

    def flux() -> Iterator[str]:
        yield "\ufeff"
        for ligne in lignes:
            yield ecrivain.writerow(ligne)

    reponse = StreamingHttpResponse(flux(), content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    # The permission decorator is typed for HttpResponse; Django serves any streaming response.
    return cast(HttpResponse, reponse)


@permissions.requires(Action.ACTES_VOIR)
def exporter(request: HttpRequest) -> HttpResponse:
    """The whole current list (same filters), streamed."""
    _form, filtres = _filtres(request)
    actes = sante.masquer(
        selectors.actes_filtres(perimetre=perimetre(request, Action.ACTES_VOIR), filtres=filtres),
        sensibles=perimetre(request, Action.PERSONNEL_DONNEES_SENSIBLES),
        voir=perimetre(request, Action.ACTES_VOIR),
    )
    return reponse_csv(_csv_lignes(actes.iterator(chunk_size=500)), "actes.csv")


def _a_traiter(request: HttpRequest, droits: presentation.Droits | None = None) -> dict[str, Any]:
    droits = droits or presentation.Droits.depuis(held(request))
    return selectors.a_traiter(
        perimetre_rediger=droits.rediger,
        perimetre_valider=droits.valider,
        auteur=acteur(request),
    )


def _titres() -> dict[str, str]:
    return {
        "brouillons": _("Brouillons à terminer et soumettre"),
        "a_corriger": _("Rejetés ou en suspens : à corriger"),
        "a_valider": _("Soumis : à valider"),
        "a_transmettre": _("Validés : à transmettre au Trésor"),
    }


@permissions.requires(Action.ACTES_VOIR)
def a_traiter(request: HttpRequest) -> HttpResponse:
    titres = _titres()
    droits = presentation.Droits.depuis(held(request))
    sections = [
        {
            "cle": cle,
            "titre": titres[cle],
            "nombre": actes.count(),
            "lignes": lignes(actes.select_related("bordereau")[:PAR_PAGE]),
        }
        for cle, actes in _a_traiter(request, droits).items()
    ]
    return render(
        request,
        "actes/a_traiter.html",
        {
            "sections": sections,
            "maintenant": timezone.now(),
            "peut_rediger": not droits.rediger.vide,
            "peut_valider": not droits.valider.vide,
        },
    )


@permissions.requires(Action.ACTES_VOIR)
def a_traiter_compte(request: HttpRequest) -> HttpResponse:
    """The home page's count (an htmx fragment, so the home page needs no acts import)."""
    total = sum(actes.count() for actes in _a_traiter(request).values())
    return render(request, "actes/_compte.html", {"total": total})
