"""Where a month's parameters come from: the database (bitemporal, as known at an instant) or the
fixture files (tests, offline tools). Both resolve through `referentiel.resolution`."""

from __future__ import annotations

import threading
from collections import OrderedDict
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


_PARAMETRES_MAX = 1024
_parametres: OrderedDict[tuple[date, selectors.EtatParametres, datetime], ParametresPaie] = (
    OrderedDict()
)
_parametres_verrou = threading.Lock()


def parametres_cache_vider() -> None:
    """Forget the cached parameters (never needed for correctness; see `ParametresBase`)."""
    with _parametres_verrou:
        _parametres.clear()
    selectors.jeux_cache_vider()


class ParametresBase:
    """Parameters read from the database as known at one instant.

    One instance per computation run: every month it serves is resolved at the same `connu_au`,
    which the computation records to be replayed later. Without an explicit instant, `connu_au`
    is the instant of the latest recording (not "now"): it names the same parameters and lets
    computations share them.

    The parameters of a month are cached in the process, keyed on (month, state of the
    recordings, `connu_au`) — see `referentiel.selectors`: the state is read once per instance
    (one aggregate query), so a new recording is seen by the next computation, and the months
    of every act of every tenant are resolved and converted once. `cache=False` reads and
    converts every month again (the benchmarks' baseline)."""

    def __init__(self, *, connu_au: datetime | None = None, cache: bool = True) -> None:
        self._demande = connu_au
        self._cache_actif = cache
        self._etat: selectors.EtatParametres | None = None
        self._connu_au: datetime | None = None
        self._mois: dict[date, ParametresPaie] = {}

    @property
    def etat(self) -> selectors.EtatParametres:
        if self._etat is None:
            from django.utils import timezone

            instant = self._demande or timezone.now()
            self._etat = selectors.parametres_etat(connu_au=instant)
            self._connu_au = self._demande or self._etat.instant or instant
        return self._etat

    @property
    def connu_au(self) -> datetime:
        if self._connu_au is None:
            if not self._cache_actif and self._demande is None:
                from django.utils import timezone

                self._connu_au = timezone.now()
            else:
                _ = self.etat
        assert self._connu_au is not None
        return self._connu_au

    def jeu(self, le: date) -> JeuParametres:
        if self._cache_actif:
            jeu = selectors.jeu_parametres(le=le, connu_au=self.connu_au, etat=self.etat)
            vide = not jeu.valeurs and self.etat.nombre == 0
        else:
            jeu = selectors.jeu_parametres(le=le, connu_au=self.connu_au, cache=False)
            vide = not jeu.valeurs and not selectors.parametres_existent()
        if vide:
            raise DonneeInvalide(
                champ="parametres",
                message="référentiel vide : lancez « manage.py referentiel charger »",
            )
        return jeu

    def __call__(self, le: date) -> ParametresPaie:
        if le in self._mois:
            return self._mois[le]
        if not self._cache_actif:
            self._mois[le] = parametres_depuis_jeu(self.jeu(le))
            return self._mois[le]
        cle = (le, self.etat, self.connu_au)
        with _parametres_verrou:
            parametres = _parametres.get(cle)
            if parametres is not None:
                _parametres.move_to_end(cle)
        if parametres is None:
            parametres = parametres_depuis_jeu(self.jeu(le))
            with _parametres_verrou:
                _parametres[cle] = parametres
                while len(_parametres) > _PARAMETRES_MAX:
                    _parametres.popitem(last=False)
        self._mois[le] = parametres
        return parametres
