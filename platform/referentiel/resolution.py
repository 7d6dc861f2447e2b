"""Bitemporal resolution of pay parameters, without the database.

A parameter value is a *recording*: it applies from `valide_du` (valid time) and was recorded at
`enregistre_le` (transaction time). A correction is a new recording, never an update. The value in
force on a date, as known at an instant, is: among the recordings made at or before that instant,
keep the latest recording of each `valide_du`, then the one with the greatest `valide_du` on or
before the date. The database selectors and the fixture files feed this same function, so the
engine sees the same parameters whichever way they were read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


class ParametreIntrouvable(LookupError):
    """No recording of a parameter applies on the date asked (French message, names the code)."""

    def __init__(self, *, code: str, le: date) -> None:
        self.code = code
        self.le = le
        super().__init__(
            f"aucune valeur du paramètre « {code} » n'est en vigueur le {le.isoformat()}"
        )


@dataclass(frozen=True)
class Enregistrement:
    """One recording of a parameter value (a row of `referentiel.Parametre` or of a fixture)."""

    code: str
    valide_du: date
    enregistre_le: datetime
    valeur: Any
    source: str
    statut: str
    version: str  # stable identifier of this recording: the database id, or "fixture:<file>#n"


@dataclass(frozen=True)
class ValeurEnVigueur:
    code: str
    valeur: Any
    valide_du: date
    source: str
    statut: str
    version: str


@dataclass(frozen=True)
class JeuParametres:
    """Every parameter in force on `le`, as known at `connu_au`."""

    le: date
    connu_au: datetime
    valeurs: Mapping[str, ValeurEnVigueur]

    def valeur(self, code: str) -> ValeurEnVigueur:
        try:
            return self.valeurs[code]
        except KeyError:
            raise ParametreIntrouvable(code=code, le=self.le) from None

    def versions(self) -> dict[str, str]:
        return {code: v.version for code, v in sorted(self.valeurs.items())}

    def empreinte(self) -> str:
        """A short digest of the versions used: equal digests mean equal parameters.

        Memoised on the instance (a set never changes, and a cached set serves every
        computation of its month: the engine asks for the digest on each payslip)."""
        deja: str | None = self.__dict__.get("_empreinte")
        if deja is None:
            canonical = json.dumps(self.versions(), sort_keys=True, separators=(",", ":"))
            deja = hashlib.sha256(canonical.encode()).hexdigest()[:16]
            object.__setattr__(self, "_empreinte", deja)
        return deja

    def valeur_json(self, code: str) -> str:
        """A parameter's value as canonical JSON (the explanation trace's form), memoised."""
        memo: dict[str, str] | None = self.__dict__.get("_valeurs_json")
        if memo is None:
            memo = {}
            object.__setattr__(self, "_valeurs_json", memo)
        texte = memo.get(code)
        if texte is None:
            texte = json.dumps(self.valeur(code).valeur, ensure_ascii=False, sort_keys=True)
            memo[code] = texte
        return texte


def jeu_resoudre(
    *, enregistrements: Iterable[Enregistrement], le: date, connu_au: datetime
) -> JeuParametres:
    """The parameter set in force on `le` as known at `connu_au` (see the module docstring)."""
    latest: dict[tuple[str, date], Enregistrement] = {}
    for rec in enregistrements:
        if rec.enregistre_le > connu_au or rec.valide_du > le:
            continue
        key = (rec.code, rec.valide_du)
        current = latest.get(key)
        if current is None or rec.enregistre_le > current.enregistre_le:
            latest[key] = rec
    chosen: dict[str, Enregistrement] = {}
    for (code, valide_du), rec in latest.items():
        current = chosen.get(code)
        if current is None or valide_du > current.valide_du:
            chosen[code] = rec
    return JeuParametres(
        le=le,
        connu_au=connu_au,
        valeurs={
            code: ValeurEnVigueur(
                code=code,
                valeur=rec.valeur,
                valide_du=rec.valide_du,
                source=rec.source,
                statut=rec.statut,
                version=rec.version,
            )
            for code, rec in chosen.items()
        },
    )
