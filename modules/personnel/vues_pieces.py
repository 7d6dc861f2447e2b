"""Pages of supporting documents and of the personal-data access journal (law 09-08).

- `piece_ajouter`: upload a document to an agent's file (PERSONNEL_GERER on the agent's unit);
- `piece_telecharger`: download it (PERSONNEL_VOIR; sensitive types need
  PERSONNEL_DONNEES_SENSIBLES), always as an attachment, logged in the access journal;
- `acces_journal`: who read which agent's data, when (JOURNAL_LIRE, whole tenant).

Ids from the client are resolved by scoped selectors: missing and out-of-perimeter are the same
404; the schema (hence the tenant's directory of documents) comes from the host, never from
the request's parameters.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import NatureAcces
from identity import permissions
from identity.permissions import Action
from modules.personnel import documents, journal_acces, selectors, services_pieces
from modules.personnel.models import Agent, EvenementCarriere, TypePiece
from modules.unites.perimetres import Perimetre

logger = logging.getLogger(__name__)
AUCUN = ""


def _perimetre(request: HttpRequest, action: Action) -> Perimetre:
    held = permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))
    return Perimetre.depuis(held, roles=permissions.roles_for(action))


def _acteur(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _url_agent(agent: Agent) -> str:
    """The agent's page, or this upload page until the agent page exists."""
    try:
        return reverse("personnel:agent", args=[agent.id])
    except NoReverseMatch:
        return reverse("personnel:piece_ajouter", args=[agent.id])


def _libelle_evenement(evenement: EvenementCarriere) -> str:
    texte = f"{evenement.date_effet:%d/%m/%Y} — {evenement.get_nature_display()}"
    return f"{texte} ({evenement.reference})" if evenement.reference else texte


class PieceForm(forms.Form):
    type_piece = forms.ChoiceField(label=gettext_lazy("Type de pièce"), choices=TypePiece.choices)
    evenement = forms.ChoiceField(
        label=gettext_lazy("Événement de carrière concerné"),
        required=False,
        help_text=gettext_lazy("Facultatif : l'arrêté ou la décision que la pièce justifie."),
    )
    fichier = forms.FileField(
        label=gettext_lazy("Fichier"),
        help_text=gettext_lazy("PDF, JPEG ou PNG, 10 Mo au plus."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )

    def __init__(self, *args: Any, evenements: list[EvenementCarriere], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choix = [(AUCUN, str(_("— aucun —")))]
        choix += [(str(e.id), _libelle_evenement(e)) for e in evenements]
        self.fields["evenement"].choices = choix  # type: ignore[attr-defined]


@permissions.requires(Action.PERSONNEL_GERER)
def piece_ajouter(request: HttpRequest, agent_id: int) -> HttpResponse:
    perimetre = _perimetre(request, Action.PERSONNEL_GERER)
    agent = selectors.agent_dossier(perimetre=perimetre, agent_id=agent_id)
    if agent is None:  # missing or out of perimeter: the same answer
        raise Http404(_("Agent introuvable."))
    evenements = list(agent.evenements.all())  # prefetched by agent_dossier
    if request.method == "POST":
        form = PieceForm(request.POST, request.FILES, evenements=evenements)
        if form.is_valid():
            choisi = form.cleaned_data["evenement"]
            evenement = next((e for e in evenements if str(e.id) == choisi), None)
            fichier = form.cleaned_data["fichier"]
            try:
                piece = services_pieces.piece_ajouter(
                    auteur=_acteur(request),
                    agent=agent,
                    evenement=evenement,
                    type_piece=form.cleaned_data["type_piece"],
                    nom_fichier=str(fichier.name),
                    contenu=fichier,
                )
            except ValidationError as erreur:
                for champ, erreurs in erreur.message_dict.items():
                    form.add_error(champ if champ in form.fields else None, erreurs)
            else:
                messages.success(
                    request, _("Pièce « %(nom)s » ajoutée.") % {"nom": piece.nom_fichier}
                )
                return HttpResponseRedirect(_url_agent(agent))
    else:
        form = PieceForm(evenements=evenements, initial={"evenement": request.GET.get("evenement")})
    return render(
        request,
        "personnel/piece_ajouter.html",
        {
            "agent": agent,
            "form": form,
            "pieces": list(agent.pieces.all()),
            "retour": _url_agent(agent),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@permissions.requires(Action.PERSONNEL_VOIR)
def piece_telecharger(request: HttpRequest, piece_id: int) -> HttpResponse:
    voir = _perimetre(request, Action.PERSONNEL_VOIR)
    piece = selectors.piece_get(perimetre=voir, piece_id=piece_id)
    if piece is None:
        raise Http404(_("Pièce introuvable."))
    if piece.type_piece in services_pieces.TYPES_SENSIBLES:
        sensibles = _perimetre(request, Action.PERSONNEL_DONNEES_SENSIBLES)
        if selectors.piece_get(perimetre=sensibles, piece_id=piece.id) is None:
            raison = _(
                "Cette pièce contient des données protégées (santé, CIN ou RIB) : votre "
                "habilitation ne permet pas de l'ouvrir. Demandez-la à un gestionnaire."
            )
            return render(request, "identity/denied.html", {"reason": raison}, status=403)
    try:
        fichier = documents.ouvrir(piece.sha256)
    except FileNotFoundError:
        logger.error("document %s of piece %s missing on disk", piece.sha256, piece.id)
        raise Http404(
            _(
                "Le fichier de cette pièce est introuvable sur le serveur : signalez-le à "
                "l'administrateur de votre organisation."
            )
        ) from None
    try:
        journal_acces.consultation(
            acteur=_acteur(request),
            nature=NatureAcces.PIECE,
            agent_ids=[piece.agent_id],
            details=f"pièce {piece.id} ({piece.type_piece})",
        )
    except Exception:
        fichier.close()  # a read that cannot be logged is not served
        raise
    reponse = FileResponse(
        fichier, as_attachment=True, filename=piece.nom_fichier, content_type=piece.content_type
    )
    reponse["X-Content-Type-Options"] = "nosniff"
    # Opened by mistake in the browser, the document runs nothing and loads nothing.
    reponse["Content-Security-Policy"] = "default-src 'none'; sandbox"
    reponse["Cache-Control"] = "private, no-store"
    # A streamed response; permissions.requires is typed for plain pages.
    return cast(HttpResponse, reponse)


class FiltresJournalForm(forms.Form):
    ppr = forms.CharField(label=gettext_lazy("PPR de l'agent"), max_length=20, required=False)
    acteur = forms.CharField(
        label=gettext_lazy("Utilisateur"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Identifiant exact, ex. k.alaoui"),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
    )
    nature = forms.ChoiceField(
        label=gettext_lazy("Nature"),
        required=False,
        choices=[(AUCUN, gettext_lazy("— toutes —")), *NatureAcces.choices],
    )
    du = forms.DateField(
        label=gettext_lazy("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    au = forms.DateField(
        label=gettext_lazy("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        donnees = super().clean() or {}
        du, au = donnees.get("du"), donnees.get("au")
        if du and au and du > au:
            self.add_error("au", _("La fin de la période précède son début : inversez les dates."))
        for champ in ("ppr", "acteur"):
            donnees[champ] = str(donnees.get(champ) or "").strip()
        return donnees


@permissions.requires(Action.JOURNAL_LIRE)
def acces_journal(request: HttpRequest) -> HttpResponse:
    """Recent reads of personal data, newest first, by keyset pages ("Suivants" appends the
    next rows through htmx)."""
    form = FiltresJournalForm(request.GET)
    page = None
    if form.is_valid():
        page = journal_acces.journal_page(
            perimetre=_perimetre(request, Action.JOURNAL_LIRE),
            ppr=form.cleaned_data["ppr"],
            acteur=form.cleaned_data["acteur"],
            nature=form.cleaned_data["nature"],
            du=form.cleaned_data["du"],
            au=form.cleaned_data["au"],
            apres=request.GET.get("apres", ""),
        )
    suite = request.GET.copy()
    suite.pop("apres", None)
    if page is not None and page.suivant:
        suite["apres"] = page.suivant
    contexte = {"form": form, "page": page, "suite": suite.urlencode()}
    if request.headers.get("HX-Request") and request.GET.get("apres"):
        return render(request, "personnel/acces_lignes.html", contexte)
    return render(request, "personnel/acces_journal.html", contexte)
