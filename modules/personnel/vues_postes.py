"""Budget-post pages (htmx, FR/AR): the table by budget line with budgeted / occupied / vacant
posts, its XLSX export, and the create / edit / deactivate forms (whole-tenant action)."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

from identity import permissions
from identity.permissions import Action
from modules.personnel import selectors_postes, services_postes
from modules.personnel.models import PosteBudgetaire


class PosteForm(forms.Form):
    libelle = forms.CharField(label=gettext_lazy("Libellé"), max_length=200)
    ligne_budgetaire = forms.CharField(
        label=gettext_lazy("Ligne budgétaire"),
        max_length=60,
        help_text=gettext_lazy("Imputation du poste, ex. 10.1.1.11."),
    )
    grade_code = forms.CharField(
        label=gettext_lazy("Grade (code du référentiel)"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    categorie = forms.CharField(
        label=gettext_lazy("Catégorie / échelle"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("À défaut de grade (ex. 10, HE)."),
    )
    nombre = forms.IntegerField(label=gettext_lazy("Postes budgétés"), min_value=0)


class PosteCreerForm(PosteForm):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=services_postes.CODE_MAX,
        help_text=gettext_lazy(
            "Lettres majuscules, chiffres, points, tirets (ex. P-ADM-2026). Il ne pourra plus "
            "changer : les situations des agents y font référence."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    field_order = ["code", "libelle", "ligne_budgetaire", "grade_code", "categorie", "nombre"]


def _acteur(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _held(request: HttpRequest) -> Any:
    return permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))


def _attacher(form: forms.Form, erreur: ValidationError) -> None:
    if hasattr(erreur, "error_dict"):
        for champ, erreurs in erreur.error_dict.items():
            form.add_error(champ if champ in form.fields else None, erreurs)
    else:
        form.add_error(None, erreur)


def _poste_ou_404(poste_id: int) -> PosteBudgetaire:
    poste = selectors_postes.poste_get(poste_id=poste_id)
    if poste is None:
        raise Http404(_("Poste budgétaire introuvable."))
    return poste


def _retour(poste: PosteBudgetaire | None = None) -> HttpResponseRedirect:
    url = reverse("personnel:postes")
    return HttpResponseRedirect(f"{url}#poste-{poste.id}" if poste else url)


@permissions.requires(Action.POSTES_VOIR)
def postes(request: HttpRequest) -> HttpResponse:
    lignes = selectors_postes.postes_tableau()
    annee_tresor, comparaison = selectors_postes.effectifs_comparer(lignes)
    return render(
        request,
        "personnel/postes.html",
        {
            "lignes": lignes,
            "annee_tresor": annee_tresor,
            "comparaison": comparaison,
            "ecarts_tresor": sum(1 for c in comparaison if c.ecart),
            "peut_gerer": permissions.allowed(_held(request), Action.POSTES_GERER),
            "total_nombre": sum(ligne.nombre for ligne in lignes),
            "total_occupes": sum(ligne.occupes for ligne in lignes),
            "total_vacants": sum(ligne.vacants for ligne in lignes),
        },
    )


COLONNES_EXPORT = (
    "ligne_budgetaire",
    "code",
    "libelle",
    "grade",
    "categorie",
    "budgetes",
    "occupes",
    "vacants",
    "actif",
)


def _xlsx(lignes: list[selectors_postes.LigneBudgetaire]) -> bytes:
    classeur = Workbook(write_only=True)
    feuille = classeur.create_sheet("postes")
    feuille.append(list(COLONNES_EXPORT))
    for ligne in lignes:
        for poste in ligne.postes:
            o = poste.occupation
            textes = [o.ligne_budgetaire, o.code, o.libelle, o.grade_code, o.categorie]
            cellules = []
            for valeur in textes:
                cellule = WriteOnlyCell(feuille, valeur)
                cellule.data_type = "s"  # text, never a formula (CSV/XLSX injection)
                cellules.append(cellule)
            feuille.append(
                [*cellules, o.nombre, o.occupes, o.vacants, "oui" if poste.actif else "non"]
            )
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


@permissions.requires(Action.POSTES_VOIR)
def postes_export(request: HttpRequest) -> HttpResponse:
    reponse = HttpResponse(
        _xlsx(selectors_postes.postes_tableau()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    reponse["Content-Disposition"] = 'attachment; filename="postes-budgetaires.xlsx"'
    return reponse


@permissions.requires(Action.POSTES_GERER)
def poste_creer(request: HttpRequest) -> HttpResponse:
    form = PosteCreerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            poste = services_postes.poste_creer(auteur=_acteur(request), **form.cleaned_data)
        except ValidationError as erreur:
            _attacher(form, erreur)
        else:
            messages.success(request, _("Poste %(code)s créé.") % {"code": poste.code})
            return _retour(poste)
    titre = _("Nouveau poste budgétaire")
    return render(request, "personnel/postes_form.html", {"form": form, "titre": titre})


@permissions.requires(Action.POSTES_GERER)
def poste_modifier(request: HttpRequest, poste_id: int) -> HttpResponse:
    poste = _poste_ou_404(poste_id)
    if request.method == "POST":
        form = PosteForm(request.POST)
        if form.is_valid():
            try:
                poste = services_postes.poste_modifier(
                    auteur=_acteur(request), poste=poste, **form.cleaned_data
                )
            except ValidationError as erreur:
                _attacher(form, erreur)
            else:
                messages.success(request, _("Poste %(code)s enregistré.") % {"code": poste.code})
                return _retour(poste)
    else:
        form = PosteForm(initial={c: getattr(poste, c) for c in services_postes.CHAMPS})
    titre = _("Modifier le poste %(code)s") % {"code": poste.code}
    return render(
        request, "personnel/postes_form.html", {"form": form, "titre": titre, "poste": poste}
    )


def _activation(request: HttpRequest, poste_id: int, *, activer: bool) -> HttpResponse:
    poste = _poste_ou_404(poste_id)
    erreur = ""
    if request.method == "POST":
        service = services_postes.poste_reactiver if activer else services_postes.poste_desactiver
        try:
            poste = service(auteur=_acteur(request), poste=poste)
        except ValidationError as refus:
            erreur = " ".join(refus.messages)
        else:
            message = _("Poste %(code)s réactivé.") if activer else _("Poste %(code)s désactivé.")
            messages.success(request, message % {"code": poste.code})
            return _retour(poste)
    return render(
        request,
        "personnel/postes_activation.html",
        {"poste": poste, "activer": activer, "erreur": erreur},
        status=400 if erreur else 200,
    )


@permissions.requires(Action.POSTES_GERER)
def poste_desactiver(request: HttpRequest, poste_id: int) -> HttpResponse:
    return _activation(request, poste_id, activer=False)


@permissions.requires(Action.POSTES_GERER)
def poste_reactiver(request: HttpRequest, poste_id: int) -> HttpResponse:
    return _activation(request, poste_id, activer=True)
