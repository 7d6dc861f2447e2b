"""Pages of the official documents: an act's arrêté/décision as PDF (whoever may see the act),
and, for the tenant admin, the wording of each type or family (edit with preview, reset,
versions) and the signatory."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import facade as documents_noyau
from identity import permissions
from identity.permissions import Action
from modules.actes import documents, presentation, services_documents
from modules.actes.documents_textes import Redaction
from modules.actes.models import ModeleDocument
from modules.actes.views import acte_or_404, acteur, attacher


def _pdf(contenu: bytes, nom: str) -> HttpResponse:
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = f'inline; filename="{nom}"'
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@permissions.requires(Action.ACTES_VOIR)
def document_pdf(request: HttpRequest, acte_id: int) -> HttpResponse:
    cible = acte_or_404(request, acte_id, Action.ACTES_VOIR)
    contenu = documents.document_pdf_consulte(acteur=acteur(request), acte=cible)
    return _pdf(contenu, documents.nom_fichier(cible))


# --- the admin's wording ------------------------------------------------------------------


class RedactionForm(forms.Form):
    titre_fr = forms.CharField(label=gettext_lazy("Titre (français)"), max_length=300)
    titre_ar = forms.CharField(label=gettext_lazy("Titre (arabe)"), max_length=300)
    visas_fr = forms.CharField(
        label=gettext_lazy("Visas (français), un par ligne"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    visas_ar = forms.CharField(
        label=gettext_lazy("Visas (arabe), un par ligne"),
        widget=forms.Textarea(attrs={"rows": 6, "dir": "rtl", "lang": "ar"}),
        required=False,
    )
    articles_fr = forms.CharField(
        label=gettext_lazy("Articles (français), un par ligne, numérotés à l'impression"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    articles_ar = forms.CharField(
        label=gettext_lazy("Articles (arabe), un par ligne, numérotés à l'impression"),
        widget=forms.Textarea(attrs={"rows": 8, "dir": "rtl", "lang": "ar"}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["titre_ar"].widget.attrs.update({"dir": "rtl", "lang": "ar"})

    def redaction(self) -> Redaction:
        # Textareas post CRLF line ends: keep plain LF in what is stored.
        return Redaction(
            **{nom: str(valeur).replace("\r\n", "\n") for nom, valeur in self.cleaned_data.items()}
        )


def _libelle_cle(cle: str) -> str:
    genre, _sep, nom = cle.partition(":")
    if genre == "type":
        return str(presentation.type_libelle(nom))
    return _("Famille « %(f)s » (%(types)s)") % {
        "f": nom,
        "types": ", ".join(str(presentation.type_libelle(c)) for c in documents.types_de(cle)),
    }


@permissions.requires(Action.ACTES_MODELES_GERER)
def modeles(request: HttpRequest) -> HttpResponse:
    derniers = documents.modeles_derniers()
    lignes = []
    for famille, codes in sorted(documents.familles().items()):
        cles = [f"famille:{famille}", *(f"type:{code}" for code in codes)]
        for cle in cles:
            modele = derniers.get(cle)
            lignes.append(
                {
                    "cle": cle,
                    "libelle": _libelle_cle(cle),
                    "famille": cle.startswith("famille:"),
                    "modele": modele,
                    "personnalise": modele is not None and not modele.par_defaut,
                }
            )
    return render(
        request,
        "actes/documents/modeles.html",
        {"lignes": lignes, "parametres": documents.parametres()},
    )


def _modele_contexte(cle: str, form: RedactionForm) -> dict[str, Any]:
    autorises = documents.placeholders_autorises(cle)
    return {
        "cle": cle,
        "libelle": _libelle_cle(cle),
        "form": form,
        "placeholders": [(nom, documents.PLACEHOLDERS[nom]) for nom in documents.PLACEHOLDERS],
        "champs": sorted(autorises - set(documents.PLACEHOLDERS)),
        "versions": list(ModeleDocument.objects.filter(cle=cle).order_by("-version")[:20]),
    }


@permissions.requires(Action.ACTES_MODELES_GERER)
def modele(request: HttpRequest, cle: str) -> HttpResponse:
    if not documents.cle_valide(cle):
        raise Http404(_("Modèle introuvable."))
    if request.method != "POST":
        initiale = documents.redaction_pour_cle(cle)
        form = RedactionForm(initial=initiale.__dict__)
        return render(request, "actes/documents/modele.html", _modele_contexte(cle, form))
    action = request.POST.get("action", "enregistrer")
    if action == "reinitialiser":
        services_documents.modele_document_reinitialiser(auteur=acteur(request), cle=cle)
        messages.success(request, _("La rédaction par défaut s'applique de nouveau."))
        return redirect("actes:document_modele", cle=cle)
    form = RedactionForm(request.POST)
    if form.is_valid():
        try:
            if action == "apercu":
                services_documents.redaction_verifier(cle=cle, redaction=form.redaction())
                contenu = documents.apercu_pdf(cle, form.redaction())
                return _pdf(contenu, f"apercu-{cle.replace(':', '-')}.pdf")
            services_documents.modele_document_enregistrer(
                auteur=acteur(request), cle=cle, redaction=form.redaction()
            )
        except ValidationError as erreur:
            attacher(form, erreur)
        except documents_noyau.DocumentInvalide as erreur:
            form.add_error(None, str(erreur))
        else:
            messages.success(request, _("Rédaction enregistrée : elle s'applique aux documents."))
            return redirect("actes:document_modele", cle=cle)
    return render(request, "actes/documents/modele.html", _modele_contexte(cle, form), status=400)


class ParametresForm(forms.Form):
    signataire_nom_fr = forms.CharField(
        label=gettext_lazy("Nom du signataire (français)"), max_length=200, required=False
    )
    signataire_nom_ar = forms.CharField(
        label=gettext_lazy("Nom du signataire (arabe)"), max_length=200, required=False
    )
    signataire_titre_fr = forms.CharField(
        label=gettext_lazy("Qualité du signataire (français)"), max_length=200, required=False
    )
    signataire_titre_ar = forms.CharField(
        label=gettext_lazy("Qualité du signataire (arabe)"), max_length=200, required=False
    )
    lieu_fr = forms.CharField(
        label=gettext_lazy("Lieu de signature (français)"), max_length=100, required=False
    )
    lieu_ar = forms.CharField(
        label=gettext_lazy("Lieu de signature (arabe)"), max_length=100, required=False
    )
    decalage_hijri = forms.IntegerField(
        label=gettext_lazy("Décalage de la date hégirienne (jours, de -2 à 2)"),
        min_value=-2,
        max_value=2,
        initial=0,
        help_text=gettext_lazy(
            "Le calendrier Umm al-Qura peut différer d'un jour du calendrier marocain "
            "(observation du croissant)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for nom in ("signataire_nom_ar", "signataire_titre_ar", "lieu_ar"):
            self.fields[nom].widget.attrs.update({"dir": "rtl", "lang": "ar"})


@permissions.requires(Action.ACTES_MODELES_GERER)
def parametres(request: HttpRequest) -> HttpResponse:
    actuels = documents.parametres()
    if request.method != "POST":
        form = ParametresForm(
            initial={
                **{c: getattr(actuels, c) for c in services_documents.CHAMPS_PARAMETRES},
                "decalage_hijri": actuels.decalage_hijri,
            }
        )
        return render(request, "actes/documents/parametres.html", {"form": form})
    form = ParametresForm(request.POST)
    if form.is_valid():
        donnees = dict(form.cleaned_data)
        decalage = int(donnees.pop("decalage_hijri"))
        try:
            services_documents.parametres_documents_enregistrer(
                auteur=acteur(request), valeurs=donnees, decalage_hijri=decalage
            )
        except ValidationError as erreur:
            attacher(form, erreur)
        else:
            messages.success(request, _("Paramètres des documents enregistrés."))
            return redirect("actes:documents_modeles")
    return render(request, "actes/documents/parametres.html", {"form": form}, status=400)
