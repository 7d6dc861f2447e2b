"""What modules may call in the gateway: send a file, plug a receiver in. The transport is the
platform's directory drop (`INDIMAJ_EXCHANGE_DIR`) unless a test or a command gives another."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from exchange import passerelle, ports
from exchange.depot import Depot
from exchange.models import Fichier
from exchange.ports import (
    RapportApplication,
    RefusApplication,
    recepteur_enregistrer,
    reprise_enregistrer,
)

__all__ = [
    "RapportApplication",
    "RefusApplication",
    "depot_plateforme",
    "fichier_emettre",
    "recepteur_enregistrer",
    "reprise_enregistrer",
]


def depot_plateforme() -> Depot:
    return Depot(settings.INDIMAJ_EXCHANGE_DIR)


def fichier_emettre(
    *,
    emetteur: str,
    destinataire: str,
    flux: str,
    enregistrements: Iterable[dict[str, Any]],
    reference: str = "",
    complet: bool = False,
    auteur: str = "passerelle",
    depot: Depot | None = None,
) -> Fichier:
    return passerelle.fichier_emettre(
        depot=depot or depot_plateforme(),
        emetteur=emetteur,
        destinataire=destinataire,
        flux=flux,
        enregistrements=enregistrements,
        reference=reference,
        complet=complet,
        auteur=auteur,
    )


def recepteurs() -> dict[str, ports.Recepteur]:
    return dict(ports.RECEPTEURS)
