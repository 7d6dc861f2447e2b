"""Pages of the legacy import (htmx, FR/AR): deposit a file, follow its dry run, read the
line-by-line report, apply, follow the application. They parse, call one service or selector,
render. An import is its author's: another person's id answers 404, like a missing one.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from identity import permissions
from identity.permissions import Action
from modules.personnel.importation import colonnes, rapport, suivi
from modules.personnel.models import ImportPersonnel, StatutImport
from modules.unites.perimetres import Perimetre

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EN_COURS = (StatutImport.DEPOSE, StatutImport.VERIFICATION, StatutImport.APPLICATION)


class DepotForm(forms.Form):
    fichier = forms.FileField(
        label=gettext_lazy("Fichier des agents (CSV ou XLSX)"),
        help_text=gettext_lazy(
            "CSV en UTF-8 (séparateur point-virgule ou virgule) ou classeur .xlsx, 50 Mo au "
            "plus, une ligne par agent sous la ligne d'en-tête du modèle."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": f".csv,.xlsx,text/csv,{XLSX}", "aria-describedby": "id_fichier_aide"}
        ),
    )


def _perimetre(request: HttpRequest) -> Perimetre:
    held = permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))
    return Perimetre.depuis(held, roles=permissions.roles_for(Action.PERSONNEL_IMPORTER))


def _auteur(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _import_or_404(request: HttpRequest, import_id: int) -> ImportPersonnel:
    imp = suivi.import_get(auteur=_auteur(request), import_id=import_id)
    if imp is None:  # missing or someone else's: the same answer
        raise Http404(_("Import introuvable."))
    return imp


def _detail(request: HttpRequest, imp_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("personnel:import_detail", args=[imp_id]))


@permissions.requires(Action.PERSONNEL_IMPORTER)
def importer(request: HttpRequest) -> HttpResponse:
    """Deposit a file (its dry run starts in the background) and list the author's imports."""
    form = DepotForm()
    statut = 200
    if request.method == "POST":
        form = DepotForm(request.POST, request.FILES)
        if form.is_valid():
            fichier = form.cleaned_data["fichier"]
            try:
                imp = suivi.import_deposer(
                    auteur=_auteur(request),
                    perimetre=_perimetre(request),
                    nom_fichier=str(fichier.name),
                    taille=int(fichier.size or 0),
                    morceaux=fichier.chunks(),
                )
            except ValidationError as erreur:
                for message in erreur.message_dict.get("fichier", erreur.messages):
                    form.add_error("fichier", message)
            else:
                return _detail(request, imp.id)
        statut = 400
    return render(
        request,
        "personnel/import.html",
        {
            "form": form,
            "imports": suivi.import_list(auteur=_auteur(request))[:20],
            "colonnes": colonnes.COLONNES,
        },
        status=statut,
    )


@permissions.requires(Action.PERSONNEL_IMPORTER)
def detail(request: HttpRequest, import_id: int) -> HttpResponse:
    """The import's state; htmx polls the same URL for the state block alone while a job runs."""
    imp = _import_or_404(request, import_id)
    contexte = {
        "imp": imp,
        "en_cours": imp.statut in EN_COURS,
        "pourcent": suivi.progression_lire(import_id=imp.id) or 0,
        "valides": imp.lignes - imp.lignes_en_erreur,
    }
    gabarit = "personnel/import_etat.html" if request.headers.get("HX-Request") else None
    return render(request, gabarit or "personnel/import_detail.html", contexte)


@require_POST
@permissions.requires(Action.PERSONNEL_IMPORTER)
def appliquer(request: HttpRequest, import_id: int) -> HttpResponse:
    imp = _import_or_404(request, import_id)
    try:
        suivi.import_application_demander(
            auteur=_auteur(request),
            imp=imp,
            perimetre=_perimetre(request),
            partiel=request.POST.get("partiel") == "1",
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    return _detail(request, imp.id)


@permissions.requires(Action.PERSONNEL_IMPORTER)
def rapport_telecharger(request: HttpRequest, import_id: int) -> HttpResponse:
    imp = _import_or_404(request, import_id)
    chemin = suivi.chemin_rapport(imp)
    if chemin is None or not chemin.is_file():
        raise Http404(_("Le rapport n'est pas encore prêt."))
    reponse = HttpResponse(chemin.read_bytes(), content_type=XLSX)  # 20,000 errors at most
    reponse["Content-Disposition"] = (
        f'attachment; filename="rapport-import-{imp.id}.xlsx"'  # the name is the user's: not echoed
    )
    return reponse


@permissions.requires(Action.PERSONNEL_IMPORTER)
def modele(request: HttpRequest, format: str) -> HttpResponse:
    """The empty template: XLSX with its sheet of explanations, or the CSV header line."""
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / f"modele-agents.{format}"
        rapport.modele_ecrire(chemin)
        contenu = chemin.read_bytes()
    type_ = XLSX if format == "xlsx" else "text/csv; charset=utf-8"
    reponse = HttpResponse(contenu, content_type=type_)
    reponse["Content-Disposition"] = f'attachment; filename="modele-agents.{format}"'
    return reponse
