"""HTML → PDF. WeasyPrint with a URL fetcher that refuses everything but the local font files
and inline data: no network at render time, and a template (or an admin's text that slipped
through) cannot make the server fetch a URL."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from documents import polices

# Base style every document shares: A4, the fonts, direction helpers. Callers add their own CSS.
CSS_BASE = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
html { font-family: 'Noto Serif', 'Noto Naskh Arabic', serif; font-size: 10.5pt; }
[lang=ar], .ar { font-family: 'Noto Naskh Arabic', 'Noto Serif', serif; direction: rtl; }
[lang=fr], .fr { font-family: 'Noto Serif', 'Noto Naskh Arabic', serif; direction: ltr; }
"""


class DocumentInvalide(ValueError):
    """The document cannot be rendered as given (an external resource, say)."""


class RessourceRefusee(ValueError):
    pass


class FetcherLocal(URLFetcher):
    """Only the font files and data: URLs; anything else stops the rendering."""

    def __init__(self, autorises: set[Path]) -> None:
        super().__init__(fail_on_errors=True, allowed_protocols=("file", "data"))
        self._autorises = {str(chemin.resolve()) for chemin in autorises}

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            chemin = Path(url.removeprefix("file://").split("?")[0]).resolve()
            if str(chemin) in self._autorises:
                return super().fetch(url, headers)
        raise RessourceRefusee(url)


@dataclass(frozen=True)
class _Base:
    """The fonts' configuration and the base style sheet, loaded once per thread and fonts
    directory: loading the Noto fonts is about a third of a small document's rendering."""

    repertoire: Path
    fetcher: FetcherLocal
    polices: FontConfiguration
    feuille: Any


_par_fil = threading.local()


def _base() -> _Base:
    repertoire = polices.repertoire()
    base: _Base | None = getattr(_par_fil, "base", None)
    if base is None or base.repertoire != repertoire:
        fetcher = FetcherLocal(set(polices.chemins().values()))
        configuration = FontConfiguration()
        feuille = weasyprint.CSS(
            string=polices.css_font_face() + CSS_BASE,
            url_fetcher=fetcher,
            font_config=configuration,
        )
        base = _Base(repertoire, fetcher, configuration, feuille)
        _par_fil.base = base
    return base


def pdf_depuis_html(html: str, *, css: str = "") -> bytes:
    """Render an HTML document (already escaped by its template) to PDF bytes."""
    polices.chemins()  # a font removed since the last document is an error, not a fallback
    base = _base()
    feuilles = [base.feuille]
    try:
        if css:
            feuilles.append(
                weasyprint.CSS(string=css, url_fetcher=base.fetcher, font_config=base.polices)
            )
        document = weasyprint.HTML(
            string=html, url_fetcher=base.fetcher, base_url="file:///nonexistent/"
        )
        pdf = document.write_pdf(stylesheets=feuilles, font_config=base.polices)
    except FatalURLFetchingError as erreur:
        cause = erreur.__cause__
        url = str(cause) if isinstance(cause, RessourceRefusee) else str(erreur)
        raise DocumentInvalide(
            f"Ressource externe refusée dans le document: {url}. Un document officiel n'utilise "
            "que les polices locales et des images intégrées (data:)."
        ) from erreur
    assert isinstance(pdf, bytes)
    return pdf
