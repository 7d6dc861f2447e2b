"""Background jobs of the personnel module (the worker imports this module at start-up).

Each runs in the schema of the tenant that sent it (`tenant_actor`). An import is not retried
by dramatiq: a failed run is recorded on the import (statut « échec ») and in the dead letters,
and the person deposits the file again.
"""

from __future__ import annotations

from modules.personnel.importation import suivi
from tenants.jobs import tenant_actor

# 300,000 lines take about a minute; leave room for a slow day.
DUREE_MAX_MS = 30 * 60 * 1000


@tenant_actor(queue_name="default", max_retries=0, time_limit=DUREE_MAX_MS)
def import_verifier(import_id: int) -> None:
    """Dry run of a deposited file: the line-by-line report, nothing written."""
    suivi.import_verification_executer(import_id=import_id)


@tenant_actor(queue_name="default", max_retries=0, time_limit=DUREE_MAX_MS)
def import_appliquer(import_id: int) -> None:
    """Application of a checked file, all or nothing (or its valid lines only)."""
    suivi.import_application_executer(import_id=import_id)
