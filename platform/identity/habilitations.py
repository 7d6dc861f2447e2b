"""Habilitations (role × perimeter) read from the token's organization claim.

In each tenant's Keycloak Organization, the group `<role>` grants a role on the whole tenant and
`<role>@<UNIT_CODE>` grants it on that unit's subtree (ADR 0002).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TENANT_ROLES = ("admin", "gestionnaire", "valideur", "budget", "paie", "lecture")


@dataclass(frozen=True, order=True)
class Habilitation:
    role: str
    unit: str | None = None  # None: the whole tenant

    @property
    def group_name(self) -> str:
        return self.role if self.unit is None else f"{self.role}@{self.unit}"

    @classmethod
    def from_group(cls, path: str) -> Habilitation | None:
        """`/gestionnaire@FES` → Habilitation("gestionnaire", "FES"); unknown roles → None."""
        name = path.rsplit("/", 1)[-1]
        role, _, unit = name.partition("@")
        if role not in TENANT_ROLES or (unit == "" and "@" in name):
            return None
        return cls(role=role, unit=unit or None)


def habilitations_of(claims: dict[str, Any], *, organization: str) -> frozenset[Habilitation]:
    """The habilitations the token grants in one organization (none if it is not named)."""
    value = claims.get("organization")
    if not isinstance(value, dict):
        return frozenset()
    groups = (value.get(organization) or {}).get("groups") or []
    found = (Habilitation.from_group(str(group)) for group in groups)
    return frozenset(h for h in found if h is not None)


def to_session(habilitations: frozenset[Habilitation]) -> list[list[str | None]]:
    return [[h.role, h.unit] for h in sorted(habilitations)]


def from_session(value: list[list[str | None]] | None) -> frozenset[Habilitation]:
    return frozenset(Habilitation(role=str(role), unit=unit) for role, unit in value or [])
