"""The personnel side of the national PPR registry (tenants.registre holds the table)."""

from __future__ import annotations

from tenants import registre


def ppr_inscrire(*, ppr: str) -> None:
    registre.inscrire(ppr=ppr)
