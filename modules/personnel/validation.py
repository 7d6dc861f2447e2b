"""Checks of identifiers, each returning the message that says what to write, or None.

Formats (domain notes §6): CIN = 1–2 letters then up to 6 digits; RIB = 24 digits whose
number is divisible by 97 (bank 3 + locality 3 + account 16 + key 2); PPR = a national numeric
number whose length the platform configures (`INDIMAJ_PPR_PATTERN`, 7 digits by default —
the commonly cited length, unverified).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _

CIN_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9]{1,6}$")
RIB_PATTERN = re.compile(r"^[0-9]{24}$")


def ppr_pattern() -> re.Pattern[str]:
    return re.compile(getattr(settings, "INDIMAJ_PPR_PATTERN", r"^[0-9]{7}$"))


def ppr_erreur(ppr: str) -> str | None:
    if not ppr:
        return _("Le PPR est obligatoire.")
    if not ppr_pattern().fullmatch(ppr):
        return _(
            "« %(valeur)s » n'est pas un PPR valide : écrivez le numéro national de l'agent, "
            "en chiffres seulement (format attendu : %(format)s)."
        ) % {"valeur": ppr, "format": ppr_pattern().pattern}
    return None


def cin_erreur(cin: str) -> str | None:
    if cin and not CIN_PATTERN.fullmatch(cin):
        return _(
            "« %(valeur)s » n'est pas une CIN valide : une ou deux lettres majuscules puis "
            "1 à 6 chiffres, sans espace (par exemple AB123456)."
        ) % {"valeur": cin}
    return None


def rib_cle(premiers_22: str) -> str:
    """The two-digit key that makes a 24-digit RIB divisible by 97."""
    return f"{97 - (int(premiers_22) * 100) % 97:02d}"


def rib_erreur(rib: str) -> str | None:
    if not rib:
        return None
    if not RIB_PATTERN.fullmatch(rib):
        return _(
            "« %(valeur)s » n'est pas un RIB valide : il faut exactement 24 chiffres, sans espace "
            "(banque 3, localité 3, compte 16, clé 2)."
        ) % {"valeur": rib}
    if int(rib) % 97 != 0:
        return _(
            "La clé du RIB « %(valeur)s » est fausse (clé attendue %(cle)s) : vérifiez les "
            "chiffres sur l'attestation de RIB."
        ) % {"valeur": rib, "cle": rib_cle(rib[:22])}
    return None


def cin_normaliser(cin: str) -> str:
    return re.sub(r"\s+", "", cin or "").upper()


def rib_normaliser(rib: str) -> str:
    return re.sub(r"[\s.-]+", "", rib or "")
