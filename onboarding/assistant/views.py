"""Pages of the onboarding wizard on the tenant's host. They parse, call one service or
selector, render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from identity import permissions
from identity.permissions import Action
from modules.unites import facade as unites_facade
from onboarding.assistant import echange as essai
from onboarding.assistant import etapes
from onboarding.assistant.forms import ProfilForm
from tenants import logos, services_profil
from tenants.models import Organisation


def _organisation(request: HttpRequest) -> Organisation:
    return cast(Organisation, cast(Any, request).tenant)


def _avancement(request: HttpRequest) -> etapes.Avancement:
    held = permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))
    perimetre = unites_facade.Perimetre.depuis(held, roles=permissions.roles_for(Action.DEMARRAGE))
    return etapes.avancement(
        organisation=_organisation(request),
        perimetre=perimetre,
        moi=getattr(request.user, "keycloak_sub", None),
    )


@permissions.requires(Action.DEMARRAGE)
def liste(request: HttpRequest) -> HttpResponse:
    """The checklist: each step's status, read from the data now. POST `echange_essai`: send
    the test file to the Treasury (the checklist shows the answer when it comes)."""
    if request.method == "POST" and request.POST.get("action") == "echange_essai":
        try:
            essai.essai_lancer(
                code=_organisation(request).code, auteur=str(request.user.get_username())
            )
        except LookupError:
            messages.error(
                request,
                _(
                    "La clé publique du Trésor n'est pas encore connue de la plateforme : "
                    "l'opérateur TGR doit l'importer (manage.py echange preparer)."
                ),
            )
        else:
            messages.success(request, _("Fichier d'essai envoyé au Trésor."))
        return HttpResponseRedirect(reverse("demarrage:liste") + "#etape-echange")
    return render(request, "onboarding/assistant.html", {"avancement": _avancement(request)})


def _attacher(form: ProfilForm, erreur: ValidationError) -> None:
    if hasattr(erreur, "error_dict"):
        for champ, erreurs in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, erreur)


@permissions.requires(Action.DEMARRAGE)
def profil(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    statut = 200
    if request.method == "POST":
        form = ProfilForm(request.POST, request.FILES)
        if form.is_valid():
            donnees = form.cleaned_data
            try:
                resultat = services_profil.organisation_profil_modifier(
                    organisation=organisation,
                    actor=str(request.user.get_username()),
                    name_fr=donnees["name_fr"],
                    name_ar=donnees["name_ar"],
                    sigle=donnees["sigle"],
                    code_ordonnateur=donnees["code_ordonnateur"],
                    logo=donnees["logo"] or None,
                    logo_retirer=donnees["logo_retirer"],
                )
            except ValidationError as erreur:
                _attacher(form, erreur)
            else:
                if resultat.champs:
                    messages.success(request, _("Profil de l'organisation enregistré."))
                else:
                    messages.info(request, _("Aucune modification : le profil était déjà à jour."))
                return HttpResponseRedirect(reverse("demarrage:liste"))
        statut = 400
    else:
        form = ProfilForm(
            initial={
                "name_fr": organisation.name_fr,
                "name_ar": organisation.name_ar,
                "sigle": organisation.sigle,
                "code_ordonnateur": organisation.code_ordonnateur,
            }
        )
    return render(
        request,
        "onboarding/assistant_profil.html",
        {"form": form, "organisation": organisation, "avancement": _avancement(request)},
        status=statut,
    )


@permissions.requires(Action.ACCUEIL_VOIR)
def logo(request: HttpRequest, empreinte: str) -> HttpResponse:
    """The logo of the tenant whose host this is, under its SHA-256 (so it can be cached for
    good); there is no way to name another tenant's logo here."""
    organisation = _organisation(request)
    if not organisation.logo_sha256 or empreinte != organisation.logo_sha256:
        raise Http404(_("Logo introuvable."))
    try:
        fichier = logos.ouvrir(
            schema=organisation.schema_name,
            sha256=organisation.logo_sha256,
            content_type=organisation.logo_type,
        )
    except FileNotFoundError as absent:
        raise Http404(_("Logo introuvable.")) from absent
    reponse = FileResponse(fichier, content_type=organisation.logo_type)
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # The address changes with the bytes: a browser may keep it for good.
    reponse["Cache-Control"] = "private, max-age=31536000, immutable"
    # A streamed response; permissions.requires is typed for plain pages.
    return cast(HttpResponse, reponse)
