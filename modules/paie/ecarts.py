"""HR ↔ pay comparison of a month (set-based): see docs/paie.md."""

from __future__ import annotations

AUTEUR_SYSTEME = "système (comparaison RH ↔ paie)"


def ecarts_calculer(*, mois_id: int, auteur: str) -> int:
    """Refresh the month's gap work list; returns the number of open gaps.

    Placeholder signature committed first so the ingestion can call it; the comparison
    itself lands in the next commits.
    """
    raise NotImplementedError("comparaison RH ↔ paie en cours d'écriture")
