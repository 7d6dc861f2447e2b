"""Text of a PDF for tests and checks: poppler's `pdftotext` (Debian poppler-utils), normalised.

pdftotext writes Arabic runs in logical order on most lines but may reorder words of a mixed
line (it lays out by position): compare on words or short phrases of one script, never on a
whole bilingual line."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path


class ExtractionImpossible(RuntimeError):
    pass


# Directional marks and embeddings pdftotext wraps Arabic runs in (RLE … PDF, LRM, RLM, isolates).
_CONTROLES_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def normaliser(texte: str) -> str:
    """NFKC (Arabic presentation forms → base letters, narrow no-break spaces → spaces),
    directional control characters removed, whitespace collapsed to single spaces."""
    texte = _CONTROLES_BIDI.sub("", unicodedata.normalize("NFKC", texte))
    return re.sub(r"\s+", " ", texte).strip()


def texte_depuis_pdf(pdf: bytes) -> str:
    """Raw text of the PDF (pdftotext -layout off, UTF-8), not normalised."""
    commande = shutil.which("pdftotext")
    if commande is None:
        raise ExtractionImpossible(
            "pdftotext est introuvable: installez poppler-utils (infra/install-system.sh fonts)."
        )
    with tempfile.TemporaryDirectory() as dossier:
        source = Path(dossier) / "document.pdf"
        source.write_bytes(pdf)
        resultat = subprocess.run(
            [commande, "-enc", "UTF-8", str(source), "-"],
            capture_output=True,
            check=True,
            timeout=60,
        )
    return resultat.stdout.decode("utf-8")
