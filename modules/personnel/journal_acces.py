"""Reads of personal data, recorded in the tenant's access log (law 09-08).

Placeholder until the access log lands in this session: records nothing yet.
"""

from __future__ import annotations

from collections.abc import Iterable


def consultation(*, acteur: str, nature: str, agent_ids: Iterable[int], details: str = "") -> None:
    """Record that `acteur` read the personal data of these agents (`nature`: fiche, liste,
    export, piece, paie)."""
    return
