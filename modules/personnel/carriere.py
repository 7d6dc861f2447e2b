"""The situation at a date, folded from the career events. Pure: no database.

Rules:
- an event superseded by a correction or an annulation no longer counts;
- an annulation counts for nothing; a correction counts at its own date with its own values
  (it restates the corrected event whole);
- events apply in order of effect date, then recording instant; each sets the fields it gives
  and leaves the others as they were;
- the quotité (share of the traitement paid, in percent) is set by an event that gives one; an
  event that sets a position without a quotité brings it back to 100 (a reprise, a new
  position: full pay unless the act says otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Protocol, TypeVar

from modules.personnel.models import CHAMPS_SITUATION, NatureEvenement


class EvenementLu(Protocol):
    id: int
    nature: str
    date_effet: date
    enregistre_le: datetime
    remplace_id: int | None
    statut: str
    corps_code: str
    grade_code: str
    echelle: str
    echelon: str
    indice: int | None
    position: str
    unite_code: str
    poste_code: str


@dataclass(frozen=True)
class SituationAdministrative:
    le: date
    statut: str = ""
    corps_code: str = ""
    grade_code: str = ""
    echelle: str = ""
    echelon: str = ""
    indice: int | None = None
    position: str = ""
    unite_code: str = ""
    poste_code: str = ""
    depuis: date | None = None  # effect date of the last event applied
    quotite: int = 100  # percent of the traitement paid (congé de maladie's half pay: 50)

    @property
    def connue(self) -> bool:
        return self.depuis is not None

    def valeurs(self) -> dict[str, object]:
        return {champ: getattr(self, champ) for champ in CHAMPS_SITUATION}


E = TypeVar("E", bound=EvenementLu)


def evenements_en_vigueur(evenements: Iterable[E]) -> list[E]:
    """The events that still count, in the order they apply."""
    tous = list(evenements)
    remplaces = {e.remplace_id for e in tous if e.remplace_id is not None}
    retenus = [e for e in tous if e.id not in remplaces and e.nature != NatureEvenement.ANNULATION]
    return sorted(retenus, key=lambda e: (e.date_effet, e.enregistre_le, e.id))


def situation_plier(evenements: Sequence[EvenementLu], *, le: date) -> SituationAdministrative:
    situation = SituationAdministrative(le=le)
    for evenement in evenements_en_vigueur(evenements):
        if evenement.date_effet > le:
            break
        changes: dict[str, object] = {
            champ: getattr(evenement, champ)
            for champ in CHAMPS_SITUATION
            if getattr(evenement, champ) not in ("", None)
        }
        quotite = getattr(evenement, "quotite", None)
        if quotite is not None:
            changes["quotite"] = quotite
        elif "position" in changes:
            changes["quotite"] = 100
        situation = replace(situation, depuis=evenement.date_effet, **changes)  # type: ignore[arg-type]
    return situation
