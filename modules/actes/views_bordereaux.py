"""Transmission of validated acts to the Treasury in bordereaux, and the bordereaux pages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from identity import permissions
from identity.permissions import Action
from modules.actes import presentation, selectors, services
from modules.actes.etats import Partie
from modules.actes.models import Bordereau, Etat, LigneBordereau
from modules.actes.views import acteur, bordereau_or_404, messages_de, perimetre
from modules.actes.views_listes import PAR_PAGE, reponse_csv


@permissions.requires(Action.ACTES_VALIDER)
def transmission(request: HttpRequest) -> HttpResponse:
    valider = perimetre(request, Action.ACTES_VALIDER)
    valides = selectors.actes_filtres(
        perimetre=valider, filtres=selectors.FiltresActes(etat=Etat.VALIDE)
    ).order_by("emetteur_code", "numero")
    erreurs: list[str] = []
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("actes") if i.isdigit()]
        choisis = list(valides.filter(id__in=ids))
        if len(choisis) != len(set(ids)):
            # an act that is not (or no longer) validated in this perimeter
            erreurs.append(_("Un acte choisi n'est plus à transmettre : rechargez la page."))
        else:
            try:
                bordereaux = services.bordereaux_constituer(
                    auteur=acteur(request), actes=choisis, partie=Partie.VALIDEUR
                )
            except ValidationError as erreur:
                erreurs += messages_de(erreur)
            else:
                messages.success(
                    request,
                    _("Transmis : %(n)s.") % {"n": ", ".join(b.numero for b in bordereaux)},
                )
                if len(bordereaux) == 1:
                    return HttpResponseRedirect(reverse("actes:bordereau", args=[bordereaux[0].id]))
                return HttpResponseRedirect(reverse("actes:bordereaux"))
    return render(
        request,
        "actes/transmission.html",
        {"actes": list(valides), "erreurs": erreurs},
        status=400 if erreurs else 200,
    )


@permissions.requires(Action.ACTES_VOIR)
def bordereaux(request: HttpRequest) -> HttpResponse:
    liste = selectors.bordereaux_scopes(perimetre=perimetre(request, Action.ACTES_VOIR))
    page = Paginator(liste.order_by("-cree_le", "-id"), PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "actes/bordereaux.html",
        {"page": page, "bordereaux": list(page.object_list)},
    )


def _lignes(request: HttpRequest, bordereau: Bordereau) -> list[LigneBordereau]:
    """The bordereau's acts that the person may see (a bordereau may carry other units')."""
    actes = selectors.actes_scopes(perimetre=perimetre(request, Action.ACTES_VOIR))
    return list(
        bordereau.lignes.filter(acte__in=actes).select_related("acte").order_by("acte__numero")
    )


@permissions.requires(Action.ACTES_VOIR)
def bordereau(request: HttpRequest, bordereau_id: int) -> HttpResponse:
    cible = bordereau_or_404(request, bordereau_id)
    lignes = [
        {
            "ligne": ligne,
            "type": presentation.type_libelle(ligne.acte.type_code),
            "etat": presentation.etat_libelle(ligne.acte.etat),
            "version_courante": ligne.acte.version == ligne.version,
        }
        for ligne in _lignes(request, cible)
    ]
    return render(request, "actes/bordereau.html", {"bordereau": cible, "lignes": lignes})


def _csv(bordereau: Bordereau, lignes: Iterable[LigneBordereau]) -> Iterator[list[str]]:
    yield [
        _("Bordereau"),
        _("Numéro d'acte"),
        _("Version transmise"),
        _("Type"),
        _("PPR"),
        _("Agent"),
        _("Unité"),
        _("Date d'effet"),
        _("État actuel"),
        _("Numéro de visa"),
    ]
    for ligne in lignes:
        acte = ligne.acte
        yield [
            bordereau.numero,
            acte.numero,
            str(ligne.version),
            presentation.type_libelle(acte.type_code),
            acte.agent_ppr,
            acte.agent_nom,
            acte.unite_code,
            acte.date_effet.strftime("%d/%m/%Y"),
            presentation.etat_libelle(acte.etat),
            acte.numero_visa,
        ]


@permissions.requires(Action.ACTES_VOIR)
def bordereau_exporter(request: HttpRequest, bordereau_id: int) -> HttpResponse:
    cible = bordereau_or_404(request, bordereau_id)
    if not cible.numero:
        raise Http404(_("Bordereau introuvable."))
    return reponse_csv(_csv(cible, _lignes(request, cible)), f"{cible.numero}.csv")
