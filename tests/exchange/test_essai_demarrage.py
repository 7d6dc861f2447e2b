"""The onboarding wizard's test exchange, with the Treasury simulator as a real process: the
admin launches it, the simulator acknowledges, the step turns done."""

from __future__ import annotations

import re

from exchange import passerelle
from tests.exchange.conftest import attendre


def test_essai_de_raccordement(tresor, tenant_a, login_client, django_capture_on_commit_callbacks):
    depot, _etat = tresor
    client = login_client(tenant_a, username="admin.essai", roles=("admin",))
    with django_capture_on_commit_callbacks(execute=True):
        envoi = client.post("/demarrage/", {"action": "echange_essai"})
    assert envoi.status_code == 302
    page = client.get("/demarrage/")
    assert re.search(r'<li id="etape-echange" data-statut="en_cours"', page.text)
    partie = f"ORD:{tenant_a.code}"
    attendre(lambda: len(depot.complets(partie)) >= 1, "l'accusé du Trésor")
    with django_capture_on_commit_callbacks(execute=True):
        (accuse,) = passerelle.boite_traiter(depot=depot, destinataire=partie)
    assert accuse.flux == "essai"
    assert accuse.resultat["appliques"] == 1
    page = client.get("/demarrage/")
    assert re.search(r'<li id="etape-echange" data-statut="fait"', page.text)
    assert "Accusé de réception du Trésor reçu le" in page.text
