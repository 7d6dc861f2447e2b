"""The profile form: it parses and shows every field's problem at once; the service decides
(tenants.services_profil checks everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants import logos, services_profil


def _refuser(probleme: str | None) -> None:
    if probleme is not None:
        raise forms.ValidationError(probleme)


class ProfilForm(forms.Form):
    name_fr = forms.CharField(
        label=_("Nom en français"),
        max_length=services_profil.NOM_MAX,
        error_messages={"required": _("Indiquez le nom de l'organisation en français.")},
        widget=forms.TextInput(attrs={"lang": "fr", "dir": "ltr", "autocomplete": "off"}),
    )
    name_ar = forms.CharField(
        label=_("Nom en arabe"),
        max_length=services_profil.NOM_MAX,
        error_messages={"required": _("Indiquez le nom de l'organisation en arabe.")},
        widget=forms.TextInput(attrs={"lang": "ar", "dir": "rtl", "autocomplete": "off"}),
    )
    sigle = forms.CharField(
        label=_("Sigle"),
        max_length=services_profil.SIGLE_MAX,
        required=False,
        help_text=_("Facultatif, par exemple « MEF » ou « ONEE »."),
    )
    code_ordonnateur = forms.CharField(
        label=_("Code ordonnateur (TGR)"),
        max_length=services_profil.CODE_ORDONNATEUR_MAX,
        required=False,
        help_text=_(
            "Le code que la Trésorerie Générale du Royaume a attribué à votre ordonnateur, tel "
            "qu'il figure sur son courrier. Il est nécessaire pour terminer cette étape."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("Facultatif : image PNG ou JPEG, 1 Mo et 2048 pixels de côté au plus."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    logo_retirer = forms.BooleanField(label=_("Retirer le logo actuel"), required=False)

    def clean_name_fr(self) -> str:
        valeur = " ".join(str(self.cleaned_data["name_fr"]).split())
        _refuser(services_profil.nom_fr_erreur(valeur))
        return valeur

    def clean_name_ar(self) -> str:
        valeur = " ".join(str(self.cleaned_data["name_ar"]).split())
        _refuser(services_profil.nom_ar_erreur(valeur))
        return valeur

    def clean_sigle(self) -> str:
        valeur = " ".join(str(self.cleaned_data["sigle"]).split())
        _refuser(services_profil.sigle_erreur(valeur))
        return valeur

    def clean_code_ordonnateur(self) -> str:
        valeur = str(self.cleaned_data["code_ordonnateur"]).strip().upper()
        _refuser(services_profil.code_ordonnateur_erreur(valeur))
        return valeur

    def clean_logo(self) -> Any:
        fichier = self.cleaned_data.get("logo")
        if fichier:
            try:
                logos.verifier(fichier)
            except logos.LogoRefuse as refus:
                raise forms.ValidationError(services_profil.logo_erreur(refus)) from refus
        return fichier
