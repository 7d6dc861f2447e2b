"""Admin pieces for the platform admin site (registered by `console.admin_site`, which owns the
guard): parameters are listed with their whole history and corrected by *adding* a recording
through `services.parametre_corriger` (checked, audited); a recording is never changed or deleted.

Usage in the console: `site.register(Parametre, type("ParametreAdmin",
(ParametreAdminMixin, PublicSchemaModelAdmin), {}))` — the mixin comes first so its `save_model`
(the service, which writes its own audit event) replaces the generic one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.http import HttpRequest

from referentiel import services
from referentiel.models import Parametre


class ParametreCorrectionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Parametre
        fields = ("code", "valide_du", "valeur", "source", "statut", "motif")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            services.parametre_correction_verifier(
                code=data.get("code", ""),
                valeur=data.get("valeur"),
                source=data.get("source", ""),
                statut=data.get("statut", ""),
                motif=data.get("motif", ""),
            )
        except services.CorrectionInvalide as exc:
            champ = exc.champ if exc.champ in self.fields else None
            self.add_error(champ, str(exc))
        return data


class ParametreAdminMixin:
    """List, search and history of parameters; adding = recording a correction."""

    can_add = True
    can_change = False
    can_delete = False
    form = ParametreCorrectionForm
    list_display = ("code", "valide_du", "enregistre_le", "statut", "auteur", "motif")
    list_filter = ("statut",)
    search_fields = ("code", "source", "motif")
    ordering = ("code", "valide_du", "enregistre_le")
    date_hierarchy = "valide_du"

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        if change:
            raise PermissionError(
                "un paramètre enregistré ne se modifie pas : ajoutez une correction"
            )
        data = form.cleaned_data
        row = services.parametre_corriger(
            code=data["code"],
            valide_du=data["valide_du"],
            valeur=data["valeur"],
            source=data["source"],
            statut=data["statut"],
            motif=data["motif"],
            auteur=request.user.get_username(),
        )
        obj.pk = row.pk
