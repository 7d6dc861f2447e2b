"""The acts fixtures (units, posts, agents of tenant A; `rediger`) for the exchange suites."""

from modules.actes.tests.conftest import postes_a, rediger  # noqa: F401  (fixtures)
from modules.personnel.tests.conftest import (  # noqa: F401  (fixtures)
    creer_agent,
    dans_a,
    referentiel,
    unites_a,
)
