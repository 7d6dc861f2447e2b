"""Forms of the acts pages: they parse input; the act types and the services decide.

The drafting form is generated from the type's fields (`champs_pour`): one widget per `genre`,
choice lists read through the facades. Field names are the types' own keys, so a service's
ValidationError lands on the field it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.actes.models import Etat
from modules.actes.selectors import FiltresActes
from modules.actes.types import Champ

Choix = list[tuple[str, str]]
VIDE = ("", "—")
ECHELONS = [str(n) for n in range(1, 12)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class FiltresForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Numéro d'acte, PPR ou nom de l'agent"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    etat = forms.ChoiceField(label=_("État"), required=False)
    type_code = forms.ChoiceField(label=_("Type d'acte"), required=False)
    unite_code = forms.ChoiceField(label=_("Unité"), required=False)
    bordereau = forms.CharField(label=_("Bordereau n°"), required=False, max_length=40)
    plus_de_jours = forms.IntegerField(
        label=_("Dans cet état depuis plus de (jours)"),
        required=False,
        min_value=0,
        max_value=3650,
    )

    def __init__(self, *args: Any, types: Choix, unites: Choix, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tous, toutes = ("", str(_("Tous"))), ("", str(_("Toutes")))
        self.fields["etat"].choices = [tous, *Etat.choices]  # type: ignore[attr-defined]
        self.fields["type_code"].choices = [tous, *types]  # type: ignore[attr-defined]
        self.fields["unite_code"].choices = [toutes, *unites]  # type: ignore[attr-defined]

    def filtres(self) -> FiltresActes:
        """The valid filters; a value that is not offered (a stale link) is dropped."""
        self.is_valid()
        propres = getattr(self, "cleaned_data", {})
        jours = propres.get("plus_de_jours")
        return FiltresActes(
            etat=str(propres.get("etat") or ""),
            type_code=str(propres.get("type_code") or ""),
            unite_code=str(propres.get("unite_code") or ""),
            bordereau=str(propres.get("bordereau") or "").strip(),
            plus_de_jours=int(jours) if jours is not None else None,
            q=str(propres.get("q") or "").strip(),
        )

    @property
    def actifs(self) -> bool:
        return any(self.data.get(nom) for nom in self.fields)


class ChoixForm(forms.Form):
    """First step of a new act: its type and, unless it is a recruitment, the agent."""

    # named as the page's query parameter (`?type=…&agent=…`)
    type = forms.ChoiceField(label=_("Type d'acte"))
    ppr = forms.CharField(
        label=_("PPR ou nom de l'agent"),
        required=False,
        max_length=20,
        help_text=_("Laissez vide pour un recrutement : l'agent n'a pas encore de dossier."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, types: Choix, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [VIDE, *types]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ChoixChamps:
    """The choice lists the drafting form may need, read once per page by the view."""

    grades: Choix = field(default_factory=list)
    unites: Choix = field(default_factory=list)
    postes: Choix = field(default_factory=list)
    enfants: Choix = field(default_factory=list)
    indemnites: Choix = field(default_factory=list)
    communes: Choix = field(default_factory=list)

    @property
    def par_genre(self) -> dict[str, Choix]:
        return {
            "grade": self.grades,
            "unite": self.unites,
            "poste": self.postes,
            "enfant": self.enfants,
            "indemnite": self.indemnites,
            "commune": self.communes,
        }


def _champ_formulaire(champ: Champ, choix: ChoixChamps) -> forms.Field:
    commun: dict[str, Any] = {
        "label": champ.libelle,
        "required": champ.requis,
        "help_text": champ.aide,
    }
    if champ.genre == "booleen":
        return forms.BooleanField(**{**commun, "required": False})
    if champ.genre == "choix":
        return forms.ChoiceField(choices=[VIDE, *champ.choix], **commun)
    if champ.genre in choix.par_genre:
        return forms.ChoiceField(choices=[VIDE, *choix.par_genre[champ.genre]], **commun)
    attrs: dict[str, str] = {"autocomplete": "off"}
    if champ.genre == "date":
        return forms.CharField(widget=DateInput(), **commun)
    if champ.genre in ("entier", "ppr"):
        attrs["inputmode"] = "numeric"
    elif champ.genre == "montant":
        attrs["inputmode"] = "decimal"
    elif champ.genre == "echelon":
        attrs.update(inputmode="numeric", list="liste-echelons")
    return forms.CharField(
        max_length=champ.longueur, widget=forms.TextInput(attrs=attrs), strip=True, **commun
    )


class ActeForm(forms.Form):
    """The act's effective date and its type's fields. Values stay text: the type parses them
    (`TypeActe.lire`) and names what is wrong."""

    date_effet = forms.DateField(
        label=_("Date d'effet"),
        widget=DateInput(),
        help_text=_("Une date passée est permise : les rappels sont calculés."),
    )

    def __init__(
        self, *args: Any, champs: Sequence[Champ], choix: ChoixChamps, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.champs = tuple(champs)
        for champ in self.champs:
            self.fields[champ.nom] = _champ_formulaire(champ, choix)

    @property
    def a_echelon(self) -> bool:
        return any(c.genre == "echelon" for c in self.champs)

    def brutes(self) -> dict[str, Any]:
        return {c.nom: self.cleaned_data.get(c.nom) for c in self.champs}


class MotifForm(forms.Form):
    motif = forms.CharField(
        label=_("Motif"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il est inscrit dans l'historique de l'acte."),
    )


class PieceForm(forms.Form):
    type_piece = forms.ChoiceField(label=_("Type de pièce"))
    fichier = forms.FileField(
        label=_("Fichier (PDF, JPEG ou PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, types: Choix, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type_piece"].choices = [VIDE, *types]  # type: ignore[attr-defined]
