"""Search keys: the same normalisation for what is stored and what is typed.

Latin script: case folded, accents removed ("Éloïse" → "eloise"). Arabic script: diacritics
(harakat) and tatweel removed, and the letters people type interchangeably unified (أ إ آ ٱ → ا,
ى → ي, ة → ه, ؤ → و, ئ → ي), so "فاطمة" finds "فاطمه" and "أحمد" finds "احمد".
"""

from __future__ import annotations

import re
import unicodedata

_ARABE = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "ـ": None,  # tatweel
    }
)
_HARAKAT = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ESPACES = re.compile(r"[\s\-'’.,]+")


def normaliser(texte: str) -> str:
    """Lower-case, accent-free, Arabic-normalised text with single spaces."""
    texte = _HARAKAT.sub("", texte or "").translate(_ARABE)
    decompose = unicodedata.normalize("NFKD", texte.casefold())
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    return _ESPACES.sub(" ", sans_accents).strip()


def cle_recherche(
    *, ppr: str, cin: str, nom_fr: str, prenom_fr: str, nom_ar: str, prenom_ar: str
) -> str:
    """What the trigram index searches: names in both scripts (both orders), PPR and CIN."""
    return " ".join(
        p
        for p in (
            normaliser(f"{nom_fr} {prenom_fr}"),
            normaliser(f"{prenom_fr} {nom_fr}"),
            normaliser(f"{nom_ar} {prenom_ar}"),
            normaliser(f"{prenom_ar} {nom_ar}"),
            ppr,
            (cin or "").lower(),
        )
        if p
    )


def cle_tri(*, nom_fr: str, prenom_fr: str) -> str:
    """Sort key of lists (and the keyset cursor): normalised "nom prénom"."""
    return normaliser(f"{nom_fr} {prenom_fr}")[:200]
