"""Perimeters: which subtrees of the unit tree a set of habilitations covers (ADR 0002).

Pure values, no database: `selectors` turns a perimeter into rows or codes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from identity.habilitations import Habilitation


@dataclass(frozen=True)
class Perimetre:
    """The whole tenant (`tout`), or the subtrees rooted at the units coded `racines`."""

    tout: bool = False
    racines: frozenset[str] = frozenset()

    @classmethod
    def depuis(
        cls, habilitations: Iterable[Habilitation], *, roles: Collection[str] | None = None
    ) -> Perimetre:
        """The union of the habilitations' perimeters, counting only `roles` when given.

        A habilitation without unit covers the whole tenant; `role@CODE` covers CODE's subtree.
        A code that names no unit covers nothing (fail closed).
        """
        retained = [h for h in habilitations if roles is None or h.role in roles]
        if any(h.unit is None for h in retained):
            return cls(tout=True)
        return cls(racines=frozenset(str(h.unit) for h in retained))

    @property
    def vide(self) -> bool:
        return not self.tout and not self.racines


TOUT = Perimetre(tout=True)
