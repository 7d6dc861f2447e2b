"""Dates on official documents, Gregorian and Hijri.

Digits: Western (0–9) in both languages, as Moroccan official texts print them (the Maghreb
uses the Western forms; Arabic-Indic digits ٠–٩ would look foreign on an arrêté). The Hijri date
is the Umm al-Qura calendar (package `hijridate`); Morocco's own calendar follows the moon
sighting announced by the Ministry of Habous and can differ by a day [GK: unverified per
date] — `decalage_jours` lets a tenant setting shift it."""

from __future__ import annotations

import datetime

from hijridate import Gregorian

MOIS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
# Moroccan names of the Gregorian months (ماي, يوليوز, غشت, شتنبر, نونبر, دجنبر).
MOIS_AR = (
    "يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو",
    "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر",
)  # fmt: skip
MOIS_HIJRI_AR = (
    "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
)  # fmt: skip
MOIS_HIJRI_FR = (
    "Moharram", "Safar", "Rabii I", "Rabii II", "Joumada I", "Joumada II",
    "Rajab", "Chaabane", "Ramadan", "Chaoual", "Dou al-Qiida", "Dou al-Hijja",
)  # fmt: skip


def date_fr(d: datetime.date) -> str:
    """« 1er mars 2026 », « 28 novembre 2026 »."""
    jour = "1er" if d.day == 1 else str(d.day)
    return f"{jour} {MOIS_FR[d.month - 1]} {d.year}"


def date_ar(d: datetime.date) -> str:
    """« 28 نونبر 2026 »."""
    return f"{d.day} {MOIS_AR[d.month - 1]} {d.year}"


def hijri(d: datetime.date, *, decalage_jours: int = 0) -> tuple[int, int, int]:
    """(year, month, day) of the Hijri date of `d` (Umm al-Qura), shifted by a tenant's offset."""
    jour = d + datetime.timedelta(days=decalage_jours)
    try:
        h = Gregorian(jour.year, jour.month, jour.day).to_hijri()
    except OverflowError as erreur:
        raise ValueError(
            f"La date {jour.isoformat()} est hors de la plage du calendrier Umm al-Qura "
            "(1343–1500 H, soit 1924–2077): vérifiez la date saisie."
        ) from erreur
    return h.year, h.month, h.day


def date_hijri(d: datetime.date, *, decalage_jours: int = 0) -> str:
    """« 18 جمادى الآخرة 1448 هـ » — the form printed under the Gregorian date in Arabic."""
    annee, mois, jour = hijri(d, decalage_jours=decalage_jours)
    return f"{jour} {MOIS_HIJRI_AR[mois - 1]} {annee} هـ"


def date_hijri_fr(d: datetime.date, *, decalage_jours: int = 0) -> str:
    """« 18 Joumada II 1448 H »."""
    annee, mois, jour = hijri(d, decalage_jours=decalage_jours)
    return f"{jour} {MOIS_HIJRI_FR[mois - 1]} {annee} H"
