"""Writes to the audit chain of the current schema, and to its personal-data access log."""

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from audit.context import request_id_var
from audit.models import AuditEvent, NatureAcces

GENESIS = "0" * 64


def _digest(*, prev_hash: str, seq: int, fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"prev": prev_hash, "seq": seq, **fields},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def audit_record(
    *,
    actor: str,
    action: str,
    object_type: str = "",
    object_id: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the current schema's chain, inside the caller's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the audited write")
    with connection.cursor() as cursor:
        # One writer at a time per chain; other schemas' chains are not blocked.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':audit'))")
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    seq = (last["seq"] + 1) if last else 1
    prev_hash = last["hash"] if last else GENESIS
    fields = {
        "occurred_at": timezone.now().isoformat(),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "data": data or {},
        "request_id": request_id_var.get() if request_id_var.get() != "-" else "",
    }
    return AuditEvent.objects.create(
        seq=seq,
        prev_hash=prev_hash,
        hash=_digest(prev_hash=prev_hash, seq=seq, fields=fields),
        **fields,
    )


@transaction.atomic
def audit_verify() -> list[str]:
    """Every break in the current schema's chain, as readable lines (empty when intact)."""
    problems: list[str] = []
    prev_hash, expected_seq = GENESIS, 1
    for event in AuditEvent.objects.order_by("seq").iterator():
        if event.seq != expected_seq:
            problems.append(f"séquence {expected_seq} manquante (trouvé {event.seq})")
        fields = {
            "occurred_at": event.occurred_at.isoformat(),
            "actor": event.actor,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "data": event.data,
            "request_id": event.request_id,
        }
        if event.prev_hash != prev_hash:
            problems.append(f"#{event.seq}: chaînage rompu (hash précédent différent)")
        if _digest(prev_hash=event.prev_hash, seq=event.seq, fields=fields) != event.hash:
            problems.append(f"#{event.seq}: contenu modifié")
        prev_hash, expected_seq = event.hash, event.seq + 1
    return problems


# One statement whatever the number of agents: the ids travel as one array and PostgreSQL
# unnests them (a list page of 50 agents, an export of 300,000).
_ACCES_INSERER = """
INSERT INTO audit_acces (instant, acteur, nature, agent_id, request_id, details)
SELECT %s, %s, %s, agent_id, %s, %s FROM unnest(%s::bigint[]) AS agent_id
"""


def acces_enregistrer(
    *,
    acteur: str,
    nature: str,
    agent_ids: Iterable[int],
    details: str = "",
    instant: datetime | None = None,
) -> int:
    """Record that `acteur` read these agents' personal data: one row per agent, in the current
    schema's access log (not in the chain: reads are many and need no sealing, law 09-08 asks
    that they be traceable). Returns the number of rows written.

    Runs in the caller's transaction if there is one, else commits at once. A failure raises:
    a read that cannot be logged is not served.
    """
    if nature not in NatureAcces.values:
        raise ValueError(f"nature d'accès inconnue : {nature!r}")
    ids = list(dict.fromkeys(int(i) for i in agent_ids))  # each agent once, in order
    if not ids:
        return 0
    request_id = request_id_var.get()
    with connection.cursor() as cursor:
        cursor.execute(
            _ACCES_INSERER,
            [
                instant or timezone.now(),
                acteur[:255],
                nature,
                "" if request_id == "-" else request_id[:64],
                details,
                ids,
            ],
        )
    return len(ids)
