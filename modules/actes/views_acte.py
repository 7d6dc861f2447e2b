"""The act page (header, checks next to their fields, pecuniary impact, documents, history,
the Treasury's observations, what changed since the answered version) and its actions."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from identity import permissions
from identity.permissions import Action
from modules.actes import forms, presentation, recettes, services
from modules.actes.etats import Partie
from modules.actes.models import Acte, Etat, PieceActe
from modules.actes.types import type_get
from modules.actes.views import acte_or_404, acteur, attacher, held, messages_de, refus
from modules.actes.views_redaction import vers_acte
from modules.personnel import facade as personnel


def _pieces(acte: Acte, donnees: dict[str, Any]) -> tuple[list[PieceActe], list[str]]:
    """(the documents attached, the labels of the required ones still missing)."""
    pieces = list(acte.pieces.filter(retire=False))
    type_acte = type_get(acte.type_code)
    requises = type_acte.pieces(donnees) if type_acte else ()
    presentes = {p.type_piece for p in pieces}
    libelles = personnel.types_pieces()
    return pieces, [libelles.get(p, p) for p in requises if p not in presentes]


def _contexte_page(request: HttpRequest, acte: Acte, **extra: Any) -> dict[str, Any]:
    version = services.version_courante(acte)
    type_acte = type_get(acte.type_code)
    origine_type = (
        type_get(acte.acte_origine.type_code)
        if acte.acte_origine is not None and acte.type_code == "rectification"
        else None
    )
    observations = list(acte.observations.all())
    lignes, anomalies_generales, observations_autres = presentation.donnees_lignes(
        type_acte=type_acte,
        version=version,
        observations=observations,
        origine_type=origine_type,
    )
    precedente = acte.versions.filter(numero=acte.version - 1).first() if acte.version > 1 else None
    droits = presentation.Droits.depuis(held(request))
    boutons = presentation.boutons(acte, version, droits, acteur(request))
    pieces, manquantes = _pieces(acte, version.donnees)
    types_pieces = personnel.types_pieces()
    return {
        "acte": acte,
        "version": version,
        "type_libelle": presentation.type_libelle(acte.type_code),
        "etat_libelle": presentation.etat_libelle(acte.etat),
        "lignes": lignes,
        "anomalies_date": [a for a in version.anomalies if a.get("champ") == "date_effet"],
        "observations_date": [o for o in observations if o.champ == "date_effet"],
        "anomalies_generales": [a for a in anomalies_generales if a.get("champ") != "date_effet"],
        "observations_autres": [o for o in observations_autres if o.champ != "date_effet"],
        "bloquantes": sum(1 for a in version.anomalies if a.get("bloquant")),
        "impact": presentation.impact(version.impact),
        "precedente": precedente,
        "precedente_issue": presentation.etat_libelle(precedente.issue)
        if precedente and precedente.issue
        else "",
        "changements": (
            presentation.changements(type_acte=type_acte, avant=precedente, apres=version)
            if precedente
            else []
        ),
        "transitions": list(acte.transitions.all()),
        **recettes.ordre_pour_page(acte=acte),
        "pieces": pieces,
        "types_pieces": types_pieces,
        "manquantes": manquantes,
        "obstacles": services.validation_obstacles(acte) if boutons.valider else [],
        "boutons": boutons,
        "piece_form": extra.pop("piece_form", None)
        or forms.PieceForm(types=sorted(types_pieces.items(), key=lambda t: t[1])),
        "motif_form": forms.MotifForm(),
        **extra,
    }


@permissions.requires(Action.ACTES_VOIR)
def acte(request: HttpRequest, acte_id: int) -> HttpResponse:
    cible = acte_or_404(request, acte_id, Action.ACTES_VOIR)
    return render(request, "actes/acte.html", _contexte_page(request, cible))


def _erreurs(request: HttpRequest, erreur: ValidationError) -> None:
    for message in messages_de(erreur):
        messages.error(request, message)


@permissions.requires(Action.ACTES_REDIGER)
def soumettre(request: HttpRequest, acte_id: int) -> HttpResponse:
    cible = acte_or_404(request, acte_id, Action.ACTES_REDIGER)
    if request.method == "POST":
        try:
            services.acte_soumettre(auteur=acteur(request), acte=cible)
        except ValidationError as erreur:
            _erreurs(request, erreur)
        else:
            messages.success(request, _("Acte soumis à validation."))
    return vers_acte(cible)


@permissions.requires(Action.ACTES_VALIDER)
def valider(request: HttpRequest, acte_id: int) -> HttpResponse:
    cible = acte_or_404(request, acte_id, Action.ACTES_VALIDER)
    if request.method == "POST":
        try:
            services.acte_valider(auteur=acteur(request), acte=cible, partie=Partie.VALIDEUR)
        except ValidationError as erreur:
            _erreurs(request, erreur)
        else:
            messages.success(request, _("Acte validé : il peut être transmis au Trésor."))
    return vers_acte(cible)


def _motif_page(
    request: HttpRequest, cible: Acte, form: forms.MotifForm, titre: str, action: str
) -> HttpResponse:
    return render(
        request,
        "actes/motif.html",
        {"acte": cible, "form": form, "titre": titre, "action": action},
        status=400 if form.is_bound and form.errors else 200,
    )


@permissions.requires(Action.ACTES_VALIDER)
def renvoyer(request: HttpRequest, acte_id: int) -> HttpResponse:
    cible = acte_or_404(request, acte_id, Action.ACTES_VALIDER)
    form = forms.MotifForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.acte_renvoyer(
                auteur=acteur(request), acte=cible, motif=form.cleaned_data["motif"]
            )
        except ValidationError as erreur:
            attacher(form, erreur)
        else:
            messages.success(request, _("Acte renvoyé au rédacteur."))
            return vers_acte(cible)
    titre = _("Renvoyer l'acte %(numero)s au rédacteur") % {"numero": cible.numero}
    return _motif_page(request, cible, form, titre, "renvoyer")


@permissions.requires(Action.ACTES_VOIR)
def annuler(request: HttpRequest, acte_id: int) -> HttpResponse:
    """Gestionnaires and valideurs both cancel, each in the states the machine gives them."""
    cible = acte_or_404(request, acte_id, Action.ACTES_VOIR)
    droits = presentation.Droits.depuis(held(request))
    partie = droits.partie(cible, Etat.ANNULE)
    if partie is None:
        if not (droits.redige(cible) or droits.valide(cible)):
            return refus(request, _("Votre habilitation ne permet pas cette action."))
        messages.error(
            request,
            _("Un acte « %(etat)s » ne peut pas être annulé par votre rôle.")
            % {"etat": presentation.etat_libelle(cible.etat)},
        )
        return vers_acte(cible)
    form = forms.MotifForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.acte_annuler(
                auteur=acteur(request), acte=cible, motif=form.cleaned_data["motif"], partie=partie
            )
        except ValidationError as erreur:
            attacher(form, erreur)
        else:
            messages.success(request, _("Acte annulé."))
            return vers_acte(cible)
    titre = _("Annuler l'acte %(numero)s") % {"numero": cible.numero}
    return _motif_page(request, cible, form, titre, "annuler")


# --- supporting documents -------------------------------------------------------------------


@permissions.requires(Action.ACTES_REDIGER)
def piece_ajouter(request: HttpRequest, acte_id: int) -> HttpResponse:
    cible = acte_or_404(request, acte_id, Action.ACTES_REDIGER)
    if request.method != "POST":
        return vers_acte(cible, "pieces")
    types = sorted(personnel.types_pieces().items(), key=lambda t: t[1])
    form = forms.PieceForm(request.POST, request.FILES, types=types)
    if form.is_valid():
        fichier = form.cleaned_data["fichier"]
        try:
            services.piece_ajouter(
                auteur=acteur(request),
                acte=cible,
                type_piece=form.cleaned_data["type_piece"],
                contenu=fichier,
                nom_fichier=fichier.name,
            )
        except personnel.DocumentRefuse as refuse:
            form.add_error("fichier", str(refuse))
        except ValidationError as erreur:
            attacher(form, erreur)
        else:
            messages.success(request, _("Pièce ajoutée."))
            return vers_acte(cible, "pieces")
    contexte = _contexte_page(request, cible, piece_form=form)
    return render(request, "actes/acte.html", contexte, status=400)


def _piece_or_404(acte: Acte, piece_id: int) -> PieceActe:
    piece = acte.pieces.filter(id=piece_id, retire=False).first()
    if piece is None:
        raise Http404(_("Pièce introuvable."))
    return piece


@permissions.requires(Action.ACTES_VOIR)
def piece_telecharger(request: HttpRequest, acte_id: int, piece_id: int) -> HttpResponse:
    cible = acte_or_404(request, acte_id, Action.ACTES_VOIR)
    piece = _piece_or_404(cible, piece_id)
    reponse = FileResponse(
        personnel.document_ouvrir(piece.sha256),
        as_attachment=True,
        filename=piece.nom_fichier,
        content_type=piece.content_type,
    )
    # The permission decorator is typed for HttpResponse; Django serves any streaming response.
    return cast(HttpResponse, reponse)


@permissions.requires(Action.ACTES_REDIGER)
def piece_retirer(request: HttpRequest, acte_id: int, piece_id: int) -> HttpResponse:
    cible = acte_or_404(request, acte_id, Action.ACTES_REDIGER)
    piece = _piece_or_404(cible, piece_id)
    if request.method == "POST":
        try:
            services.piece_retirer(auteur=acteur(request), acte=cible, piece_id=piece.id)
        except ValidationError as erreur:
            _erreurs(request, erreur)
        else:
            messages.success(request, _("Pièce retirée."))
    return vers_acte(cible, "pieces")
