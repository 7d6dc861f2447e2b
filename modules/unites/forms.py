"""Forms of the unit pages: they parse input; the services decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.unites import services
from modules.unites.models import CODE_MAX_LENGTH, Unite, UniteKind

RACINE = ""
TAILLE_MAX_IMPORT = 10 * 1024 * 1024


def choix_parents(unites: Iterable[Unite], *, racine_permise: bool) -> list[tuple[str, str]]:
    """Parent options, indented by depth so the select reads as the tree."""
    choices: list[tuple[str, str]] = []
    if racine_permise:
        choices.append((RACINE, str(_("— aucune (unité racine) —"))))
    for unite in unites:
        indent = "\u00a0\u00a0" * unite.profondeur
        choices.append((str(unite.id), f"{indent}{unite.code} — {unite.nom_fr}"))
    return choices


class _ParentMixin(forms.Form):
    parent = forms.ChoiceField(label=_("Unité parente"), required=False)

    def __init__(
        self, *args: Any, parents: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = parents or []  # type: ignore[attr-defined]


class UniteEditForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=UniteKind.choices)
    nom_fr = forms.CharField(label=_("Nom en français"), max_length=200)
    nom_ar = forms.CharField(
        label=_("Nom en arabe"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
    )
    imputation_budgetaire = forms.CharField(
        label=_("Imputation budgétaire"), max_length=50, required=False
    )


class UniteCreateForm(_ParentMixin, UniteEditForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=CODE_MAX_LENGTH,
        help_text=_(
            "Lettres majuscules, chiffres et tirets (ex. DR-FES). Il ne pourra plus changer : "
            "les habilitations y font référence."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    field_order = ["code", "parent", "kind", "nom_fr", "nom_ar", "imputation_budgetaire"]

    def clean_code(self) -> str:
        """Upper-cased for the person typing; the format is checked here too, so every field's
        problem shows at once (the service checks again)."""
        code = str(self.cleaned_data["code"]).strip().upper()
        problem = services.code_error(code)
        if problem:
            raise forms.ValidationError(problem)
        return code


class UniteMoveForm(_ParentMixin):
    pass


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        help_text=_(
            "Colonnes : code, code_parent, type, nom_fr, nom_ar, imputation_budgetaire "
            "(une ligne d'en-tête, puis une unité par ligne)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_fichier(self) -> Any:
        fichier = self.cleaned_data["fichier"]
        if not str(fichier.name).lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Fournissez un fichier .csv ou .xlsx."))
        if fichier.size > TAILLE_MAX_IMPORT:
            raise forms.ValidationError(_("Le fichier dépasse 10 Mo : découpez-le."))
        return fichier
