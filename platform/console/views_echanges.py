"""Supervision of the exchange with Wadef@ujour (TGR operators): flows per ordonnateur, files
per status with their reports, and the operators' decisions on held and quarantined files.
Counts, numbers and reports only: no record of a file is ever shown here."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from console.views import OPERATOR_ROLES
from exchange import facade, passerelle
from exchange import selectors as echanges
from exchange.models import Statut
from identity.permissions import platform_role_required


@require_GET
@platform_role_required(*OPERATOR_ROLES)
def flux(request: HttpRequest) -> HttpResponse:
    partie = request.GET.get("partie", "").strip()
    lignes = echanges.flux_par_partie(partie=partie)
    return render(
        request,
        "console/echanges.html",
        {"lignes": lignes, "partie": partie, "alertes": sum(1 for ligne in lignes if ligne.alerte)},
    )


@require_GET
@platform_role_required(*OPERATOR_ROLES)
def fichiers(request: HttpRequest) -> HttpResponse:
    partie = request.GET.get("partie", "").strip()
    statut = request.GET.get("statut", "")
    if statut not in Statut.values:
        statut = ""
    page = Paginator(echanges.fichiers(partie=partie, statut=statut), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "console/echanges_fichiers.html",
        {
            "page": page,
            "partie": partie,
            "statut": statut,
            "statuts": Statut.choices,
            "filtres": urlencode({"partie": partie, "statut": statut}),
        },
    )


def _retour(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("console:echanges-fichiers")
        + "?"
        + urlencode({"statut": request.POST.get("retour_statut", "")})
    )


@require_POST
@platform_role_required(*OPERATOR_ROLES)
def fichier_decider(request: HttpRequest, fichier_id: int) -> HttpResponse:
    """relancer | sauter (the missing numbers before a held file) | abandonner."""
    ligne = echanges.fichier_get(fichier_id=fichier_id)
    if ligne is None:
        raise Http404
    decision = request.POST.get("decision", "")
    motif = request.POST.get("motif", "").strip()
    acteur = request.user.get_username()
    try:
        if decision == "sauter":
            if ligne.statut != Statut.RETENU or not ligne.sequence:
                raise ValueError(
                    _("Seul un fichier retenu permet d'ignorer les numéros manquants.")
                )
            passerelle.sequence_sauter(
                emetteur=ligne.emetteur,
                destinataire=ligne.destinataire,
                flux=ligne.flux,
                jusqu_a=ligne.sequence - 1,
                motif=motif,
                auteur=acteur,
            )
            decision = "relancer"
        if decision == "relancer":
            issue = passerelle.fichier_relancer(
                depot=facade.depot_plateforme(), ligne=ligne, auteur=acteur
            )
            messages.success(
                request,
                _("Fichier %(nom)s : %(statut)s.")
                % {"nom": ligne.nom, "statut": issue.fichier.get_statut_display()},
            )
        elif decision == "abandonner":
            passerelle.fichier_abandonner(ligne=ligne, motif=motif, auteur=acteur)
            messages.success(request, _("Fichier %(nom)s abandonné.") % {"nom": ligne.nom})
        else:
            raise ValueError(_("Décision inconnue."))
    except ValueError as erreur:
        messages.error(request, str(erreur))
    return _retour(request)
