"""Checks and reference lookups shared by several act types."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from modules.actes.types.base import Anomalie, Contexte
from referentiel import selectors as referentiel
from referentiel.resolution import JeuParametres

POSITION_CESSATION = "cessation"
POSITION_ACTIVITE = "activite"


def jeu(le: date) -> JeuParametres:
    return referentiel.jeu_parametres(le=le)


def classement(grade: str, le: date) -> dict[str, str] | None:
    """{"echelle", "grille"} of a grade on a date, or None when unknown then."""
    trouve = jeu(le).valeurs.get(f"grade.{grade}")
    return dict(trouve.valeur) if trouve is not None else None


def echelon_ligne(grille: str, echelon: str, le: date) -> dict[str, int | None] | None:
    """{"indice", "duree_mois"} of an échelon of a grid, or None."""
    trouve = jeu(le).valeurs.get(f"grille.{grille}.{echelon}")
    return dict(trouve.valeur) if trouve is not None else None


def echelon_suivant(echelon: str) -> str:
    return str(int(echelon) + 1) if echelon.isdigit() else ""


def mois_entre(debut: date, fin: date) -> int:
    """Whole months from `debut` to `fin`."""
    return (fin.year - debut.year) * 12 + fin.month - debut.month - (fin.day < debut.day)


def ajouter_mois(depart: date, mois: int) -> date:
    total = depart.month - 1 + mois
    annee, index = depart.year + total // 12, total % 12 + 1
    jour_ = depart.day
    while True:
        try:
            return date(annee, index, jour_)
        except ValueError:
            jour_ -= 1


def agent_actif(ctx: Contexte) -> list[Anomalie]:
    """The agent must have a known situation before the act and not have left."""
    anomalies: list[Anomalie] = []
    if ctx.situation is None or not ctx.situation.connue:
        anomalies.append(
            Anomalie(
                _(
                    "L'agent n'a pas de situation connue avant le %(date)s : vérifiez la date "
                    "d'effet (antérieure à son recrutement ?)."
                )
                % {"date": ctx.date_effet.strftime("%d/%m/%Y")},
                champ="date_effet",
            )
        )
    elif ctx.situation.position == POSITION_CESSATION:
        anomalies.append(
            Anomalie(
                _(
                    "L'agent a cessé ses fonctions (retraite, sortie) avant cette date : aucun "
                    "acte de carrière ne peut plus le concerner."
                ),
                champ="date_effet",
            )
        )
    return anomalies


def doublon(ctx: Contexte, code: str) -> list[Anomalie]:
    if code in ctx.en_cours:
        return [
            Anomalie(
                _(
                    "Un autre acte du même type est déjà en cours pour cet agent : vérifiez "
                    "qu'il ne s'agit pas d'un doublon."
                ),
                bloquant=False,
            )
        ]
    return []
