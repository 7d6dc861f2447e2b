"""Fixtures of the paie suites: the personnel fixtures (units, posts, agents of tenant A)."""

from modules.personnel.tests.conftest import (  # noqa: F401  (fixtures)
    creer_agent,
    dans_a,
    postes_a,
    referentiel,
    unites_a,
)
