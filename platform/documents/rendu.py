"""HTML → PDF. WeasyPrint with a URL fetcher that refuses everything but the local font files
and inline data: no network at render time, and a template (or an admin's text that slipped
through) cannot make the server fetch a URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import weasyprint
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


def pdf_depuis_html(html: str, *, css: str = "") -> bytes:
    """Render an HTML document (already escaped by its template) to PDF bytes."""
    fetcher = FetcherLocal(set(polices.chemins().values()))
    feuilles = [
        weasyprint.CSS(string=polices.css_font_face() + CSS_BASE, url_fetcher=fetcher),
    ]
    if css:
        feuilles.append(weasyprint.CSS(string=css, url_fetcher=fetcher))
    try:
        document = weasyprint.HTML(
            string=html, url_fetcher=fetcher, base_url="file:///nonexistent/"
        )
        pdf = document.write_pdf(stylesheets=feuilles)
    except FatalURLFetchingError as erreur:
        cause = erreur.__cause__
        url = str(cause) if isinstance(cause, RessourceRefusee) else str(erreur)
        raise DocumentInvalide(
            f"Ressource externe refusée dans le document: {url}. Un document officiel n'utilise "
            "que les polices locales et des images intégrées (data:)."
        ) from erreur
    assert isinstance(pdf, bytes)
    return pdf
