"""The problems an import finds: kept compactly while checking, worded only when listed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from modules.personnel.importation import colonnes
from modules.personnel.importation.bilan import ErreurLigne

MAX_ERREURS_LISTEES = 20_000
ORDRE_COLONNES = {code: rang for rang, code in enumerate(("", *colonnes.CODES))}

Message = Callable[[int], tuple[str, str]]  # row index → (problème, correction)


def fixe(probleme: str, correction: str) -> Message:
    """The same words for every line with the problem."""
    return lambda _i: (probleme, correction)


class Erreurs:
    """Every problem found: kept compactly (row index, check), worded only when listed."""

    def __init__(self, lignes: np.ndarray) -> None:
        self.lignes = lignes
        self.masque = np.zeros(len(lignes), dtype=bool)
        self._index: list[np.ndarray] = []
        self._controles: list[np.ndarray] = []
        self._messages: list[tuple[str, pl.Series | None, Message]] = []

    def ajouter(
        self,
        mauvais: pl.Series | np.ndarray,
        colonne: str,
        valeurs: pl.Series | None,
        message: Message,
    ) -> None:
        """Lines where `mauvais` is true have the problem `message` describes, on `colonne`."""
        if isinstance(mauvais, pl.Series):
            mauvais = mauvais.fill_null(False).to_numpy()
        index = np.flatnonzero(mauvais)
        if index.size == 0:
            return
        self.masque[index] = True
        self._index.append(index)
        self._controles.append(np.full(index.size, len(self._messages), dtype=np.int32))
        self._messages.append((colonne, valeurs, message))

    @property
    def total(self) -> int:
        return int(sum(index.size for index in self._index))

    def liste(self, *, maximum: int = MAX_ERREURS_LISTEES) -> list[ErreurLigne]:
        """The first `maximum` problems, in the order of the file's lines and columns."""
        if not self._index:
            return []
        index = np.concatenate(self._index)
        controles = np.concatenate(self._controles)
        rangs = np.array([ORDRE_COLONNES.get(m[0], 0) for m in self._messages])[controles]
        ordre = np.lexsort((controles, rangs, index))[:maximum]
        erreurs = []
        for i, c in zip(index[ordre].tolist(), controles[ordre].tolist(), strict=True):
            colonne, valeurs, message = self._messages[c]
            valeur = valeurs[i] if valeurs is not None else None
            probleme, correction = message(i)
            erreurs.append(
                ErreurLigne(
                    int(self.lignes[i]),
                    colonne,
                    "" if valeur is None else str(valeur),
                    probleme,
                    correction,
                )
            )
        return erreurs
