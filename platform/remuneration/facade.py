"""What other apps call (acts, payroll checks, forecasts): computations on the reference data in
the database, returning the engine's frozen results.

Store `Bulletin.connu_au` / `Bulletin.empreinte` (or the per-month `LigneMois.parametres`) with any
saved result: passing `connu_au` back replays it with the parameters as they were recorded then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from remuneration.bulletin import Bulletin
from remuneration.difference import Difference, difference, difference_mensuelle
from remuneration.moteur import calculer
from remuneration.situation import mois_lire, situation_lire
from remuneration.sources import ParametresBase


def bulletin_calculer(
    *, situation: Mapping[str, Any], connu_au: datetime | None = None
) -> Bulletin:
    """One situation in the documented input format (its `mois` included)."""
    parametres = ParametresBase(connu_au=connu_au)(mois_lire(situation.get("mois")))
    return calculer(situation=situation_lire(situation, jeu=parametres.jeu), parametres=parametres)


def impact_calculer(
    *,
    avant: Mapping[str, Any],
    apres: Mapping[str, Any],
    du: date,
    au: date,
    mois_paiement: date | None = None,
    connu_au: datetime | None = None,
) -> Difference:
    """Pecuniary impact of an act: monthly deltas and arrears (see difference.py)."""
    source = ParametresBase(connu_au=connu_au)
    jeu = source(du).jeu
    return difference(
        avant=situation_lire(avant, jeu=jeu),
        apres=situation_lire(apres, jeu=jeu),
        du=du,
        au=au,
        mois_paiement=mois_paiement,
        parametres=source,
    )


def impact_mensuel(
    *,
    mois: Sequence[tuple[date, Mapping[str, Any] | None, Mapping[str, Any] | None]],
    mois_paiement: date,
    connu_au: datetime | None = None,
    source: ParametresBase | None = None,
) -> tuple[Difference, datetime]:
    """An act's impact month by month: (month, input before, input after), None for a month
    without pay. Returns the difference and the instant the parameters were read at (store it
    with the act: passing it back as `connu_au` replays the computation)."""
    parametres = source or ParametresBase(connu_au=connu_au)
    lus = [
        (
            premier,
            situation_lire(avant, jeu=parametres(premier).jeu) if avant is not None else None,
            situation_lire(apres, jeu=parametres(premier).jeu) if apres is not None else None,
        )
        for premier, avant, apres in mois
    ]
    return (
        difference_mensuelle(mois=lus, mois_paiement=mois_paiement, parametres=parametres),
        parametres.connu_au,
    )
