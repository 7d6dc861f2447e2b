"""Bulk runs (« actes en masse ») pages: the runs and a new run, a run's progress (htmx polling),
its review list (filters, totals, pages, CSV), excluding an act, validating the whole run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from identity import permissions
from identity.permissions import Action
from modules.actes import lots, presentation, selectors_lots
from modules.actes.models import LigneLot, LotActes, StatutLot
from modules.actes.views import acteur, attacher, held, messages_de, perimetre
from modules.actes.views_listes import PAR_PAGE, reponse_csv
from modules.unites import facade as unites


class LancerForm(forms.Form):
    unite_code = forms.ChoiceField(
        label=gettext_lazy("Unité (avec ses sous-unités)"),
        required=False,
        help_text=gettext_lazy("Les agents affectés à cette unité ou en dessous."),
    )
    date_campagne = forms.DateField(
        label=gettext_lazy("Date de la campagne"),
        help_text=gettext_lazy(
            "Les agents dont la durée d'échelon est accomplie à cette date (JJ/MM/AAAA)."
        ),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )

    def __init__(self, *args: object, unites: list[tuple[str, str]], tout: bool, **kw: object):
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        choix = ([("", _("Tout l'ordonnateur"))] if tout else []) + unites
        champ = self.fields["unite_code"]
        assert isinstance(champ, forms.ChoiceField)
        champ.choices = choix
        champ.required = not tout


class FiltresLignesForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Numéro, PPR ou nom"), required=False)
    unite_code = forms.ChoiceField(label=gettext_lazy("Unité"), required=False)
    bloquant = forms.ChoiceField(
        label=gettext_lazy("Anomalies"),
        required=False,
        choices=[
            ("", gettext_lazy("Toutes")),
            ("oui", gettext_lazy("Avec anomalie bloquante")),
            ("non", gettext_lazy("Sans anomalie bloquante")),
        ],
    )
    exclu = forms.ChoiceField(
        label=gettext_lazy("Exclusion"),
        required=False,
        choices=[
            ("", gettext_lazy("Tous")),
            ("non", gettext_lazy("Retenus")),
            ("oui", gettext_lazy("Exclus")),
        ],
    )

    def __init__(self, *args: object, unites: list[tuple[str, str]], **kw: object):
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        champ = self.fields["unite_code"]
        assert isinstance(champ, forms.ChoiceField)
        champ.choices = [("", _("Toutes")), *unites]

    def filtres(self) -> selectors_lots.FiltresLignes:
        if not self.is_valid():
            return selectors_lots.FiltresLignes()
        oui_non = {"oui": True, "non": False}
        return selectors_lots.FiltresLignes(
            unite_code=self.cleaned_data["unite_code"],
            bloquant=oui_non.get(self.cleaned_data["bloquant"]),
            exclu=oui_non.get(self.cleaned_data["exclu"]),
            q=self.cleaned_data["q"],
        )


def _unites(request: HttpRequest, action: Action) -> list[tuple[str, str]]:
    return [
        (u.code, f"{u.code} — {u.nom_fr}")
        for u in unites.unite_list(perimeter=perimetre(request, action))
    ]


def _lot_or_404(request: HttpRequest, lot_id: int) -> LotActes:
    lot = selectors_lots.lot_get(perimetre=perimetre(request, Action.ACTES_VOIR), lot_id=lot_id)
    if lot is None:  # missing or out of perimeter: the same answer
        raise Http404(_("Lot introuvable."))
    return lot


@permissions.requires(Action.ACTES_VOIR)
def lots_liste(request: HttpRequest) -> HttpResponse:
    habilitations = held(request)
    peut_lancer = permissions.allowed(habilitations, Action.ACTES_REDIGER)
    rediger = perimetre(request, Action.ACTES_REDIGER)
    form = LancerForm(
        request.POST or None,
        unites=_unites(request, Action.ACTES_REDIGER) if peut_lancer else [],
        tout=rediger.tout,
        initial={"date_campagne": date(timezone.localdate().year, 12, 31).strftime("%d/%m/%Y")},
    )
    statut = 200
    if request.method == "POST":
        if not peut_lancer:
            return render(
                request, "identity/denied.html", {"reason": _("Rédaction d'actes")}, status=403
            )
        if form.is_valid():
            try:
                lot = lots.lot_lancer(
                    auteur=acteur(request),
                    perimetre=rediger,
                    date_campagne=form.cleaned_data["date_campagne"],
                    unite_code=form.cleaned_data["unite_code"] or "",
                )
            except ValidationError as erreur:
                attacher(form, erreur)
            else:
                messages.success(
                    request, _("Campagne lancée : la génération des actes a commencé.")
                )
                return HttpResponseRedirect(reverse("actes:lot", args=[lot.id]))
        statut = 400
    page = Paginator(
        selectors_lots.lots_scopes(perimetre=perimetre(request, Action.ACTES_VOIR)), PAR_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "actes/lots.html",
        {
            "form": form,
            "page": page,
            "peut_lancer": peut_lancer,
            "peut_rediger": peut_lancer,
            "peut_valider": permissions.allowed(habilitations, Action.ACTES_VALIDER),
        },
        status=statut,
    )


def _requete_sans_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@permissions.requires(Action.ACTES_VOIR)
def lot(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = _lot_or_404(request, lot_id)
    voir = perimetre(request, Action.ACTES_VOIR)
    if request.headers.get("HX-Request") and request.GET.get("progression"):
        return render(request, "actes/lots_progression.html", {"lot": lot})
    form = FiltresLignesForm(request.GET, unites=_unites(request, Action.ACTES_VOIR))
    lignes = selectors_lots.lignes_filtrees(perimetre=voir, lot=lot, filtres=form.filtres())
    page = Paginator(lignes, PAR_PAGE).get_page(request.GET.get("page"))
    habilitations = held(request)
    totaux = selectors_lots.totaux(lignes=lignes)
    return render(
        request,
        "actes/lots_detail.html",
        {
            "lot": lot,
            "form": form,
            "page": page,
            "rangees": [
                (
                    ligne,
                    presentation.montant(ligne.variation_brut),
                    presentation.montant(ligne.rappel_brut),
                )
                for ligne in page.object_list
            ],
            "totaux": totaux,
            "total_variation": presentation.montant(totaux.variation_brut),
            "total_rappel": presentation.montant(totaux.rappel_brut),
            "total_annuel": presentation.montant(totaux.cout_annuel),
            "requete": _requete_sans_page(request),
            "peut_valider": permissions.allowed(habilitations, Action.ACTES_VALIDER)
            and lot.statut == StatutLot.TERMINE,
            "peut_rediger": permissions.allowed(habilitations, Action.ACTES_REDIGER),
            "termine": lot.statut == StatutLot.TERMINE,
        },
    )


def _csv(lignes: Iterable[LigneLot]) -> Iterator[list[str]]:
    yield [
        _("Numéro"),
        _("PPR"),
        _("Agent"),
        _("Unité"),
        _("Échelon actuel"),
        _("Nouvel échelon"),
        _("Date d'effet"),
        _("Variation mensuelle du brut (DH)"),
        _("Rappel brut (DH)"),
        _("Anomalie bloquante"),
        _("Exclu"),
        _("État"),
    ]
    for ligne in lignes:
        acte = ligne.acte
        yield [
            acte.numero,
            acte.agent_ppr,
            acte.agent_nom,
            ligne.unite_code,
            ligne.echelon_avant,
            ligne.echelon_apres,
            acte.date_effet.strftime("%d/%m/%Y"),
            f"{ligne.variation_brut / 100:.2f}",
            f"{ligne.rappel_brut / 100:.2f}",
            _("oui") if ligne.bloquant else _("non"),
            _("oui") if ligne.exclu else _("non"),
            acte.get_etat_display(),
        ]


@permissions.requires(Action.ACTES_VOIR)
def lot_export(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = _lot_or_404(request, lot_id)
    form = FiltresLignesForm(request.GET, unites=_unites(request, Action.ACTES_VOIR))
    lignes = selectors_lots.lignes_filtrees(
        perimetre=perimetre(request, Action.ACTES_VOIR), lot=lot, filtres=form.filtres()
    )
    return reponse_csv(_csv(lignes.iterator(chunk_size=2000)), f"lot-{lot.id}.csv")


@permissions.requires(Action.ACTES_REDIGER)
def lot_exclure(request: HttpRequest, lot_id: int, ligne_id: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    lot = _lot_or_404(request, lot_id)
    try:
        lots.lot_ligne_exclure(
            auteur=acteur(request),
            perimetre=perimetre(request, Action.ACTES_REDIGER),
            lot=lot,
            ligne_id=ligne_id,
        )
    except LigneLot.DoesNotExist:
        raise Http404(_("Acte introuvable dans ce lot.")) from None
    messages.success(request, _("Acte exclu du lot : il reste un brouillon, à traiter seul."))
    return HttpResponseRedirect(reverse("actes:lot", args=[lot.id]))


@permissions.requires(Action.ACTES_VALIDER)
def lot_valider(request: HttpRequest, lot_id: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    lot = _lot_or_404(request, lot_id)
    try:
        resultat = lots.lot_valider(
            auteur=acteur(request),
            perimetre=perimetre(request, Action.ACTES_VALIDER),
            lot=lot,
        )
    except ValidationError as erreur:
        for message in messages_de(erreur):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "%(v)s acte(s) validé(s) ; non validés : %(b)s avec une anomalie bloquante, "
                "%(q)s rédigé(s) par vous (quatre yeux), %(e)s exclu(s), %(h)s qui "
                "n'étai(en)t plus des brouillons."
            )
            % {
                "v": resultat["valides"],
                "b": resultat["bloques"],
                "q": resultat["quatre_yeux"],
                "e": resultat["exclus"],
                "h": resultat["hors_brouillon"],
            },
        )
    return HttpResponseRedirect(reverse("actes:lot", args=[lot.id]))


@permissions.requires(Action.ACTES_REDIGER)
def lot_relancer(request: HttpRequest, lot_id: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    lot = _lot_or_404(request, lot_id)
    try:
        lots.lot_relancer(auteur=acteur(request), lot=lot)
    except ValidationError as erreur:
        for message in messages_de(erreur):
            messages.error(request, message)
    else:
        messages.success(request, _("Génération reprise là où elle s'était arrêtée."))
    return HttpResponseRedirect(reverse("actes:lot", args=[lot.id]))
