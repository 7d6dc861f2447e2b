"""The ports through which modules plug into the gateway (the kernel never imports a module).

A module registers at start-up (its AppConfig.ready) one *receiver* per incoming stream: a
function that applies a verified file's records inside the tenant's schema and the gateway's
transaction, and returns counts. It may raise `RefusApplication` to send the whole file to
quarantine with a readable reason (nothing is applied).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from exchange.protocole.manifeste import Manifeste


@dataclass
class RapportApplication:
    appliques: int = 0
    ignores: int = 0  # records that change nothing (an older snapshot, a replayed response)
    signales: int = 0  # records kept but flagged for review (unknown agent, disagreement)
    remarques: list[str] = field(default_factory=list)  # readable, no personal data

    def en_dict(self) -> dict[str, Any]:
        return {
            "appliques": self.appliques,
            "ignores": self.ignores,
            "signales": self.signales,
            "remarques": self.remarques[:50],
        }


class RefusApplication(Exception):
    """The module cannot apply this file at all; the message says why, for the operator."""


class Recepteur(Protocol):
    def __call__(
        self, *, manifeste: Manifeste, enregistrements: Iterator[dict[str, Any]]
    ) -> RapportApplication: ...


RECEPTEURS: dict[str, Recepteur] = {}
# Streams whose receiver also takes `charge`, the verified payload's path: a receiver that loads
# a large file set-based (PostgreSQL's COPY of the raw lines) instead of record by record. Such
# a receiver checks every line's schema itself, reading the payload with
# `protocole.fichiers.structures_lire` (the gateway has checked the signature, the digest and the
# count, not the lines: one pass over 300,000 lines instead of two); its E-SCHEMA rolls back.
RECEPTEURS_CHARGE: set[str] = set()
# Called after a file was applied for a tenant (notifications), outside the transaction.
APRES_INTEGRATION: list[Callable[[str, Manifeste], None]] = []


# The ordonnateur's population for the Treasury's initial copy (`manage.py echange
# reprise_tresor`): called inside the tenant's schema with the month, yields one dict per agent.
Reprise = Callable[..., Iterator[dict[str, Any]]]
REPRISES: list[Reprise] = []


def reprise_enregistrer(reprise: Reprise) -> None:
    if reprise not in REPRISES:
        REPRISES.append(reprise)


def recepteur_enregistrer(flux: str, recepteur: Recepteur, *, charge: bool = False) -> None:
    if flux in RECEPTEURS and RECEPTEURS[flux] is not recepteur:
        raise RuntimeError(f"un récepteur est déjà enregistré pour le flux {flux}")
    RECEPTEURS[flux] = recepteur
    if charge:
        RECEPTEURS_CHARGE.add(flux)
