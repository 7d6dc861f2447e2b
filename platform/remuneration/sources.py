"""Where a month's parameters come from: the database (bitemporal, as known at an instant) or the
fixture files (tests, offline tools). Both resolve through `referentiel.resolution`."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from referentiel import fixtures_io, selectors
from referentiel.resolution import Enregistrement, JeuParametres, jeu_resoudre
from remuneration.erreurs import DonneeInvalide
from remuneration.parametres import ParametresPaie, parametres_depuis_jeu


@lru_cache(maxsize=1)
def _enregistrements_fixtures() -> tuple[Enregistrement, ...]:
    return tuple(fixtures_io.enregistrements_fixtures())


def jeu_fixtures(le: date) -> JeuParametres:
    return jeu_resoudre(
        enregistrements=_enregistrements_fixtures(), le=le, connu_au=fixtures_io.EPOQUE_FIXTURES
    )


@lru_cache(maxsize=256)
def parametres_fixtures(le: date) -> ParametresPaie:
    """The parameters of the fixture files in force on `le` (no database)."""
    return parametres_depuis_jeu(jeu_fixtures(le))


class ParametresBase:
    """Parameters read from the database as known at one instant, cached per month.

    One instance per computation run: every month it serves is resolved at the same `connu_au`,
    which the computation records to be replayed later."""

    def __init__(self, *, connu_au: datetime | None = None) -> None:
        from django.utils import timezone

        self.connu_au = connu_au or timezone.now()
        self._cache: dict[date, ParametresPaie] = {}

    def jeu(self, le: date) -> JeuParametres:
        jeu = selectors.jeu_parametres(le=le, connu_au=self.connu_au)
        if not jeu.valeurs and not selectors.parametres_existent():
            raise DonneeInvalide(
                champ="parametres",
                message="référentiel vide : lancez « manage.py referentiel charger »",
            )
        return jeu

    def __call__(self, le: date) -> ParametresPaie:
        if le not in self._cache:
            self._cache[le] = parametres_depuis_jeu(self.jeu(le))
        return self._cache[le]
