"""Drafting pages: a new act (type, agent, then the type's own form), editing a draft, and the
new version after a rejection or a suspension."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from identity import permissions
from identity.permissions import Action
from modules.actes import forms, services
from modules.actes.etats import Partie
from modules.actes.models import Acte, Etat
from modules.actes.types import Champ, Contexte, TypeActe, type_get
from modules.actes.views import acte_or_404, acteur, attacher, messages_de, perimetre
from modules.personnel import facade as personnel
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre
from referentiel import selectors as referentiel


def vers_acte(acte: Acte, ancre: str = "") -> HttpResponseRedirect:
    url = reverse("actes:acte", args=[acte.id])
    return HttpResponseRedirect(f"{url}#{ancre}" if ancre else url)


def _choix(
    *, champs: Sequence[Champ], rediger: Perimetre, agent_id: int | None
) -> forms.ChoixChamps:
    """Only the lists the form's fields need (each one query)."""
    genres = {c.genre for c in champs}
    valeurs: dict[str, Any] = {}
    if "grade" in genres:
        valeurs["grades"] = [
            (code, f"{code} — {fr}") for code, (fr, _ar) in referentiel.grade_libelles().items()
        ]
    if "unite" in genres:
        valeurs["unites"] = [
            (u.code, f"{u.code} — {u.nom_fr}")
            for u in unites.unite_list(perimeter=rediger)
            if u.active
        ]
    if "commune" in genres:
        valeurs["communes"] = referentiel.territoires_choix()
    if "poste" in genres:
        valeurs["postes"] = [
            (code, f"{code} — {libelle}") for code, libelle in personnel.postes_actifs()
        ]
    if "enfant" in genres and agent_id is not None:
        valeurs["enfants"] = [
            (str(e.id), f"{e.prenom} ({e.date_naissance:%d/%m/%Y})")
            for e in personnel.enfants(perimetre=rediger, agent_id=agent_id)
            if e.date_deces is None
        ]
    if "indemnite" in genres and agent_id is not None:
        valeurs["indemnites"] = [
            (i.code, f"{i.code} — {i.libelle} ({i.montant} DH)")
            for i in personnel.indemnites_ouvertes(perimetre=rediger, agent_id=agent_id)
        ]
    return forms.ChoixChamps(**valeurs)


def _date(texte: str | None, defaut: date) -> date:
    try:
        return date.fromisoformat(texte) if texte else defaut
    except ValueError:
        return defaut


def _contexte(
    *,
    rediger: Perimetre,
    type_acte: TypeActe,
    date_effet: date,
    agent_id: int | None,
    origine: Acte | None = None,
    sauf_acte: int | None = None,
) -> Contexte:
    try:
        return services.contexte(
            perimetre=rediger,
            type_acte=type_acte,
            date_effet=date_effet,
            agent_id=agent_id,
            origine=origine,
            sauf_acte=sauf_acte,
        )
    except ValidationError as erreur:  # the agent is not in the perimeter
        raise Http404(_("Agent introuvable.")) from erreur


def _page(request: HttpRequest, gabarit: str, contexte: dict[str, Any]) -> HttpResponse:
    form = contexte.get("form")
    statut = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, gabarit, contexte, status=statut)


def _types_choix() -> list[tuple[str, str]]:
    return [(t.code, str(t.libelle)) for t in services.types_disponibles() if not t.sur_acte]


def _agent_id(
    request: HttpRequest, rediger: Perimetre
) -> tuple[int | None, str, list[personnel.AgentResume]]:
    """The agent named by `?agent=ID` (404 outside the perimeter) or found by `?ppr=` (a PPR,
    a CIN or a name): (its id, why none was found, the candidates when several match)."""
    brut = request.GET.get("agent", "")
    if brut:
        if not brut.isdigit():
            raise Http404(_("Agent introuvable."))
        if personnel.agent_resume(perimetre=rediger, agent_id=int(brut)) is None:
            raise Http404(_("Agent introuvable."))
        return int(brut), "", []
    recherche = request.GET.get("ppr", "").strip()
    if not recherche:
        return None, "", []
    trouves = personnel.agents_chercher(perimetre=rediger, q=recherche, limite=CANDIDATS + 1)
    if not trouves:
        message = _("Aucun agent « %(q)s » dans votre périmètre : vérifiez le PPR ou le nom.") % {
            "q": recherche
        }
        return None, message, []
    if len(trouves) == 1:
        return trouves[0].id, "", []
    return None, "", trouves


CANDIDATS = 20


def _origine(request: HttpRequest) -> Acte:
    brut = request.GET.get("origine", "")
    if not brut.isdigit():
        raise Http404(_("Acte introuvable."))
    return acte_or_404(request, int(brut), Action.ACTES_REDIGER)


@permissions.requires(Action.ACTES_REDIGER)
def nouveau(request: HttpRequest) -> HttpResponse:
    rediger = perimetre(request, Action.ACTES_REDIGER)
    type_acte = type_get(request.GET.get("type", ""))
    origine = _origine(request) if type_acte is not None and type_acte.sur_acte else None
    agent_id, erreur_ppr, candidats = _agent_id(request, rediger)
    if origine is not None:  # a rectification concerns the agent of the act it changes
        agent_id = origine.agent_id
    agent = personnel.agent_resume(perimetre=rediger, agent_id=agent_id) if agent_id else None
    manque_agent = type_acte is not None and type_acte.concerne_agent and agent is None
    if type_acte is None or (origine is None and manque_agent):
        choix = forms.ChoixForm(
            request.GET if "type" in request.GET else None, types=_types_choix()
        )
        if choix.is_bound and choix.is_valid() and manque_agent and not candidats:
            choix.add_error("ppr", erreur_ppr or _("Indiquez le PPR de l'agent concerné."))
        return _page(
            request,
            "actes/choix.html",
            {
                "form": choix,
                "agent": agent,
                "candidats": candidats[:CANDIDATS],
                "plus_de_candidats": len(candidats) > CANDIDATS,
                "type_code": type_acte.code if type_acte else "",
            },
        )
    defaut = origine.date_effet if origine else timezone.localdate()
    date_effet = _date(request.POST.get("date_effet") or request.GET.get("date_effet"), defaut)
    ctx = _contexte(
        rediger=rediger,
        type_acte=type_acte,
        date_effet=date_effet,
        agent_id=agent_id,
        origine=origine,
    )
    champs = type_acte.champs_pour(ctx)
    choix_champs = _choix(champs=champs, rediger=rediger, agent_id=agent_id)
    if request.method == "POST":
        form = forms.ActeForm(request.POST, champs=champs, choix=choix_champs)
        if form.is_valid():
            try:
                acte = services.acte_creer(
                    auteur=acteur(request),
                    perimetre=rediger,
                    type_code=type_acte.code,
                    date_effet=form.cleaned_data["date_effet"],
                    brutes=form.brutes(),
                    agent_id=agent_id,
                    origine=origine,
                )
            except ValidationError as erreur:
                attacher(form, erreur)
            else:
                messages.success(
                    request,
                    _("Brouillon %(numero)s enregistré : vérifiez l'impact et les contrôles.")
                    % {"numero": acte.numero},
                )
                return vers_acte(acte)
    else:
        form = forms.ActeForm(
            initial={"date_effet": date_effet, **type_acte.initiales(ctx)},
            champs=champs,
            choix=choix_champs,
        )
    return _page(
        request,
        "actes/formulaire.html",
        {
            "form": form,
            "type_acte": type_acte,
            "agent": ctx.agent,
            "origine": origine,
            "titre": str(type_acte.libelle),
            "echelons": forms.ECHELONS,
        },
    )


@permissions.requires(Action.ACTES_REDIGER)
def modifier(request: HttpRequest, acte_id: int) -> HttpResponse:
    rediger = perimetre(request, Action.ACTES_REDIGER)
    acte = acte_or_404(request, acte_id, Action.ACTES_REDIGER)
    type_acte = type_get(acte.type_code)
    if type_acte is None:
        raise Http404(_("Type d'acte inconnu."))
    if acte.etat != Etat.BROUILLON:
        messages.error(
            request,
            _("Cet acte est « %(etat)s » : seul un brouillon se modifie.")
            % {"etat": Etat(acte.etat).label},
        )
        return vers_acte(acte)
    version = services.version_courante(acte)
    date_effet = _date(request.POST.get("date_effet"), version.date_effet)
    ctx = _contexte(
        rediger=rediger,
        type_acte=type_acte,
        date_effet=date_effet,
        agent_id=acte.agent_id,
        origine=acte.acte_origine,
        sauf_acte=acte.id,
    )
    champs = type_acte.champs_pour(ctx)
    choix_champs = _choix(champs=champs, rediger=rediger, agent_id=acte.agent_id)
    if request.method == "POST":
        form = forms.ActeForm(request.POST, champs=champs, choix=choix_champs)
        if form.is_valid():
            try:
                services.acte_modifier(
                    auteur=acteur(request),
                    perimetre=rediger,
                    acte=acte,
                    date_effet=form.cleaned_data["date_effet"],
                    brutes=form.brutes(),
                )
            except ValidationError as erreur:
                attacher(form, erreur)
            else:
                messages.success(
                    request, _("Brouillon enregistré : contrôles et impact recalculés.")
                )
                return vers_acte(acte)
    else:
        form = forms.ActeForm(
            initial={"date_effet": version.date_effet, **version.donnees},
            champs=champs,
            choix=choix_champs,
        )
    return _page(
        request,
        "actes/formulaire.html",
        {
            "form": form,
            "type_acte": type_acte,
            "agent": ctx.agent,
            "origine": acte.acte_origine,
            "acte": acte,
            "titre": _("Modifier l'acte %(numero)s") % {"numero": acte.numero},
            "echelons": forms.ECHELONS,
        },
    )


@permissions.requires(Action.ACTES_REDIGER)
def corriger(request: HttpRequest, acte_id: int) -> HttpResponse:
    """A new version after the Treasury's rejection or suspension (POST only)."""
    acte = acte_or_404(request, acte_id, Action.ACTES_REDIGER)
    if request.method != "POST":
        return vers_acte(acte)
    try:
        acte = services.acte_corriger(auteur=acteur(request), acte=acte, partie=Partie.GESTIONNAIRE)
    except ValidationError as erreur:
        for message in messages_de(erreur):
            messages.error(request, message)
        return vers_acte(acte)
    messages.success(
        request,
        _("Version %(v)d ouverte : corrigez ce que les observations signalent.")
        % {"v": acte.version},
    )
    return HttpResponseRedirect(reverse("actes:modifier", args=[acte.id]))
