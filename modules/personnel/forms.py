"""Forms of the personnel pages: they parse input; the services decide.

Field names are the services' own keys (`grade_code`, `unite_code`, …), so a service's
ValidationError lands on the field it names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modules.personnel import selectors, services
from modules.personnel.models import (
    CHAMPS_SITUATION,
    POSITIONS_SANTE,
    NatureEvenement,
    Position,
    Sexe,
    SituationFamiliale,
    Statut,
)

Choix = list[tuple[str, str]]
VIDE = ("", "—")
MOIS = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _arabe(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"dir": "rtl", "lang": "ar", **attrs})


def positions_permises(*, sensible: bool) -> Choix:
    """Health positions are offered only to those who may read them."""
    return [(v, str(lbl)) for v, lbl in Position.choices if sensible or v not in POSITIONS_SANTE]


class FiltresForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Nom ou prénom (en français ou en arabe), PPR ou CIN"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    unite = forms.ChoiceField(label=_("Unité"), required=False)
    position = forms.ChoiceField(label=_("Position"), required=False)
    statut = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous")), *Statut.choices]
    )
    poste = forms.ChoiceField(label=_("Poste budgétaire"), required=False)

    def __init__(
        self,
        *args: Any,
        grades: Choix,
        unites: Choix,
        postes: Choix,
        sensible: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        tous, toutes = ("", str(_("Tous"))), ("", str(_("Toutes")))
        choix: dict[str, Choix] = {
            "grade": [tous, *grades],
            "unite": [toutes, *unites],
            "position": [toutes, *positions_permises(sensible=sensible)],
            "poste": [tous, *postes],
        }
        for champ, options in choix.items():
            self.fields[champ].choices = options  # type: ignore[attr-defined]

    def filtres(self) -> selectors.Filtres:
        """The valid filters; a value that is not offered (a stale link) is dropped."""
        self.is_valid()
        propres = getattr(self, "cleaned_data", {})
        return selectors.Filtres(
            q=str(propres.get("q") or "").strip(),
            grade=str(propres.get("grade") or ""),
            unite=str(propres.get("unite") or ""),
            position=str(propres.get("position") or ""),
            statut=str(propres.get("statut") or ""),
            poste=str(propres.get("poste") or ""),
        )


class ConsultationForm(forms.Form):
    """The date of the situation and the month of the pay elements on the agent page."""

    le = forms.DateField(label=_("Situation au"), required=False, widget=DateInput())
    mois = forms.CharField(
        label=_("Éléments de paie du mois"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"}),
    )

    def clean_mois(self) -> date | None:
        valeur = str(self.cleaned_data.get("mois") or "").strip()
        if not valeur:
            return None
        trouve = MOIS.fullmatch(valeur)
        if trouve is None:
            raise forms.ValidationError(_("Écrivez le mois sous la forme AAAA-MM, ex. 2025-03."))
        return date(int(trouve.group(1)), int(trouve.group(2)), 1)

    @classmethod
    def depuis(cls, donnees: Mapping[str, Any]) -> ConsultationForm:
        """Bound to the query string, the defaults (today, this month) filled in for display."""
        aujourdhui = timezone.localdate()
        return cls(
            {
                "le": donnees.get("le") or aujourdhui.isoformat(),
                "mois": donnees.get("mois") or f"{aujourdhui:%Y-%m}",
            }
        )

    def valeurs(self) -> tuple[date, date]:
        aujourdhui = timezone.localdate()
        self.is_valid()
        propres = getattr(self, "cleaned_data", {})
        return propres.get("le") or aujourdhui, propres.get("mois") or aujourdhui.replace(day=1)


class IdentiteForm(forms.Form):
    cin = forms.CharField(label=_("CIN"), max_length=14, required=False)
    nom_fr = forms.CharField(label=_("Nom (caractères latins)"), max_length=100)
    prenom_fr = forms.CharField(label=_("Prénom (caractères latins)"), max_length=100)
    nom_ar = forms.CharField(
        label=_("Nom en arabe"), max_length=100, required=False, widget=_arabe()
    )
    prenom_ar = forms.CharField(
        label=_("Prénom en arabe"), max_length=100, required=False, widget=_arabe()
    )
    date_naissance = forms.DateField(
        label=_("Date de naissance"), required=False, widget=DateInput()
    )
    lieu_naissance = forms.CharField(label=_("Lieu de naissance"), max_length=100, required=False)
    sexe = forms.ChoiceField(label=_("Sexe"), choices=Sexe.choices)
    situation_familiale = forms.ChoiceField(
        label=_("Situation familiale"), choices=SituationFamiliale.choices
    )
    conjoint_a_charge = forms.BooleanField(label=_("Conjoint à charge"), required=False)
    rib = forms.CharField(
        label=_("RIB (24 chiffres)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    banque = forms.CharField(label=_("Banque"), max_length=100, required=False)
    adresse = forms.CharField(
        label=_("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    commune_residence = forms.CharField(
        label=_("Commune de résidence (code HCP)"),
        max_length=32,
        required=False,
        help_text=_("Le code géographique HCP de la commune : il fixe la zone de résidence."),
    )
    telephone = forms.CharField(label=_("Téléphone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Courriel"), required=False)
    date_recrutement = forms.DateField(
        label=_("Date de recrutement"), required=False, widget=DateInput()
    )
    regime_retraite = forms.ChoiceField(
        label=_("Régime de retraite"), choices=[(r, r) for r in services.REGIMES_RETRAITE]
    )

    def identite(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in services.CHAMPS_IDENTITE}


class _SituationMixin(forms.Form):
    """The situation fields an event sets; blank means "unchanged"."""

    statut = forms.ChoiceField(label=_("Statut"), required=False)
    grade_code = forms.ChoiceField(label=_("Grade"), required=False)
    echelle = forms.CharField(label=_("Échelle"), max_length=3, required=False)
    echelon = forms.CharField(label=_("Échelon"), max_length=5, required=False)
    indice = forms.IntegerField(label=_("Indice"), required=False, min_value=1)
    position = forms.ChoiceField(label=_("Position"), required=False)
    unite_code = forms.ChoiceField(label=_("Unité d'affectation"), required=False)
    poste_code = forms.ChoiceField(label=_("Poste budgétaire"), required=False)

    def __init__(
        self,
        *args: Any,
        grades: Choix,
        unites: Choix,
        postes: Choix,
        sensible: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choix: dict[str, Choix] = {
            "statut": [(v, str(lbl)) for v, lbl in Statut.choices],
            "grade_code": grades,
            "position": positions_permises(sensible=sensible),
            "unite_code": unites,
            "poste_code": postes,
        }
        for champ, options in choix.items():
            self.fields[champ].choices = [VIDE, *options]  # type: ignore[attr-defined]

    def situation(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k in CHAMPS_SITUATION and v not in ("", None)
        }


class AgentCreerForm(_SituationMixin, IdentiteForm):
    ppr = forms.CharField(
        label=_("PPR"),
        max_length=20,
        help_text=_("Le numéro national de l'agent (en chiffres)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_effet = forms.DateField(label=_("Date d'effet du recrutement"), widget=DateInput())
    reference = forms.CharField(
        label=_("Référence (arrêté, décision)"), max_length=100, required=False
    )
    field_order = ["ppr", "cin", "nom_fr", "prenom_fr", "nom_ar", "prenom_ar"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for champ in ("statut", "grade_code", "unite_code"):
            self.fields[champ].required = True
        self.fields["position"].initial = Position.ACTIVITE


class AgentModifierForm(IdentiteForm):
    motif = forms.CharField(
        label=_("Motif de la modification"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire : il reste au journal (ex. « acte de mariage du 12/03/2025 »)."),
    )

    def __init__(self, *args: Any, sensible: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not sensible:  # who may not read the CIN or the RIB does not see or change them
            del self.fields["cin"]
            del self.fields["rib"]


NATURES_SAISIES = [
    (v, lbl)
    for v, lbl in NatureEvenement.choices
    if v
    not in (
        NatureEvenement.CORRECTION,
        NatureEvenement.ANNULATION,
        NatureEvenement.REPRISE,
        NatureEvenement.ENTREE,
    )
]


class EvenementForm(_SituationMixin):
    nature = forms.ChoiceField(label=_("Nature"), choices=NATURES_SAISIES)
    date_effet = forms.DateField(label=_("Date d'effet"), widget=DateInput())
    reference = forms.CharField(
        label=_("Référence (arrêté, décision)"), max_length=100, required=False
    )
    motif = forms.CharField(
        label=_("Observation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ["nature", "date_effet"]


class CorrectionForm(_SituationMixin):
    date_effet = forms.DateField(label=_("Date d'effet"), widget=DateInput())
    motif = forms.CharField(
        label=_("Motif de la correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire : il reste dans l'historique, à côté de l'événement corrigé."),
    )
    field_order = ["date_effet"]


class AnnulationForm(forms.Form):
    motif = forms.CharField(
        label=_("Motif de l'annulation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire : il reste dans l'historique, à côté de l'événement annulé."),
    )


class EnfantForm(forms.Form):
    prenom = forms.CharField(label=_("Prénom"), max_length=100)
    date_naissance = forms.DateField(label=_("Date de naissance"), widget=DateInput())
    handicape = forms.BooleanField(label=_("En situation de handicap"), required=False)
    scolarise = forms.BooleanField(label=_("Poursuit des études"), required=False)
    date_deces = forms.DateField(label=_("Date de décès"), required=False, widget=DateInput())


class RetraitEnfantForm(forms.Form):
    motif = forms.CharField(
        label=_("Motif du retrait"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Ex. « enfant saisi deux fois ». Un décès se déclare par sa date, sans retrait."
        ),
    )
