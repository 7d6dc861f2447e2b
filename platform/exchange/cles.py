"""Keys of the parties (protocol v1 §6): creation, import of a peer's public key, rotation,
revocation, and the resolver the verification uses. Private keys are encrypted at rest with
AES-GCM under a key derived from `INDIMAJ_EXCHANGE_MASTER_KEY` (never stored in the database).
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import services as audit_services
from exchange.models import Cle
from exchange.protocole import signature
from exchange.protocole.manifeste import ErreurProtocole

CHEVAUCHEMENT = timedelta(days=30)


def _maitre() -> bytes:
    secret = str(getattr(settings, "INDIMAJ_EXCHANGE_MASTER_KEY", "") or settings.SECRET_KEY)
    return hashlib.sha256(b"indimaj-exchange:" + secret.encode()).digest()


def _chiffrer(privee: bytes, identifiant: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(_maitre()).encrypt(nonce, privee, identifiant.encode())


def _dechiffrer(chiffre: bytes, identifiant: str) -> bytes:
    return AESGCM(_maitre()).decrypt(chiffre[:12], chiffre[12:], identifiant.encode())


def titulaire(partie: str) -> str:
    """The party holding the keys: a sous-ordonnateur signs with its ordonnateur's key."""
    return partie.split("/")[0]


def cle_creer(*, partie: str, auteur: str, valide_du: datetime | None = None) -> Cle:
    """A new key pair for a party we sign for; the previous active key stays valid for
    verification during the overlap period."""
    debut = valide_du or timezone.now()
    paire = signature.paire_generer()
    with transaction.atomic():
        rang = Cle.objects.filter(
            partie=partie, identifiant__startswith=f"{partie}#{debut:%Y%m%d}-"
        ).count()
        identifiant = f"{partie}#{debut:%Y%m%d}-{rang + 1}"
        Cle.objects.filter(partie=partie, valide_au__isnull=True, valide_du__lt=debut).update(
            valide_au=debut + CHEVAUCHEMENT
        )
        cle = Cle.objects.create(
            identifiant=identifiant,
            partie=partie,
            publique=paire.publique,
            privee_chiffree=_chiffrer(paire.privee, identifiant),
            valide_du=debut,
        )
        audit_services.audit_record(
            actor=auteur, action="exchange.cle_creer", object_type="cle", object_id=identifiant
        )
    return cle


def cle_importer(
    *, partie: str, identifiant: str, publique_b64: str, valide_du: datetime, auteur: str
) -> Cle:
    """Register a peer's public key (read from its signed key list or given by an operator)."""
    publique = signature.de_b64(publique_b64)
    if len(publique) != 32:
        raise ValueError("clé publique Ed25519 : 32 octets attendus")
    with transaction.atomic():
        cle, _cree = Cle.objects.update_or_create(
            identifiant=identifiant,
            defaults={"partie": partie, "publique": publique, "valide_du": valide_du},
        )
        audit_services.audit_record(
            actor=auteur, action="exchange.cle_importer", object_type="cle", object_id=identifiant
        )
    return cle


def cle_revoquer(*, identifiant: str, auteur: str, le: datetime | None = None) -> None:
    with transaction.atomic():
        Cle.objects.filter(identifiant=identifiant).update(revoquee_le=le or timezone.now())
        audit_services.audit_record(
            actor=auteur, action="exchange.cle_revoquer", object_type="cle", object_id=identifiant
        )


def cle_signature(partie: str, *, le: datetime | None = None) -> tuple[str, bytes]:
    """(key id, private key) to sign with now: the newest key already valid."""
    instant = le or timezone.now()
    partie = titulaire(partie)
    cle = (
        Cle.objects.filter(
            partie=partie,
            privee_chiffree__isnull=False,
            valide_du__lte=instant,
            revoquee_le__isnull=True,
        )
        .order_by("-valide_du")
        .first()
    )
    if cle is None:
        raise LookupError(
            f"aucune clé de signature pour {partie} : créez-en une (manage.py echange cle)"
        )
    return cle.identifiant, _dechiffrer(bytes(cle.privee_chiffree or b""), cle.identifiant)


def cle_publique(emetteur: str, identifiant: str, instant: datetime) -> bytes:
    """The resolver of `fichiers.fichier_verifier`: the sender's key, valid at the file's
    instant and not revoked before it, or E-CLE naming why not."""
    cle = Cle.objects.filter(identifiant=identifiant).first()
    if cle is None:
        raise ErreurProtocole("E-CLE", f"clé {identifiant} inconnue")
    if cle.partie != titulaire(emetteur):
        raise ErreurProtocole("E-CLE", f"la clé {identifiant} n'appartient pas à {emetteur}")
    if cle.revoquee_le is not None and cle.revoquee_le <= instant:
        raise ErreurProtocole(
            "E-CLE", f"clé {identifiant} révoquée le {timezone.localtime(cle.revoquee_le):%Y-%m-%d}"
        )
    if instant < cle.valide_du or (cle.valide_au is not None and instant > cle.valide_au):
        raise ErreurProtocole("E-CLE", f"clé {identifiant} non valide au {instant:%Y-%m-%d %H:%M}")
    return bytes(cle.publique)


def cles_publiques(partie: str) -> list[Cle]:
    return list(Cle.objects.filter(partie=partie).filter(Q(revoquee_le__isnull=True)))


def cles_publier(*, racine: Path, partie: str) -> Path:
    """Write the party's public keys where peers read them (`<racine>/<party>/cles-publiques.json`,
    replaced atomically)."""
    boite = racine / partie.replace(":", "-").replace("/", "-")
    boite.mkdir(parents=True, exist_ok=True)
    liste = [
        {
            "identifiant": c.identifiant,
            "partie": c.partie,
            "publique": signature.b64(bytes(c.publique)),
            "valide_du": c.valide_du.isoformat(),
        }
        for c in Cle.objects.filter(partie=partie, revoquee_le__isnull=True).order_by("valide_du")
    ]
    temporaire = boite / ".cles-publiques.json.tmp"
    temporaire.write_text(json.dumps(liste, indent=1), encoding="utf-8")
    cible = boite / "cles-publiques.json"
    temporaire.replace(cible)
    return cible


def cles_importer_liste(*, chemin: Path, auteur: str) -> int:
    """Register the public keys a peer published (an operator's explicit step: keys are never
    trusted from a file's own manifest). Returns how many keys the list holds."""
    liste = json.loads(chemin.read_text(encoding="utf-8"))
    for cle in liste:
        cle_importer(
            partie=cle["partie"],
            identifiant=cle["identifiant"],
            publique_b64=cle["publique"],
            valide_du=datetime.fromisoformat(cle["valide_du"]),
            auteur=auteur,
        )
    return len(liste)
