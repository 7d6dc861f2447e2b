"""Payroll pages (role `paie`): months, état de paie, payslips, differences, HR ↔ pay gaps, and
their exports. Each view parses, calls one selector or service, renders. Everything shown is cut
to the person's perimeter; a month, a line or a gap out of it is a 404 like a missing one.
Reading an agent's pay is personal data: it is written to the access log before it is served."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import facade as documents
from identity import permissions
from identity.permissions import Action
from modules.paie import differences as differences_mod
from modules.paie import ecarts as ecarts_mod
from modules.paie import exports, selectors, services
from modules.paie.models import (
    EcartPaie,
    LignePaie,
    MoisPaie,
    NatureEcartPaie,
    StatutEcartPaie,
)
from modules.personnel import facade as personnel
from modules.unites import facade as unites
from modules.unites.perimetres import Perimetre

FORMATS = ("csv", "xlsx")


def _held(request: HttpRequest) -> Any:
    return permissions.from_session(request.session.get(permissions.SESSION_HABILITATIONS_KEY))


def _perimetre(request: HttpRequest, action: Action = Action.PAIE_VOIR) -> Perimetre:
    return selectors.perimetre(_held(request), action)


def _acteur(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _mois(mois_id: int) -> MoisPaie:
    mois = selectors.mois_get(mois_id=mois_id)
    if mois is None:
        raise Http404(_("Mois de paie introuvable."))
    return mois


def _consigner(request: HttpRequest, nature: str, ids: Any, details: str) -> None:
    personnel.acces_consigner(
        acteur=_acteur(request),
        nature=nature,
        agent_ids=[i for i in ids if i is not None],
        details=details,
    )


@permissions.requires(Action.PAIE_VOIR)
def mois_liste(request: HttpRequest) -> HttpResponse:
    return render(
        request, "paie/mois.html", {"mois": selectors.mois_liste(perimetre=_perimetre(request))}
    )


@permissions.requires(Action.PAIE_VOIR)
def etat(request: HttpRequest, mois_id: int) -> HttpResponse:
    mois = _mois(mois_id)
    perimetre = _perimetre(request)
    q = request.GET.get("q", "")
    page = selectors.lignes_page(
        perimetre=perimetre, mois=mois, q=q, apres=request.GET.get("apres", "")
    )
    _consigner(request, "liste", (x.agent_id for x in page.lignes), f"paie {mois}")
    return render(
        request,
        "paie/etat.html",
        {
            "m": mois,
            "etat": selectors.etat_mois(perimetre=perimetre, mois=mois),
            "page": page,
            "q": q,
            "precedent": selectors.mois_precedent(mois=mois),
        },
    )


def _ligne(request: HttpRequest, mois_id: int, ligne_id: int) -> tuple[MoisPaie, LignePaie]:
    mois = _mois(mois_id)
    ligne = selectors.ligne_get(perimetre=_perimetre(request), mois=mois, ligne_id=ligne_id)
    if ligne is None:
        raise Http404(_("Bulletin introuvable."))
    return mois, ligne


def _bulletin_contexte(request: HttpRequest, mois: MoisPaie, ligne: LignePaie) -> dict[str, Any]:
    elements = list(ligne.elements)
    sensible = personnel.donnees_sensibles_visibles(_held(request))(ligne.unite_code)
    return {
        "m": mois,
        "ligne": ligne,
        # a health-related position is sensitive data (law 09-08): masked without the right
        "position": personnel.position_libelle(ligne.position, sensible=sensible),
        "gains": [e for e in elements if e.get("sens") == "gain"],
        "retenues": [e for e in elements if e.get("sens") == "retenue"],
        "tresor": any(e.get("origine") == "tresor" for e in elements),
    }


@permissions.requires(Action.PAIE_VOIR)
def bulletin(request: HttpRequest, mois_id: int, ligne_id: int) -> HttpResponse:
    mois, ligne = _ligne(request, mois_id, ligne_id)
    _consigner(request, "paie", [ligne.agent_id], f"bulletin {mois}")
    contexte = _bulletin_contexte(request, mois, ligne)
    if ligne.agent_id is not None:
        contexte["autres"] = selectors.lignes_agent(
            perimetre=_perimetre(request), agent_id=ligne.agent_id
        )
    return render(request, "paie/bulletin.html", contexte)


@permissions.requires(Action.PAIE_VOIR)
def bulletin_pdf(request: HttpRequest, mois_id: int, ligne_id: int) -> HttpResponse:
    mois, ligne = _ligne(request, mois_id, ligne_id)
    _consigner(request, "paie", [ligne.agent_id], f"bulletin PDF {mois}")
    contexte = _bulletin_contexte(request, mois, ligne)
    paiement = mois.date_paiement or mois.mois
    contexte.update(
        date_fr=documents.date_fr(paiement),
        date_ar=documents.date_ar(paiement),
        date_hijri=documents.date_hijri(paiement),
        net_lettres_fr=documents.montant_lettres_fr(Decimal(ligne.net) / 100),
        net_lettres_ar=documents.montant_lettres_ar(Decimal(ligne.net) / 100),
    )
    html = render_to_string("paie/bulletin_pdf.html", contexte, request=request)
    reponse = HttpResponse(documents.pdf_depuis_html(html), content_type="application/pdf")
    reponse["Content-Disposition"] = f'inline; filename="bulletin-{ligne.ppr}-{mois}.pdf"'
    return reponse


TAILLE_DIFFERENCES = 100


def _curseur_lire(brut: str) -> tuple[str, str]:
    try:
        nom, ppr = json.loads(base64.urlsafe_b64decode(brut.encode()).decode())
        return str(nom), str(ppr)
    except (ValueError, TypeError):
        return "", ""


def _curseur_ecrire(difference: differences_mod.Difference) -> str:
    return base64.urlsafe_b64encode(json.dumps([difference.nom, difference.ppr]).encode()).decode()


@permissions.requires(Action.PAIE_VOIR)
def differences(request: HttpRequest, mois_id: int) -> HttpResponse:
    mois = _mois(mois_id)
    perimetre = _perimetre(request)
    precedent = selectors.mois_precedent(mois=mois)
    lignes: list[differences_mod.Difference] = []
    nombre, suivant = 0, None
    if precedent is not None:
        lignes = differences_mod.differences(
            perimetre=perimetre,
            mois=mois,
            precedent=precedent,
            apres=_curseur_lire(request.GET.get("apres", "")),
            limite=TAILLE_DIFFERENCES + 1,
        )
        if len(lignes) > TAILLE_DIFFERENCES:
            lignes = lignes[:TAILLE_DIFFERENCES]
            suivant = _curseur_ecrire(lignes[-1])
        nombre = differences_mod.differences_nombre(
            perimetre=perimetre, mois=mois, precedent=precedent
        )
    _consigner(request, "liste", (d.agent_id for d in lignes), f"différences {mois}")
    return render(
        request,
        "paie/differences.html",
        {
            "m": mois,
            "precedent": precedent,
            "differences": lignes,
            "nombre": nombre,
            "suivant": suivant,
            "debut": not request.GET.get("apres"),
        },
    )


def _filtres(request: HttpRequest) -> dict[str, str]:
    nature = request.GET.get("nature", "")
    statut = request.GET.get("statut", StatutEcartPaie.OUVERT)
    return {
        "nature": nature if nature in NatureEcartPaie.values else "",
        "statut": statut if statut in StatutEcartPaie.values else "",
        "unite": request.GET.get("unite", "").strip()[:30],
    }


@permissions.requires(Action.PAIE_VOIR)
def ecarts(request: HttpRequest, mois_id: int) -> HttpResponse:
    mois = _mois(mois_id)
    perimetre = _perimetre(request)
    filtres = _filtres(request)
    lignes = selectors.ecarts_scopes(perimetre=perimetre, mois=mois, **filtres)
    page = Paginator(lignes, 100).get_page(request.GET.get("page"))
    _consigner(request, "liste", (e.agent_id for e in page.object_list), f"écarts {mois}")
    held = _held(request)
    voit = personnel.donnees_sensibles_visibles(held)
    for e in page.object_list:
        e.affiche = ecarts_mod.detail_affiche(e.detail, sensible=voit(e.unite_code))
    return render(
        request,
        "paie/ecarts.html",
        {
            "m": mois,
            "page": page,
            "filtres": filtres,
            "natures": NatureEcartPaie.choices,
            "statuts": StatutEcartPaie.choices,
            "unites": unites.unite_list(perimeter=perimetre),
            "peut_traiter": permissions.allowed(held, Action.PAIE_ECARTS_TRAITER),
        },
    )


@require_POST
@permissions.requires(Action.PAIE_ECARTS_TRAITER)
def ecart_traiter(request: HttpRequest, ecart_id: int) -> HttpResponse:
    ecart = selectors.ecart_get(
        perimetre=_perimetre(request, Action.PAIE_ECARTS_TRAITER), ecart_id=ecart_id
    )
    if ecart is None:
        raise Http404(_("Écart introuvable."))
    try:
        services.ecart_traiter(
            auteur=_acteur(request),
            ecart=ecart,
            statut=request.POST.get("statut", ""),
            commentaire=request.POST.get("commentaire", ""),
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(
            request, _("Décision enregistrée pour le PPR %(ppr)s.") % {"ppr": ecart.ppr}
        )
    retour = request.POST.get("retour", "")
    if not retour.startswith(reverse("paie:ecarts", args=[ecart.mois_id])):
        retour = reverse("paie:ecarts", args=[ecart.mois_id])
    return HttpResponseRedirect(retour)


@require_POST
@permissions.requires(Action.PAIE_ECARTS_TRAITER)
def ecarts_relancer(request: HttpRequest, mois_id: int) -> HttpResponse:
    mois = _mois(mois_id)
    services.ecarts_relancer(auteur=_acteur(request), mois=mois)
    messages.success(
        request,
        _("La comparaison de %(mois)s est relancée : rechargez la page dans un instant.")
        % {"mois": f"{mois.mois:%m/%Y}"},
    )
    return HttpResponseRedirect(reverse("paie:ecarts", args=[mois.pk]))


def _format(format: str) -> str:
    if format not in FORMATS:
        raise Http404(_("Format inconnu : csv ou xlsx."))
    return format


@permissions.requires(Action.PAIE_VOIR)
def etat_export(request: HttpRequest, mois_id: int, format: str) -> HttpResponse:
    mois = _mois(mois_id)
    etat_mois = selectors.etat_mois(perimetre=_perimetre(request), mois=mois)
    return exports.reponse(
        exports.feuilles_etat(etat_mois), format=_format(format), nom=f"etat-paie-{mois}"
    )


@permissions.requires(Action.PAIE_VOIR)
def differences_export(request: HttpRequest, mois_id: int, format: str) -> HttpResponse:
    mois = _mois(mois_id)
    _format(format)
    precedent = selectors.mois_precedent(mois=mois)
    lignes = (
        differences_mod.differences(perimetre=_perimetre(request), mois=mois, precedent=precedent)
        if precedent
        else []
    )
    _consigner(request, "export", (d.agent_id for d in lignes), f"différences {mois}")
    return exports.reponse(
        exports.feuilles_differences(lignes), format=format, nom=f"differences-paie-{mois}"
    )


@permissions.requires(Action.PAIE_VOIR)
def ecarts_export(request: HttpRequest, mois_id: int, format: str) -> HttpResponse:
    mois = _mois(mois_id)
    _format(format)
    lignes: list[EcartPaie] = list(
        selectors.ecarts_scopes(perimetre=_perimetre(request), mois=mois, **_filtres(request))
    )
    _consigner(request, "export", (e.agent_id for e in lignes), f"écarts {mois}")
    return exports.reponse(
        exports.feuilles_ecarts(lignes), format=format, nom=f"ecarts-paie-{mois}"
    )
