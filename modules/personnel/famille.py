"""Children counted for allocations familiales and IR dependants, derived from birth dates.

The two counts differ (domain notes §3.3) and are never reused for one another. The age limits
are NOT verified against the décret on allocations familiales nor the CGI ([GK] in the domain
notes); they are constants here, named and documented, until a sourced parameter replaces them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

AGE_LIMITE_ALLOCATIONS = 21  # unverified [GK]
AGE_LIMITE_IR = 21  # unverified [GK]
AGE_LIMITE_IR_ETUDES = 25  # unverified [GK]


class EnfantLu(Protocol):
    date_naissance: date
    handicape: bool
    scolarise: bool
    date_deces: date | None


@dataclass(frozen=True)
class Charges:
    enfants_allocations: int
    personnes_a_charge_ir: int


def _age(naissance: date, le: date) -> int:
    return le.year - naissance.year - ((le.month, le.day) < (naissance.month, naissance.day))


def charges_au(*, enfants: Iterable[EnfantLu], conjoint_a_charge: bool, le: date) -> Charges:
    vivants = [
        e for e in enfants if e.date_naissance <= le and (e.date_deces is None or e.date_deces > le)
    ]
    allocations = sum(
        1 for e in vivants if e.handicape or _age(e.date_naissance, le) < AGE_LIMITE_ALLOCATIONS
    )
    ir = sum(
        1
        for e in vivants
        if e.handicape
        or _age(e.date_naissance, le) < (AGE_LIMITE_IR_ETUDES if e.scolarise else AGE_LIMITE_IR)
    )
    return Charges(
        enfants_allocations=allocations, personnes_a_charge_ir=ir + (1 if conjoint_a_charge else 0)
    )
