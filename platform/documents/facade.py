"""What modules may call to produce official documents (arrêtés, payslips): HTML → PDF with the
local Noto fonts and no network, Gregorian/Hijri dates, amounts in figures and in words, and the
PDF text extraction used by tests. Digits are Western (0–9) in both languages (see dates.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from documents import dates, extraction, montants, rendu
from documents.extraction import ExtractionImpossible
from documents.polices import PoliceManquante
from documents.rendu import CSS_BASE, DocumentInvalide

__all__ = [
    "CSS_BASE",
    "DocumentInvalide",
    "ExtractionImpossible",
    "PoliceManquante",
    "date_ar",
    "date_fr",
    "date_hijri",
    "date_hijri_fr",
    "montant_chiffres",
    "montant_lettres_ar",
    "montant_lettres_fr",
    "normaliser_texte",
    "pdf_depuis_html",
    "texte_depuis_pdf",
]


def pdf_depuis_html(html: str, *, css: str = "") -> bytes:
    """PDF bytes of an HTML document. The HTML must already be escaped (Django templates do it);
    any URL other than the local fonts or data: raises DocumentInvalide. Use lang="ar" (or
    class="ar") on Arabic blocks: they get Noto Naskh Arabic and right-to-left direction."""
    return rendu.pdf_depuis_html(html, css=css)


def date_fr(d: datetime.date) -> str:
    """« 28 novembre 2026 »."""
    return dates.date_fr(d)


def date_ar(d: datetime.date) -> str:
    """« 28 نونبر 2026 » (Moroccan month names)."""
    return dates.date_ar(d)


def date_hijri(d: datetime.date, *, decalage_jours: int = 0) -> str:
    """« 18 جمادى الآخرة 1448 هـ » (Umm al-Qura, optional tenant offset in days)."""
    return dates.date_hijri(d, decalage_jours=decalage_jours)


def date_hijri_fr(d: datetime.date, *, decalage_jours: int = 0) -> str:
    """« 18 Joumada II 1448 H »."""
    return dates.date_hijri_fr(d, decalage_jours=decalage_jours)


def montant_chiffres(montant: Decimal, *, devise: str = "DH") -> str:
    """« 1 234,56 DH » (narrow no-break space between thousands)."""
    return montants.montant_chiffres(montant, devise=devise)


def montant_lettres_fr(montant: Decimal) -> str:
    return montants.montant_lettres_fr(montant)


def montant_lettres_ar(montant: Decimal) -> str:
    return montants.montant_lettres_ar(montant)


def texte_depuis_pdf(pdf: bytes) -> str:
    """pdftotext's text of a PDF (raw); pass it to normaliser_texte before comparing."""
    return extraction.texte_depuis_pdf(pdf)


def normaliser_texte(texte: str) -> str:
    """NFKC + collapsed whitespace: the form to compare extracted text on."""
    return extraction.normaliser(texte)
