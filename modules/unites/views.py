"""Pages of the unit tree (htmx, FR/AR). They parse, call one selector or service, render."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from identity import permissions
from identity.habilitations import Habilitation
from identity.permissions import Action
from modules.unites import exportation, selectors, services
from modules.unites.forms import (
    RACINE,
    ImportForm,
    UniteCreateForm,
    UniteEditForm,
    UniteMoveForm,
    choix_parents,
)
from modules.unites.models import Unite
from modules.unites.perimetres import Perimetre

IMPORT_TTL_SECONDS = 15 * 60


def _held(request: HttpRequest) -> frozenset[Habilitation]:
    return permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))


def _perimetre(request: HttpRequest, action: Action) -> Perimetre:
    """The subtrees where the caller holds a role allowed to do `action`."""
    return Perimetre.depuis(_held(request), roles=permissions.roles_for(action))


def _actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _unite_or_404(request: HttpRequest, unite_id: int, action: Action) -> Unite:
    unite = selectors.unite_get(perimeter=_perimetre(request, action), unite_id=unite_id)
    if unite is None:  # missing or out of perimeter: the same answer
        raise Http404(_("Unité introuvable."))
    return unite


def _retour(unite: Unite | None = None) -> HttpResponseRedirect:
    url = reverse("unites:liste")
    return HttpResponseRedirect(f"{url}#unite-{unite.code}" if unite else url)


def _attach(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@permissions.requires(Action.UNITES_VOIR)
def liste(request: HttpRequest) -> HttpResponse:
    noeuds = selectors.unite_arbre(perimeter=_perimetre(request, Action.UNITES_VOIR))
    gerer = _perimetre(request, Action.UNITES_GERER)
    gerables: set[int] = set()
    if gerer.tout:
        gerables = {noeud.unite.id for noeud in noeuds}
    elif not gerer.vide:
        gerables = set(selectors.unite_list(perimeter=gerer).values_list("id", flat=True))
    return render(
        request,
        "unites/liste.html",
        {
            "noeuds": noeuds,
            "gerables": gerables,
            "peut_gerer": not gerer.vide,
            "actives": sum(1 for noeud in noeuds if noeud.unite.active),
        },
    )


def _parents_pour(request: HttpRequest, *, exclure: Unite | None = None) -> list[tuple[str, str]]:
    gerer = _perimetre(request, Action.UNITES_GERER)
    unites = selectors.unite_list(perimeter=gerer).filter(active=True)
    if exclure is not None:
        unites = unites.exclude(chemin__startswith=exclure.chemin)
    return choix_parents(unites, racine_permise=gerer.tout)


def _parent_choisi(request: HttpRequest, form: Form) -> tuple[bool, Unite | None]:
    """(ok, parent): the chosen parent resolved in the caller's perimeter."""
    gerer = _perimetre(request, Action.UNITES_GERER)
    value = form.cleaned_data.get("parent") or RACINE
    if value == RACINE:
        if not gerer.tout:
            form.add_error("parent", _("Choisissez une unité parente dans votre périmètre."))
            return False, None
        return True, None
    parent = selectors.unite_get(perimeter=gerer, unite_id=int(value))
    if parent is None:
        form.add_error("parent", _("Unité parente introuvable."))
        return False, None
    return True, parent


@permissions.requires(Action.UNITES_GERER)
def creer(request: HttpRequest) -> HttpResponse:
    parents = _parents_pour(request)
    if request.method == "POST":
        form = UniteCreateForm(request.POST, parents=parents)
        if form.is_valid():
            ok, parent = _parent_choisi(request, form)
            if ok:
                try:
                    unite = services.unite_create(
                        actor=_actor(request),
                        code=form.cleaned_data["code"],
                        parent=parent,
                        kind=form.cleaned_data["kind"],
                        nom_fr=form.cleaned_data["nom_fr"],
                        nom_ar=form.cleaned_data["nom_ar"],
                        imputation_budgetaire=form.cleaned_data["imputation_budgetaire"],
                    )
                except ValidationError as error:
                    _attach(form, error)
                else:
                    messages.success(request, _("Unité %(code)s créée.") % {"code": unite.code})
                    return _retour(unite)
    else:
        initial = {"parent": request.GET.get("parent", RACINE)}
        form = UniteCreateForm(initial=initial, parents=parents)
    return render(request, "unites/formulaire.html", {"form": form, "titre": _("Nouvelle unité")})


@permissions.requires(Action.UNITES_GERER)
def modifier(request: HttpRequest, unite_id: int) -> HttpResponse:
    unite = _unite_or_404(request, unite_id, Action.UNITES_GERER)
    if request.method == "POST":
        form = UniteEditForm(request.POST)
        if form.is_valid():
            try:
                unite = services.unite_update(
                    actor=_actor(request), unite=unite, **form.cleaned_data
                )
            except ValidationError as error:
                _attach(form, error)
            else:
                messages.success(request, _("Unité %(code)s enregistrée.") % {"code": unite.code})
                return _retour(unite)
    else:
        form = UniteEditForm(initial={f: getattr(unite, f) for f in services.EDITABLE_FIELDS})
    titre = _("Modifier l'unité %(code)s") % {"code": unite.code}
    return render(request, "unites/formulaire.html", {"form": form, "titre": titre, "unite": unite})


@permissions.requires(Action.UNITES_GERER)
def deplacer(request: HttpRequest, unite_id: int) -> HttpResponse:
    unite = _unite_or_404(request, unite_id, Action.UNITES_GERER)
    parents = _parents_pour(request, exclure=unite)
    if request.method == "POST":
        form = UniteMoveForm(request.POST, parents=parents)
        if form.is_valid():
            ok, parent = _parent_choisi(request, form)
            if ok:
                try:
                    unite = services.unite_move(actor=_actor(request), unite=unite, parent=parent)
                except ValidationError as error:
                    _attach(form, error)
                else:
                    messages.success(request, _("Unité %(code)s déplacée.") % {"code": unite.code})
                    return _retour(unite)
    else:
        form = UniteMoveForm(initial={"parent": str(unite.parent_id or RACINE)}, parents=parents)
    titre = _("Déplacer l'unité %(code)s") % {"code": unite.code}
    return render(request, "unites/formulaire.html", {"form": form, "titre": titre, "unite": unite})


def _activation(request: HttpRequest, unite_id: int, *, activer: bool) -> HttpResponse:
    unite = _unite_or_404(request, unite_id, Action.UNITES_GERER)
    erreur = ""
    if request.method == "POST":
        service = services.unite_reactivate if activer else services.unite_deactivate
        try:
            unite = service(actor=_actor(request), unite=unite)
        except ValidationError as error:
            erreur = " ".join(error.messages)
        else:
            message = _("Unité %(code)s réactivée.") if activer else _("Unité %(code)s désactivée.")
            messages.success(request, message % {"code": unite.code})
            return _retour(unite)
    return render(
        request,
        "unites/activation.html",
        {"unite": unite, "activer": activer, "erreur": erreur},
        status=400 if erreur else 200,
    )


@permissions.requires(Action.UNITES_GERER)
def desactiver(request: HttpRequest, unite_id: int) -> HttpResponse:
    return _activation(request, unite_id, activer=False)


@permissions.requires(Action.UNITES_GERER)
def reactiver(request: HttpRequest, unite_id: int) -> HttpResponse:
    return _activation(request, unite_id, activer=True)


def _cle_import(request: HttpRequest, jeton: str) -> str:
    # The cache key function adds the tenant's schema; the user id binds it to this person.
    return f"unites-import:{request.user.pk}:{jeton}"


@permissions.requires(Action.UNITES_GERER)
def importer(request: HttpRequest) -> HttpResponse:
    """Upload → preview (nothing written) → confirm (all or nothing, checked again)."""
    perimeter = _perimetre(request, Action.UNITES_GERER)
    context: dict[str, Any] = {"form": ImportForm()}
    if request.method == "POST" and "jeton" in request.POST:
        jeton = str(request.POST["jeton"])
        stored = cache.get(_cle_import(request, jeton))
        if stored is None:
            context["expire"] = True
        else:
            plan = services.unites_import(
                actor=_actor(request),
                contenu=stored["contenu"],
                nom_fichier=stored["nom"],
                perimeter=perimeter,
            )
            if plan.applique:
                cache.delete(_cle_import(request, jeton))
                messages.success(
                    request, _("%(n)d unité(s) importée(s).") % {"n": len(plan.lignes)}
                )
                return _retour()
            context.update(plan=plan, nom=stored["nom"])
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            fichier = form.cleaned_data["fichier"]
            contenu, nom = fichier.read(), str(fichier.name)
            plan = services.unites_import(
                actor=_actor(request),
                contenu=contenu,
                nom_fichier=nom,
                perimeter=perimeter,
                appliquer=False,
            )
            context.update(plan=plan, nom=nom)
            if not plan.erreurs:
                jeton = secrets.token_urlsafe(16)
                cache.set(
                    _cle_import(request, jeton),
                    {"contenu": contenu, "nom": nom},
                    IMPORT_TTL_SECONDS,
                )
                context["jeton"] = jeton
    return render(request, "unites/import.html", context)


@permissions.requires(Action.UNITES_VOIR)
def exporter(request: HttpRequest, format: str) -> HttpResponse:
    unites = list(
        selectors.unite_list(perimeter=_perimetre(request, Action.UNITES_VOIR)).select_related(
            "parent"
        )
    )
    if format == "xlsx":
        body = exportation.en_xlsx(unites)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exportation.en_csv(unites)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="unites.{format}"'
    return response
