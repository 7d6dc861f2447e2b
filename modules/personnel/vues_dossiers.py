"""Pages of agents' files (htmx, FR/AR): list and search, agent page, forms, exports.

They parse, call one selector or service, render. Every agent, event or child id from the
client is resolved in the caller's perimeter: missing and out-of-perimeter are the same 404.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from identity import permissions
from identity.habilitations import Habilitation
from identity.permissions import Action
from modules.personnel import (
    exportation,
    forms,
    journal_acces,
    presentation,
    selectors,
    services,
    services_famille,
)
from modules.personnel.models import CHAMPS_SITUATION, Agent, Enfant, EvenementCarriere
from modules.unites.perimetres import Perimetre


def _held(request: HttpRequest) -> frozenset[Habilitation]:
    return permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))


def _perimetre(request: HttpRequest, action: Action) -> Perimetre:
    return presentation.perimetre(_held(request), action)


def _acteur(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _agent_or_404(request: HttpRequest, agent_id: int, action: Action) -> Agent:
    agent = selectors.agent_get(perimetre=_perimetre(request, action), agent_id=agent_id)
    if agent is None:  # missing or out of perimeter: the same answer
        raise Http404(_("Agent introuvable."))
    return agent


def _evenement_or_404(request: HttpRequest, evenement_id: int) -> EvenementCarriere:
    evenement = selectors.evenement_get(
        perimetre=_perimetre(request, Action.PERSONNEL_GERER), evenement_id=evenement_id
    )
    if evenement is None:
        raise Http404(_("Événement introuvable."))
    return evenement


def _attacher(form: Form, erreur: ValidationError) -> None:
    """A service's errors on the fields they name; the others above the form."""
    if hasattr(erreur, "error_dict"):
        for champ, erreurs in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, erreur)


def _vers_agent(agent_id: int, ancre: str = "") -> HttpResponseRedirect:
    url = reverse("personnel:agent", args=[agent_id])
    return HttpResponseRedirect(f"{url}#{ancre}" if ancre else url)


# --- List, search, exports ------------------------------------------------------------------


def _liste_contexte(request: HttpRequest) -> dict[str, Any]:
    """Filters parsed against what the person may choose, and where the list may look."""
    held = _held(request)
    voir = presentation.perimetre(held, Action.PERSONNEL_VOIR)
    droits = presentation.Droits.depuis(held)
    libelles = presentation.Libelles.lire(perimetre_unites=voir)
    form = forms.FiltresForm(
        request.GET,
        grades=presentation.grades_choix(libelles),
        unites=[(code, f"{code} — {fr}") for code, (fr, _ar) in libelles.unites.items()],
        postes=presentation.postes_choix(),
        sensible=droits.sensible_quelque_part,
    )
    filtres = form.filtres()
    return {
        "form": form,
        "filtres": filtres,
        "droits": droits,
        "libelles": libelles,
        "perimetre": presentation.perimetre_liste(habilitations=held, filtres=filtres),
    }


def _requete_sans_curseur(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("apres", None)
    return params.urlencode()


def _rubriques(request: HttpRequest) -> list[tuple[str, str]]:
    """The module's other pages this person may open (label, URL)."""
    held = _held(request)
    candidates = (
        (Action.POSTES_VOIR, _("Postes budgétaires"), "personnel:postes"),
        (Action.PERSONNEL_GERER, _("Transferts et détachements"), "personnel:transferts"),
        (Action.JOURNAL_LIRE, _("Journal des accès aux données"), "personnel:acces_journal"),
    )
    return [
        (libelle, url)
        for action, libelle, nom in candidates
        if permissions.allowed(held, action) and (url := presentation.lien(nom) or "")
    ]


@permissions.requires(Action.PERSONNEL_VOIR)
def liste(request: HttpRequest) -> HttpResponse:
    ctx = _liste_contexte(request)
    apres = str(request.GET.get("apres", ""))
    page = selectors.agent_page(perimetre=ctx["perimetre"], filtres=ctx["filtres"], apres=apres)
    journal_acces.consultation(
        acteur=_acteur(request), nature="liste", agent_ids=[a.id for a in page.agents]
    )
    lignes = [
        presentation.ligne(a, droits=ctx["droits"], libelles=ctx["libelles"]) for a in page.agents
    ]
    contexte = {
        **ctx,
        "lignes": lignes,
        "suivant": page.suivant,
        "requete": _requete_sans_curseur(request),
        "suite": bool(apres),
        "peut_gerer": bool(ctx["droits"].gerer),
        "lien_import": presentation.lien("personnel:importer"),
        "rubriques": _rubriques(request),
    }
    if request.headers.get("HX-Request") and apres:
        return render(request, "personnel/_lignes.html", contexte)
    return render(request, "personnel/liste.html", contexte)


@permissions.requires(Action.PERSONNEL_VOIR)
def exporter(request: HttpRequest, format: str) -> HttpResponse:
    """The whole current list (same filters, same masking), streamed."""
    ctx = _liste_contexte(request)
    agents = selectors.agents_exporter(perimetre=ctx["perimetre"], filtres=ctx["filtres"])
    lignes = exportation.lignes_journalisees(
        agents, droits=ctx["droits"], libelles=ctx["libelles"], acteur=_acteur(request)
    )
    if format == "xlsx":
        reponse: HttpResponse | StreamingHttpResponse = exportation.reponse_xlsx(lignes)
    else:
        reponse = StreamingHttpResponse(
            exportation.en_csv(lignes), content_type="text/csv; charset=utf-8"
        )
    reponse["Content-Disposition"] = f'attachment; filename="agents.{format}"'
    # The permission decorator is typed for HttpResponse; Django serves any streaming response.
    return cast(HttpResponse, reponse)


# --- Agent page -----------------------------------------------------------------------------


@permissions.requires(Action.PERSONNEL_VOIR)
def agent(request: HttpRequest, agent_id: int) -> HttpResponse:
    held = _held(request)
    voir = presentation.perimetre(held, Action.PERSONNEL_VOIR)
    dossier = selectors.agent_dossier(perimetre=voir, agent_id=agent_id)
    if dossier is None:
        raise Http404(_("Agent introuvable."))
    consultation = forms.ConsultationForm.depuis(request.GET)
    le, mois = consultation.valeurs()
    fiche = presentation.fiche(
        agent=dossier,
        droits=presentation.Droits.depuis(held),
        libelles=presentation.Libelles.lire(perimetre_unites=voir),
        le=le,
        mois=mois,
    )
    journal_acces.consultation(acteur=_acteur(request), nature="fiche", agent_ids=[dossier.id])
    return render(
        request,
        "personnel/agent.html",
        {"fiche": fiche, "agent": dossier, "consultation": consultation},
    )


# --- Forms ----------------------------------------------------------------------------------


def _choix_situation(request: HttpRequest) -> dict[str, Any]:
    gerer = _perimetre(request, Action.PERSONNEL_GERER)
    libelles = presentation.Libelles.lire(perimetre_unites=gerer)
    return {
        "grades": presentation.grades_choix(libelles),
        "unites": presentation.unites_choix(gerer),
        "postes": presentation.postes_choix(),
        "sensible": presentation.Droits.depuis(_held(request)).sensible_quelque_part,
    }


def _formulaire(
    request: HttpRequest, form: Form, titre: str, agent: Agent | None = None, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "personnel/agent_form.html",
        {"form": form, "titre": titre, "agent": agent, **extra},
        status=400 if form.is_bound and form.errors else 200,
    )


@permissions.requires(Action.PERSONNEL_GERER)
def agent_creer(request: HttpRequest) -> HttpResponse:
    choix = _choix_situation(request)
    if request.method == "POST":
        form = forms.AgentCreerForm(request.POST, **choix)
        if form.is_valid():
            try:
                nouveau = services.agent_creer(
                    auteur=_acteur(request),
                    ppr=form.cleaned_data["ppr"].strip(),
                    identite=form.identite(),
                    recrutement=form.situation(),
                    date_effet=form.cleaned_data["date_effet"],
                    perimetre=_perimetre(request, Action.PERSONNEL_GERER),
                    reference=form.cleaned_data["reference"],
                )
            except ValidationError as erreur:
                _attacher(form, erreur)
            else:
                messages.success(
                    request, _("Dossier de l'agent %(ppr)s créé.") % {"ppr": nouveau.ppr}
                )
                return _vers_agent(nouveau.id)
    else:
        form = forms.AgentCreerForm(**choix)
    return _formulaire(request, form, _("Nouvel agent"))


@permissions.requires(Action.PERSONNEL_GERER)
def agent_modifier(request: HttpRequest, agent_id: int) -> HttpResponse:
    cible = _agent_or_404(request, agent_id, Action.PERSONNEL_GERER)
    sensible = presentation.Droits.depuis(_held(request)).voit_sensible(cible)
    if request.method == "POST":
        form = forms.AgentModifierForm(request.POST, sensible=sensible)
        if form.is_valid():
            try:
                services.agent_modifier(
                    auteur=_acteur(request),
                    agent=cible,
                    champs=form.identite(),
                    motif=form.cleaned_data["motif"],
                )
            except ValidationError as erreur:
                _attacher(form, erreur)
            else:
                messages.success(request, _("Dossier enregistré."))
                return _vers_agent(cible.id, "identite")
    else:
        initial = {champ: getattr(cible, champ) for champ in services.CHAMPS_IDENTITE}
        form = forms.AgentModifierForm(initial=initial, sensible=sensible)
    titre = _("Modifier l'identité de %(nom)s") % {"nom": f"{cible.prenom_fr} {cible.nom_fr}"}
    return _formulaire(request, form, titre, cible)


@permissions.requires(Action.PERSONNEL_GERER)
def enfant_ajouter(request: HttpRequest, agent_id: int) -> HttpResponse:
    cible = _agent_or_404(request, agent_id, Action.PERSONNEL_GERER)
    form = forms.EnfantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_famille.enfant_ajouter(
                auteur=_acteur(request), agent=cible, **form.cleaned_data
            )
        except ValidationError as erreur:
            _attacher(form, erreur)
        else:
            messages.success(request, _("Enfant ajouté au dossier."))
            return _vers_agent(cible.id, "famille")
    titre = _("Ajouter un enfant à %(nom)s") % {"nom": f"{cible.prenom_fr} {cible.nom_fr}"}
    return _formulaire(request, form, titre, cible)


@permissions.requires(Action.PERSONNEL_GERER)
def enfant_retirer(request: HttpRequest, agent_id: int, enfant_id: int) -> HttpResponse:
    cible = _agent_or_404(request, agent_id, Action.PERSONNEL_GERER)
    enfant = next((e for e in cible.enfants.all() if e.id == enfant_id), None)
    if enfant is None:
        raise Http404(_("Enfant introuvable."))
    form = forms.RetraitEnfantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_famille.enfant_retirer(
                auteur=_acteur(request),
                agent=cible,
                enfant_id=enfant.id,
                motif=form.cleaned_data["motif"],
            )
        except Enfant.DoesNotExist as absent:
            raise Http404(_("Enfant introuvable.")) from absent
        except ValidationError as erreur:
            _attacher(form, erreur)
        else:
            messages.success(request, _("Enfant retiré du dossier."))
            return _vers_agent(cible.id, "famille")
    titre = _("Retirer l'enfant %(prenom)s (né(e) le %(date)s)") % {
        "prenom": enfant.prenom,
        "date": enfant.date_naissance.strftime("%d/%m/%Y"),
    }
    return _formulaire(request, form, titre, cible)


def _evenement_page(
    request: HttpRequest, form: Form, titre: str, agent: Agent, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "personnel/evenement_form.html",
        {"form": form, "titre": titre, "agent": agent, **extra},
        status=400 if form.is_bound and form.errors else 200,
    )


@permissions.requires(Action.PERSONNEL_GERER)
def evenement_ajouter(request: HttpRequest, agent_id: int) -> HttpResponse:
    cible = _agent_or_404(request, agent_id, Action.PERSONNEL_GERER)
    choix = _choix_situation(request)
    form = forms.EvenementForm(request.POST or None, **choix)
    if request.method == "POST" and form.is_valid():
        try:
            services.evenement_ajouter(
                auteur=_acteur(request),
                agent=cible,
                nature=form.cleaned_data["nature"],
                date_effet=form.cleaned_data["date_effet"],
                valeurs=form.situation(),
                perimetre=_perimetre(request, Action.PERSONNEL_GERER),
                reference=form.cleaned_data["reference"],
                motif=form.cleaned_data["motif"],
            )
        except ValidationError as erreur:
            _attacher(form, erreur)
        else:
            messages.success(request, _("Événement ajouté à la carrière."))
            return _vers_agent(cible.id, "carriere")
    return _evenement_page(request, form, _("Nouvel événement de carrière"), cible)


@permissions.requires(Action.PERSONNEL_GERER)
def evenement_corriger(request: HttpRequest, evenement_id: int) -> HttpResponse:
    evenement = _evenement_or_404(request, evenement_id)
    choix = _choix_situation(request)
    if request.method == "POST":
        form = forms.CorrectionForm(request.POST, **choix)
        if form.is_valid():
            try:
                services.evenement_corriger(
                    auteur=_acteur(request),
                    evenement=evenement,
                    date_effet=form.cleaned_data["date_effet"],
                    valeurs=form.situation(),
                    motif=form.cleaned_data["motif"],
                    perimetre=_perimetre(request, Action.PERSONNEL_GERER),
                )
            except ValidationError as erreur:
                _attacher(form, erreur)
            else:
                messages.success(request, _("Événement corrigé : l'original reste visible."))
                return _vers_agent(evenement.agent_id, "carriere")
    else:
        initial = {"date_effet": evenement.date_effet} | {
            champ: getattr(evenement, champ) for champ in CHAMPS_SITUATION
        }
        form = forms.CorrectionForm(initial=initial, **choix)
    return _evenement_page(
        request, form, _("Corriger un événement"), evenement.agent, evenement=evenement
    )


@permissions.requires(Action.PERSONNEL_GERER)
def evenement_annuler(request: HttpRequest, evenement_id: int) -> HttpResponse:
    evenement = _evenement_or_404(request, evenement_id)
    form = forms.AnnulationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evenement_annuler(
                auteur=_acteur(request), evenement=evenement, motif=form.cleaned_data["motif"]
            )
        except ValidationError as erreur:
            _attacher(form, erreur)
        else:
            messages.success(request, _("Événement annulé : il reste visible, barré."))
            return _vers_agent(evenement.agent_id, "carriere")
    return _evenement_page(
        request, form, _("Annuler un événement"), evenement.agent, evenement=evenement
    )
