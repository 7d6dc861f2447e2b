"""Background jobs of the acts module (the worker imports this module at start-up).

Each runs in the schema of the tenant that sent it (`tenant_actor`). A bulk run is not retried
by dramatiq: a failure is recorded on the run (statut « échec », with the error), what it
committed stays, and the person resumes it from the run's page.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from modules.actes import lots
from tenants.jobs import tenant_actor

logger = logging.getLogger(__name__)

# 300,000 agents take a couple of minutes; leave room for a slow day.
DUREE_MAX_MS = 60 * 60 * 1000


@tenant_actor(queue_name="default", max_retries=0, time_limit=DUREE_MAX_MS)
def lot_generer(lot_id: int) -> None:
    """Generate the acts of a bulk run (the yearly avancement d'échelon)."""
    try:
        lots.lot_executer(lot_id=lot_id, ecriture_parallele=True)
    except Exception as erreur:
        logger.exception("lot %s: generation failed", lot_id)
        lots.lot_echec(
            lot_id=lot_id,
            message=_("La génération s'est arrêtée (%(e)s) : reprenez-la depuis cette page.")
            % {"e": erreur},
        )
        raise
