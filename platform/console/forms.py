"""The filters of the organisations page (query string, GET)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import OrganisationKind, OrganisationStatus

ALL = [("", _("Toutes"))]
TENANT_KINDS = [
    (v, label) for v, label in OrganisationKind.choices if v != OrganisationKind.PLATEFORME
]


class OrganisationFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=ALL + TENANT_KINDS, required=False)
    status = forms.ChoiceField(
        label=_("Statut"), choices=ALL + list(OrganisationStatus.choices), required=False
    )
    apres = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)


ETAT_LABELS = {
    "a_faire": _("À faire"),
    "en_cours": _("En cours"),
    "termine": _("Terminé"),
    "echec": _("En échec"),
}


class DeploiementFilterForm(forms.Form):
    vague = forms.IntegerField(label=_("Vague"), min_value=1, required=False)
    etat = forms.ChoiceField(
        label=_("État"), choices=ALL + list(ETAT_LABELS.items()), required=False
    )
    apres = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
