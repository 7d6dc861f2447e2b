"""Storage of supporting documents' bytes, per tenant and content-addressed.

A file lives at `INDIMAJ_DOCUMENTS_DIR / <schema> / <sha256[:2]> / <sha256>`: a tenant's
documents are one directory, which its backup takes along with `pg_dump -n <schema>`, and no
path is ever built from a client-supplied name. The same bytes uploaded twice are stored once.

Bytes are written before the database row and moved into place atomically (`os.replace`), so a
row never points at a half-written file. If the row's transaction then fails, the file stays
as an orphan: harmless (nothing refers to it, nobody can name it, the next upload of the same
bytes reuses it) — and never deleted on rollback, since another committed row may share it.

What is accepted is decided on the bytes (magic numbers), not on what the browser says: PDF,
JPEG and PNG only, at most `INDIMAJ_DOCUMENT_MAX_BYTES` (10 MB).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, cast

from django.conf import settings
from django.db import connection

TAILLE_MAX_DEFAUT = 10 * 1024 * 1024
_BLOC = 64 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Lisible(Protocol):
    """A file-like source of bytes (an uploaded file, an open file)."""

    def read(self, size: int = ..., /) -> bytes: ...


Contenu = bytes | Lisible


@dataclass(frozen=True)
class Format:
    content_type: str
    extensions: tuple[str, ...]
    signature: bytes


FORMATS = (
    Format("application/pdf", (".pdf",), b"%PDF-"),
    Format("image/jpeg", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
    Format("image/png", (".png",), b"\x89PNG\r\n\x1a\n"),
)


class DocumentRefuse(ValueError):
    """The bytes cannot be stored; `code` says why (taille, vide, format, extension)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Stocke:
    sha256: str
    taille: int
    content_type: str
    chemin: Path


def taille_max() -> int:
    return int(getattr(settings, "INDIMAJ_DOCUMENT_MAX_BYTES", TAILLE_MAX_DEFAUT))


def _schema_courant() -> str:
    schema = str(cast(Any, connection).schema_name)
    if not schema or schema == "public":
        # Documents belong to a tenant: never store or read them from the public schema.
        raise RuntimeError("documents are stored per tenant: enter the tenant's schema first")
    return schema


def repertoire_tenant(schema: str | None = None) -> Path:
    return Path(settings.INDIMAJ_DOCUMENTS_DIR) / (schema or _schema_courant())


def chemin(sha256: str, *, schema: str | None = None) -> Path:
    if not _SHA256.match(sha256):
        raise ValueError("not a sha256")
    return repertoire_tenant(schema) / sha256[:2] / sha256


def format_de(entete: bytes) -> Format | None:
    return next((f for f in FORMATS if entete.startswith(f.signature)), None)


def _blocs(contenu: Contenu) -> Iterator[bytes]:
    if isinstance(contenu, bytes):
        for debut in range(0, len(contenu), _BLOC):
            yield contenu[debut : debut + _BLOC]
        return
    seek = getattr(contenu, "seek", None)
    if seek is not None:
        seek(0)
    while bloc := contenu.read(_BLOC):
        yield bloc


def stocker(*, contenu: Contenu, nom_fichier: str) -> Stocke:
    """Check and store the bytes in the current tenant's directory. Streams: a 10 MB upload is
    never held twice in memory, and reading stops at the first byte over the limit."""
    limite = taille_max()
    racine = repertoire_tenant()
    racine.mkdir(parents=True, exist_ok=True)
    empreinte = hashlib.sha256()
    taille = 0
    entete = b""
    descripteur, temporaire = tempfile.mkstemp(dir=racine, prefix=".envoi-")
    try:
        with os.fdopen(descripteur, "wb") as sortie:
            for bloc in _blocs(contenu):
                taille += len(bloc)
                if taille > limite:
                    raise DocumentRefuse("taille")
                if len(entete) < 16:
                    entete = (entete + bloc)[:16]
                empreinte.update(bloc)
                sortie.write(bloc)
            sortie.flush()
            os.fsync(sortie.fileno())
        if taille == 0:
            raise DocumentRefuse("vide")
        format_ = format_de(entete)
        if format_ is None:
            raise DocumentRefuse("format")
        if not nom_fichier.lower().endswith(format_.extensions):
            raise DocumentRefuse("extension")
        sha256 = empreinte.hexdigest()
        destination = chemin(sha256)
        destination.parent.mkdir(exist_ok=True)
        os.replace(temporaire, destination)  # atomic; the same bytes land on the same path
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise
    return Stocke(
        sha256=sha256, taille=taille, content_type=format_.content_type, chemin=destination
    )


def ouvrir(sha256: str) -> IO[bytes]:
    """The stored bytes of the current tenant (FileNotFoundError if they are missing)."""
    return chemin(sha256).open("rb")
