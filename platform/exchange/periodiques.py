"""Periodic jobs of the gateway (the scheduler discovers `PERIODIQUES`): every hosted
ordonnateur's inbox is processed, one separately retried job per party, so one bad file or one
slow tenant never delays the others."""

from __future__ import annotations

import dramatiq
from django_tenants.utils import get_tenant_model

from exchange import facade, passerelle

INTERVALLE_RECEPTION = 60


@dramatiq.actor(queue_name="default", max_retries=3)
def boite_traiter(partie: str) -> None:
    passerelle.boite_traiter(depot=facade.depot_plateforme(), destinataire=partie)


@dramatiq.actor(queue_name="default", max_retries=0)
def boites_traiter_toutes() -> None:
    codes = (
        get_tenant_model()
        .objects.filter(status="active")
        .exclude(schema_name="public")
        .values_list("code", flat=True)
    )
    for code in codes:
        boite_traiter.send(f"ORD:{code}")


PERIODIQUES = [("exchange_boites", INTERVALLE_RECEPTION, boites_traiter_toutes)]
