"""The acts' state machine: which transitions exist and who may make them. Pure, no database.

    brouillon → validé → transmis → pris_en_charge → visé → intégré_paie
                                         ├→ rejeté ─────┐
                                         └→ en_suspens ─┼→ brouillon (new version) → …
    brouillon, validé, rejeté, en_suspens → annulé

`validé → brouillon` sends a draft back to its author. Only the Treasury side (the exchange,
or the service API standing in for it) moves an act past `transmis`. A version that was
rejected is never visé: the act goes back to `brouillon` with a new version number, and a
response about an older version is refused.
"""

from __future__ import annotations

from enum import StrEnum

from modules.actes.models import Etat


class Partie(StrEnum):
    """Who moves an act: the clerk drafting it, the signatory validating it, the Treasury."""

    GESTIONNAIRE = "gestionnaire"
    VALIDEUR = "valideur"
    TRESOR = "tresor"


TRANSITIONS: dict[tuple[Etat, Etat], frozenset[Partie]] = {
    (Etat.BROUILLON, Etat.VALIDE): frozenset({Partie.VALIDEUR}),
    (Etat.VALIDE, Etat.BROUILLON): frozenset({Partie.VALIDEUR}),
    (Etat.VALIDE, Etat.TRANSMIS): frozenset({Partie.VALIDEUR}),
    (Etat.TRANSMIS, Etat.PRIS_EN_CHARGE): frozenset({Partie.TRESOR}),
    (Etat.PRIS_EN_CHARGE, Etat.VISE): frozenset({Partie.TRESOR}),
    (Etat.PRIS_EN_CHARGE, Etat.REJETE): frozenset({Partie.TRESOR}),
    (Etat.PRIS_EN_CHARGE, Etat.EN_SUSPENS): frozenset({Partie.TRESOR}),
    (Etat.EN_SUSPENS, Etat.PRIS_EN_CHARGE): frozenset({Partie.TRESOR}),
    (Etat.EN_SUSPENS, Etat.REJETE): frozenset({Partie.TRESOR}),
    (Etat.REJETE, Etat.BROUILLON): frozenset({Partie.GESTIONNAIRE}),
    (Etat.EN_SUSPENS, Etat.BROUILLON): frozenset({Partie.GESTIONNAIRE}),
    (Etat.VISE, Etat.INTEGRE_PAIE): frozenset({Partie.TRESOR}),
    (Etat.BROUILLON, Etat.ANNULE): frozenset({Partie.GESTIONNAIRE, Partie.VALIDEUR}),
    (Etat.VALIDE, Etat.ANNULE): frozenset({Partie.VALIDEUR}),
    (Etat.REJETE, Etat.ANNULE): frozenset({Partie.GESTIONNAIRE, Partie.VALIDEUR}),
    (Etat.EN_SUSPENS, Etat.ANNULE): frozenset({Partie.GESTIONNAIRE, Partie.VALIDEUR}),
}

# States in which the act's content may still be edited (its current version, not yet sent).
MODIFIABLES = frozenset({Etat.BROUILLON})
# States after which the act is over.
FINAUX = frozenset({Etat.INTEGRE_PAIE, Etat.ANNULE})
# Responses of the Treasury that close a version.
ISSUES = {Etat.VISE: "vise", Etat.REJETE: "rejete", Etat.EN_SUSPENS: "en_suspens"}


def possible(de: str, vers: str) -> bool:
    return (Etat(de), Etat(vers)) in TRANSITIONS


def autorise(de: str, vers: str, partie: Partie) -> bool:
    return partie in TRANSITIONS.get((Etat(de), Etat(vers)), frozenset())


def suivants(de: str, partie: Partie | None = None) -> list[Etat]:
    """The states reachable from `de` in one step (by `partie` when given)."""
    return [
        vers
        for (depart, vers), parties in TRANSITIONS.items()
        if depart == de and (partie is None or partie in parties)
    ]
