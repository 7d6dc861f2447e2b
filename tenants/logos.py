"""Storage of an organisation's logo: PNG or JPEG only, at most 1 MB, checked on its bytes.

A logo lives at `INDIMAJ_STATE_DIR / "logos" / <schema> / <sha256>.<png|jpg>`: one directory
per tenant, and no path is ever built from a client-supplied name. SVG is refused on purpose:
it is a document that may carry scripts, and a logo has no need of it.

Bytes are checked (magic number, then the header that gives the image's size: a file that only
starts like a PNG is refused), written to a temporary file and moved into place atomically
before the database row names them, so a row never points at a half-written file. The previous
logo is removed once the new row is committed (`retirer_apres_commit`).
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from django.conf import settings
from django.db import transaction

TAILLE_MAX = 1024 * 1024
COTE_MAX = 2048
_BLOC = 64 * 1024

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg"}
# JPEG start-of-frame markers (they carry the size); C4, C8 and CC are other segments.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class Lisible(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class LogoRefuse(ValueError):
    """The bytes cannot be a logo; `code` says why: vide, taille, svg, format, illisible,
    dimensions (then `largeur` and `hauteur` are set)."""

    def __init__(self, code: str, *, largeur: int = 0, hauteur: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.largeur = largeur
        self.hauteur = hauteur


@dataclass(frozen=True)
class Logo:
    sha256: str
    content_type: str
    taille: int
    largeur: int
    hauteur: int


def repertoire(schema: str) -> Path:
    if not schema or schema == "public" or "/" in schema or schema.startswith("."):
        raise ValueError("a logo belongs to a tenant schema")
    return Path(settings.INDIMAJ_STATE_DIR) / "logos" / schema


def chemin(*, schema: str, sha256: str, content_type: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256")
    return repertoire(schema) / f"{sha256}{EXTENSIONS[content_type]}"


def _lire(contenu: bytes | Lisible) -> bytes:
    """At most TAILLE_MAX + 1 bytes: reading stops as soon as the file is too large."""
    if isinstance(contenu, bytes):
        return contenu[: TAILLE_MAX + 1]
    seek = getattr(contenu, "seek", None)
    if seek is not None:
        seek(0)
    morceaux: list[bytes] = []
    lus = 0
    while lus <= TAILLE_MAX and (bloc := contenu.read(_BLOC)):
        morceaux.append(bloc)
        lus += len(bloc)
    return b"".join(morceaux)[: TAILLE_MAX + 1]


def _dimensions_png(octets: bytes) -> tuple[int, int]:
    # The first chunk of a PNG is IHDR: length 13, then width and height (big-endian).
    if len(octets) < 24 or octets[8:16] != b"\x00\x00\x00\x0dIHDR":
        raise LogoRefuse("illisible")
    largeur, hauteur = struct.unpack(">II", octets[16:24])
    return largeur, hauteur


def _dimensions_jpeg(octets: bytes) -> tuple[int, int]:
    """Walk the JPEG segments up to the start-of-frame, which holds the size."""
    position = 2
    while position + 4 <= len(octets):
        if octets[position] != 0xFF:
            raise LogoRefuse("illisible")
        marqueur = octets[position + 1]
        if marqueur == 0xFF:  # fill byte
            position += 1
            continue
        longueur = struct.unpack(">H", octets[position + 2 : position + 4])[0]
        if marqueur in _SOF:
            if position + 9 > len(octets):
                break
            hauteur, largeur = struct.unpack(">HH", octets[position + 5 : position + 9])
            return largeur, hauteur
        if longueur < 2:
            break
        position += 2 + longueur
    raise LogoRefuse("illisible")


def verifier(contenu: bytes | Lisible) -> tuple[bytes, Logo]:
    """The bytes and what they are, or LogoRefuse saying why they cannot be a logo."""
    octets = _lire(contenu)
    if not octets:
        raise LogoRefuse("vide")
    if len(octets) > TAILLE_MAX:
        raise LogoRefuse("taille")
    debut = octets[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if debut.startswith((b"<svg", b"<?xml")) or b"<svg" in debut:
        raise LogoRefuse("svg")
    if octets.startswith(PNG_SIGNATURE):
        content_type = "image/png"
        largeur, hauteur = _dimensions_png(octets)
    elif octets.startswith(JPEG_SIGNATURE):
        content_type = "image/jpeg"
        largeur, hauteur = _dimensions_jpeg(octets)
    else:
        raise LogoRefuse("format")
    if not (0 < largeur <= COTE_MAX and 0 < hauteur <= COTE_MAX):
        raise LogoRefuse("dimensions", largeur=largeur, hauteur=hauteur)
    logo = Logo(
        sha256=hashlib.sha256(octets).hexdigest(),
        content_type=content_type,
        taille=len(octets),
        largeur=largeur,
        hauteur=hauteur,
    )
    return octets, logo


def stocker(*, schema: str, contenu: bytes | Lisible) -> Logo:
    """Check the bytes and store them in the tenant's directory (atomically; same bytes, same
    file). Raises LogoRefuse; nothing is written then."""
    octets, logo = verifier(contenu)
    destination = chemin(schema=schema, sha256=logo.sha256, content_type=logo.content_type)
    destination.parent.mkdir(parents=True, exist_ok=True)
    descripteur, temporaire = tempfile.mkstemp(dir=destination.parent, prefix=".envoi-")
    try:
        with os.fdopen(descripteur, "wb") as sortie:
            sortie.write(octets)
            sortie.flush()
            os.fsync(sortie.fileno())
        os.replace(temporaire, destination)
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise
    return logo


def ouvrir(*, schema: str, sha256: str, content_type: str) -> IO[bytes]:
    """The stored bytes (FileNotFoundError when they are missing)."""
    return chemin(schema=schema, sha256=sha256, content_type=content_type).open("rb")


def retirer_apres_commit(*, schema: str, sha256: str, content_type: str) -> None:
    """Remove a logo no row names any more, once the transaction that replaced it commits
    (on rollback the row still names it, so it stays)."""
    if not sha256:
        return
    fichier = chemin(schema=schema, sha256=sha256, content_type=content_type)
    transaction.on_commit(lambda: fichier.unlink(missing_ok=True))
