"""The HTTPS transport of the exchange (protocol v1 §7): a party posts a signed file, or lists
and fetches the files addressed to it. Authenticated by the party's client credentials (realm
role `tgr-echange`, client `echange-<party>`); the file is then verified exactly like a dropped
one. Lives in `config` because it joins identity (tokens) and the gateway (files)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from exchange import facade, passerelle
from exchange.protocole.fichiers import FichierEchange
from exchange.protocole.manifeste import ErreurProtocole, manifeste_lire
from identity import facade as identity
from identity import oidc
from identity.permissions import mark

NOM = re.compile(r"^[a-z]+_[A-Za-z0-9-]+_[A-Za-z0-9-]+_[0-9]{10}$")
PARTIES = {"charge": ".jsonl", "manifeste": ".manifest.json", "signature": ".manifest.json.sig"}


def _client(request: HttpRequest) -> str | JsonResponse:
    """The authenticated client id, or the error response."""
    entete = request.headers.get("Authorization", "")
    if not entete.startswith("Bearer "):
        return JsonResponse({"erreur": "jeton Bearer requis"}, status=401)
    try:
        claims = oidc.decode_token(
            entete.removeprefix("Bearer "), audience=settings.KEYCLOAK_API_AUDIENCE
        )
    except oidc.OidcError as erreur:
        return JsonResponse({"erreur": f"jeton refusé : {erreur}"}, status=401)
    if identity.ROLE_ECHANGE not in oidc.realm_roles_of(claims):
        return JsonResponse({"erreur": f"rôle {identity.ROLE_ECHANGE} requis"}, status=403)
    return str(claims.get("azp") or "")


def _lire(request: HttpRequest, partie: str) -> bytes:
    envoi = request.FILES.get(partie)
    return envoi.read() if envoi is not None else b""


def _ecrire(request: HttpRequest, partie: str, cible: Path) -> None:
    """Copy an uploaded part to `cible` by chunks from its start (a 356 MB payroll file never
    sits in memory: Django has already spooled it to a temporary file), under a temporary name
    renamed after."""
    temporaire = cible.with_name(f".{cible.name}.tmp")
    with temporaire.open("wb") as sortie:
        envoi = cast(UploadedFile, request.FILES[partie])
        for morceau in envoi.chunks():
            sortie.write(morceau)
    temporaire.replace(cible)


@csrf_exempt
@require_POST
def fichier_deposer(request: HttpRequest) -> HttpResponse:
    client = _client(request)
    if isinstance(client, JsonResponse):
        return client
    manquantes = [p for p in PARTIES if p not in request.FILES]
    if manquantes:
        return JsonResponse({"erreur": f"parties manquantes : {', '.join(manquantes)}"}, status=400)
    octets = _lire(request, "manifeste")
    try:
        manifeste = manifeste_lire(octets)
    except ErreurProtocole as erreur:
        return JsonResponse(
            {"statut": "quarantaine", "code": erreur.code, "rapport": erreur.message}, status=422
        )
    if client != identity.echange_client_id(manifeste.emetteur):
        return JsonResponse(
            {"erreur": f"le client {client} ne peut pas émettre pour {manifeste.emetteur}"},
            status=403,
        )
    try:
        passerelle.schema_de(manifeste.destinataire)
    except ErreurProtocole as erreur:
        return JsonResponse(
            {"statut": "refuse", "code": erreur.code, "rapport": erreur.message}, status=422
        )
    depot = facade.depot_plateforme()
    fichier = FichierEchange(depot.boite(manifeste.destinataire, "inbox") / manifeste.nom_base())
    # the payload, then the manifest, the signature last (its presence means complete)
    for partie in ("charge", "manifeste", "signature"):
        _ecrire(request, partie, getattr(fichier, partie))
    issue = passerelle.fichier_recevoir(
        depot=depot, destinataire=manifeste.destinataire, fichier=fichier
    )
    ligne = issue.fichier
    corps: dict[str, Any] = {
        "statut": ligne.statut,
        "code": ligne.code_erreur,
        "rapport": ligne.rapport,
        "resultat": ligne.resultat,
        "suivants": [f.nom for f in issue.suivants],
    }
    return JsonResponse(corps, status=202)


@require_GET
def fichiers_lister(request: HttpRequest) -> HttpResponse:
    """Complete files waiting for the caller's party in the drop (names and parts' URLs)."""
    client = _client(request)
    if isinstance(client, JsonResponse):
        return client
    partie = _partie_du_client(client)
    if partie is None:
        return JsonResponse({"erreur": "client inconnu"}, status=403)
    noms = [f.base.name for f in facade.depot_plateforme().complets(partie)]
    return JsonResponse({"partie": partie, "fichiers": noms})


@require_GET
def fichier_lire(request: HttpRequest, nom: str, partie: str) -> HttpResponseBase:
    client = _client(request)
    if isinstance(client, JsonResponse):
        return client
    proprietaire = _partie_du_client(client)
    if proprietaire is None or not NOM.fullmatch(nom) or partie not in PARTIES:
        return JsonResponse({"erreur": "introuvable"}, status=404)
    chemin = facade.depot_plateforme().boite(proprietaire, "inbox") / (nom + PARTIES[partie])
    if not chemin.exists():
        return JsonResponse({"erreur": "introuvable"}, status=404)
    return FileResponse(chemin.open("rb"), content_type="application/octet-stream")


def _partie_du_client(client: str) -> str | None:
    """`echange-TGR-WADEF` → `TGR:WADEF` (Treasury parties only read their inbox here)."""
    if not client.startswith(identity.ECHANGE_CLIENT_PREFIX + "TGR-"):
        return None
    return "TGR:" + client.removeprefix(identity.ECHANGE_CLIENT_PREFIX + "TGR-")


for _vue in (fichier_deposer, fichiers_lister, fichier_lire):
    mark(_vue, "bearer:tgr-echange")
del _vue
