"""What an import answers: its counts and every problem, line by line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class ErreurLigne(NamedTuple):
    """One problem: where (line, column), the value read, what is wrong and how to fix it.

    `ligne` is the line of the file (the header is line 1); 0 means the file as a whole.
    """

    ligne: int
    colonne: str
    valeur: str
    probleme: str
    correction: str


@dataclass(frozen=True)
class BilanImport:
    """The outcome of `importer_fichier`. With `simulation`, the counts say what applying would
    do; `applique` says whether anything was written."""

    lignes: int
    crees: int
    modifies: int
    inchanges: int
    erreurs: list[ErreurLigne]
    applique: bool
    empreinte: str = ""
    # Problems found in all (`erreurs` lists the first MAX_ERREURS_LISTEES of them).
    erreurs_total: int = 0
    lignes_en_erreur: int = 0
    evenements: int = 0
    enfants: int = 0
    secondes: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def lignes_valides(self) -> int:
        return self.lignes - self.lignes_en_erreur
