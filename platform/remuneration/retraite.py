"""Retirement age limit (law 72-14), from the dated parameter `retraite.age_limite`."""

from __future__ import annotations

from datetime import date

from referentiel.resolution import JeuParametres, ParametreIntrouvable
from remuneration.erreurs import DonneeInvalide


def age_limite_mois(*, annee_naissance: int, jeu: JeuParametres) -> int:
    """The age limit in months for an agent born in `annee_naissance`."""
    try:
        paliers = jeu.valeur("retraite.age_limite").valeur["par_annee_naissance"]
    except ParametreIntrouvable as exc:
        raise DonneeInvalide(champ="date", message=str(exc)) from None
    for palier in paliers:
        if palier["jusqu_a"] is None or annee_naissance <= palier["jusqu_a"]:
            return int(palier["age_mois"])
    raise DonneeInvalide(champ="retraite.age_limite", message="dernier palier non ouvert")


def date_limite_age(*, naissance: date, jeu: JeuParametres) -> date:
    """The day the age limit is reached (the birthday; the statute may move it to the end of the
    month or of the school year — a rule for the personnel module)."""
    mois = age_limite_mois(annee_naissance=naissance.year, jeu=jeu)
    total = naissance.month - 1 + mois
    annee, mois_index = naissance.year + total // 12, total % 12 + 1
    jour = naissance.day
    while True:
        try:
            return date(annee, mois_index, jour)
        except ValueError:  # 29-31 in a shorter month: the last day of that month
            jour -= 1
