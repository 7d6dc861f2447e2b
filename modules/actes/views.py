"""What every acts page shares: the person's habilitations and perimeters, ids resolved in the
perimeter of the action (missing and out-of-perimeter are the same 404), service errors on the
fields they name.

The pages themselves live in `views_listes` (list, export, what needs my action),
`views_redaction` (new act, edit, correct), `views_acte` (the act page, its transitions and
documents) and `views_bordereaux` (transmission and bordereaux).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from identity import permissions
from identity.habilitations import Habilitation
from identity.permissions import Action
from modules.actes import presentation, sante, selectors
from modules.actes.models import Acte, Bordereau
from modules.unites.perimetres import Perimetre


def held(request: HttpRequest) -> frozenset[Habilitation]:
    return permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))


def perimetre(request: HttpRequest, action: Action) -> Perimetre:
    return presentation.perimetre(held(request), action)


def acteur(request: HttpRequest) -> str:
    return str(request.user.get_username())


def acte_or_404(request: HttpRequest, acte_id: int, action: Action) -> Acte:
    acte = selectors.acte_get(perimetre=perimetre(request, action), acte_id=acte_id)
    sensibles = perimetre(request, Action.PERSONNEL_DONNEES_SENSIBLES)
    if acte is None or not sante.visible(acte, sensibles=sensibles):
        # missing, out of perimeter, or health data the person may not read: the same answer
        raise Http404(_("Acte introuvable."))
    return acte


def bordereau_or_404(request: HttpRequest, bordereau_id: int) -> Bordereau:
    bordereau = selectors.bordereau_get(
        perimetre=perimetre(request, Action.ACTES_VOIR), bordereau_id=bordereau_id
    )
    if bordereau is None:
        raise Http404(_("Bordereau introuvable."))
    return bordereau


def messages_de(erreur: ValidationError) -> list[str]:
    return [str(m) for m in erreur.messages]


def attacher(form: Form, erreur: ValidationError) -> None:
    """A service's errors on the fields they name; the others above the form."""
    if hasattr(erreur, "error_dict"):
        for champ, erreurs in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, erreur)


def refus(request: HttpRequest, raison: str) -> HttpResponse:
    return render(request, "identity/denied.html", {"reason": raison}, status=403)
