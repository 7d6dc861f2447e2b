"""The review queue of differences with the Treasury's situations (gestionnaires): open lines
in the perimeter, each decided with a reason. A line without an agent file (a PPR the Treasury
pays that the HR file does not know) is shown to whole-tenant perimeters only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from identity import permissions
from identity.permissions import Action
from modules.personnel import echange, presentation, selectors
from modules.personnel.models import EcartTresor, StatutEcart
from modules.unites.perimetres import Perimetre

LIBELLES_CHAMPS = {
    "agent": _("Agent inconnu du dossier RH"),
    "presence": _("Sorti des livres du Trésor"),
    "grade": _("Grade"),
    "echelle": _("Échelle"),
    "echelon": _("Échelon"),
    "indice": _("Indice"),
    "position": _("Position"),
    "statut": _("Statut"),
}


def _perimetre(request: HttpRequest) -> Perimetre:
    held = permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))
    return presentation.perimetre(held, Action.PERSONNEL_GERER)


def ecarts_scopes(perimetre: Perimetre) -> QuerySet[EcartTresor]:
    dans = Q(agent__in=selectors.agents_scopes(perimetre=perimetre))
    if perimetre.tout:
        dans |= Q(agent__isnull=True)
    return EcartTresor.objects.filter(dans).select_related("agent")


@permissions.requires(Action.PERSONNEL_GERER)
def ecarts(request: HttpRequest) -> HttpResponse:
    statut = request.GET.get("statut", StatutEcart.OUVERT)
    if statut not in StatutEcart.values:
        statut = StatutEcart.OUVERT
    lignes = ecarts_scopes(_perimetre(request)).filter(statut=statut).order_by("ppr", "champ")
    page = Paginator(lignes, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "personnel/ecarts.html",
        {
            "page": page,
            "statut": statut,
            "statuts": StatutEcart.choices,
            "libelles": {k: str(v) for k, v in LIBELLES_CHAMPS.items()},
        },
    )


@require_POST
@permissions.requires(Action.PERSONNEL_GERER)
def ecart_decider(request: HttpRequest, ecart_id: int) -> HttpResponse:
    ecart = ecarts_scopes(_perimetre(request)).filter(id=ecart_id).first()
    if ecart is None:
        raise Http404(_("Écart introuvable."))
    try:
        echange.ecart_traiter(
            auteur=str(request.user.get_username()),
            ecart=ecart,
            statut=request.POST.get("statut", ""),
            motif=request.POST.get("motif", ""),
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request, _("Décision enregistrée pour le PPR %(ppr)s.") % {"ppr": ecart.ppr}
        )
    return HttpResponseRedirect(reverse("personnel:ecarts"))
