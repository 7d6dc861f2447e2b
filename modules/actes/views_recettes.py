"""Ordres de recette pages: the list (scoped by the perimeter, filters, CSV export). The act
page shows its own order (views_acte)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from identity import permissions
from identity.permissions import Action
from modules.actes import presentation, recettes, sante, services
from modules.actes.models import OrdreRecette
from modules.actes.views import perimetre
from modules.actes.views_listes import reponse_csv
from modules.unites import facade as unites

PAR_PAGE = 50


class FiltresOrdresForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Numéro, PPR ou nom"), required=False, max_length=100)
    unite_code = forms.ChoiceField(label=gettext_lazy("Unité"), required=False)
    type_code = forms.ChoiceField(label=gettext_lazy("Type d'acte"), required=False)
    du = forms.DateField(label=gettext_lazy("Établis depuis le"), required=False)
    au = forms.DateField(label=gettext_lazy("Jusqu'au"), required=False)

    def __init__(
        self, *args: Any, unites: list[tuple[str, str]], types: list[tuple[str, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["unite_code"].choices = [("", _("Toutes")), *unites]  # type: ignore[attr-defined]
        self.fields["type_code"].choices = [("", _("Tous")), *types]  # type: ignore[attr-defined]

    def filtres(self) -> recettes.FiltresOrdres:
        if not self.is_valid():
            return recettes.FiltresOrdres()
        d = self.cleaned_data
        return recettes.FiltresOrdres(
            q=d.get("q") or "",
            unite_code=d.get("unite_code") or "",
            type_code=d.get("type_code") or "",
            du=d.get("du"),
            au=d.get("au"),
        )


def _filtres(request: HttpRequest) -> tuple[FiltresOrdresForm, recettes.FiltresOrdres]:
    voir = perimetre(request, Action.ACTES_VOIR)
    form = FiltresOrdresForm(
        request.GET,
        unites=[(u.code, f"{u.code} — {u.nom_fr}") for u in unites.unite_list(perimeter=voir)],
        types=[(t.code, str(t.libelle)) for t in services.types_disponibles()],
    )
    return form, form.filtres()


@permissions.requires(Action.ACTES_VOIR)
def ordres(request: HttpRequest) -> HttpResponse:
    form, filtres = _filtres(request)
    liste = sante.masquer_ordres(
        recettes.ordres_filtres(perimetre=perimetre(request, Action.ACTES_VOIR), filtres=filtres),
        sensibles=perimetre(request, Action.PERSONNEL_DONNEES_SENSIBLES),
        voir=perimetre(request, Action.ACTES_VOIR),
    )
    page = Paginator(liste, PAR_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "actes/ordres_recette.html",
        {
            "form": form,
            "page": page,
            "lignes": [
                (o, presentation.type_libelle(o.acte.type_code), recettes.dh(o.montant_net))
                for o in page.object_list
            ],
            "requete": params.urlencode(),
        },
    )


def _csv_lignes(ordres: Iterable[OrdreRecette]) -> Iterator[list[str]]:
    yield [
        _("Numéro"),
        _("Acte"),
        _("Type d'acte"),
        _("PPR"),
        _("Agent"),
        _("Unité"),
        _("Date d'effet"),
        _("Premier mois"),
        _("Dernier mois"),
        _("Mois"),
        _("Brut trop payé (DH)"),
        _("Net à reverser (DH)"),
        _("Établi le"),
    ]
    for o in ordres:
        yield [
            o.numero,
            o.acte.numero,
            presentation.type_libelle(o.acte.type_code),
            o.agent_ppr,
            o.agent_nom,
            o.unite_code,
            o.date_effet.strftime("%d/%m/%Y"),
            o.premier_mois.strftime("%m/%Y"),
            o.dernier_mois.strftime("%m/%Y"),
            str(o.nombre_mois),
            recettes.dh(o.montant_brut),
            recettes.dh(o.montant_net),
            timezone.localtime(o.etabli_le).strftime("%d/%m/%Y %H:%M"),
        ]


@permissions.requires(Action.ACTES_VOIR)
def ordres_exporter(request: HttpRequest) -> HttpResponse:
    _form, filtres = _filtres(request)
    liste = sante.masquer_ordres(
        recettes.ordres_filtres(perimetre=perimetre(request, Action.ACTES_VOIR), filtres=filtres),
        sensibles=perimetre(request, Action.PERSONNEL_DONNEES_SENSIBLES),
        voir=perimetre(request, Action.ACTES_VOIR),
    )
    return reponse_csv(_csv_lignes(liste.iterator(chunk_size=500)), "ordres-recette.csv")
