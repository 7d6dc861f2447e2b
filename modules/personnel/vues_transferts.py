"""Pages of moves between ordonnateurs (htmx, FR/AR): propose from the agent's file, list the
incoming and outgoing moves, accept (choosing the unit and post), refuse, cancel.

They parse, call one selector or service, render. A move id from the client is resolved for the
current tenant only: an incoming move must be addressed to it, an outgoing one must concern an
agent in the caller's perimeter; anything else is the same 404 as a missing id.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from identity import permissions
from identity.permissions import Action
from modules.personnel import journal_acces, postes, selectors, transferts
from modules.personnel.models import Agent
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre
from tenants import registre
from tenants.models import NatureTransfert, StatutTransfert, TransfertAgent

LIMITE = 100


def _choix(form: forms.Form, champ: str, choix: list[tuple[str, Any]]) -> None:
    cast(forms.ChoiceField, form.fields[champ]).choices = choix


class PropositionForm(forms.Form):
    nature = forms.ChoiceField(label=gettext_lazy("Nature du mouvement"))
    destination = forms.ChoiceField(label=gettext_lazy("Ordonnateur de destination"))
    date_effet = forms.DateField(
        label=gettext_lazy("Date d'effet"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(
        label=gettext_lazy("Référence (arrêté, décision)"), max_length=100, required=False
    )
    motif = forms.CharField(label=gettext_lazy("Motif"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, destinations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choix(self, "nature", NatureTransfert.choices)
        _choix(self, "destination", [("", "—"), *destinations])


class AcceptationForm(forms.Form):
    unite_code = forms.ChoiceField(label=gettext_lazy("Unité d'affectation"))
    poste_code = forms.ChoiceField(
        label=gettext_lazy("Poste budgétaire"),
        required=False,
        help_text=gettext_lazy("Facultatif ; seuls les postes vacants sont proposés."),
    )

    def __init__(
        self,
        *args: Any,
        unites_choix: list[tuple[str, str]],
        postes_choix: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choix(self, "unite_code", [("", "—"), *unites_choix])
        _choix(self, "poste_code", [("", _("Aucun")), *postes_choix])


class MotifForm(forms.Form):
    motif = forms.CharField(label=gettext_lazy("Motif"), max_length=1000)


def _perimetre(request: HttpRequest, action: Action) -> Perimetre:
    held = permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))
    return Perimetre.depuis(held, roles=permissions.roles_for(action))


def _auteur(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _attacher(form: forms.Form, erreur: ValidationError) -> None:
    if hasattr(erreur, "error_dict"):
        for champ, erreurs in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, erreur)


def _liste() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("personnel:transferts"))


@permissions.requires(Action.PERSONNEL_GERER)
def transfert_proposer(request: HttpRequest, agent_id: int) -> HttpResponse:
    perimetre = _perimetre(request, Action.PERSONNEL_GERER)
    agent = selectors.agent_get(perimetre=perimetre, agent_id=agent_id)
    if agent is None:  # missing or out of perimeter: the same answer
        raise Http404(_("Agent introuvable."))
    ici = registre.organisation_courante()
    destinations = [(o.code, o.name_fr) for o in registre.destinations() if o.pk != ici.pk]
    form = PropositionForm(request.POST or None, destinations=destinations)
    if request.method == "POST" and form.is_valid():
        try:
            transferts.transfert_proposer(
                auteur=_auteur(request),
                agent=agent,
                perimetre=perimetre,
                destination_code=form.cleaned_data["destination"],
                nature=form.cleaned_data["nature"],
                date_effet=form.cleaned_data["date_effet"],
                motif=form.cleaned_data["motif"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as erreur:
            _attacher(form, erreur)
        else:
            messages.success(
                request,
                _("Mouvement proposé : l'autre ordonnateur doit maintenant l'accepter."),
            )
            return _liste()
    return render(
        request,
        "personnel/transfert_proposer.html",
        {"agent": agent, "form": form},
        status=400 if form.errors else 200,
    )


@permissions.requires(Action.PERSONNEL_VOIR)
def transferts_liste(request: HttpRequest) -> HttpResponse:
    statut = request.GET.get("statut", StatutTransfert.PROPOSE)
    if statut not in StatutTransfert.values:
        statut = ""  # "tous", or anything we did not offer
    voir = _perimetre(request, Action.PERSONNEL_VOIR)
    gerer = _perimetre(request, Action.PERSONNEL_GERER)
    entrants, sortants = transferts.transferts_lister(
        voir=voir, gerer=gerer, statut=statut, limite=LIMITE
    )
    pprs = {t.ppr for t in (*entrants, *sortants)}
    agents = {a.ppr: a for a in selectors.agents_scopes(perimetre=voir).filter(ppr__in=pprs)}
    journal_acces.consultation(
        acteur=_auteur(request), nature="liste", agent_ids=[a.pk for a in agents.values()]
    )
    return render(
        request,
        "personnel/transferts.html",
        {
            "entrants": [(t, agents.get(t.ppr)) for t in entrants],
            "sortants": [(t, agents.get(t.ppr)) for t in sortants],
            "limite": LIMITE,
            "statut": statut,
            "statuts": StatutTransfert.choices,
            "peut_gerer": not gerer.vide,
        },
    )


def _entrant_ou_404(transfert_id: int) -> TransfertAgent:
    transfert = transferts.transfert_entrant_get(transfert_id=transfert_id)
    if transfert is None:
        raise Http404(_("Mouvement introuvable."))
    return transfert


@permissions.requires(Action.PERSONNEL_GERER)
def transfert_accepter(request: HttpRequest, transfert_id: int) -> HttpResponse:
    transfert = _entrant_ou_404(transfert_id)
    perimetre = _perimetre(request, Action.PERSONNEL_GERER)
    form = AcceptationForm(
        request.POST or None,
        unites_choix=[
            (u.code, f"{u.code} — {u.nom_fr}")
            for u in unites.unite_list(perimeter=perimetre)
            if u.active
        ],
        postes_choix=[
            (p.code, f"{p.code} — {p.libelle} ({p.vacants})")
            for p in postes.occupation_list()
            if p.vacants > 0
        ],
    )
    if request.method == "POST" and form.is_valid():
        try:
            transferts.transfert_accepter(
                auteur=_auteur(request),
                transfert=transfert,
                perimetre=perimetre,
                unite_code=form.cleaned_data["unite_code"],
                poste_code=form.cleaned_data["poste_code"],
            )
        except ValidationError as erreur:
            _attacher(form, erreur)
        else:
            messages.success(
                request,
                _("Mouvement accepté : le dossier de l'agent (PPR %(ppr)s) est à jour ici.")
                % {"ppr": transfert.ppr},
            )
            return _liste()
    apercu = transferts.transfert_apercu(transfert=transfert, acteur=_auteur(request))
    return render(
        request,
        "personnel/transfert_accepter.html",
        {"transfert": transfert, "apercu": apercu, "form": form},
        status=400 if form.errors else 200,
    )


def _cloture(
    request: HttpRequest, transfert: TransfertAgent, *, refuser: bool, agent: Agent | None
) -> HttpResponse:
    """Refuse or cancel: POST only. htmx gets the row back (or the row with the error), a
    plain form post goes back to the list with a message."""
    if request.method != "POST":
        return _liste()
    form = MotifForm(request.POST)
    erreur = ""
    if form.is_valid():
        service = transferts.transfert_refuser if refuser else transferts.transfert_annuler
        try:
            transfert = service(
                auteur=_auteur(request), transfert=transfert, motif=form.cleaned_data["motif"]
            )
        except ValidationError as probleme:
            erreur = " ".join(probleme.messages)
    else:
        erreur = _("Indiquez le motif : l'autre ordonnateur le lira dans sa liste.")
    if request.headers.get("HX-Request"):
        return render(
            request,
            "personnel/_transferts_ligne.html",
            {
                "t": transfert,
                "entrant": refuser,
                "agent": agent,
                "erreur": erreur,
                "peut_gerer": True,
            },
        )
    if erreur:
        messages.error(request, erreur)
    else:
        messages.success(request, _("Mouvement refusé.") if refuser else _("Mouvement annulé."))
    return _liste()


@permissions.requires(Action.PERSONNEL_GERER)
def transfert_refuser(request: HttpRequest, transfert_id: int) -> HttpResponse:
    transfert = _entrant_ou_404(transfert_id)
    return _cloture(request, transfert, refuser=True, agent=None)


@permissions.requires(Action.PERSONNEL_GERER)
def transfert_annuler(request: HttpRequest, transfert_id: int) -> HttpResponse:
    perimetre = _perimetre(request, Action.PERSONNEL_GERER)
    transfert = transferts.transfert_sortant_get(perimetre=perimetre, transfert_id=transfert_id)
    if transfert is None:
        raise Http404(_("Mouvement introuvable."))
    agent = selectors.agent_get_par_ppr(perimetre=perimetre, ppr=transfert.ppr)
    return _cloture(request, transfert, refuser=False, agent=agent)
